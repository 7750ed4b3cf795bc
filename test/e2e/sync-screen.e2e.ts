import { afterEach, describe, expect, it } from 'vitest';
import { makeResidentId } from '../../src/shared/resident-id';
import { callApi, configureCounty, countyPeerForFile, createAdmin, launch, type E2eContext } from './browser';

let ctx: E2eContext | undefined;

const county = countyPeerForFile();
afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

describe('同步 screen in the browser (zh-CN)', () => {
  it('a doctor sees the settings read-only; a platform that is down shows its error and the failed record, which opens the chart', async () => {
    ctx = await launch();
    const { page } = ctx;
    await createAdmin(page);
    await configureCounty(ctx, county);
    await callApi(ctx, 'users.create', { username: 'doctor1', displayName: '李医生', role: 'doctor', password: 'Doctor2026ok' });
    await expect
      .poll(async () => (await callApi<{ id: string; state: string; queued: number }[]>(ctx!, 'sync.targets', {}))[0], { timeout: 20_000 })
      .toMatchObject({ state: 'idle', queued: 0 });

    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByLabel('用户名').fill('doctor1');
    await page.getByLabel('密码').fill('Doctor2026ok');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('navigation').getByRole('link', { name: '同步' }).click();
    const card = page.getByRole('article', { name: '县级平台' });
    // Read-only settings, no form and no buttons that would be refused.
    const settings = card.getByTestId('sync-settings-county');
    await settings.getByText('平台设置仅管理员可以修改。').waitFor();
    expect(await settings.innerText()).toContain(county.peer.url);
    expect(await card.getByRole('button', { name: '修改设置' }).count()).toBe(0);
    expect(await card.getByRole('checkbox').count()).toBe(0);
    expect(await card.getByRole('form').count()).toBe(0);
    await expect.poll(() => card.getByTestId('sync-state-county').innerText()).toBe('空闲');
    const lastSync = await card.getByTestId('sync-last-county').innerText();
    expect(lastSync).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);

    // The county platform goes down while a registration waits to go.
    await county.peer.stop();
    try {
      const { patient } = await callApi<{ patient: { id: string } }>(ctx, 'patients.register', {
        name: '孙断网',
        idNumber: makeResidentId('130321', '1966-06-06', 51),
        confirmNotDuplicate: true,
      });
      await card.getByTestId('sync-error-county').getByText('无法连接平台服务器').waitFor({ timeout: 20_000 });
      await expect.poll(() => card.getByTestId('sync-state-county').innerText()).not.toBe('空闲');
      expect(await card.getByTestId('sync-last-county').innerText()).toBe(lastSync);
      const failedTab = card.getByTestId('sync-list-county-failed');
      await expect.poll(() => failedTab.innerText(), { timeout: 20_000 }).toBe('发送失败（1）');
      await failedTab.click();
      const row = card.getByTestId('sync-record');
      await row.getByText('患者档案').waitFor();
      expect(await row.innerText()).toContain('无法连接平台服务器');
      await row.getByRole('link', { name: '孙断网' }).click();
      await page.waitForURL(`**/#/patients/${patient.id}`);
      await page.getByRole('heading', { name: /孙断网/ }).waitFor();
    } finally {
      await county.peer.restart();
    }
  });
});
