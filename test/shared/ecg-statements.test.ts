import { describe, expect, it } from 'vitest';
import type { EcgMeasurements, StandardLead } from '../../src/shared/ecg';
import { ecgStatements, type EcgStatementCode } from '../../src/shared/ecg-statements';

const normal: EcgMeasurements = {
  beatCount: 10,
  medianBeatCount: 9,
  heartRateBpm: 72,
  prMs: 160,
  qrsMs: 90,
  qtMs: 380,
  qtcBazettMs: 410,
  qrsAxisDeg: 45,
  rrIrregularity: 0.03,
};
const amps = (r: number, s: number, leads: readonly StandardLead[]) => Object.fromEntries(leads.map((l) => [l, { rUv: r, sUv: s }]));
const LIMB = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF'] as const;
const CHEST = ['V1', 'V2', 'V3', 'V4', 'V5', 'V6'] as const;
const codes = (m: Partial<EcgMeasurements>, sex: 'M' | 'F' | 'U' = 'M', adult = true): EcgStatementCode[] =>
  ecgStatements({ measurements: { ...normal, ...m }, sex, adult }).map((s) => s.code);

describe('automatic statements, each from its published criterion (table)', () => {
  it.each<[string, Partial<EcgMeasurements>, 'M' | 'F' | 'U', EcgStatementCode[]]>([
    ['normal sinus rhythm', {}, 'M', ['sinusRhythm']],
    ['rate 60 is still sinus rhythm', { heartRateBpm: 60 }, 'M', ['sinusRhythm']],
    ['rate 59: sinus bradycardia', { heartRateBpm: 59 }, 'M', ['sinusBradycardia']],
    ['rate 100 is still sinus rhythm', { heartRateBpm: 100 }, 'M', ['sinusRhythm']],
    ['rate 101: sinus tachycardia', { heartRateBpm: 101 }, 'M', ['sinusTachycardia']],
    ['no P, irregular RR: possible AF (no PR statements)', { prMs: undefined, rrIrregularity: 0.18 }, 'M', ['possibleAtrialFibrillation']],
    ['no P, regular RR: no rhythm statement', { prMs: undefined, rrIrregularity: 0.02 }, 'M', []],
    ['P present but irregular: no sinus call', { rrIrregularity: 0.2 }, 'M', []],
    ['PR 200 is not a block', { prMs: 200 }, 'M', ['sinusRhythm']],
    ['PR 201: first-degree AV block', { prMs: 201 }, 'M', ['sinusRhythm', 'firstDegreeAvBlock']],
    ['QRS 119 is not wide', { qrsMs: 119 }, 'M', ['sinusRhythm']],
    ['QRS 120: wide', { qrsMs: 120 }, 'M', ['sinusRhythm', 'wideQrs']],
    ['QTc 450 in a man: prolonged', { qtcBazettMs: 450 }, 'M', ['sinusRhythm', 'prolongedQtc']],
    ['QTc 455 in a woman: not prolonged', { qtcBazettMs: 455 }, 'F', ['sinusRhythm']],
    ['QTc 460 in a woman: prolonged', { qtcBazettMs: 460 }, 'F', ['sinusRhythm', 'prolongedQtc']],
    ["QTc 455, sex unknown: the women's limit", { qtcBazettMs: 455 }, 'U', ['sinusRhythm']],
    ['axis −30 is normal', { qrsAxisDeg: -30 }, 'M', ['sinusRhythm']],
    ['axis −31: left axis deviation', { qrsAxisDeg: -31 }, 'M', ['sinusRhythm', 'leftAxisDeviation']],
    ['axis 90 is normal', { qrsAxisDeg: 90 }, 'M', ['sinusRhythm']],
    ['axis 91: right axis deviation', { qrsAxisDeg: 91 }, 'M', ['sinusRhythm', 'rightAxisDeviation']],
    ['axis −120: neither (extreme axis)', { qrsAxisDeg: -120 }, 'M', ['sinusRhythm']],
    ['all limb QRS < 0.5 mV: low voltage', { qrsAmplitudes: { ...amps(300, 150, LIMB), ...amps(800, 700, CHEST) } }, 'M', ['sinusRhythm', 'lowVoltage']],
    [
      'one limb lead 0.5 mV: not low',
      { qrsAmplitudes: { ...amps(300, 150, LIMB), II: { rUv: 400, sUv: 100 }, ...amps(800, 700, CHEST) } },
      'M',
      ['sinusRhythm'],
    ],
    ['all chest QRS < 1.0 mV: low voltage', { qrsAmplitudes: { ...amps(600, 100, LIMB), ...amps(500, 400, CHEST) } }, 'M', ['sinusRhythm', 'lowVoltage']],
    ['Sokolow–Lyon 3.5 mV: LV high voltage', { sokolowLyonUv: 3500 }, 'M', ['sinusRhythm', 'leftVentricularHighVoltage']],
    ['Sokolow–Lyon 3.49 mV: not', { sokolowLyonUv: 3490 }, 'M', ['sinusRhythm']],
    [
      'Cornell 2.9 mV in a man: LV high voltage',
      { qrsAmplitudes: { aVL: { rUv: 1400, sUv: 0 }, V3: { rUv: 300, sUv: 1500 } } },
      'M',
      ['sinusRhythm', 'leftVentricularHighVoltage'],
    ],
    ['Cornell 2.8 mV in a man: not (> 2.8)', { qrsAmplitudes: { aVL: { rUv: 1300, sUv: 0 }, V3: { rUv: 300, sUv: 1500 } } }, 'M', ['sinusRhythm']],
    [
      'Cornell 2.1 mV in a woman: LV high voltage',
      { qrsAmplitudes: { aVL: { rUv: 900, sUv: 0 }, V3: { rUv: 300, sUv: 1200 } } },
      'F',
      ['sinusRhythm', 'leftVentricularHighVoltage'],
    ],
    ['Cornell without the sex: no call', { qrsAmplitudes: { aVL: { rUv: 1400, sUv: 0 }, V3: { rUv: 300, sUv: 1500 } } }, 'U', ['sinusRhythm']],
  ])('%s', (_name, m, sex, expected) => expect(codes(m, sex)).toEqual(expected));

  it('gives a child rhythm and rate only (adult limits do not apply)', () => {
    expect(codes({ heartRateBpm: 110, prMs: 210, qrsAxisDeg: 120, sokolowLyonUv: 4000 }, 'M', false)).toEqual(['sinusTachycardia']);
  });

  it('names the criterion and the values it compared', () => {
    const [block] = ecgStatements({ measurements: { ...normal, prMs: 250 }, sex: 'M', adult: true }).filter((s) => s.code === 'firstDegreeAvBlock');
    expect(block.criterion).toEqual({ rule: 'prOver200', prMs: 250, limit: 200 });
  });

  it('says nothing without a heart rate', () => {
    expect(codes({ heartRateBpm: undefined })).toEqual([]);
  });
});
