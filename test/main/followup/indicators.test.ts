import { describe, expect, it } from 'vitest';
import { computeIndicators, indicatorsFromYearFacts } from '../../../src/main/followup/indicators';
import { BPHS_2017 } from '../../../src/main/followup/rule-packs/bphs-2017';
import type { Disease, IndicatorFollowUp, IndicatorPatient } from '../../../src/shared/followup';

const ADULT_BIRTH = '1975-06-15';
const ELDER_BIRTH = '1955-03-10';

function visits(disease: Disease, rows: [date: string, values: Partial<IndicatorFollowUp>, mode?: IndicatorFollowUp['mode']][]): IndicatorFollowUp[] {
  return rows.map(([date, values, mode]) => ({ disease, date, mode: mode ?? 'clinic', ...values }));
}

const bp = (sbp: number, dbp: number) => ({ sbp, dbp });
const quarterly = (disease: Disease, last: Partial<IndicatorFollowUp>) =>
  visits(disease, [
    ['2025-01-10', bp(130, 80)],
    ['2025-04-10', bp(150, 95)],
    ['2025-07-10', bp(130, 80)],
    ['2025-10-10', last],
  ]);

function htn(patientId: string, followups: IndicatorFollowUp[], extra: Partial<IndicatorPatient> = {}): IndicatorPatient {
  return { patientId, birthDate: ADULT_BIRTH, enrolments: [{ disease: 'hypertension', enrolledOn: '2020-03-01' }], followups, ...extra };
}

function dm(patientId: string, followups: IndicatorFollowUp[], extra: Partial<IndicatorPatient> = {}): IndicatorPatient {
  return { patientId, birthDate: ADULT_BIRTH, enrolments: [{ disease: 't2dm', enrolledOn: '2020-03-01' }], followups, ...extra };
}

/** Each case names the spec line it covers and how it must be counted in 2025. */
const cases: { spec: string; patient: IndicatorPatient; managed: boolean; standard: boolean; atTarget: boolean; lost?: boolean; missing?: boolean }[] = [
  {
    spec: '§1 4 face-to-face visits, latest 130/80',
    patient: htn('h-standard-controlled', quarterly('hypertension', bp(130, 80))),
    managed: true,
    standard: true,
    atTarget: true,
  },
  {
    spec: 'A3 3 face-to-face + 2 phone is not 规范管理',
    patient: htn('h-phone', [
      ...quarterly('hypertension', bp(130, 80)).slice(1),
      ...visits('hypertension', [
        ['2025-02-10', {}, 'phone'],
        ['2025-12-10', bp(120, 70), 'phone'],
      ]),
    ]),
    managed: true,
    standard: false,
    atTarget: true,
  },
  {
    spec: '§1 control = the latest follow-up of the year, not the best (139/89 → 145/85)',
    patient: htn('h-latest-high', quarterly('hypertension', bp(145, 85))),
    managed: true,
    standard: true,
    atTarget: false,
  },
  {
    spec: '§1 at target needs SBP <140 (boundary 140)',
    patient: htn('h-140', quarterly('hypertension', bp(140, 80))),
    managed: true,
    standard: true,
    atTarget: false,
  },
  {
    spec: '§1 at target needs DBP <90 (boundary 90)',
    patient: htn('h-90', quarterly('hypertension', bp(120, 90))),
    managed: true,
    standard: true,
    atTarget: false,
  },
  { spec: '§1 139/89 is at target', patient: htn('h-139', quarterly('hypertension', bp(139, 89))), managed: true, standard: true, atTarget: true },
  {
    spec: 'A10 65+: 145/85 at target (<150/90)',
    patient: htn('h-elder', quarterly('hypertension', bp(145, 85)), { birthDate: ELDER_BIRTH }),
    managed: true,
    standard: true,
    atTarget: true,
  },
  {
    spec: 'A10 65+: 150/85 not at target',
    patient: htn('h-elder-150', quarterly('hypertension', bp(150, 85)), { birthDate: ELDER_BIRTH }),
    managed: true,
    standard: true,
    atTarget: false,
  },
  {
    spec: 'A2/A10 age on the date of the latest follow-up: 64 on Oct 10 → <140/90',
    patient: htn('h-turning-65', quarterly('hypertension', bp(145, 85)), { birthDate: '1960-10-11' }),
    managed: true,
    standard: true,
    atTarget: false,
  },
  {
    spec: '§1 lost to follow-up (phone only) counts as not at target',
    patient: htn('h-lost', visits('hypertension', [['2025-03-01', bp(120, 70), 'phone']])),
    managed: true,
    standard: false,
    atTarget: false,
    lost: true,
  },
  {
    spec: '§1 visits of other years do not count',
    patient: htn(
      'h-other-years',
      visits('hypertension', [
        ['2024-12-31', bp(120, 70)],
        ['2026-01-01', bp(120, 70)],
      ]),
    ),
    managed: true,
    standard: false,
    atTarget: false,
    lost: true,
  },
  {
    spec: 'A8 latest follow-up without DBP cannot show the target',
    patient: htn('h-missing', quarterly('hypertension', { sbp: 130 })),
    managed: true,
    standard: true,
    atTarget: false,
    missing: true,
  },
  {
    spec: '§1 home visits are face-to-face',
    patient: htn(
      'h-home',
      quarterly('hypertension', bp(130, 80)).map((v) => ({ ...v, mode: 'home' as const })),
    ),
    managed: true,
    standard: true,
    atTarget: true,
  },
  {
    spec: '§1 "latest follow-up in the year" is by date, whatever the input order',
    patient: htn('h-order', [...quarterly('hypertension', bp(150, 95)).reverse(), ...visits('hypertension', [['2025-11-30', bp(120, 75)]])]),
    managed: true,
    standard: true,
    atTarget: true,
  },
  {
    spec: 'A11 enrolled Nov 1 with one visit: managed, not pro-rated',
    patient: htn('h-new', visits('hypertension', [['2025-11-05', bp(130, 80)]]), { enrolments: [{ disease: 'hypertension', enrolledOn: '2025-11-01' }] }),
    managed: true,
    standard: false,
    atTarget: true,
  },
  {
    spec: 'docs "managed in the year": enrolled after the year',
    patient: htn('h-future', visits('hypertension', [['2026-01-05', bp(130, 80)]]), { enrolments: [{ disease: 'hypertension', enrolledOn: '2026-01-05' }] }),
    managed: false,
    standard: false,
    atTarget: false,
  },
  {
    spec: 'docs "managed in the year": left before the year',
    patient: htn('h-left', quarterly('hypertension', bp(130, 80)), {
      enrolments: [{ disease: 'hypertension', enrolledOn: '2019-01-01', endedOn: '2024-12-31' }],
    }),
    managed: false,
    standard: false,
    atTarget: false,
  },
  {
    spec: 'docs 规范管理: visits before enrolment are screening, not follow-up',
    patient: htn('h-screened', quarterly('hypertension', bp(130, 80)), { enrolments: [{ disease: 'hypertension', enrolledOn: '2025-06-01' }] }),
    managed: true,
    standard: false,
    atTarget: true,
  },
  {
    spec: '§1/§2 each programme counts its own follow-ups',
    patient: htn('h-dm-visits', quarterly('t2dm', { fbg: 6 })),
    managed: true,
    standard: false,
    atTarget: false,
    lost: true,
  },
];

describe('computeIndicators — hypertension, 2025', () => {
  const result = computeIndicators(
    cases.map((c) => c.patient),
    2025,
  );
  const ids = (pick: (c: (typeof cases)[number]) => boolean | undefined) => cases.filter(pick).map((c) => c.patient.patientId);

  it.each(cases)('$spec', ({ patient, managed, standard, atTarget, lost, missing }) => {
    const id = patient.patientId;
    const h = result.hypertension;
    expect(h.standardManagement.denominatorIds.includes(id)).toBe(managed);
    expect(h.standardManagement.numeratorIds.includes(id)).toBe(standard);
    expect(h.control.numeratorIds.includes(id)).toBe(atTarget);
    expect(h.lostToFollowUpIds.includes(id)).toBe(Boolean(lost));
    expect(h.latestValueMissingIds.includes(id)).toBe(Boolean(missing));
  });

  it('规范管理率 and 血压控制率 share the denominator "managed in the year" and report the ratio', () => {
    const h = result.hypertension;
    const managed = ids((c) => c.managed);
    expect(h.standardManagement.denominatorIds).toEqual(managed);
    expect(h.control.denominatorIds).toEqual(managed);
    expect(h.standardManagement).toMatchObject({ numerator: ids((c) => c.standard).length, denominator: managed.length });
    expect(h.control.numerator).toBe(ids((c) => c.atTarget).length);
    expect(h.control.rate).toBeCloseTo(ids((c) => c.atTarget).length / managed.length, 12);
    expect(h.standardManagement.rate).toBeCloseTo(ids((c) => c.standard).length / managed.length, 12);
    expect(result).toMatchObject({ year: 2025, start: '2025-01-01', end: '2025-12-31' });
  });
});

describe('computeIndicators — type 2 diabetes, 2025', () => {
  const patients = [
    dm('d-69', quarterly('t2dm', { fbg: 6.9 })),
    dm('d-70', quarterly('t2dm', { fbg: 7.0 })),
    dm('d-missing', quarterly('t2dm', {})),
    dm('d-lost', []),
    {
      patientId: 'both',
      birthDate: ADULT_BIRTH,
      enrolments: [
        { disease: 'hypertension' as const, enrolledOn: '2021-01-01' },
        { disease: 't2dm' as const, enrolledOn: '2021-01-01' },
      ],
      followups: [...quarterly('hypertension', bp(150, 92)), ...quarterly('t2dm', { fbg: 5.8 })],
    },
  ];
  const result = computeIndicators(patients, 2025);

  it('§2 血糖控制率: latest FBG <7.0 (6.9 yes, 7.0 no, missing no, lost no)', () => {
    expect(result.t2dm.control.numeratorIds).toEqual(['d-69', 'both']);
    expect(result.t2dm.control.denominator).toBe(5);
    expect(result.t2dm.control.rate).toBeCloseTo(2 / 5, 12);
    expect(result.t2dm.lostToFollowUpIds).toEqual(['d-lost']);
    expect(result.t2dm.latestValueMissingIds).toEqual(['d-missing']);
  });

  it('a patient in both programmes is counted in each by its own follow-ups', () => {
    expect(result.hypertension.control.denominatorIds).toEqual(['both']);
    expect(result.hypertension.control.numeratorIds).toEqual([]);
    expect(result.t2dm.standardManagement.numeratorIds).toEqual(['d-69', 'd-70', 'd-missing', 'both']);
  });
});

describe('computeIndicators — configuration', () => {
  it('nobody managed: rates are null, not NaN', () => {
    const result = computeIndicators([], 2025);
    expect(result.hypertension.control).toEqual({ numerator: 0, denominator: 0, rate: null, numeratorIds: [], denominatorIds: [] });
  });

  it('A1 a July-to-June year takes the visits of that period', () => {
    const patient = htn(
      'fy',
      visits('hypertension', [
        ['2025-07-01', bp(130, 80)],
        ['2025-10-01', bp(130, 80)],
        ['2026-01-01', bp(130, 80)],
        ['2026-06-30', bp(150, 80)],
        ['2026-07-01', bp(120, 70)],
      ]),
    );
    const result = computeIndicators([patient], 2025, { ...BPHS_2017, yearStartMonth: 7 });
    expect(result).toMatchObject({ start: '2025-07-01', end: '2026-06-30' });
    expect(result.hypertension.standardManagement.numeratorIds).toEqual(['fy']);
    expect(result.hypertension.control.numeratorIds).toEqual([]); // latest in the period is Jun 30, 150/80
  });

  it('a pack that requires the annual health check for 规范管理 applies it', () => {
    const strict = { ...BPHS_2017, standardManagement: { minFaceToFace: 4, requireAnnualHealthCheck: true } };
    const withCheck = htn('checked', quarterly('hypertension', bp(130, 80)), { healthCheckDates: ['2025-05-01'] });
    const withoutCheck = htn('unchecked', quarterly('hypertension', bp(130, 80)), { healthCheckDates: ['2024-05-01'] });
    expect(computeIndicators([withCheck, withoutCheck], 2025, strict).hypertension.standardManagement.numeratorIds).toEqual(['checked']);
    expect(computeIndicators([withCheck, withoutCheck], 2025).hypertension.standardManagement.numeratorIds).toEqual(['checked', 'unchecked']);
  });
});

describe('indicatorsFromYearFacts (the report from kept per-year facts)', () => {
  type Facts = Parameters<typeof indicatorsFromYearFacts>[0][number];
  const fact = (patientId: string, disease: Disease, visits: number, latest: Facts['latest'], extra: Partial<Facts> = {}): Facts => ({
    patientId,
    disease,
    birthDate: ADULT_BIRTH,
    visits,
    latest,
    checkedInYear: false,
    ...extra,
  });
  const cases: { name: string; facts: Facts; standard: boolean; control: 'met' | 'lost' | 'missing' | 'not' }[] = [
    { name: 'four visits, last at target', facts: fact('a', 'hypertension', 4, { date: '2025-10-10', sbp: 130, dbp: 80 }), standard: true, control: 'met' },
    { name: 'three visits are too few', facts: fact('b', 'hypertension', 3, { date: '2025-10-10', sbp: 130, dbp: 80 }), standard: false, control: 'met' },
    { name: 'no visit in the year: lost', facts: fact('c', 'hypertension', 0, null), standard: false, control: 'lost' },
    {
      name: '145/85 at 64 is not at target',
      facts: fact('d', 'hypertension', 4, { date: '2020-03-09', sbp: 145, dbp: 85 }, { birthDate: ELDER_BIRTH }),
      standard: true,
      control: 'not',
    },
    {
      name: '145/85 on the 65th birthday is',
      facts: fact('e', 'hypertension', 4, { date: '2020-03-10', sbp: 145, dbp: 85 }, { birthDate: ELDER_BIRTH }),
      standard: true,
      control: 'met',
    },
    { name: 'latest BP missing', facts: fact('f', 'hypertension', 5, { date: '2025-10-10', sbp: null, dbp: 80 }), standard: true, control: 'missing' },
    { name: 'FBG 7.0 is not below 7.0', facts: fact('g', 't2dm', 4, { date: '2025-10-10', fbg: 7.0 }), standard: true, control: 'not' },
    { name: 'FBG 6.9 is', facts: fact('h', 't2dm', 4, { date: '2025-10-10', fbg: 6.9 }), standard: true, control: 'met' },
  ];
  it.each(cases)('$name', ({ facts, standard, control }) => {
    const d = indicatorsFromYearFacts([facts], 2025)[facts.disease];
    expect(d.standardManagement.denominatorIds).toEqual([facts.patientId]);
    expect(d.standardManagement.numeratorIds).toEqual(standard ? [facts.patientId] : []);
    expect(d.control.numeratorIds).toEqual(control === 'met' ? [facts.patientId] : []);
    expect(d.lostToFollowUpIds).toEqual(control === 'lost' ? [facts.patientId] : []);
    expect(d.latestValueMissingIds).toEqual(control === 'missing' ? [facts.patientId] : []);
  });

  it('the annual check counts only when the settings require it', () => {
    const required = { ...BPHS_2017, standardManagement: { ...BPHS_2017.standardManagement, requireAnnualHealthCheck: true } };
    const unchecked = fact('x', 'hypertension', 4, { date: '2025-10-10', sbp: 130, dbp: 80 });
    expect(indicatorsFromYearFacts([unchecked], 2025, required).hypertension.standardManagement.numerator).toBe(0);
    expect(indicatorsFromYearFacts([{ ...unchecked, checkedInYear: true }], 2025, required).hypertension.standardManagement.numerator).toBe(1);
    expect(indicatorsFromYearFacts([unchecked], 2025).hypertension.standardManagement.numerator).toBe(1);
  });

  it('gives computeIndicators’ result on the facts of the same history', () => {
    const patients = [htn('p1', quarterly('hypertension', bp(128, 78))), htn('p2', []), dm('p3', visits('t2dm', [['2025-05-01', { fbg: 8.1 }]]))];
    const facts: Facts[] = [
      fact('p1', 'hypertension', 4, { date: '2025-10-10', sbp: 128, dbp: 78 }),
      fact('p2', 'hypertension', 0, null),
      fact('p3', 't2dm', 1, { date: '2025-05-01', fbg: 8.1 }),
    ];
    expect(indicatorsFromYearFacts(facts, 2025)).toEqual(computeIndicators(patients, 2025));
  });
});
