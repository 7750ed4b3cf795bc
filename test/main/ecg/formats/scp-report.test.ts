import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCartReport } from '../../../../src/main/ecg/analysis/cart-report';
import { readScpCartReport } from '../../../../src/main/ecg/formats/scp-report';
import { scpReader } from '../../../../src/main/ecg/formats/scp';
import { scpTags, writeScp, type ScpSpec } from '../../../support/ecg-writers/scp';
import { section10, section7, section8 } from '../../../support/ecg-writers/scp-report';
import { hasSharedSamples, samplePath, SKIP_REASON } from '../../../support/shared-samples';

const base: ScpSpec = {
  nanovoltsPerUnit: 5000,
  sampleIntervalUs: 2000,
  differenceOrder: 0,
  coding: 'default-huffman',
  leads: [
    { code: 1, values: Array.from({ length: 500 }, (_, i) => Math.round(100 * Math.sin(i / 10))) },
    { code: 2, values: Array.from({ length: 500 }, (_, i) => Math.round(80 * Math.cos(i / 10))) },
  ],
};

const block = { pOnset: 100, pOffset: 210, qrsOnset: 262, qrsOffset: 358, tOffset: 660, pAxis: 55, qrsAxis: -20, tAxis: 40 };
const ascii = (text: string) => new TextEncoder().encode(text);

describe('SCP-ECG cart report (sections 7, 8, 10)', () => {
  it('reads global intervals, axes, rate and QTc from section 7 and the statements from section 8', async () => {
    const bytes = writeScp({
      ...base,
      extraSections: [
        {
          id: 7,
          body: section7({ averageRrMs: 1000, blocks: [block, { ...block, qrsAxis: 100 }], extension: { ventricularRate: 61, atrialRate: 61, qtc: 420 } }),
        },
        { id: 8, body: section8(0, [ascii('Sinus rhythm'), ascii('Left axis deviation')]) },
      ],
    });
    const report = readCartReport(bytes);
    expect(report).toEqual({
      vendor: 'scp-ecg',
      measurements: { heartRateBpm: 61, prMs: 162, qrsMs: 96, qtMs: 398, qtcMs: 420, pAxisDeg: 55, qrsAxisDeg: -20, tAxisDeg: 40, pDurationMs: 110 },
      statements: ['Sinus rhythm', 'Left axis deviation'],
      confirmed: false,
    });
    // The waveform still reads: the report sections sit beside it.
    expect((await scpReader.read({ path: 'x.scp', bytes, readCompanion: async () => undefined })).leads).toHaveLength(2);
  });

  it('leaves out values the cart marks as not computed, rejected, absent or undefined, and takes the rate from the mean RR', () => {
    const missing = { ...block, pOnset: 29999, pOffset: 19999, tOffset: 29998, pAxis: 999 };
    const report = readScpCartReport(writeScp({ ...base, extraSections: [{ id: 7, body: section7({ averageRrMs: 800, blocks: [missing] }) }] }));
    expect(report?.measurements).toEqual({ heartRateBpm: 75, qrsMs: 96, qrsAxisDeg: -20, tAxisDeg: 40 });
    expect(report?.statements).toEqual([]);
    expect(report?.confirmed).toBeUndefined();
  });

  it('falls back to the median of section 10 per-lead values where section 7 gives none', () => {
    const leads = [
      { leadId: 1, pDuration: 100, pr: 150, qrs: 90, qt: 400 },
      { leadId: 2, pDuration: 110, pr: 160, qrs: 29999, qt: 410 },
      { leadId: 3, pDuration: 120, pr: 170, qrs: 100, qt: 420 },
    ];
    const onlyQrs = { ...block, pOnset: 29999, pOffset: 29999, tOffset: 29999 };
    const report = readScpCartReport(
      writeScp({
        ...base,
        extraSections: [
          { id: 7, body: section7({ averageRrMs: 29999, blocks: [onlyQrs] }) },
          { id: 10, body: section10(leads) },
        ],
      }),
    );
    expect(report?.measurements).toMatchObject({ prMs: 160, qtMs: 410, pDurationMs: 110, qrsMs: 96 });
    expect(report?.measurements.heartRateBpm).toBeUndefined();
  });

  it('decodes statements as the other SCP text fields (non-UTF-8 bytes as GB18030, as Chinese carts write them) and reads the confirmed flag', () => {
    const gb = Uint8Array.from([0xf1, 0xbc, 0xd0, 0xd4, 0xd0, 0xc4, 0xc2, 0xc9]); // 窦性心律 in GB18030
    const report = readScpCartReport(writeScp({ ...base, tags: [scpTags.ascii(0, 'Zhang')], extraSections: [{ id: 8, body: section8(1, [gb, ascii('')]) }] }));
    expect(report?.statements).toEqual(['窦性心律']);
    expect(report?.confirmed).toBe(true);
  });

  it('gives no report for a record without sections 7, 8 and 10, and a partial one for a section cut short', () => {
    expect(readScpCartReport(writeScp(base))).toBeUndefined();
    const whole = section8(2, [ascii('Normal ECG'), ascii('Borderline')]);
    const cut = whole.subarray(0, whole.length - 5);
    expect(readScpCartReport(writeScp({ ...base, extraSections: [{ id: 8, body: cut }] }))?.statements).toEqual(['Normal ECG']);
  });
});

describe.skipIf(!hasSharedSamples)(`SCP-ECG cart report on the shared Example.scp ${hasSharedSamples ? '' : SKIP_REASON}`, () => {
  it('reads section 7 as the same analysis the aECG example carries (the SCP file was converted from it)', () => {
    const scp = readCartReport(readFileSync(samplePath('scp-ecg', 'Example.scp')));
    const aecg = readCartReport(readFileSync(samplePath('hl7-aecg', 'Example_aECG.xml')));
    expect(scp?.measurements).toEqual({ prMs: 148, qrsMs: 120, qtMs: 420, qtcMs: 443, pAxisDeg: 44, qrsAxisDeg: -61, tAxisDeg: 86, pDurationMs: 102 });
    expect(aecg?.measurements).toEqual(scp?.measurements);
  });
});
