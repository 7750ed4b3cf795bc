import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../src/main/api/dispatcher';
import { synthesizeEcg } from '../../src/main/ecg/devices/synthetic-ecg';
import { writeAecg } from '../../src/main/ecg/formats/aecg-writer';
import { configureOfflineCounty } from '../support/test-services';
import { launchWithAdmin, lockDuringFirst, unlockStation, type E2eContext, registerResident } from './browser';

/**
 * Issue 14.4 on the pages that read through resource hooks: the idle lock falls while the page's first request is
 * on its way (main refuses it), and after unlock the page shows its data by itself, no lock message left behind.
 */

let ctx: E2eContext | undefined;
afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

async function station() {
  const c = (ctx = await launchWithAdmin());
  const d = c.harness.services.dispatch;
  const patient = await registerResident(c, '钱立新', '1958-03-12', 71);
  const synthetic = synthesizeEcg({ seed: 7, durationS: 10, sampleRateHz: 500, heartRateBpm: 70 });
  const file = path.join(c.dataDir, 'cart.xml');
  writeFileSync(file, writeAecg({ format: 'hl7-aecg', sampleRateHz: synthetic.sampleRateHz, leads: synthetic.leads }));
  const ecg = await call(d, 'ecg', 'importFile', { patientId: patient.id, file: c.harness.services.files.register(file, 'ecg').handle });
  return { c, d, patient, ecg };
}

async function noLockMessageLeft(c: E2eContext) {
  expect(await c.page.getByText('工作站已锁定，请解锁后继续').count()).toBe(0);
}

describe('pages reload what the idle lock interrupted (issue 14.4)', () => {
  it('the ECG page: the list, the opened recording and its waveform', async () => {
    const { c, patient, ecg } = await station();
    const listCalls = await lockDuringFirst(c, 'ecg.list');
    await c.page.goto(`${c.harness.url}/#/ecg/patient/${patient.id}?ecg=${ecg.id}`);
    await unlockStation(c.page);

    const rows = c.page.getByRole('table', { name: '心电图' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(listCalls()).toBeGreaterThanOrEqual(2);
    await c.page
      .getByRole('article', { name: /^心电图 / })
      .getByRole('img', { name: '心电图波形' })
      .waitFor();
    await noLockMessageLeft(c);
  });

  it('consult detail: the consult and the one ECG it carries (fetched alone)', async () => {
    const { c, d, patient, ecg } = await station();
    await configureOfflineCounty(d);
    const consult = await call(d, 'consult', 'create', {
      patientId: patient.id,
      question: '心电图ST段改变请判读',
      urgency: 'routine',
      targetInstitution: '县人民医院',
      specialty: 'cardiology',
      ecgIds: [ecg.id],
    });
    const getCalls = await lockDuringFirst(c, 'consult.get');
    let listCalls = 0;
    await c.page.route('**/api/ecg.list', async (route) => {
      listCalls++;
      await route.continue();
    });
    await c.page.goto(`${c.harness.url}/#/consult/${patient.id}/${consult.id}`);
    await unlockStation(c.page);

    await c.page.getByRole('heading', { name: '会诊：钱立新' }).waitFor();
    expect(getCalls()).toBeGreaterThanOrEqual(2);
    expect(await c.page.getByText('心电图ST段改变请判读').count()).toBe(1);
    const attached = c.page.getByTestId('consult-ecg');
    await expect.poll(() => attached.textContent()).toContain('心率 70 次/分');
    expect(listCalls).toBe(0);
    await noLockMessageLeft(c);
  });

  it('the sync page: each platform and its state', async () => {
    const { c } = await station();
    const targetCalls = await lockDuringFirst(c, 'sync.targets');
    await c.page.getByRole('navigation').getByRole('link', { name: '同步' }).click();
    await unlockStation(c.page);

    await c.page.getByRole('article', { name: '县级平台' }).waitFor();
    await c.page.getByRole('article', { name: '省级平台' }).waitFor();
    expect(targetCalls()).toBeGreaterThanOrEqual(2);
    await noLockMessageLeft(c);
  });
});
