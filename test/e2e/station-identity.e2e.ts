import { afterEach, describe, it } from 'vitest';
import { launch, type E2eContext } from './browser';

/** Issue 10 item 1 as a user meets it: the institution named at first run, then checked and changed in 设置. */

let ctx: E2eContext | undefined;
afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

describe('station identity', () => {
  it('names the institution at first run; a mistyped code in 设置 is refused in Chinese; a valid one is saved', async () => {
    ctx = await launch();
    const { page } = ctx;
    await page.getByRole('heading', { name: '首次使用：创建管理员' }).waitFor();
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('姓名').fill('王医生');
    await page.getByLabel('密码', { exact: true }).fill('Clinic2026ok');
    await page.getByLabel('再次输入密码').fill('Clinic2026ok');
    await page.getByLabel('机构名称').fill('东湾镇卫生院');
    await page.getByLabel('机构代码（统一社会信用代码）').fill('12100000400000624D');
    await page.getByRole('button', { name: '创建管理员' }).click();
    await page.getByRole('navigation').getByRole('link', { name: '今日门诊' }).waitFor();

    await page.getByRole('link', { name: '设置' }).click();
    const station = page.getByRole('form', { name: '本机构' });
    const code = station.getByRole('textbox', { name: '机构代码（统一社会信用代码）' });
    await code.and(page.locator('[value="12100000400000624D"]')).waitFor();
    await code.fill('12100000400000624E');
    await station.getByRole('button', { name: '保存' }).click();
    await station.getByText('机构代码校验位不符').waitFor();
    await code.fill('9135 0100 M000 100Y43');
    await station.getByRole('button', { name: '保存' }).click();
    await station.getByText('已保存').waitFor();
    await code.and(page.locator('[value="91350100M000100Y43"]')).waitFor();
  });
});
