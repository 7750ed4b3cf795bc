import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../src/main/api/dispatcher';
import { makeResidentId } from '../../src/shared/resident-id';
import { buildStandinLibrary, STANDIN_CARD, STANDIN_PORT } from '../support/idcard/standin';
import { createAdmin, launch, openRegistration, type E2eContext } from './browser';

let ctx: E2eContext | undefined;
afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

let library = '';
beforeAll(() => {
  library = buildStandinLibrary();
});

describe('identity at the desk: the ID-card reader (harness + Chromium, stand-in C library)', () => {
  it('configures the driver, reads the card on registration, fills the form, saves with the photo, then finds the patient from the header', async () => {
    ctx = await launch();
    const { page } = ctx;
    await createAdmin(page);

    // Administrator: settings → 身份证读卡器 → the common C API library and port.
    await page.getByRole('navigation').getByRole('link', { name: '设置' }).click();
    const form = page.getByRole('form', { name: '身份证读卡器' });
    await form.getByLabel('驱动').selectOption('sdt');
    await form.getByLabel('动态库路径').fill(library);
    await form.getByLabel('端口').fill(String(STANDIN_PORT.noCard));
    await form.getByRole('button', { name: '保存读卡器设置' }).click();
    await form.getByText('读卡器设置已保存').waitFor();
    // A test read with no card on the reader says so in Chinese.
    await form.getByRole('button', { name: '读身份证' }).click();
    await form.getByText('读卡器上没有身份证，请放卡后重试').waitFor();
    await form.getByLabel('端口').fill(String(STANDIN_PORT.ok));
    await form.getByRole('button', { name: '保存读卡器设置' }).click();
    await form.getByText('读卡器设置已保存').waitFor();

    // Registration: 读身份证 fills name, ID (hence birth date and sex) and address.
    await openRegistration(page);
    await page.getByRole('main').getByRole('button', { name: '读身份证' }).click();
    await page.getByTestId('card-filled').waitFor();
    expect(await page.getByLabel('姓名').inputValue()).toBe(STANDIN_CARD.name);
    expect(await page.getByLabel('身份证号', { exact: true }).inputValue()).toBe(STANDIN_CARD.idNumber);
    await expect.poll(() => page.getByLabel('出生日期').inputValue()).toBe(STANDIN_CARD.birthDate);
    expect(await page.getByLabel('性别').inputValue()).toBe('女');
    expect(await page.getByLabel('详细地址').inputValue()).toBe('河北省保定市清苑区东闾乡东闾村12号');
    await page.getByTestId('card-filled').getByText('WLT 格式').waitFor();
    expect(await page.getByTestId('card-facts').textContent()).toBe('民族：汉族 · 清苑县公安局 · 有效期至 2035-06-01');
    await page.screenshot({ path: '/tmp/idcard-registration.png', fullPage: true });

    await page.getByRole('button', { name: '登记', exact: true }).click();
    await page.getByRole('heading', { name: new RegExp(STANDIN_CARD.name) }).waitFor();
    const patientId = /#\/patients\/([^/?]+)/.exec(page.url())?.[1] ?? '';
    expect(patientId).not.toBe('');

    // The card went with the patient: photo stored (in the encrypted database), ethnicity from the card.
    const services = ctx.harness.services;
    const photo = await call(services.dispatch, 'idcard', 'photo', { patientId });
    expect(photo).toMatchObject({ format: 'wlt', size: 1024 });
    expect((await call(services.dispatch, 'patients', 'get', { patientId })).idNumber).toBe(STANDIN_CARD.idNumber);
    const row = services.store.current.sqlite.prepare('SELECT ethnic_code AS ethnicCode FROM patients WHERE id = ?').get(patientId) as {
      ethnicCode: string | null;
    };
    expect(row.ethnicCode).toBe('01');

    // Check-in: 读身份证 beside the header search finds the registered patient; Enter opens the chart.
    await page.getByRole('navigation').getByRole('link', { name: '今日门诊' }).click();
    await page.locator('.search-read-card').getByRole('button', { name: '读身份证' }).click();
    const search = page.getByRole('combobox', { name: '查找患者' });
    await expect.poll(() => search.inputValue()).toBe(STANDIN_CARD.idNumber);
    await page.getByRole('option').filter({ hasText: STANDIN_CARD.name }).waitFor();
    await search.press('Enter');
    await expect.poll(() => page.url()).toContain(`#/patients/${patientId}`);
    // The chart shows the stored card photo (a WLT, so as a note, not a picture).
    await page.getByTestId('chart-card').getByText('WLT 格式').waitFor();

    // Keyboard mode: a QR scanner types a plain payload and Enter into the header search, which searches its ID.
    await page.getByRole('navigation').getByRole('link', { name: '今日门诊' }).click();
    await search.click();
    await search.fill(`姓名=${STANDIN_CARD.name}&身份证号=${STANDIN_CARD.idNumber}`);
    await search.press('Enter');
    await expect.poll(() => page.url()).toContain(`#/patients/${patientId}`);
  }, 120_000);

  it('keyboard mode on registration: a scanner burst (plain QR payload) fills the ID number and name, and saves', async () => {
    ctx = await launch();
    const { page } = ctx;
    await createAdmin(page);
    await openRegistration(page);
    const id = makeResidentId('130608', '1972-08-15', 35);
    // A scanner is a keyboard typing faster than anyone: the keys arrive in one burst (dispatched in one task here,
    // so the gaps are real sub-millisecond ones, not Playwright's round trips), then Enter.
    await page.getByLabel('姓名').focus();
    await page.evaluate((payload) => {
      const target = document.activeElement ?? document.body;
      for (const key of [...payload, 'Enter']) target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
    }, `xm=李扫码&sfzh=${id}&sjhm=13912345678`);
    await expect.poll(() => page.getByLabel('身份证号', { exact: true }).inputValue()).toBe(id);
    expect(await page.getByLabel('姓名').inputValue()).toBe('李扫码');
    expect(await page.getByLabel('手机号').inputValue()).toBe('13912345678');
    await expect.poll(() => page.getByLabel('出生日期').inputValue()).toBe('1972-08-15');
    await page.getByRole('button', { name: '登记', exact: true }).click();
    await page.getByRole('heading', { name: /李扫码/ }).waitFor();
  }, 120_000);
});
