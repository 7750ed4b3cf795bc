import type { FileChooser, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { makeResidentId } from '../../src/shared/resident-id';
import { normalBeat, syntheticEcg } from '../main/ecg/analysis/synthetic-ecg';
import { scpTags, writeScp } from '../support/ecg-writers/scp';
import { section7, section8 } from '../support/ecg-writers/scp-report';
import { hasSharedSamples, samplePath, SKIP_REASON } from '../support/shared-samples';
import { callApi, createAdmin, launch, type E2eContext } from './browser';

/**
 * Issue 11.10 on the screen: an SCP-ECG file's own analysis (section 7 measurements, section 8 statements and its
 * confirmation flag) shows in the viewer beside ours, in zh-CN, through the harness and Chromium.
 */

let ctx: E2eContext | undefined;
afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

async function registerPatient(c: E2eContext, name: string, idNumber: string): Promise<{ id: string }> {
  const r = await callApi<{ status: string; patient: { id: string } }>(c, 'patients.register', {
    name,
    idNumber,
    phone: '13800002222',
    confirmNotDuplicate: true,
  });
  return r.patient;
}

async function importFor(c: E2eContext, patient: { id: string }, name: string, files: Parameters<FileChooser['setFiles']>[0]): Promise<Page> {
  const { page } = c;
  await page.goto(`${c.harness.url}/#/ecg`);
  await page.getByLabel('选择患者').fill(name);
  await page.getByRole('list', { name: '查找结果' }).getByRole('button', { name }).click();
  await page.getByTestId('ecg-patient').getByText(name).waitFor();
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: '选择文件…' }).click()]);
  await chooser.setFiles(files);
  await page.getByTestId('ecg-import-file').getByText('已选择：').waitFor();
  await page.getByRole('button', { name: '导入到所选患者' }).click();
  // A file naming another patient asks first; this test is about what shows after the import.
  const check = page.getByTestId('ecg-identity-check');
  const saved = page.getByText(`已保存到 ${name} 的病历`);
  await Promise.race([check.waitFor(), saved.waitFor()]);
  if (await check.isVisible()) await check.getByRole('button', { name: '确认是该患者，导入' }).click();
  await saved.waitFor();
  await page.goto(`${c.harness.url}/#/ecg/patient/${patient.id}`);
  const row = page.getByRole('table', { name: '心电图' }).getByRole('row').nth(1);
  await row.getByRole('button', { name: '查看' }).click();
  await page.getByRole('img', { name: '心电图波形' }).waitFor();
  return page;
}

/** The cart panel's measurement table as { row label: [ours, cart's] }. */
async function cartTable(page: Page): Promise<Record<string, [string, string]>> {
  const rows = page.getByTestId('ecg-cart-report').locator('tbody tr');
  const out: Record<string, [string, string]> = {};
  for (const row of await rows.all()) {
    const label = (await row.locator('th').textContent())!.trim();
    const cells = await row.locator('td').allTextContents();
    out[label] = [cells[0].trim(), cells[1].trim()];
  }
  return out;
}

const SCP_LEAD_CODES: Record<string, number> = { I: 1, II: 2, V1: 3, V2: 4, V3: 5, V4: 6, V5: 7, V6: 8, III: 61, aVR: 62, aVL: 63, aVF: 64 };
// 窦性心律 as a Chinese cart writes them (GB18030; the reader decodes non-UTF-8 text so).
const GB_SINUS = Uint8Array.from([0xf1, 0xbc, 0xd0, 0xd4, 0xd0, 0xc4, 0xc2, 0xc9]);

describe('ECG cart report beside ours (harness + Chromium, zh-CN)', () => {
  it('shows a written SCP-ECG file’s section 7 measurements and section 8 statements beside our own analysis', async () => {
    // 12 leads, 10 s at 500 Hz, 72/min, the synthetic normal beat (PR 160, QRS ≈ 92, QT 380 ms by construction).
    const ecg = syntheticEcg({ sampleRateHz: 500, seconds: 10, heartRateBpm: 72, leads: Object.keys(SCP_LEAD_CODES), shape: normalBeat(60), seed: 11 });
    const bytes = writeScp({
      nanovoltsPerUnit: 5000,
      sampleIntervalUs: 2000,
      differenceOrder: 2,
      coding: 'default-huffman',
      leads: ecg.leads.map((l) => ({ code: SCP_LEAD_CODES[l.name], values: Array.from(l.microvolts, (uv) => Math.round(uv / 5)) })),
      tags: [scpTags.date(25, 2026, 12, 5), scpTags.time(10, 20, 0)],
      extraSections: [
        {
          id: 7,
          // The cart's own numbers, deliberately not ours so the two columns can be told apart: PR 166, QRS 98, QT 392.
          body: section7({
            averageRrMs: 833,
            blocks: [{ pOnset: 100, pOffset: 206, qrsOnset: 266, qrsOffset: 364, tOffset: 658, pAxis: 50, qrsAxis: 58, tAxis: 41 }],
            extension: { ventricularRate: 72, atrialRate: 72, qtc: 429 },
          }),
        },
        { id: 8, body: section8(1, [GB_SINUS, new TextEncoder().encode('Normal ECG')]) },
      ],
    });

    ctx = await launch();
    await createAdmin(ctx.page);
    const patient = await registerPatient(ctx, '周建国', makeResidentId('430522', '1962-03-08', 131));
    const page = await importFor(ctx, patient, '周建国', [{ name: 'cart-12lead.scp', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) }]);

    const panel = page.getByTestId('ecg-cart-report');
    await panel.waitFor();
    await panel.getByRole('heading', { name: '心电图机自带分析（SCP-ECG）' }).waitFor();
    const table = await cartTable(page);
    // The cart's column is exactly what section 7 says.
    expect(table['PR 间期'][1]).toBe('166 ms');
    expect(table['QRS 时限'][1]).toBe('98 ms');
    expect(table['QT 间期'][1]).toBe('392 ms');
    expect(table['QTc（Bazett）'][1]).toBe('429 ms');
    expect(table['P 电轴'][1]).toBe('50°');
    // Ours is measured on the waveform: close to the synthetic truth, and not a copy of the cart's column.
    const ms = (text: string) => Number(/^(\d+) ms$/.exec(text)?.[1]);
    expect(Math.abs(ms(table['PR 间期'][0]) - 160)).toBeLessThanOrEqual(12);
    expect(Math.abs(ms(table['QT 间期'][0]) - 380)).toBeLessThanOrEqual(20);
    expect(table['PR 间期'][0]).not.toBe(table['PR 间期'][1]);
    // The statements as written in the file, with the file's own confirmation flag (1 = confirmed by a physician; 0 original, 2 overread but not confirmed).
    expect(await panel.getByRole('listitem').allTextContents()).toEqual(['窦性心律', 'Normal ECG']);
    await panel.getByText('心电图机文件注明：结论已经医师确认').waitFor();
    // Ours stay marked as machine suggestions, beside the cart's.
    await page.getByTestId('ecg-machine-note').getByText('机器自动分析，需医师确认').waitFor();
    expect((await page.getByTestId('ecg-statements').allTextContents()).join('')).toContain('窦性');
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: '/tmp/ecg-cart-scp.png' });
  });

  describe.skipIf(!hasSharedSamples)(`the shared Example.scp (${SKIP_REASON.replace('skipped: ', 'skipped when ')})`, () => {
    it('shows the ELI250’s section 7 analysis beside ours', async () => {
      ctx = await launch();
      await createAdmin(ctx.page);
      const patient = await registerPatient(ctx, '吴淑华', makeResidentId('430522', '1971-11-02', 246));
      const page = await importFor(ctx, patient, '吴淑华', samplePath('scp-ecg', 'Example.scp'));
      await page.getByTestId('ecg-cart-report').getByRole('heading', { name: '心电图机自带分析（SCP-ECG）' }).waitFor();
      const table = await cartTable(page);
      // Section 7 of the file: PR 148, P 102, QRS 120, QT 420, QTc 443, axes 44/−61/86.
      expect(table['PR 间期'][1]).toBe('148 ms');
      expect(table['QRS 时限'][1]).toBe('120 ms');
      expect(table['QT 间期'][1]).toBe('420 ms');
      expect(table['QTc（Bazett）'][1]).toBe('443 ms');
      expect(table['T 电轴'][1]).toBe('86°');
      // Ours: measured, a number in each of these rows.
      for (const label of ['PR 间期', 'QRS 时限', 'QT 间期']) expect(table[label][0]).toMatch(/^\d+ ms$/);
    });

    it('the Philips file: the calibration pulse after the ECG is marked, not counted, and our rate is the cart’s', async () => {
      ctx = await launch();
      await createAdmin(ctx.page);
      const patient = await registerPatient(ctx, '郑卫东', makeResidentId('430522', '1948-06-15', 358));
      const page = await importFor(ctx, patient, '郑卫东', samplePath('philips-xml', '129DYPRG.XML'));
      await page.getByTestId('ecg-cart-report').waitFor();
      const table = await cartTable(page);
      // The cart says 41/min; the pulse's edge once made ours 44.
      expect(table['心率'][1]).toMatch(/^41\b/);
      expect(table['心率'][0]).toBe(table['心率'][1]);
      const quality = page.getByTestId('ecg-quality-list');
      expect((await quality.textContent()) ?? '').toContain('设备定标信号，非心电（不参与分析）');
      expect(await quality.getByRole('listitem').count()).toBe(1);
    });
  });
});
