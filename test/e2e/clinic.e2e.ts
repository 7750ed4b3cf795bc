import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { checkCharacter, makeResidentId } from '../../src/shared/resident-id';
import { call } from '../../src/main/api/dispatcher';
import { pdfFacts } from '../support/pdf/pdf-facts';
import { advanceClock, createAdmin, E2E_ADMIN_PASSWORD, launch, openRegistration, type E2eContext } from './browser';

let ctx: E2eContext | undefined;
afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

const PASSWORD = E2E_ADMIN_PASSWORD;

// A valid number (born 1990-03-07, sequence 123 → male) and the same with its check character wrong.
const VALID_ID = makeResidentId('430522', '1990-03-07', 123);
const RIGHT_CHECK = checkCharacter(VALID_ID.slice(0, 17));
const WRONG_CHECK = RIGHT_CHECK === '0' ? '1' : '0';
const WRONG_ID = VALID_ID.slice(0, 17) + WRONG_CHECK;

describe('daily clinic end to end (harness + Chromium)', () => {
  it('registers, finds, checks in, records vitals, signs a visit and prints its A5 summary', async () => {
    ctx = await launch();
    const { page } = ctx;
    await createAdmin(page);

    // Registration: a wrong check character is named in zh-CN as the 18th character is typed.
    await openRegistration(page);
    await page.getByLabel('姓名').fill('张三丰');
    const idBox = page.getByLabel('身份证号', { exact: true });
    await idBox.pressSequentially(WRONG_ID.slice(0, 17));
    expect(await page.getByRole('alert').count()).toBe(0);
    await idBox.press(WRONG_ID[17]);
    await expect.poll(() => page.getByRole('alert').first().textContent()).toBe(`第18位校验码应为 ${RIGHT_CHECK}，实际为 ${WRONG_CHECK}`);

    // The right number fills birth date and sex, read-only.
    await idBox.fill(VALID_ID);
    const birthDate = page.getByLabel('出生日期');
    await expect.poll(() => birthDate.inputValue()).toBe('1990-03-07');
    expect(await birthDate.getAttribute('readonly')).not.toBeNull();
    expect(await page.getByLabel('性别').inputValue()).toBe('男');
    expect(await page.getByText('由身份证号自动填写').count()).toBe(2);
    await page.getByLabel('手机号').fill('13912345678');
    await page.getByLabel('村（居）').fill('东风村');
    await page.getByLabel('高血压').check();
    await page.screenshot({ path: '/tmp/clinic-registration.png', fullPage: true });
    await page.getByRole('button', { name: '登记', exact: true }).click();
    await page.getByRole('heading', { name: /张三丰/ }).waitFor();
    await page.getByText('张三丰 登记成功').waitFor();
    const patientId = /#\/patients\/([^/?]+)/.exec(page.url())?.[1] ?? '';
    expect(patientId).not.toBe('');

    // The same ID again is caught and leads to the person already registered.
    await openRegistration(page);
    await page.getByLabel('姓名').fill('张三丰');
    await page.getByLabel('身份证号', { exact: true }).fill(VALID_ID);
    await page.getByRole('button', { name: '登记', exact: true }).click();
    await page.getByText('此身份证号已登记，不能重复建档。').waitFor();
    await page.getByRole('button', { name: '打开已有患者' }).click();
    await expect.poll(() => page.url()).toContain(`#/patients/${patientId}`);

    // Search by pinyin initials from anywhere (F2), then check in with Alt+Enter.
    await page.getByRole('navigation').getByRole('link', { name: '今日门诊' }).click();
    await page.keyboard.press('F2');
    const search = page.getByRole('combobox', { name: '查找患者' });
    await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('zsf');
    const option = page.getByRole('option').filter({ hasText: '张三丰' });
    await option.waitFor();
    expect(await page.getByTestId('search-kind').textContent()).toContain('按姓名拼音或首字母查找');
    expect(await option.textContent()).toContain(`${VALID_ID.slice(0, 6)}********${VALID_ID.slice(-4)}`);
    await search.press('Alt+Enter');
    await page.getByText('张三丰 已签到，进入今日候诊').waitFor();
    const row = page.getByTestId('queue-row').filter({ hasText: '张三丰' });
    await expect.poll(() => row.textContent()).toContain('候诊中');
    await search.press('Escape');

    // Vitals: an impossible value is refused with its reason and nothing is stored.
    await row.getByRole('link', { name: '张三丰' }).click();
    await page.getByRole('link', { name: '记录体征' }).click();
    await page.getByLabel('第1次收缩压').fill('1200');
    await page.getByLabel('第1次舒张压').fill('90');
    await page.getByText('第1次测量的收缩压1200 mmHg不可能，请核对（可测范围40–300 mmHg）').waitFor();
    await page.getByRole('button', { name: '保存体征' }).click();
    await page.getByText('有 1 项数值不可能，请先核对标红的项目').waitFor();
    expect(ctx.harness.services.clinic.listVitals(patientId, 10)).toHaveLength(0);

    // Corrected, the mean and BMI appear live and the high mean is flagged.
    await page.getByLabel('第1次收缩压').fill('150');
    await page.getByLabel('第2次收缩压').fill('148');
    await page.getByLabel('第2次舒张压').fill('92');
    await expect.poll(() => page.getByTestId('bp-mean').textContent()).toContain('149/91 mmHg');
    await page.getByText('收缩压149 mmHg，偏高（≥140 mmHg）').waitFor();
    await page.getByLabel('心率').fill('80');
    await page.getByLabel('体重').fill('70');
    await page.getByLabel('身高').fill('170');
    await expect.poll(() => page.getByTestId('bmi').textContent()).toBe('24.2');
    await page.screenshot({ path: '/tmp/clinic-vitals.png' });
    await page.getByRole('button', { name: '保存体征' }).click();
    await page.getByRole('heading', { name: '体征记录' }).waitFor();
    await page.getByRole('cell', { name: '149/91' }).waitFor();
    expect(ctx.harness.services.clinic.listVitals(patientId, 10)).toHaveLength(1);

    // Visit: signing needs a diagnosis, picked from the ICD-10 list by pinyin initials.
    await page.getByRole('button', { name: '开始接诊' }).click();
    await page.getByRole('heading', { name: /门诊病历/ }).waitFor();
    await page.getByLabel('主诉').fill('头晕三天');
    await page.getByRole('button', { name: '签名并结束' }).click();
    await page.getByText('签名前至少需要一个诊断').waitFor();
    const picker = page.getByRole('combobox', { name: '添加诊断' });
    await picker.fill('gxy');
    await page.getByRole('option', { name: /I10 原发性高血压/ }).waitFor();
    await picker.press('Enter');
    await page.getByRole('listitem').filter({ hasText: 'I10 原发性高血压' }).waitFor();
    await page.getByLabel('处理意见').fill('低盐饮食，两周后复查血压');
    await page.getByLabel('处方').fill('氨氯地平片 5mg 每日一次');
    await expect.poll(() => page.getByTestId('autosave-state').textContent(), { timeout: 10_000 }).toContain('已自动保存');
    await page.screenshot({ path: '/tmp/clinic-visit.png' });
    await page.getByRole('button', { name: '签名并结束' }).click();
    await page.getByText('已签名', { exact: true }).waitFor();
    await page.getByText(/王医生 签名于/).waitFor();

    // The chart: vitals, trend and the signed visit; screenshot for a look at the layout and the Chinese text.
    await page.getByRole('link', { name: '张三丰' }).click();
    await page.getByRole('heading', { name: '就诊记录' }).waitFor();
    await page.getByText('I10 原发性高血压').first().waitFor();
    await page.screenshot({ path: '/tmp/clinic-chart.png', fullPage: true });

    // The queue followed the visit: received on opening, done on signing.
    await page.getByRole('navigation').getByRole('link', { name: '今日门诊' }).click();
    await expect.poll(() => row.textContent()).toContain('已完成');

    // The A5 summary holds the name and the diagnosis (code and name).
    await page.getByRole('link', { name: '张三丰' }).click();
    await page.getByRole('link', { name: '打印摘要' }).click();
    await page.getByRole('article', { name: '门诊病历摘要' }).waitFor();
    await page.getByText('氨氯地平片 5mg 每日一次').waitFor();
    const pdf = await page.pdf({ format: 'A5' });
    writeFileSync('/tmp/clinic-summary.pdf', pdf);
    const summary = await pdfFacts(pdf);
    expect(summary.pages).toBe(1);
    // A5 = 148 × 210 mm = 419.5 × 595.3 pt; Chromium rounds the sheet to whole CSS pixels (¾ pt).
    expect(Math.abs(summary.width - 419.5)).toBeLessThan(1);
    expect(Math.abs(summary.height - 595.3)).toBeLessThan(1);
    // Noto Sans CJK draws 高 and the Kangxi radical ⾼ (U+2FBC) with one glyph, and Chromium's PDF maps that glyph
    // back to the radical: NFKC folds Kangxi radicals into the ideographs a reader would search for.
    // (NFKC also folds full-width punctuation, so the expected texts are folded the same way.)
    const fold = (text: string) => text.normalize('NFKC').replace(/\s+/g, '');
    const printed = fold(summary.text);
    for (const expected of ['张三丰', 'I10 原发性高血压', '血压 149/91 mmHg', '头晕三天', '医生：王医生']) expect(printed).toContain(fold(expected));
  });

  it('without an ID asks for the reason, keeps the form across an idle lock, guards leaving, and catches a likely duplicate', async () => {
    ctx = await launch();
    const { page } = ctx;
    await createAdmin(page);
    const registerInfant = async () => {
      await openRegistration(page);
      await page.getByLabel('姓名').fill('李小花');
      await page.getByLabel('无身份证号').check();
      await page.getByLabel('出生日期').fill('2025-01-15');
      await page.getByLabel('性别').selectOption('F');
    };

    await registerInfant();
    await page.getByRole('button', { name: '登记', exact: true }).click();
    await page.getByText('无身份证号时，请选择原因').waitFor();
    await page.getByLabel('无身份证号原因').selectOption('infant');

    // Idle lock: the half-filled form is still there after unlocking.
    await advanceClock(ctx, 11 * 60_000);
    await page.getByRole('heading', { name: '工作站已锁定' }).waitFor({ timeout: 15_000 });
    await page.getByRole('dialog').getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '解锁' }).click();
    await page.getByRole('heading', { name: '工作站已锁定' }).waitFor({ state: 'detached' });
    expect(await page.getByLabel('姓名').inputValue()).toBe('李小花');
    expect(await page.getByLabel('无身份证号原因').inputValue()).toBe('infant');

    // Leaving with unsaved input asks first; staying keeps everything.
    await page.getByRole('navigation').getByRole('link', { name: '今日门诊' }).click();
    await page.getByRole('alertdialog', { name: '离开此页？' }).waitFor();
    await page.getByRole('button', { name: '留在此页' }).click();
    expect(await page.getByLabel('姓名').inputValue()).toBe('李小花');

    await page.getByRole('button', { name: '登记', exact: true }).click();
    await page.getByText('李小花 登记成功').waitFor();
    expect(await page.getByText('无身份证号（婴幼儿（尚未办理身份证））').count()).toBe(1);

    // Same name and birth date: offered as a possible duplicate, registered only when confirmed.
    await registerInfant();
    await page.getByLabel('无身份证号原因').selectOption('infant');
    await page.getByRole('button', { name: '登记', exact: true }).click();
    await page.getByText('发现 1 位可能是同一人的已登记患者（同名同出生日期，或同一手机号）：').waitFor();
    await page.getByRole('button', { name: '不是同一人，仍然登记' }).click();
    await page.getByText('李小花 登记成功').waitFor();
    expect(ctx.harness.services.patients.search('lxh', 10).results).toHaveLength(2);
  });

  it('runs the queue (priority, left unseen, back), receives a patient, corrects a signed visit and prints on A4', async () => {
    ctx = await launch();
    const { page, harness } = ctx;
    await createAdmin(page);
    for (const [name, id] of [
      ['赵春梅', makeResidentId('430522', '1958-04-02', 244)],
      ['钱国强', makeResidentId('430522', '1949-10-01', 135)],
    ]) {
      await call(harness.services.dispatch, 'patients', 'register', { name, idNumber: id, hypertension: true });
    }
    const search = page.getByRole('combobox', { name: '查找患者' });
    for (const initials of ['zcm', 'qgq']) {
      await page.keyboard.press('Control+K');
      await page.keyboard.type(initials);
      const option = page.getByRole('option').first();
      await option.waitFor();
      await option.getByRole('button', { name: '签到' }).click();
      await page.getByText(/已签到，进入今日候诊/).waitFor();
      await search.press('Escape');
    }
    const rows = page.getByTestId('queue-row');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.first().textContent()).toContain('赵春梅');

    // Priority moves 钱国强 ahead of an earlier check-in.
    await page.getByLabel('钱国强 优先就诊').check();
    await expect.poll(() => rows.first().textContent()).toContain('钱国强');
    await page.screenshot({ path: '/tmp/clinic-queue.png' });
    const zhao = rows.filter({ hasText: '赵春梅' });
    await zhao.getByRole('button', { name: '未就诊离开' }).click();
    await expect.poll(() => zhao.textContent()).toContain('未就诊离开');
    await zhao.getByRole('button', { name: '退回候诊' }).click();
    await expect.poll(() => zhao.textContent()).toContain('候诊中');

    // Receiving opens the visit and puts the entry in consultation.
    await rows.filter({ hasText: '钱国强' }).getByRole('button', { name: '接诊' }).click();
    await page.getByRole('heading', { name: /门诊病历/ }).waitFor();
    await page.getByLabel('主诉').fill('咳嗽两天');
    const picker = page.getByRole('combobox', { name: '添加诊断' });
    await picker.fill('上呼吸道');
    await page.getByRole('option', { name: /J06\.9/ }).waitFor();
    await picker.press('Enter');
    await page.getByLabel('处理意见').fill('多饮水');
    await page.getByRole('button', { name: '签名并结束' }).click();
    await page.getByText('已签名', { exact: true }).waitFor();

    // A correction needs a reason and makes version 2; version 1 is kept.
    await page.getByRole('button', { name: '更正' }).click();
    await page.getByLabel('处理意见').fill('多饮水，三天后复诊');
    const sign = page.getByRole('button', { name: '签名保存更正' });
    expect(await sign.isDisabled()).toBe(true);
    await page.getByLabel('更正原因（必填）').fill('补充复诊时间');
    await sign.click();
    await page.getByText('第2版').first().waitFor();
    await page.getByText('更正原因：补充复诊时间').waitFor();
    await page.getByText('多饮水，三天后复诊').waitFor();
    await page.getByRole('link', { name: '钱国强' }).click();
    await page.getByText('历史版本 1 个').waitFor();

    // The print route honours ?size=A4 through its own @page rule.
    const patientId = /#\/patients\/([^/?]+)/.exec(page.url())?.[1] ?? '';
    const [current] = harness.services.clinic.listVisits(patientId, false);
    expect(current.version).toBe(2);
    const visitId = current.id;
    await page.goto(`${harness.url}/#/print/visit/${patientId}/${visitId}?size=A4`);
    await page.getByText('多饮水，三天后复诊').waitFor();
    const a4 = await pdfFacts(await page.pdf({ preferCSSPageSize: true }));
    expect(Math.abs(a4.width - 595.3)).toBeLessThan(1); // A4 = 210 × 297 mm
    expect(Math.abs(a4.height - 841.9)).toBeLessThan(1);
    expect(a4.text.normalize('NFKC').replace(/\s+/g, '')).toContain('J06.9');
  });
});
