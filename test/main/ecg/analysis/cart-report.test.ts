import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCartReport } from '../../../../src/main/ecg/analysis/cart-report';
import { hasSharedSamples, samplePath, SKIP_REASON } from '../../../support/shared-samples';

const enc = (text: string) => new TextEncoder().encode(text);

describe("the cart's own report from its file", () => {
  it('reads GE MUSE RestingECGMeasurements and Diagnosis statements, P duration from the sample base', () => {
    const xml = `<?xml version="1.0"?><RestingECG><RestingECGMeasurements><VentricularRate>61</VentricularRate><PRInterval>164</PRInterval>
      <QRSDuration>92</QRSDuration><QTInterval>398</QTInterval><QTCorrected>401</QTCorrected><PAxis>55</PAxis><RAxis>-12</RAxis><TAxis>33</TAxis>
      <POnset>200</POnset><POffset>250</POffset><ECGSampleBase>500</ECGSampleBase><ECGSampleExponent>0</ECGSampleExponent></RestingECGMeasurements>
      <Diagnosis><DiagnosisStatement><StmtText>Normal sinus rhythm</StmtText></DiagnosisStatement><DiagnosisStatement><StmtText>Left axis &amp; more</StmtText></DiagnosisStatement></Diagnosis></RestingECG>`;
    expect(readCartReport(enc(xml))).toEqual({
      vendor: 'ge-muse',
      measurements: { heartRateBpm: 61, prMs: 164, qrsMs: 92, qtMs: 398, qtcMs: 401, pAxisDeg: 55, qrsAxisDeg: -12, tAxisDeg: 33, pDurationMs: 100 },
      statements: ['Normal sinus rhythm', 'Left axis & more'],
    });
  });

  it('leaves out what is missing or not a number instead of guessing', () => {
    const xml = '<RestingECG><RestingECGMeasurements><VentricularRate>abc</VentricularRate><QRSDuration>90</QRSDuration></RestingECGMeasurements></RestingECG>';
    expect(readCartReport(enc(xml))).toEqual({ vendor: 'ge-muse', measurements: { qrsMs: 90 }, statements: [] });
  });

  it('says nothing for other files (no report, not XML, broken XML)', () => {
    expect(readCartReport(enc('<AnnotatedECG/>'))).toBeUndefined();
    expect(readCartReport(new Uint8Array([1, 2, 3]))).toBeUndefined();
    expect(readCartReport(enc('<RestingECG><RestingECGMeasurements>'))).toBeUndefined();
  });

  describe.skipIf(!hasSharedSamples)(`shared cart files${hasSharedSamples ? '' : ` — ${SKIP_REASON}`}`, () => {
    it('reads the Philips sample: its measurements and its four statements', () => {
      const report = readCartReport(readFileSync(samplePath('philips-xml', '129DYPRG.XML')))!;
      expect(report.vendor).toBe('philips');
      expect(report.measurements).toMatchObject({
        heartRateBpm: 41,
        prMs: 151,
        qrsMs: 135,
        qtMs: 476,
        qtcMs: 393,
        pAxisDeg: 66,
        qrsAxisDeg: -21,
        tAxisDeg: 59,
      });
      expect(report.statements[0]).toBe('Sinus bradycardia — rate< 50');
      expect(report.statements).toHaveLength(4);
    });

    it('reads the GE MUSE sample', () => {
      const report = readCartReport(readFileSync(samplePath('ge-muse-xml', 'example1.xml')))!;
      expect(report.measurements).toMatchObject({
        heartRateBpm: 48,
        prMs: 138,
        qrsMs: 96,
        qtMs: 452,
        qtcMs: 403,
        pAxisDeg: 51,
        qrsAxisDeg: 20,
        tAxisDeg: 40,
        pDurationMs: 106,
      });
    });
  });
});
