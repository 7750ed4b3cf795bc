import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { call, type Dispatch } from '../../src/main/api/dispatcher';
import type { Patient } from '../../src/shared/api/patients';
import { addDays, addMonthsClamped, chinaLocalDate } from '../../src/shared/dates';
import { makeResidentId } from '../../src/shared/resident-id';
import { createAdmin, launch, type E2eContext } from './browser';

let ctx: E2eContext | undefined;
afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

/**
 * Chromium's PDF maps some glyphs of Noto Sans CJK back to radicals: Kangxi radicals (⾼ for 高), which NFKC folds,
 * and CJK Radicals Supplement simplified forms (⺠ 民, ⻔ 门, ⻚ 页, ⻝ 食 …), which it does not; these are folded here.
 */
const RADICAL_SUPPLEMENT: Record<string, string> = { '⺠': '民', '⻔': '门', '⻚': '页', '⻅': '见', '⻓': '长', '⻢': '马', '⻋': '车', '⻝': '食' };
const fold = (text: string) =>
  text
    .normalize('NFKC')
    .replace(/[\u2E80-\u2EFF]/g, (c) => RADICAL_SUPPLEMENT[c] ?? c)
    .replace(/\s+/g, '');

/** Pages, first page size in pt and the text of each page, as pdfjs reads a printed PDF. */
/** A resident with a phone, registered through the API and enrolled for hypertension on the given day. */
async function enrolledResident(
  d: Dispatch,
  who: { name: string; birthDate: string; seq: number; village: string; address?: string },
  enrolledOn: string,
): Promise<Patient> {
  const registered = await call(d, 'patients', 'register', {
    name: who.name,
    idNumber: makeResidentId('130321', who.birthDate, who.seq),
    phone: `1390000${String(who.seq).padStart(4, '0')}`,
    village: who.village,
    address: who.address,
    confirmNotDuplicate: true,
  });
  if (registered.status !== 'created') throw new Error('registration failed');
  await call(d, 'followup', 'enrol', { patientId: registered.patient.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn });
  return registered.patient;
}

async function pdfFacts(bytes: Buffer): Promise<{ pages: number; width: number; height: number; texts: string[] }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;
  const texts: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    texts.push(fold(content.items.map((item) => ('str' in item ? item.str : '')).join('')));
  }
  const [x0, y0, x1, y1] = (await doc.getPage(1)).view;
  return { pages: doc.numPages, width: x1 - x0, height: y1 - y0, texts };
}

const A4 = { width: 595.3, height: 841.9 };

async function printed(page: Page, name: string): Promise<Awaited<ReturnType<typeof pdfFacts>>> {
  await page.locator('[data-print-ready="true"]').waitFor();
  const bytes = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  writeFileSync(path.join(tmpdir(), `forms-${name}.pdf`), bytes);
  const facts = await pdfFacts(bytes);
  expect(Math.abs(facts.width - A4.width)).toBeLessThan(1);
  expect(Math.abs(facts.height - A4.height)).toBeLessThan(1);
  return facts;
}

/**
 * Grey in a rendered PDF page (pdftoppm, 8-bit grey PGM): the share of pixels that are light grey (230–250, a fill
 * such as #f5f7fa or #e9edf2), not white paper and not black ink. Anti-aliased text edges make a few; a block behind a
 * table makes a large share.
 */
function lightGreyShare(pdf: Buffer): number {
  const dir = mkdtempSync(path.join(tmpdir(), 'tws-forms-'));
  try {
    writeFileSync(path.join(dir, 'page.pdf'), pdf);
    execFileSync('pdftoppm', ['-gray', '-r', '50', '-f', '1', '-l', '1', path.join(dir, 'page.pdf'), path.join(dir, 'page')]);
    const file = ['page-1.pgm', 'page-01.pgm'].map((f) => path.join(dir, f)).find((f) => existsSync(f))!;
    const bytes = readFileSync(file);
    // P5 header: magic, width, height, maxval, each followed by whitespace, then one byte a pixel.
    const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(bytes.subarray(0, 64).toString('latin1'))!;
    const pixels = bytes.subarray(header[0].length);
    let grey = 0;
    for (const value of pixels) if (value >= 230 && value <= 250) grey++;
    return grey / pixels.length;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function havePoppler(): boolean {
  try {
    execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('national printed forms (harness + Chromium, zh-CN)', () => {
  it('prints the follow-up record form four visits a sheet, the two-way referral form, and the call list without a grey block', async () => {
    ctx = await launch();
    const { page } = ctx;
    await createAdmin(page);
    const d = ctx.harness.services.dispatch;
    const today = chinaLocalDate(new Date());
    const patient = await enrolledResident(
      d,
      { name: '郑秀兰', birthDate: '1956-04-12', seq: 31, village: '东湾村', address: '东湾村二组 8 号' },
      addDays(today, -400),
    );
    // Five visits: four fill the first sheet, the fifth starts the second. The last two are uncontrolled: a referral.
    const visits = [
      { date: addDays(today, -360), sbp: 128, dbp: 80 },
      { date: addDays(today, -270), sbp: 132, dbp: 84 },
      { date: addDays(today, -180), sbp: 136, dbp: 86 },
      { date: addDays(today, -30), sbp: 152, dbp: 96 },
      { date: addDays(today, -16), sbp: 154, dbp: 97 },
    ];
    for (const [i, v] of visits.entries()) {
      await call(d, 'followup', 'save', {
        patientId: patient.id,
        disease: 'hypertension',
        form: {
          date: v.date,
          mode: 'clinic',
          sbp: v.sbp,
          dbp: v.dbp,
          heartRate: 70 + i,
          weightKg: 66,
          heightCm: 160,
          adherence: '规律',
          lifestyle: { now: { cigarettesPerDay: 0, salt: 'moderate' }, target: { cigarettesPerDay: 0, salt: 'light' } },
          medications: [{ name: '氨氯地平片', timesPerDay: 1, doseMg: 5 }],
        },
        referral: { institution: '县人民医院', department: '心内科', contactName: '周主任' },
      });
    }

    // 打印随访记录表 from the patient's follow-up page.
    await page.goto(`${ctx.harness.url}/#/followup/patient/${patient.id}`);
    await page.getByRole('link', { name: '打印随访记录表' }).click();
    const form = await printed(page, 'record');
    expect(form.pages).toBe(2);
    for (const text of form.texts) {
      for (const expected of [
        '高血压患者随访服务记录表',
        '姓名:郑秀兰',
        `编号:${patient.id}`,
        '随访日期',
        '随访方式',
        '症状',
        '体征',
        '血压(mmHg)',
        '体质指数',
        '心率',
        '生活方式指导',
        '辅助检查',
        '服药依从性',
        '药物不良反应',
        '此次随访分类',
        '用药情况',
        '转诊',
        '机构及科别',
        '下次随访日期',
        '随访医生签名',
      ])
        expect(text).toContain(fold(expected));
    }
    for (const v of visits.slice(0, 4)) expect(form.texts[0]).toContain(v.date);
    expect(form.texts[0]).toContain('152/96');
    expect(form.texts[0]).toContain('氨氯地平片每日1次每次5mg');
    expect(form.texts[0]).toContain('25.8/'); // 66 kg at 1.60 m
    // The fifth visit's date is on the first sheet only as the fourth's next date; its column is on the second.
    expect(form.texts[1]).not.toContain(visits[0].date);
    expect(form.texts[1]).toContain(visits[4].date);
    expect(form.texts[1]).toContain('154/97');
    // A cell's text wraps onto lines of its own, so longer values are looked for in parts.
    for (const part of ['县人民医院', '心内科', '连续两次出现血压控制']) expect(form.texts[1]).toContain(part);
    expect(form.texts[1]).toContain('王医生');

    // The diabetes form has its own rows (足背动脉搏动, 空腹血糖值, 低血糖反应, 主食, 胰岛素); one visit, one sheet.
    const diabetic = await call(d, 'patients', 'register', {
      name: '韩立新',
      idNumber: makeResidentId('130321', '1961-02-14', 33),
      village: '东湾村',
      confirmNotDuplicate: true,
    });
    if (diabetic.status !== 'created') throw new Error('registration failed');
    await call(d, 'followup', 'enrol', { patientId: diabetic.patient.id, disease: 't2dm', howFound: 'clinic_visit', enrolledOn: addDays(today, -100) });
    await call(d, 'followup', 'save', {
      patientId: diabetic.patient.id,
      disease: 't2dm',
      form: {
        date: addDays(today, -5),
        mode: 'home',
        fbg: 6.4,
        hba1c: 6.8,
        hba1cDate: addDays(today, -5),
        dorsalisPedis: 'normal',
        hypoglycemiaReaction: 'none',
        lifestyle: { now: { stapleFoodG: 300 }, target: { stapleFoodG: 250 } },
        medications: [{ name: '二甲双胍片', timesPerDay: 2, doseMg: 500 }],
        insulin: { type: '甘精胰岛素', dose: '睡前 10 单位' },
      },
    });
    await page.goto(`${ctx.harness.url}/#/print/followup-record/${diabetic.patient.id}/t2dm`);
    const t2dm = await printed(page, 't2dm');
    expect(t2dm.pages).toBe(1);
    for (const expected of [
      '2型糖尿病患者随访服务记录表',
      '韩立新',
      '足背动脉搏动',
      '触及正常',
      '空腹血糖值',
      '6.4mmol/L',
      '糖化血红蛋白6.8%',
      '低血糖反应',
      '主食',
      '300/250',
      '家庭',
      '二甲双胍片',
      '甘精胰岛素',
    ])
      expect(t2dm.texts[0]).toContain(fold(expected));
    expect(t2dm.texts[0]).not.toContain(fold('摄盐情况'));

    // 双向转诊单 from the referral list: the stub and the referral out on one sheet, the return on the next.
    await page.goto(`${ctx.harness.url}/#/followup/referrals`);
    await page.getByRole('table', { name: '转诊' }).getByRole('link', { name: '打印转诊单' }).first().click();
    const referral = await printed(page, 'referral');
    expect(referral.pages).toBe(2);
    const [out, back] = referral.texts;
    for (const expected of [
      '双向转诊单(存根)',
      '沿此线剪开',
      '双向转诊(转出)单',
      '郑秀兰',
      '县人民医院',
      '心内科',
      '周主任',
      '连续两次出现血压控制不满意',
      '氨氯地平片',
      '东湾村二组8号',
      '王医生',
    ])
      expect(out).toContain(fold(expected));
    expect(out.indexOf(fold('双向转诊单(存根)'))).toBeLessThan(out.indexOf(fold('沿此线剪开')));
    expect(out.indexOf(fold('沿此线剪开'))).toBeLessThan(out.indexOf(fold('双向转诊(转出)单')));
    for (const expected of ['双向转诊(回转)单', '诊断结果', '治疗经过、下一步治疗方案及康复建议', '郑秀兰']) expect(back).toContain(fold(expected));

    // The call list prints black on white: no fill behind the table, on paper or in the print style.
    await page.goto(`${ctx.harness.url}/#/print/followup/calls`);
    await page.getByRole('article', { name: '随访电话名单' }).getByText('郑秀兰').first().waitFor();
    await page.emulateMedia({ media: 'print' });
    const fills = await page.evaluate(() => {
      const table = document.querySelector('table.calls')!;
      const seen: string[] = [];
      for (let el: Element | null = table.querySelector('td'); el; el = el.parentElement) seen.push(getComputedStyle(el).backgroundColor);
      for (const cell of table.querySelectorAll('th')) seen.push(getComputedStyle(cell).backgroundColor);
      return seen;
    });
    await page.emulateMedia({ media: null });
    expect(fills.filter((color) => color !== 'rgba(0, 0, 0, 0)' && color !== 'rgb(255, 255, 255)')).toEqual([]);
    const calls = await page.pdf({ format: 'A4', printBackground: true });
    // Measured: 52% of the page light grey with the app's tint printed, 0.4% (text edges) without.
    if (havePoppler()) expect(lightGreyShare(calls)).toBeLessThan(0.02);
    else console.warn('pdftoppm (poppler-utils) is not installed: the rendered call list was not checked for grey pixels');
  });

  it('moves a next date that falls on a holiday set in settings to the next working day, says so, and refuses a booking on the holiday', async () => {
    ctx = await launch();
    const { page } = ctx;
    await createAdmin(page);
    const d = ctx.harness.services.dispatch;
    const today = chinaLocalDate(new Date());
    const patient = await enrolledResident(d, { name: '冯桂芳', birthDate: '1958-08-08', seq: 42, village: '西岭村' }, addDays(today, -200));
    const visitDate = addDays(today, -10);
    const engineDate = addMonthsClamped(visitDate, 3);
    const moved = addDays(engineDate, 2);

    // The administrator sets a two-day holiday where the rules will put the next visit.
    await page.getByRole('navigation').getByRole('link', { name: '设置' }).click();
    const card = page.getByRole('form', { name: '工作日与节假日' });
    await card.getByLabel('起始日期').fill(engineDate);
    await card.getByLabel('结束日期').fill(addDays(engineDate, 1));
    await card.getByLabel('名称').fill('国庆节');
    await card.getByRole('button', { name: '添加' }).click();
    await expect.poll(() => card.getByTestId('calendar-entry').count()).toBe(2);
    await card.getByRole('button', { name: '保存工作日设置' }).click();
    await card.getByText('已保存。').waitFor();

    // A controlled visit: the rules say +3 months; that day is 国庆节, so the next date moves and the screen says so.
    await page.goto(`${ctx.harness.url}/#/followup/patient/${patient.id}`);
    await page.getByRole('heading', { name: '高血压患者随访服务记录表' }).waitFor();
    await page.getByLabel('随访日期', { exact: true }).fill(visitDate);
    await page.getByRole('textbox', { name: '收缩压' }).fill('128');
    await page.getByRole('textbox', { name: '舒张压' }).fill('80');
    await expect.poll(() => page.getByTestId('proposal-next-date').textContent()).toBe(engineDate);
    await expect.poll(() => page.getByTestId('proposal-next-shift').textContent()).toBe(`逢国庆节，保存后顺延至 ${moved}`);
    await page.getByRole('button', { name: '保存随访记录' }).click();
    await page.getByTestId('followup-saved').waitFor();
    await expect.poll(() => page.getByTestId('followup-saved').textContent()).toContain(`下次随访 ${moved}`);
    expect(await page.getByTestId('followup-next-shift').textContent()).toBe(`下次随访日期顺延至 ${moved}（国庆节）`);
    // The saved visit keeps both dates and the reason: in the history, and after a reload.
    await page.reload();
    await expect.poll(() => page.getByRole('table', { name: '随访记录' }).textContent()).toContain(`按规则应于 ${engineDate}，顺延至 ${moved}（国庆节）`);

    // The booking is on the moved day; moving it onto the holiday is refused with the holiday named.
    await page.goto(`${ctx.harness.url}/#/followup/calendar`);
    await page.getByRole('button', { name: '日', exact: true }).click();
    await page.getByLabel('转到日期').fill(moved);
    await expect.poll(() => page.getByTestId('calendar-day').textContent()).toContain('冯桂芳');
    // The calendar marks the holiday.
    await page.getByLabel('转到日期').fill(engineDate);
    await expect.poll(() => page.getByTestId('calendar-day-closed').textContent()).toBe('国庆节，休息（不安排随访）');
    await page.getByLabel('转到日期').fill(moved);
    await expect.poll(() => page.getByTestId('calendar-day').textContent()).toContain('冯桂芳');
    await page.getByTestId('calendar-day').getByRole('button', { name: '改约' }).click();
    await page.getByLabel('新日期').fill(engineDate);
    await page.getByRole('button', { name: '改约到此日期' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toBe(`${engineDate} 是节假日（国庆节），不安排随访，请选择其他日期`);
  });
});
