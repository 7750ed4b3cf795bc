import { afterEach, describe, expect, it } from 'vitest';
import { createAdmin, advanceClock, launch, type E2eContext } from './browser';

let ctx: E2eContext | undefined;
afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

async function signIn(c: E2eContext, username: string, password: string) {
  await c.page.getByLabel('用户名').fill(username);
  await c.page.getByLabel('密码').fill(password);
  await c.page.getByRole('button', { name: '登录' }).click();
}

describe('foundation end to end (harness + Chromium)', () => {
  it('first run: sets the store passphrase, creates the administrator, signs out and in again', async () => {
    ctx = await launch({ passphrase: null });
    const { page } = ctx;
    await page.getByRole('heading', { name: '设置数据库口令' }).waitFor();
    await page.getByLabel('数据库口令').fill('short');
    await page.getByRole('button', { name: '打开数据库' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('口令至少 10 个字符');
    await page.getByLabel('数据库口令').fill('station-passphrase-1');
    await page.getByLabel('再次输入口令').fill('station-passphrase-1');
    await page.getByRole('button', { name: '打开数据库' }).click();
    await createAdmin(ctx.page);
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('王医生（管理员）');
    await page.getByRole('button', { name: '退出登录' }).click();
    await signIn(ctx, 'admin', 'Clinic2026ok');
    await page.getByRole('navigation').getByRole('link', { name: '随访' }).waitFor();
  });

  it('refuses a weak password at setup with the translated policy message', async () => {
    ctx = await launch();
    const { page } = ctx;
    await page.getByRole('heading', { name: '首次使用：创建管理员' }).waitFor();
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('姓名').fill('王医生');
    await page.getByLabel('密码', { exact: true }).fill('abcdefgh');
    await page.getByLabel('再次输入密码').fill('abcdefgh');
    await page.getByRole('button', { name: '创建管理员' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('密码须同时包含字母和数字');
  });

  it('locks the account after 5 wrong passwords, then lets the user in after the lockout', async () => {
    ctx = await launch();
    await createAdmin(ctx.page);
    const { page } = ctx;
    await page.getByRole('button', { name: '退出登录' }).click();
    for (let i = 1; i <= 4; i++) {
      await signIn(ctx, 'admin', `Wrong${i}pass`);
      await expect.poll(() => page.getByRole('alert').textContent()).toContain(`再错 ${5 - i} 次将锁定账户`);
    }
    await signIn(ctx, 'admin', 'Wrong5pass');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('账户已锁定至');
    // Even the right password is refused while locked.
    await signIn(ctx, 'admin', 'Clinic2026ok');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('账户已锁定至');
    await advanceClock(ctx, 16 * 60_000);
    await signIn(ctx, 'admin', 'Clinic2026ok');
    await page.getByRole('navigation').getByRole('link', { name: '今日门诊' }).waitFor();
  });

  it('idle lock covers the page and resuming keeps the text being typed', async () => {
    ctx = await launch();
    await createAdmin(ctx.page);
    const { page } = ctx;
    await page.getByRole('link', { name: '设置' }).click();
    const facility = page.getByRole('textbox', { name: '姓名' });
    await facility.fill('李护士（填写中）');
    // Small steps with the page's own polls (alert banner, status bar) running between them, as real time would:
    // the background calls must not keep the station open (issue 15 point 1).
    const heading = page.getByRole('heading', { name: '工作站已锁定' });
    for (let step = 0; step < 12 * 6 && !(await heading.isVisible()); step++) {
      await advanceClock(ctx, 10_000);
      await page.evaluate(() => new Promise((r) => setTimeout(r, 60)));
      if (step === 6 * 6) await page.waitForTimeout(10_500); // one full banner poll period of real time
    }
    await heading.waitFor({ timeout: 15_000 });
    // Locked: the patient-bearing page is out of the document, typed text included (issue 15 point 3).
    expect(await page.evaluate(() => [...document.querySelectorAll('input')].some((i) => i.value === '李护士（填写中）'))).toBe(false);
    expect(await page.locator('nav').count()).toBe(0);
    await page.getByRole('dialog').getByLabel('密码').fill('Clinic2026ok');
    await page.getByRole('button', { name: '解锁' }).click();
    await page.getByRole('heading', { name: '工作站已锁定' }).waitFor({ state: 'detached' });
    await expect.poll(() => facility.inputValue()).toBe('李护士（填写中）');
  });

  it('switches the language to English and back', async () => {
    ctx = await launch();
    await createAdmin(ctx.page);
    const { page } = ctx;
    await page.getByRole('link', { name: '设置' }).click();
    await page.getByLabel('界面语言').selectOption('en');
    await page.getByRole('navigation').getByRole('link', { name: "Today's clinic" }).waitFor();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('navigation').getByRole('link', { name: '今日门诊' }).waitFor();
  });
});
