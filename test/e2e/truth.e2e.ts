import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../src/main/api/dispatcher';
import { addDays, chinaLocalDate } from '../../src/shared/dates';
import { makeResidentId } from '../../src/shared/resident-id';
import { advanceClock, createAdmin, E2E_ADMIN_PASSWORD, launch, type E2eContext } from './browser';

/** Issue 14 "one patient, one truth": each point as a clinician meets it, in zh-CN. */

let ctx: E2eContext | undefined;
afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

async function register(c: E2eContext, name: string, birthDate: string, seq: number, village = '东湾村') {
  const result = await call(c.harness.services.dispatch, 'patients', 'register', {
    name,
    idNumber: makeResidentId('130321', birthDate, seq),
    phone: `1390000${String(seq).padStart(4, '0')}`,
    village,
    contractDoctor: '刘医生',
    confirmNotDuplicate: true,
  });
  if (result.status !== 'created') throw new Error('registration failed');
  return result.patient;
}

async function unlock(page: Page) {
  await page.getByRole('heading', { name: '工作站已锁定' }).waitFor();
  await page.getByRole('dialog').getByLabel('密码').fill(E2E_ADMIN_PASSWORD);
  await page.getByRole('button', { name: '解锁' }).click();
  await page.getByRole('heading', { name: '工作站已锁定' }).waitFor({ state: 'detached' });
}

describe('one patient, one truth (issue 14)', () => {
  it('the reminders page, locked while it loads, shows its lists after unlock (no lock message, no "…" counts)', async () => {
    ctx = await launch();
    const c = ctx;
    const { page } = c;
    await createAdmin(page);
    const today = chinaLocalDate(new Date());
    const d = c.harness.services.dispatch;
    const zhao = await register(c, '赵强', '1962-09-01', 13);
    await call(d, 'followup', 'enrol', { patientId: zhao.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: addDays(today, -200) });
    await call(d, 'followup', 'save', { patientId: zhao.id, disease: 'hypertension', form: { date: addDays(today, -30), mode: 'clinic', sbp: 156, dbp: 98 } });

    // The idle lock falls while the reminder list is on its way: main refuses it (SESSION_LOCKED).
    let held = 0;
    await page.route('**/api/followup.reminders', async (route) => {
      if (held++ === 0) await advanceClock(c, 11 * 60_000);
      await route.continue();
    });
    await page.getByRole('navigation').getByRole('link', { name: '随访' }).click();
    await unlock(page);

    // After unlock the page has loaded again by itself: the list and its counts, no lock message left behind.
    await expect.poll(() => page.getByTestId('reminder-row').first().textContent()).toContain('赵强');
    expect(held).toBeGreaterThanOrEqual(2);
    await expect.poll(() => page.getByRole('button', { name: /^已逾期/ }).textContent()).toMatch(/已逾期\s*1$/);
    expect(await page.getByText('工作站已锁定，请解锁后继续').count()).toBe(0);
    expect(await page.locator('.reminder-kinds .count', { hasText: '…' }).count()).toBe(0);
  });
});
