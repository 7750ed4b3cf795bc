import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../src/main/api/dispatcher';
import { synthesizeEcg } from '../../src/main/ecg/devices/synthetic-ecg';
import { writeAecg } from '../../src/main/ecg/formats/aecg-writer';
import { addDays, chinaLocalDate } from '../../src/shared/dates';
import { configureOfflineCounty } from '../support/test-services';
import { lockDuringFirst, unlockStation, type E2eContext, registerResident, launchWithAdmin } from './browser';

/** Issue 14 "one patient, one truth": each point as a clinician meets it, in zh-CN. */

let ctx: E2eContext | undefined;
afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

describe('one patient, one truth (issue 14)', () => {
  it('the reminders page, locked while it loads, shows its lists after unlock (no lock message, no "…" counts)', async () => {
    const c = (ctx = await launchWithAdmin());
    const { page } = c;
    const today = chinaLocalDate(new Date());
    const d = c.harness.services.dispatch;
    const zhao = await registerResident(c, '赵强', '1962-09-01', 13);
    await call(d, 'followup', 'enrol', { patientId: zhao.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: addDays(today, -200) });
    await call(d, 'followup', 'save', { patientId: zhao.id, disease: 'hypertension', form: { date: addDays(today, -30), mode: 'clinic', sbp: 156, dbp: 98 } });

    // The idle lock falls while the reminder list is on its way: main refuses it (SESSION_LOCKED).
    const held = await lockDuringFirst(c, 'followup.reminders');
    await page.getByRole('navigation').getByRole('link', { name: '随访' }).click();
    await unlockStation(page);

    // After unlock the page has loaded again by itself: the list and its counts, no lock message left behind.
    await expect.poll(() => page.getByTestId('reminder-row').first().textContent()).toContain('赵强');
    expect(held()).toBeGreaterThanOrEqual(2);
    await expect.poll(() => page.getByRole('button', { name: /^已逾期/ }).textContent()).toMatch(/已逾期\s*1$/);
    // Each kind's count is its own resource: all of them settle, none stays on "…" or on the lock message.
    await expect.poll(() => page.locator('.reminder-kinds .count', { hasText: '…' }).count()).toBe(0);
    await expect.poll(() => page.getByText('工作站已锁定，请解锁后继续').count()).toBe(0);
  });

  it("one blood-pressure history: clinic vitals and follow-up visits in the chart and the follow-up trend; the follow-up form offers the day's vitals", async () => {
    const c = (ctx = await launchWithAdmin());
    const { page } = c;
    const today = chinaLocalDate(new Date());
    const d = c.harness.services.dispatch;
    const zhou = await registerResident(c, '周梅', '1960-04-04', 31);
    await call(d, 'followup', 'enrol', { patientId: zhou.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: addDays(today, -90) });
    await call(d, 'followup', 'save', { patientId: zhou.id, disease: 'hypertension', form: { date: addDays(today, -30), mode: 'clinic', sbp: 156, dbp: 98 } });

    // When the nurse records today's blood pressure on the vitals page…
    await page.goto(`${c.harness.url}/#/patients/${zhou.id}/vitals`);
    await page.getByLabel('第1次收缩压').fill('142');
    await page.getByLabel('第1次舒张压').fill('88');
    await page.getByRole('button', { name: '保存体征' }).click();
    // …the chart shows both measurements, each with where it was taken, and the trend counts both.
    const rows = page.getByRole('table', { name: '体征记录' }).getByTestId('vitals-row');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain('门诊体征');
    expect(await rows.nth(0).textContent()).toContain('142/88');
    expect(await rows.nth(1).textContent()).toContain('慢病随访');
    expect(await rows.nth(1).textContent()).toContain('156/98');
    expect(await rows.nth(1).textContent()).toContain(addDays(today, -30));
    await page.getByRole('img', { name: '血压趋势图，共 2 次测量（数值见下表）' }).waitFor();

    // The follow-up page's trend reads the same series; its form offers today's clinic reading.
    await page.goto(`${c.harness.url}/#/followup/patient/${zhou.id}`);
    await page.getByRole('img', { name: /^血压趋势，2 次测量/ }).waitFor();
    const offer = page.getByTestId('day-vitals');
    await expect.poll(() => offer.textContent()).toContain('血压 142/88 mmHg');
    await offer.getByRole('button', { name: '填入随访表' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: '收缩压' }).inputValue()).toBe('142');
    expect(await page.getByRole('textbox', { name: '舒张压' }).inputValue()).toBe('88');
    await page.getByRole('button', { name: '保存随访记录' }).click();
    await page.getByTestId('followup-saved').waitFor();

    // Taken over, the reading is still one measurement in the chart.
    await page.goto(`${c.harness.url}/#/patients/${zhou.id}`);
    await page.getByRole('heading', { name: /周梅/ }).waitFor();
    await expect.poll(() => rows.count()).toBe(2);
  });

  it('consult history: the chart lists every consult with its state and answer; the consult list filters by state, open by default', async () => {
    const c = (ctx = await launchWithAdmin());
    const { page } = c;
    const d = c.harness.services.dispatch;
    const sun = await registerResident(c, '孙丽华', '1970-02-03', 51);
    await configureOfflineCounty(d);
    const ask = (question: string) =>
      call(d, 'consult', 'create', { patientId: sun.id, question, urgency: 'routine', targetInstitution: '县人民医院', specialty: 'cardiology' });
    const answered = await ask('心电图ST段改变请判读');
    await ask('血压控制不佳请给用药建议');
    const consults = c.harness.services.consult;
    consults.applyPulled({
      resourceType: 'Task',
      id: answered.taskId,
      status: 'completed',
      intent: 'order',
      basedOn: [{ reference: `ServiceRequest/${answered.id}` }],
    });
    consults.applyPulled({
      resourceType: 'DiagnosticReport',
      id: 'county-report-1',
      status: 'final',
      code: { text: '会诊意见' },
      basedOn: [{ reference: `ServiceRequest/${answered.id}` }],
      issued: '2026-03-03T08:00:00.000Z',
      resultsInterpreter: [{ display: '县医院心内科 孙主任' }],
      conclusion: '窦性心律，非特异性ST-T改变',
    });

    await page.goto(`${c.harness.url}/#/patients/${sun.id}`);
    const history = page.getByRole('table', { name: '会诊记录' }).getByTestId('consult-history-row');
    await expect.poll(() => history.count()).toBe(2);
    const all = (await history.allTextContents()).join('\n');
    expect(all).toMatch(/心电图ST段改变请判读.*已完成.*窦性心律，非特异性ST-T改变/);
    expect(all).toContain('县医院心内科 孙主任 签发于 2026-03-03 16:00');
    expect(all).toMatch(/血压控制不佳请给用药建议.*已申请.*尚未答复/);

    await page.getByRole('navigation').getByRole('link', { name: '会诊' }).click();
    const listRows = page.getByTestId('consult-row');
    await expect.poll(() => listRows.count()).toBe(1);
    expect(await page.getByLabel('状态').inputValue()).toBe('open');
    expect(await listRows.first().textContent()).toContain('血压控制不佳');
    await page.getByLabel('状态').selectOption('completed');
    await expect.poll(async () => (await listRows.allTextContents()).join('\n')).toContain('心电图ST段改变请判读');
    expect(await listRows.count()).toBe(1);
    await page.getByLabel('状态').selectOption('all');
    await expect.poll(() => listRows.count()).toBe(2);
  });

  it('dates: one Chinese date field everywhere — typed forms, Monday-first picker, refusals in Chinese, plausibility per field; the enrolment form resets after saving', async () => {
    const c = (ctx = await launchWithAdmin());
    const { page } = c;
    const today = chinaLocalDate(new Date());
    const wu = await registerResident(c, '吴刚', '1960-04-04', 41);

    await page.goto(`${c.harness.url}/#/followup/patient/${wu.id}`);
    await page.getByRole('heading', { name: '慢性病管理' }).waitFor();
    // No browser date box anywhere: its mm/dd/yyyy and English messages are gone.
    expect(await page.locator('input[type="date"], input[type="datetime-local"]').count()).toBe(0);

    // A diagnosis before birth is refused beside the box, in Chinese; nothing is saved.
    const diagnosed = page.getByLabel('确诊日期');
    await diagnosed.fill('1950-01-01');
    await diagnosed.blur();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toBe('日期不能早于出生日期（1960-04-04）');
    await page.getByRole('button', { name: '纳入管理' }).click();
    await expect.poll(() => diagnosed.evaluate((el) => el === document.activeElement)).toBe(true);
    expect((await call(c.harness.services.dispatch, 'followup', 'history', { patientId: wu.id })).enrolments).toHaveLength(0);

    // 20200501 is 2020-05-01 (the browser read it as year 0501).
    await diagnosed.fill('20200501');
    await diagnosed.blur();
    await expect.poll(() => diagnosed.inputValue()).toBe('2020-05-01');

    // The picker: weeks start on Monday; a day in the future cannot be picked for a past event.
    const enrolledField = page.locator('.date-field', { has: page.getByLabel('纳入日期') });
    const picker = page.getByRole('dialog', { name: '选择日期' });
    expect(await page.getByLabel('纳入日期').inputValue()).toBe(today);
    await enrolledField.getByRole('button', { name: '打开日历' }).click();
    expect(await picker.locator('th').allTextContents()).toEqual(['一', '二', '三', '四', '五', '六', '日']);
    const tomorrow = addDays(today, 1);
    if (tomorrow.slice(0, 7) !== today.slice(0, 7)) await picker.getByRole('button', { name: '下个月' }).click();
    expect(await picker.getByRole('button', { name: tomorrow }).isDisabled()).toBe(true);
    await picker.getByRole('button', { name: '关闭' }).click();
    await page.getByLabel('纳入日期').fill(addDays(today, -10));
    await enrolledField.getByRole('button', { name: '打开日历' }).click();
    // The picker opens on the month of what is typed; pick a neighbouring day of that month.
    const shown = addDays(today, -10);
    const picked = addDays(today, -9).slice(0, 7) === shown.slice(0, 7) ? addDays(today, -9) : addDays(today, -11);
    await picker.getByRole('button', { name: picked }).click();
    await expect.poll(() => page.getByLabel('纳入日期').inputValue()).toBe(picked);

    await page.getByLabel('发现方式').selectOption('screening');
    await page.getByRole('button', { name: '纳入管理' }).click();
    await expect.poll(() => page.getByRole('table', { name: '慢性病管理' }).textContent()).toContain('管理中');
    // Saved: the form is empty again for the next programme.
    await expect.poll(() => diagnosed.inputValue()).toBe('');
    expect(await page.getByLabel('纳入日期').inputValue()).toBe(today);
    expect(await page.getByLabel('发现方式').inputValue()).toBe('clinic_visit');

    // A follow-up date before enrolment is refused with the enrolment date named.
    const visitDate = page.getByLabel('随访日期', { exact: true });
    await visitDate.fill(addDays(picked, -1));
    await visitDate.blur();
    await expect.poll(async () => (await page.getByRole('alert').allTextContents()).join('|')).toContain(`日期不能早于纳入管理日期（${picked}）`);
  });

  it('small things: F2 → Enter lands on the chart, BP boxes have labels, the whole picker row picks, the demo device speaks Chinese, one term for an unread ECG', async () => {
    const c = (ctx = await launchWithAdmin());
    const { page } = c;
    const zheng = await registerResident(c, '郑小明', '1975-06-06', 61);

    // F2, type, Enter: the chart opens and the focus is on it (the patient's name), not on the page body.
    await page.keyboard.press('F2');
    await page.keyboard.type('郑小明');
    await page
      .getByRole('option', { name: /郑小明/ })
      .first()
      .waitFor();
    await page.keyboard.press('Enter');
    await page.getByTestId('chart-heading').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('chart-heading');

    // The vitals page: each BP box has a label; clicking the label puts the cursor in its box.
    await page.getByRole('link', { name: '记录体征' }).click();
    const sbp2 = page.getByLabel('第2次收缩压');
    await sbp2.waitFor();
    expect(await sbp2.evaluate((el) => (el as HTMLInputElement).labels?.length ?? 0)).toBe(1);
    await page.locator('label', { hasText: '舒张压' }).nth(1).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('id'))).toBe(await page.getByLabel('第2次舒张压').getAttribute('id'));

    // The ECG room: the demo device is named in Chinese; a click on the row's details (not the name) picks the patient.
    await page.getByRole('navigation').getByRole('link', { name: '心电' }).click();
    await expect.poll(() => page.getByLabel('心电设备').locator('option').allTextContents()).toContain('演示心电设备（模拟12导联）');
    await page.getByLabel('选择患者').fill('郑小明');
    await page.getByTestId('ecg-picker-row').first().locator('.muted').click();
    await page.getByTestId('ecg-patient').getByText('郑小明').waitFor();

    // An ECG nobody has read is 待解读 in the chart, as everywhere (the catalogs hold no other name: terms.test.ts).
    const synthetic = synthesizeEcg({ seed: 3, durationS: 10, sampleRateHz: 500, heartRateBpm: 72 });
    const file = path.join(c.dataDir, 'cart.xml');
    writeFileSync(file, writeAecg({ format: 'hl7-aecg', sampleRateHz: synthetic.sampleRateHz, leads: synthetic.leads }));
    await call(c.harness.services.dispatch, 'ecg', 'importFile', { patientId: zheng.id, file: c.harness.services.files.register(file, 'ecg').handle });
    await page.goto(`${c.harness.url}/#/patients/${zheng.id}`);
    await expect.poll(() => page.locator('.chart-page').textContent()).toContain('待解读');
    expect(await page.locator('.chart-page').textContent()).not.toMatch(/未判读|尚未解读/);
  });

  it('files are chosen, never typed: ECG import and backup restore go through the file dialog (the harness uploads in its place)', async () => {
    const c = (ctx = await launchWithAdmin());
    const { page } = c;
    await registerResident(c, '冯建华', '1966-01-01', 71);

    // ECG import: a button opens the dialog; there is no box to type a path into.
    await page.getByRole('navigation').getByRole('link', { name: '心电' }).click();
    await page.getByLabel('选择患者').fill('冯建华');
    await page.getByTestId('ecg-picker-row').first().click();
    expect(await page.getByLabel(/文件路径/).count()).toBe(0);
    const synthetic = synthesizeEcg({ seed: 5, durationS: 10, sampleRateHz: 500, heartRateBpm: 66 });
    const xml = writeAecg({ format: 'hl7-aecg', sampleRateHz: synthetic.sampleRateHz, leads: synthetic.leads });
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: '选择文件…' }).click()]);
    await chooser.setFiles({ name: '门诊心电.xml', mimeType: 'text/xml', buffer: Buffer.from(xml) });
    await expect.poll(() => page.getByTestId('ecg-import-file').textContent()).toContain('已选择：门诊心电.xml');
    await page.getByRole('button', { name: '导入到所选患者' }).click();
    await page.getByText('已保存到 冯建华 的病历').waitFor();

    // Backup restore: the backup is chosen in the dialog, not typed.
    await page.getByRole('navigation').getByRole('link', { name: '设置' }).click();
    expect(await page.getByLabel(/备份文件路径/).count()).toBe(0);
    await page.getByLabel('备份口令（至少 10 个字符）').first().fill('backup-pass-2026');
    await page.getByRole('button', { name: '立即备份' }).click();
    await page.getByText(/^备份完成：/).waitFor();
    const [backup] = c.harness.services.backup.list();
    const [restoreChooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: '选择备份文件…' }).click()]);
    await restoreChooser.setFiles(backup.path);
    await expect.poll(() => page.getByTestId('restore-file').textContent()).toBe(path.basename(backup.path));
    await page.getByLabel('备份口令（至少 10 个字符）').nth(1).fill('backup-pass-2026');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: '从备份恢复' }).click();
    await page.getByText('已恢复，患者 1 人').waitFor();
  });
});
