import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../src/main/api/dispatcher';
import { addDays, addMonthsClamped, chinaLocalDate, daysBetween } from '../../src/shared/dates';
import { createAdmin, launch, type E2eContext, registerResident } from './browser';

let ctx: E2eContext | undefined;
afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

const textOf = (page: Page, testId: string) => () => page.getByTestId(testId).textContent();

async function fillVisit(page: Page, date: string, values: Record<string, string>) {
  await page.getByLabel('随访日期', { exact: true }).fill(date);
  for (const [label, value] of Object.entries(values)) await page.getByRole('textbox', { name: label }).fill(value);
}

async function saveVisit(page: Page) {
  await page.getByRole('button', { name: '保存随访记录' }).click();
  await page.getByTestId('followup-saved').waitFor();
}

describe('chronic-disease follow-up end to end (harness + Chromium)', () => {
  it('enrols, decides each visit by the rules, refers, records a phone contact, lists reminders and downloads the call list', async () => {
    ctx = await launch();
    const { page } = ctx;
    await createAdmin(page);
    const today = chinaLocalDate(new Date());
    const d = ctx.harness.services.dispatch;
    await call(d, 'settings', 'update', { villages: ['东湾村', '西岭村'] });

    const zhang = await registerResident(ctx, '张伟', '1966-03-08', 11, '东湾村');
    const li = await registerResident(ctx, '李娜', '1970-05-20', 12, '西岭村');
    const zhao = await registerResident(ctx, '赵强', '1962-09-01', 13, '东湾村');
    const qian = await registerResident(ctx, '钱芳', '1958-11-11', 14, '西岭村');
    await call(d, 'followup', 'enrol', { patientId: li.id, disease: 't2dm', howFound: 'clinic_visit', enrolledOn: addDays(today, -200) });
    await call(d, 'followup', 'enrol', { patientId: zhao.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: addDays(today, -200) });
    await call(d, 'followup', 'enrol', { patientId: qian.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: addDays(today, -200) });
    // 赵强: first uncontrolled 30 days ago, due back within 14 days: 16 days overdue today.
    await call(d, 'followup', 'save', { patientId: zhao.id, disease: 'hypertension', form: { date: addDays(today, -30), mode: 'clinic', sbp: 156, dbp: 98 } });
    // 钱芳: a controlled visit whose 3-month date falls within the coming week.
    const qianVisit = [...Array(40).keys()]
      .map((k) => addDays(today, -80 - k))
      .find((day) => {
        const due = addMonthsClamped(day, 3);
        return due > today && daysBetween(today, due) <= 5;
      })!;
    await call(d, 'followup', 'save', { patientId: qian.id, disease: 'hypertension', form: { date: qianVisit, mode: 'clinic', sbp: 128, dbp: 80 } });

    // When I open 随访 and find 张伟, I enrol him in the hypertension programme.
    await page.getByRole('navigation').getByRole('link', { name: '随访' }).click();
    await page.getByRole('heading', { name: '随访' }).waitFor();
    await page.getByLabel('查找随访患者').fill('张伟');
    await page.getByRole('list', { name: '查找结果' }).getByRole('link', { name: '张伟' }).click();
    await page.getByRole('heading', { name: '慢性病管理' }).waitFor();
    await page.getByLabel('发现方式').selectOption('screening');
    await page.getByLabel('纳入日期').fill(addDays(today, -60));
    await page.getByRole('button', { name: '纳入管理' }).click();
    await expect.poll(() => page.getByRole('table', { name: '慢性病管理' }).textContent()).toContain('管理中');
    await expect.poll(async () => (await call(d, 'patients', 'get', { patientId: zhang.id })).hypertension).toBe(true);

    // A controlled visit: 控制满意, next follow-up in 3 months — shown while typing, then saved.
    const first = addDays(today, -40);
    await fillVisit(page, first, { 收缩压: '132', 舒张压: '82', 心率: '72' });
    await expect.poll(textOf(page, 'proposal-classification')).toBe('控制满意');
    await expect.poll(textOf(page, 'proposal-next-date')).toBe(addMonthsClamped(first, 3));
    await expect.poll(textOf(page, 'proposal-reason')).toContain('控制满意');
    await saveVisit(page);
    await expect.poll(textOf(page, 'followup-saved')).toContain(`下次随访 ${addMonthsClamped(first, 3)}`);

    // An uncontrolled visit: adjust the drugs and see him again within 2 weeks.
    const second = addDays(today, -20);
    await fillVisit(page, second, { 收缩压: '152', 舒张压: '96' });
    await expect.poll(textOf(page, 'proposal-classification')).toBe('控制不满意');
    await expect.poll(textOf(page, 'proposal-action')).toBe('调整用药，2周内随访');
    await expect.poll(textOf(page, 'proposal-next-date')).toBe(addDays(second, 14));
    await saveVisit(page);
    await expect.poll(textOf(page, 'followup-saved')).toContain(`下次随访 ${addDays(second, 14)}`);

    // A second uncontrolled visit in a row: referral, with the criterion named.
    await fillVisit(page, today, { 收缩压: '150', 舒张压: '95' });
    await expect.poll(textOf(page, 'proposal-action')).toBe('转诊');
    await expect.poll(textOf(page, 'proposal-referral-reason')).toBe('连续两次出现血压控制不满意');
    await page.getByRole('textbox', { name: '转诊机构' }).fill('县人民医院');
    await page.getByRole('textbox', { name: '科室' }).fill('心内科');
    await saveVisit(page);
    await expect.poll(textOf(page, 'followup-saved')).toContain('转诊原因：连续两次出现血压控制不满意');
    const zhangReferrals = page.getByRole('table', { name: '转诊' });
    await expect.poll(() => zhangReferrals.textContent()).toContain('县人民医院 心内科');
    await expect.poll(() => zhangReferrals.textContent()).toContain(`应于 ${addDays(today, 14)} 前随访转诊结果`);
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(3);

    // An urgent value: 李娜's fasting glucose of 18.5 means urgent referral.
    await page.goto(`${ctx.harness.url}/#/followup/patient/${li.id}`);
    await page.getByRole('heading', { name: '2型糖尿病患者随访服务记录表' }).waitFor();
    await fillVisit(page, today, { 空腹血糖: '18.5' });
    await expect.poll(textOf(page, 'proposal-action')).toBe('紧急转诊');
    await expect.poll(textOf(page, 'proposal-referral-reason')).toBe('血糖≥16.7mmol/L');
    await saveVisit(page);
    await expect.poll(() => page.getByRole('table', { name: '转诊' }).textContent()).toContain('紧急');

    // A phone contact with 钱芳: recorded, not classified, the face-to-face date unchanged.
    await page.goto(`${ctx.harness.url}/#/followup/patient/${qian.id}`);
    await page.getByRole('heading', { name: '高血压患者随访服务记录表' }).waitFor();
    await page.getByLabel('随访方式').selectOption('phone');
    await page.getByLabel('服药依从性').selectOption('规律');
    await expect.poll(textOf(page, 'proposal-reason')).toContain('电话随访已记录，但不算面对面随访');
    await expect.poll(textOf(page, 'proposal-classification')).toBe('不分类');
    await expect.poll(textOf(page, 'proposal-next-date')).toBe(addMonthsClamped(qianVisit, 3));
    await page.getByRole('button', { name: '保存电话随访' }).click();
    await page.getByTestId('followup-saved').waitFor();
    await expect.poll(() => page.getByTestId('history-row').first().textContent()).toContain('电话');

    // The reminder lists name the right people, each with the reason.
    await page.getByRole('link', { name: '随访提醒' }).click();
    const rows = page.getByTestId('reminder-row');
    // The rows re-render after the tab switches: wait for text that only the new list has, then read it whole.
    const listed = async (list: RegExp, onlyInThisList: string) => {
      await page.getByRole('button', { name: list }).click();
      await expect.poll(() => page.getByRole('table', { name: list }).isVisible()).toBe(true);
      await expect.poll(async () => (await rows.allTextContents()).join('\n')).toContain(onlyInThisList);
      return (await rows.allTextContents()).join('\n');
    };
    const overdue = await listed(/^已逾期/, '逾期 16 天');
    expect(overdue).toContain('赵强');
    expect(overdue).toContain('逾期 16 天');
    expect(overdue).toContain(`面对面随访已逾期16天（应于${addDays(today, -16)}前）`);
    expect(overdue).not.toContain('张伟');
    const referralChecks = await listed(/^转诊待随访/, '张伟');
    expect(referralChecks).toContain('张伟');
    expect(referralChecks).toContain('李娜');
    expect(referralChecks).not.toContain('赵强');
    const dueSoon = await listed(/^本周到期/, '钱芳');
    expect(dueSoon).toContain('钱芳');
    const phoneOnly = await listed(/^需面对面随访/, '电话随访不能代替面对面随访');
    expect(phoneOnly).toContain('钱芳');
    expect(phoneOnly).toContain('电话随访不能代替面对面随访');

    // The village filter narrows the list.
    await page.getByLabel('村').selectOption('西岭村');
    await expect.poll(async () => (await rows.allTextContents()).join('\n')).not.toContain('赵强');

    // The call list downloads as UTF-8 CSV with a BOM: the overdue list for all villages.
    await page.getByLabel('村').selectOption('');
    await page.getByRole('button', { name: /^已逾期/ }).click();
    await expect.poll(async () => (await rows.allTextContents()).join('\n')).toContain('赵强');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载电话名单（CSV）' }).click()]);
    expect(download.suggestedFilename()).toBe(`随访电话名单-${today}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe('姓名,电话,村,原因,应随访日期');
    expect(lines).toContain(`赵强,${zhao.phone},东湾村,高血压：面对面随访已逾期16天（应于${addDays(today, -16)}前）,${addDays(today, -16)}`);
    expect(lines).toHaveLength(2);
  });

  it('moves a booking on the calendar within the day capacity, drills into the indicators and prints the call list and the report', async () => {
    ctx = await launch();
    const { page } = ctx;
    await createAdmin(page);
    const today = chinaLocalDate(new Date());
    const d = ctx.harness.services.dispatch;
    const sun = await registerResident(ctx, '孙丽', '1960-02-02', 21, '东湾村');
    const zhou = await registerResident(ctx, '周杰', '1968-07-07', 22, '东湾村');
    for (const p of [sun, zhou])
      await call(d, 'followup', 'enrol', { patientId: p.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: addDays(today, -100) });
    // 孙丽 controlled, 周杰 not: the first is at target, the second is not; 周杰 is due back in 14 days.
    await call(d, 'followup', 'save', { patientId: sun.id, disease: 'hypertension', form: { date: addDays(today, -3), mode: 'clinic', sbp: 126, dbp: 78 } });
    const zhouSaved = await call(d, 'followup', 'save', {
      patientId: zhou.id,
      disease: 'hypertension',
      form: { date: addDays(today, -20), mode: 'clinic', sbp: 158, dbp: 98 },
    });
    const zhouDue = addDays(today, -6);
    expect(zhouSaved.appointment?.date).toBe(zhouDue);

    // The calendar: today's week, then a day view, one slot a day; moving 周杰 to a full day is refused.
    await page.goto(`${ctx.harness.url}/#/followup/calendar`);
    await page.getByRole('button', { name: '日', exact: true }).click();
    await page.getByLabel('转到日期').fill(zhouDue);
    await expect.poll(() => page.getByTestId('calendar-day').textContent()).toContain('周杰');
    await page.getByLabel('每日随访名额').fill('1');
    await page.getByRole('button', { name: '设为默认名额' }).click();
    await expect.poll(() => page.getByTestId('calendar-day').textContent()).toContain('已约 1/1');
    const sunDue = addMonthsClamped(addDays(today, -3), 3);
    // 周杰's day has passed: the booking shows as 未到 and is listed under the calendar to follow up (issue 14.6).
    expect(await page.getByTestId('calendar-day').textContent()).toContain('未到');
    const missed = page.getByRole('list', { name: '未到预约（待跟进）' });
    await expect.poll(() => missed.textContent()).toContain('周杰');
    await page.getByTestId('calendar-day').getByRole('button', { name: '改约' }).click();
    await page.getByLabel('新日期').fill(sunDue);
    await expect.poll(() => page.getByText(/晚于规则规定的/).isVisible()).toBe(true);
    await page.getByRole('button', { name: '改约到此日期' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toBe(`${sunDue} 的随访名额已满，请选择其他日期`);
    await page.getByLabel('新日期').fill(today);
    await page.getByRole('button', { name: '改约到此日期' }).click();
    await page.getByLabel('转到日期').fill(today);
    await expect.poll(() => page.getByTestId('calendar-day').textContent()).toContain('周杰');
    // Moved to today, the booking is no longer missed.
    await page.getByText('没有未到的预约。').waitFor();

    // Indicators: 1 of 2 at target; the drill-down names who is not and why.
    await page.getByRole('link', { name: '管理指标' }).click();
    const table = page.getByRole('table', { name: `${today.slice(0, 4)}年慢性病管理指标` });
    await expect.poll(() => table.textContent()).toContain('50.0%');
    await table
      .getByRole('row', { name: /高血压/ })
      .getByRole('button', { name: '未达标 1' })
      .last()
      .click();
    const drill = page.getByRole('table', { name: '患者名单' });
    await expect.poll(() => drill.textContent()).toContain('周杰');
    expect(await drill.textContent()).toContain('未达标');
    expect(await drill.textContent()).not.toContain('孙丽');

    // The printable report and the printable call list (overdue: 周杰, 6 days late).
    await page.getByRole('link', { name: '打印指标报表' }).click();
    const report = page.getByRole('article', { name: `${today.slice(0, 4)}年高血压、2型糖尿病患者健康管理指标` });
    await expect.poll(() => report.textContent()).toContain('血压控制率');
    await page.goto(`${ctx.harness.url}/#/print/followup/calls?kind=overdue`);
    const sheet = page.getByRole('article', { name: '随访电话名单' });
    await expect.poll(() => sheet.textContent()).toContain('周杰');
    expect(await sheet.textContent()).toContain(`面对面随访已逾期6天（应于${zhouDue}前）`);
    expect(await sheet.textContent()).not.toContain('孙丽');
  });
});
