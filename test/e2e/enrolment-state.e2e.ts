import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../src/main/api/dispatcher';
import { addDays } from '../../src/shared/dates';
import { makeResidentId } from '../../src/shared/resident-id';
import { createAdmin, launch, openRegistration, type E2eContext } from './browser';

/** Issue 14.1: registration's 慢病标记, the chart and the follow-up page show one enrolment state (zh-CN). */

let ctx: E2eContext | undefined;
afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

const ID = makeResidentId('110105', '1958-03-07', 11);

async function chartFacts(page: Page): Promise<string> {
  return (await page.getByRole('heading', { name: '慢病管理' }).locator('..').textContent()) ?? '';
}

describe('one enrolment state on every screen (harness + Chromium)', () => {
  it('a disease ticked at registration is proposed, enrolled on the follow-up page, and every screen then agrees', async () => {
    ctx = await launch();
    const { page } = ctx;
    await createAdmin(page);

    // Registration: ticking 高血压 says it proposes enrolment.
    await openRegistration(page);
    await page.getByText('勾选的病种会在随访页提议纳入管理，纳入后才算管理中。').waitFor();
    await page.getByLabel('姓名').fill('孙立新');
    await page.getByLabel('身份证号', { exact: true }).fill(ID);
    await page.getByLabel('手机号').fill('13912340011');
    await page.getByLabel('高血压').check();
    await page.getByRole('button', { name: '登记', exact: true }).click();
    await page.getByText('孙立新 登记成功').waitFor();
    const patientId = /#\/patients\/([^/?]+)/.exec(page.url())?.[1] ?? '';
    expect(patientId).not.toBe('');

    // The chart: a proposal, not "已纳入", and no programme badge yet.
    await expect.poll(() => chartFacts(page)).toContain('登记时标记，待在随访页纳入管理');
    expect(await chartFacts(page)).not.toContain('已纳入慢病管理');
    const states = await call(ctx.harness.services.dispatch, 'followup', 'enrolmentStates', { patientId });
    expect(states.map((s) => s.state)).toEqual(['proposed', 'none']);

    // The follow-up page offers the enrolment the mark proposed.
    await page.getByRole('link', { name: '随访记录' }).first().click();
    await page.getByRole('heading', { name: '慢性病管理' }).waitFor();
    await page.getByText('登记时标记了高血压，尚未纳入管理。').waitFor();
    await page.getByRole('button', { name: '纳入高血压管理' }).click();
    await expect.poll(() => page.getByRole('table', { name: '慢性病管理' }).textContent()).toContain('管理中');
    expect(await page.getByText('登记时标记了高血压，尚未纳入管理。').count()).toBe(0);

    // Back on the chart: the same state, and the badge.
    await page.goto(`${ctx.harness.url}/#/patients/${patientId}`);
    await expect.poll(() => chartFacts(page)).toContain('已纳入慢病管理');
    expect(await page.locator('.badges .badge', { hasText: '高血压' }).count()).toBe(1);
    const after = await call(ctx.harness.services.dispatch, 'followup', 'enrolmentStates', { patientId });
    expect(after.map((s) => s.state)).toEqual(['enrolled', 'none']);
  });

  it('a second follow-up the same day asks first, and is saved only when confirmed', async () => {
    ctx = await launch();
    const { page } = ctx;
    await createAdmin(page);
    const d = ctx.harness.services.dispatch;
    const today = ctx.harness.services.followup.today();
    const result = await call(d, 'patients', 'register', { name: '周同日', idNumber: makeResidentId('110105', '1960-05-01', 21), confirmNotDuplicate: true });
    if (result.status !== 'created') throw new Error('registration failed');
    const patientId = result.patient.id;
    await call(d, 'followup', 'enrol', { patientId, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: addDays(today, -30) });
    await page.goto(`${ctx.harness.url}/#/followup/patient/${patientId}`);
    await page.getByRole('heading', { name: '慢性病管理' }).waitFor();
    const visit = async () => {
      await page.getByLabel('随访日期', { exact: true }).fill(today);
      await page.getByRole('textbox', { name: '收缩压' }).fill('132');
      await page.getByRole('textbox', { name: '舒张压' }).fill('84');
      await page.getByRole('button', { name: '保存随访记录' }).click();
    };
    await visit();
    await page.getByTestId('followup-saved').waitFor();
    await visit();
    await page.getByText(`该患者在 ${today} 已有一条此病种的随访记录；确认要再记录一条吗？`).waitFor();
    expect((await call(d, 'followup', 'history', { patientId })).records.length).toBe(1);
    await page.getByRole('button', { name: '仍然保存' }).click();
    await expect.poll(async () => (await call(d, 'followup', 'history', { patientId })).records.length).toBe(2);
  });
});
