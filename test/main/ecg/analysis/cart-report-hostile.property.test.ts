import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCartReport } from '../../../../src/main/ecg/analysis/cart-report';
import { applyByteMutation, flipArb, truncateArb, type ByteMutation } from '../../../support/ecg-format-helpers';
import { museBytes } from '../../../support/ecg-writers/muse';
import { philipsBytes } from '../../../support/ecg-writers/philips';
import { fixScpCrcs, writeScp } from '../../../support/ecg-writers/scp';
import { section10, section7, section8 } from '../../../support/ecg-writers/scp-report';

/**
 * The cart's own report is read beside the waveform (ecg-service importFile), after the waveform reader accepted the
 * file: whatever the report part holds, reading it must answer a report or nothing, never throw (a throw there turned
 * an ECG that opens into a failed import) and never put a non-finite number or a non-string statement on the screen.
 */

const ascii = (text: string) => new TextEncoder().encode(text);
const block = { pOnset: 100, pOffset: 210, qrsOnset: 262, qrsOffset: 358, tOffset: 660, pAxis: 55, qrsAxis: -20, tAxis: 40 };

const scpWithReport = writeScp({
  nanovoltsPerUnit: 5000,
  sampleIntervalUs: 2000,
  differenceOrder: 0,
  coding: 'default-huffman',
  leads: [{ code: 1, values: Array.from({ length: 300 }, (_, i) => Math.round(100 * Math.sin(i / 10))) }],
  extraSections: [
    { id: 7, body: section7({ averageRrMs: 1000, blocks: [block], extension: { ventricularRate: 61, atrialRate: 61, qtc: 420 } }) },
    { id: 8, body: section8(0, [ascii('Sinus rhythm'), ascii('Left axis deviation')]) },
    { id: 10, body: section10([{ leadId: 1, pDuration: 100, pr: 150, qrs: 90, qt: 400 }]) },
  ],
});
const museWithReport = (() => {
  const xml = new TextDecoder().decode(museBytes({ rhythm: [{ id: 'I', raw: [1, 2, 3] }] }));
  const report =
    '<RestingECGMeasurements><VentricularRate>61</VentricularRate><PRInterval>164</PRInterval><QRSDuration>92</QRSDuration>' +
    '<QTInterval>410</QTInterval><PAxis>50</PAxis><RAxis>-10</RAxis><TAxis>40</TAxis></RestingECGMeasurements>' +
    '<Diagnosis><DiagnosisStatement><StmtText>Sinus rhythm</StmtText></DiagnosisStatement></Diagnosis>';
  return ascii(xml.replace('</RestingECG>', `${report}</RestingECG>`));
})();
const philips = (() => {
  // The writer writes UTF-16 as Philips carts do; the mutants are made of its UTF-8 form, so a flip hits one character.
  const utf16 = new TextDecoder('utf-16le').decode(philipsBytes({ version: '1.04', leads: [[1, 2, 3, 4]], resolution: 5, sampleRateHz: 500 }));
  const xml = utf16.replace('encoding="UTF-16"', 'encoding="UTF-8"');
  const report =
    '<interpretations><interpretation><statement><leftstatement>Sinus rhythm</leftstatement><rightstatement>normal</rightstatement>' +
    '</statement></interpretation></interpretations><globalmeasurements><meanventrate>61</meanventrate><meanprint>150</meanprint>' +
    '<meanqrsdur>90</meanqrsdur><meanqtint>400</meanqtint><qrsfrontaxis>30</qrsfrontaxis></globalmeasurements>';
  return ascii(xml.replace('</restingecgdata>', `${report}</restingecgdata>`));
})();

function expectReportOrNothing(bytes: Uint8Array): void {
  const report = readCartReport(bytes);
  if (report === undefined) return;
  for (const [key, value] of Object.entries(report.measurements)) expect(Number.isFinite(value), `${key} = ${value}`).toBe(true);
  expect(report.statements.every((statement) => typeof statement === 'string')).toBe(true);
}

const mutationsArb = fc.array(fc.oneof(truncateArb, flipArb(1)), { minLength: 1, maxLength: 4 });

function mutate(source: Uint8Array, mutations: ByteMutation[], fixCrcs: boolean): Uint8Array {
  const bytes = mutations.reduce((current, mutation) => (current.length === 0 ? current : applyByteMutation(current, mutation)), source);
  // With the CRCs fixed the corrupt values reach the section parsers instead of stopping at the checksum.
  return fixCrcs ? fixScpCrcs(bytes) : bytes;
}

describe('readCartReport on hostile files', () => {
  it.each([
    ['SCP-ECG sections 7, 8, 10', scpWithReport, true],
    ['GE MUSE', museWithReport, false],
    ['Philips', philips, false],
  ] as const)('%s: a report or nothing, never a throw or a non-finite figure (3,000 mutants)', (_name, source, fixCrcs) => {
    // The unmutated file carries a report, so the mutants start from one.
    expect(Object.keys(readCartReport(source)?.measurements ?? {}).length).toBeGreaterThan(0);
    fc.assert(
      fc.property(mutationsArb, (mutations) => expectReportOrNothing(mutate(source, mutations, fixCrcs))),
      { numRuns: 3_000 },
    );
  });
});
