import { describe, expect, it } from 'vitest';
import { evaluateFollowUp, FollowUpInputError } from '../../../src/main/followup/engine';
import { BPHS_2017 } from '../../../src/main/followup/rule-packs/bphs-2017';
import type { Classification, Disease, FollowUpPatient, HistoryEntry, Visit } from '../../../src/shared/followup';
import { ADULT, asOf, clinic, codes, DAY, DAY_PLUS_14, DAY_PLUS_3_MONTHS, ELDER, entry, evaluate, phone, record, YOUNG_WOMAN } from './fixtures';

const BP_CRISIS = '收缩压≥180mmHg和（或）舒张压≥110mmHg';

interface Row {
  spec: string;
  disease: Disease;
  patient?: FollowUpPatient;
  history?: HistoryEntry[];
  visit: Partial<Visit>;
  classification: Classification | null;
  action: string;
  nextDueDate: string | null;
  referralReason?: string | null;
}

function check(row: Row) {
  const outcome = evaluate(row.disease, row.patient ?? ADULT, row.history ?? [], clinic(DAY, row.visit));
  expect(outcome.classification).toBe(row.classification);
  expect(outcome.action).toBe(row.action);
  expect(outcome.nextDueDate).toBe(row.nextDueDate);
  if (row.referralReason !== undefined) expect(outcome.referralReason).toBe(row.referralReason);
  return outcome;
}

describe('§7 row 1 — hypertension danger signs → urgent_refer, +14 d', () => {
  const rows: Row[] = [
    {
      spec: '§1.1 SBP≥180 (boundary 180)',
      disease: 'hypertension',
      visit: { sbp: 180, dbp: 100 },
      classification: '控制不满意',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: BP_CRISIS,
    },
    {
      spec: '§1.1 SBP 179 / DBP 109 is below the urgent line → row 6',
      disease: 'hypertension',
      visit: { sbp: 179, dbp: 109 },
      classification: '控制不满意',
      action: 'adjust_medication',
      nextDueDate: DAY_PLUS_14,
      referralReason: null,
    },
    {
      spec: '§1.1 DBP≥110 alone (boundary 110)',
      disease: 'hypertension',
      visit: { sbp: 130, dbp: 110 },
      classification: '控制不满意',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: BP_CRISIS,
    },
    {
      spec: '§1.1 the urgent line does not move at 65+ (A10 is about control only)',
      disease: 'hypertension',
      patient: ELDER,
      visit: { sbp: 180, dbp: 70 },
      classification: '控制不满意',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: BP_CRISIS,
    },
    {
      spec: '§1.1 danger symptom 胸闷 with controlled BP; A4 classification still filled',
      disease: 'hypertension',
      visit: { sbp: 130, dbp: 80, symptoms: ['胸闷'] },
      classification: '控制满意',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '危急症状：胸闷',
    },
    {
      spec: '§8 referral text joins the danger symptoms with 、, routine ones left out',
      disease: 'hypertension',
      visit: { sbp: 130, dbp: 80, symptoms: ['心悸', '头痛头晕', '剧烈头痛或头晕'] },
      classification: '控制满意',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '危急症状：心悸、剧烈头痛或头晕',
    },
    {
      spec: '§4 routine form symptoms (头痛头晕, 眼花耳鸣) are not danger signs',
      disease: 'hypertension',
      visit: { sbp: 130, dbp: 80, symptoms: ['头痛头晕', '眼花耳鸣', '下肢水肿'] },
      classification: '控制满意',
      action: 'continue',
      nextDueDate: DAY_PLUS_3_MONTHS,
      referralReason: null,
    },
    {
      spec: '§1.1 pregnant with BP ≥140/90 (boundary 140)',
      disease: 'hypertension',
      patient: YOUNG_WOMAN,
      visit: { sbp: 140, dbp: 85, pregnant: true },
      classification: '控制不满意',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '妊娠期或哺乳期同时血压高于正常',
    },
    {
      spec: '§1.1 lactating with DBP 90',
      disease: 'hypertension',
      patient: YOUNG_WOMAN,
      visit: { sbp: 120, dbp: 90, lactating: true },
      classification: '控制不满意',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '妊娠期或哺乳期同时血压高于正常',
    },
    {
      spec: '§1.1 lactating with BP 139/89 is normal → row 7',
      disease: 'hypertension',
      patient: YOUNG_WOMAN,
      visit: { sbp: 139, dbp: 89, lactating: true },
      classification: '控制满意',
      action: 'continue',
      nextDueDate: DAY_PLUS_3_MONTHS,
      referralReason: null,
    },
    {
      spec: '§8 several criteria are joined by ；',
      disease: 'hypertension',
      visit: { sbp: 185, dbp: 95, symptoms: ['胸闷'] },
      classification: '控制不满意',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: `${BP_CRISIS}；危急症状：胸闷`,
    },
    {
      spec: 'A12 HTN has no heart-rate line: persistent HR 130 is not urgent',
      disease: 'hypertension',
      visit: { sbp: 130, dbp: 80, hr: 130, hrPersistent: true },
      classification: '控制满意',
      action: 'continue',
      nextDueDate: DAY_PLUS_3_MONTHS,
      referralReason: null,
    },
    {
      spec: 'A4 urgent referral with no BP measured: classification null',
      disease: 'hypertension',
      visit: { symptoms: ['意识改变'] },
      classification: null,
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '危急症状：意识改变',
    },
    {
      spec: 'A8 a patient-reported home BP ≥180 still triggers the urgent line',
      disease: 'hypertension',
      visit: { sbp: 190, dbp: 100, selfReportedHomeBP: true },
      classification: null,
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: BP_CRISIS,
    },
  ];
  it.each(rows)('$spec', (row) => {
    check(row);
  });

  it.each(BPHS_2017.hypertension.urgent.dangerSymptoms)('§1.1 danger symptom %s alone → urgent_refer', (symptom) => {
    check({
      spec: '',
      disease: 'hypertension',
      visit: { sbp: 120, dbp: 75, symptoms: [symptom] },
      classification: '控制满意',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: `危急症状：${symptom}`,
    });
  });

  it('A4 urgent referral without BP also flags the missing values', () => {
    const outcome = evaluate('hypertension', ADULT, [], clinic(DAY, { symptoms: ['意识改变'] }));
    expect(outcome.reminders).toContainEqual(expect.objectContaining({ code: 'data_incomplete', fields: ['sbp', 'dbp'] }));
    expect(outcome.reminders).toContainEqual(expect.objectContaining({ code: 'referral_followup_due', dueDate: DAY_PLUS_14 }));
  });
});

describe('§7 row 1 — diabetes danger signs → urgent_refer, +14 d', () => {
  const rows: Row[] = [
    {
      spec: '§2 glucose ≥16.7 (boundary 16.7)',
      disease: 't2dm',
      visit: { fbg: 16.7 },
      classification: '控制不满意',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '血糖≥16.7mmol/L',
    },
    {
      spec: '§2 FBG 16.6 is below the urgent line → row 6',
      disease: 't2dm',
      visit: { fbg: 16.6 },
      classification: '控制不满意',
      action: 'adjust_medication',
      nextDueDate: DAY_PLUS_14,
      referralReason: null,
    },
    {
      spec: '§2 glucose ≤3.9 (boundary 3.9); A9 hypoglycaemia on drugs = ADR',
      disease: 't2dm',
      visit: { fbg: 3.9 },
      classification: '不良反应',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '血糖≤3.9mmol/L',
    },
    {
      spec: 'A9 hypoglycaemia without glucose-lowering drugs (不服药) is not an ADR',
      disease: 't2dm',
      visit: { fbg: 3.9, medicationAdherence: '不服药' },
      classification: '控制满意',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '血糖≤3.9mmol/L',
    },
    {
      spec: '§2 FBG 4.0 is above the hypoglycaemia line → row 7',
      disease: 't2dm',
      visit: { fbg: 4.0 },
      classification: '控制满意',
      action: 'continue',
      nextDueDate: DAY_PLUS_3_MONTHS,
      referralReason: null,
    },
    {
      spec: 'A8 urgent lines apply to random glucose; control still from FBG',
      disease: 't2dm',
      visit: { fbg: 6.0, randomGlucose: 17.2 },
      classification: '控制满意',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '血糖≥16.7mmol/L',
    },
    {
      spec: 'A8 + A9 random glucose 3.5 without FBG: urgent, ADR',
      disease: 't2dm',
      visit: { randomGlucose: 3.5 },
      classification: '不良反应',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '血糖≤3.9mmol/L',
    },
    {
      spec: '§2 SBP ≥180 in a DM patient',
      disease: 't2dm',
      visit: { fbg: 6.0, sbp: 180, dbp: 100 },
      classification: '控制满意',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: BP_CRISIS,
    },
    {
      spec: '§2 DBP ≥110 in a DM patient',
      disease: 't2dm',
      visit: { fbg: 6.0, sbp: 150, dbp: 110 },
      classification: '控制满意',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: BP_CRISIS,
    },
    {
      spec: '§2 persistent HR >100 (boundary 101)',
      disease: 't2dm',
      visit: { fbg: 6.0, hr: 101, hrPersistent: true },
      classification: '控制满意',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '持续性心动过速（心率>100次/分）',
    },
    {
      spec: '§2 persistent HR exactly 100 is not >100',
      disease: 't2dm',
      visit: { fbg: 6.0, hr: 100, hrPersistent: true },
      classification: '控制满意',
      action: 'continue',
      nextDueDate: DAY_PLUS_3_MONTHS,
      referralReason: null,
    },
    {
      spec: '§2 HR 120 not persistent is not urgent',
      disease: 't2dm',
      visit: { fbg: 6.0, hr: 120, hrPersistent: false },
      classification: '控制满意',
      action: 'continue',
      nextDueDate: DAY_PLUS_3_MONTHS,
      referralReason: null,
    },
    {
      spec: '§2 HR 120 with persistence unknown is not urgent',
      disease: 't2dm',
      visit: { fbg: 6.0, hr: 120 },
      classification: '控制满意',
      action: 'continue',
      nextDueDate: DAY_PLUS_3_MONTHS,
      referralReason: null,
    },
    {
      spec: '§2 temperature >39 °C (39.1)',
      disease: 't2dm',
      visit: { fbg: 6.0, temperatureC: 39.1 },
      classification: '控制满意',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '体温>39℃',
    },
    {
      spec: '§2 temperature exactly 39 °C is not >39',
      disease: 't2dm',
      visit: { fbg: 6.0, temperatureC: 39 },
      classification: '控制满意',
      action: 'continue',
      nextDueDate: DAY_PLUS_3_MONTHS,
      referralReason: null,
    },
    {
      spec: 'A12 isolated 多饮 is routine',
      disease: 't2dm',
      visit: { fbg: 6.0, symptoms: ['多饮'] },
      classification: '控制满意',
      action: 'continue',
      nextDueDate: DAY_PLUS_3_MONTHS,
      referralReason: null,
    },
    {
      spec: 'A12 多饮 and 多尿 together, nothing else, are routine',
      disease: 't2dm',
      visit: { fbg: 6.0, symptoms: ['多饮', '多尿'] },
      classification: '控制满意',
      action: 'continue',
      nextDueDate: DAY_PLUS_3_MONTHS,
      referralReason: null,
    },
    {
      spec: 'A12 多饮 with another acute sign (腹痛) is urgent and named',
      disease: 't2dm',
      visit: { fbg: 6.0, symptoms: ['多饮', '腹痛'] },
      classification: '控制满意',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '危急症状：多饮、腹痛',
    },
    {
      spec: 'A12 多尿 with glucose ≥16.7 is named beside the glucose',
      disease: 't2dm',
      visit: { fbg: 17.0, symptoms: ['多尿'] },
      classification: '控制不满意',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '血糖≥16.7mmol/L；危急症状：多尿',
    },
    {
      spec: '§2 pregnant with glucose above normal (FBG 6.1, docs choice)',
      disease: 't2dm',
      patient: YOUNG_WOMAN,
      visit: { fbg: 6.1, pregnant: true },
      classification: '控制满意',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '妊娠期或哺乳期同时血糖高于正常',
    },
    {
      spec: '§2 pregnant with normal FBG 6.0',
      disease: 't2dm',
      patient: YOUNG_WOMAN,
      visit: { fbg: 6.0, pregnant: true },
      classification: '控制满意',
      action: 'continue',
      nextDueDate: DAY_PLUS_3_MONTHS,
      referralReason: null,
    },
  ];
  it.each(rows)('$spec', (row) => {
    check(row);
  });

  const acute = BPHS_2017.t2dm.urgent.dangerSymptoms.filter((s) => !BPHS_2017.t2dm.urgent.urgentOnlyWithOtherSigns.includes(s));
  it.each(acute)('§2 danger symptom %s alone → urgent_refer', (symptom) => {
    check({
      spec: '',
      disease: 't2dm',
      visit: { fbg: 6.0, symptoms: [symptom] },
      classification: '控制满意',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: `危急症状：${symptom}`,
    });
  });
});

describe('§7 rows 2–4 — referral, +14 d', () => {
  const uncontrolledBefore = [entry('2025-04-20', { sbp: 150, dbp: 85, classification: '控制不满意', action: 'adjust_medication', nextDueDate: '2025-05-04' })];
  const adrBefore = [entry('2025-04-20', { sbp: 130, dbp: 80, adr: true, classification: '不良反应', action: 'adjust_medication', nextDueDate: '2025-05-04' })];
  const rows: Row[] = [
    {
      spec: 'row 2 new or worse complication',
      disease: 'hypertension',
      visit: { sbp: 130, dbp: 80, newComplication: true },
      classification: '并发症',
      action: 'refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '出现新的并发症或原有并发症加重',
    },
    {
      spec: 'row 2 + A4 并发症 outranks 控制不满意',
      disease: 'hypertension',
      visit: { sbp: 150, dbp: 95, newComplication: true },
      classification: '并发症',
      action: 'refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '出现新的并发症或原有并发症加重',
    },
    {
      spec: 'row 2 comes before row 5: complication with BP missing',
      disease: 'hypertension',
      visit: { newComplication: true },
      classification: '并发症',
      action: 'refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '出现新的并发症或原有并发症加重',
    },
    {
      spec: 'row 2 T2DM complication',
      disease: 't2dm',
      visit: { fbg: 6.5, newComplication: true },
      classification: '并发症',
      action: 'refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '出现新的并发症或原有并发症加重',
    },
    {
      spec: 'row 3 HTN uncontrolled twice in a row',
      disease: 'hypertension',
      history: uncontrolledBefore,
      visit: { sbp: 145, dbp: 85 },
      classification: '控制不满意',
      action: 'refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '连续两次出现血压控制不满意',
    },
    {
      spec: 'row 3 T2DM FBG ≥7.0 twice in a row (boundary 7.0)',
      disease: 't2dm',
      history: [entry('2025-04-20', { fbg: 7.5, classification: '控制不满意', action: 'adjust_medication' })],
      visit: { fbg: 7.0 },
      classification: '控制不满意',
      action: 'refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '连续两次出现空腹血糖控制不满意',
    },
    {
      spec: 'row 3 previous controlled → row 6 first uncontrolled',
      disease: 'hypertension',
      history: [entry('2025-04-20', { sbp: 130, dbp: 80, classification: '控制满意' })],
      visit: { sbp: 145, dbp: 85 },
      classification: '控制不满意',
      action: 'adjust_medication',
      nextDueDate: DAY_PLUS_14,
      referralReason: null,
    },
    {
      spec: 'row 4 ADR now and at the previous visit (A6)',
      disease: 'hypertension',
      history: adrBefore,
      visit: { sbp: 130, dbp: 80, adr: true },
      classification: '不良反应',
      action: 'refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '药物不良反应难以控制',
    },
    {
      spec: 'row 4 previous ADR gone now → row 7',
      disease: 'hypertension',
      history: adrBefore,
      visit: { sbp: 130, dbp: 80 },
      classification: '控制满意',
      action: 'continue',
      nextDueDate: DAY_PLUS_3_MONTHS,
      referralReason: null,
    },
    {
      spec: 'row 4 previous ADR known only from its classification',
      disease: 'hypertension',
      history: [entry('2025-04-20', { sbp: 130, dbp: 80, classification: '不良反应', action: 'adjust_medication' })],
      visit: { sbp: 130, dbp: 80, adr: true },
      classification: '不良反应',
      action: 'refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '药物不良反应难以控制',
    },
    {
      spec: 'row 4 + A9 previous hypoglycaemia counts as the previous ADR',
      disease: 't2dm',
      history: [entry('2025-04-20', { fbg: 3.6, action: 'urgent_refer' })],
      visit: { fbg: 6.0, adr: true },
      classification: '不良反应',
      action: 'refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '药物不良反应难以控制',
    },
    {
      spec: '§7 rows 3 and 4 together: refer once, both criteria named; A4 不良反应 > 控制不满意',
      disease: 'hypertension',
      history: [entry('2025-04-20', { sbp: 150, dbp: 85, adr: true, classification: '不良反应', action: 'adjust_medication' })],
      visit: { sbp: 150, dbp: 85, adr: true },
      classification: '不良反应',
      action: 'refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: '连续两次出现血压控制不满意；药物不良反应难以控制',
    },
    {
      spec: 'row 1 outranks row 3',
      disease: 'hypertension',
      history: uncontrolledBefore,
      visit: { sbp: 185, dbp: 85 },
      classification: '控制不满意',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      referralReason: BP_CRISIS,
    },
  ];
  it.each(rows)('$spec', (row) => {
    check(row);
  });

  it('rows 2–4 reason codes name the first row met', () => {
    expect(evaluate('hypertension', ADULT, uncontrolledBefore, clinic(DAY, { sbp: 150, dbp: 85, newComplication: true })).reason.code).toBe('complication');
    expect(evaluate('hypertension', ADULT, uncontrolledBefore, clinic(DAY, { sbp: 150, dbp: 85 })).reason.code).toBe('uncontrolled_twice');
    expect(evaluate('hypertension', ADULT, adrBefore, clinic(DAY, { sbp: 130, dbp: 80, adr: true })).reason.code).toBe('adr_twice');
  });
});

describe('A5 — "consecutive" = successive measured face-to-face follow-ups', () => {
  const uncontrolled = (date: string) => entry(date, { sbp: 150, dbp: 92, classification: '控制不满意', action: 'adjust_medication' });
  const rows: { spec: string; history: HistoryEntry[]; action: string }[] = [
    { spec: 'A5 across a year boundary (Dec 20 → Jan 2)', history: [uncontrolled('2024-12-20')], action: 'refer' },
    { spec: 'A5 whatever the gap (14 months)', history: [uncontrolled('2024-03-01')], action: 'refer' },
    {
      spec: 'A3/A5 a phone contact in between is not a measured visit',
      history: [uncontrolled('2024-12-20'), entry('2024-12-28', { mode: 'phone', sbp: 120, dbp: 70, action: 'schedule_face_to_face' })],
      action: 'refer',
    },
    {
      spec: 'A5/A8 an unmeasurable visit in between is skipped',
      history: [uncontrolled('2024-12-20'), entry('2024-12-27', { sbp: 130, action: 'remeasure' })],
      action: 'refer',
    },
    {
      spec: 'A5 a confirmed referral (到位) resets the count',
      history: [uncontrolled('2024-12-20'), { type: 'referral_tracking', date: '2024-12-30', outcome: 'completed' }],
      action: 'adjust_medication',
    },
    {
      spec: 'A5 a referral not completed (不到位) does not reset',
      history: [uncontrolled('2024-12-20'), { type: 'referral_tracking', date: '2024-12-30', outcome: 'not_completed' }],
      action: 'refer',
    },
    {
      spec: 'A5 only visits after the confirmed referral count',
      history: [{ type: 'referral_tracking', date: '2024-12-10', outcome: 'completed' }, uncontrolled('2024-12-20')],
      action: 'refer',
    },
    {
      spec: 'A5 an urgent-referral visit with high BP counts as uncontrolled',
      history: [entry('2024-12-20', { sbp: 185, dbp: 100, classification: '控制不满意', action: 'urgent_refer' })],
      action: 'refer',
    },
    {
      spec: 'A5 home visits are face-to-face',
      history: [entry('2024-12-20', { mode: 'home', sbp: 150, dbp: 92, classification: '控制不满意' })],
      action: 'refer',
    },
    {
      spec: 'A5 a record without values falls back to its stored classification',
      history: [entry('2024-12-20', { classification: '控制不满意', action: 'adjust_medication' })],
      action: 'refer',
    },
  ];
  it.each(rows)('$spec', ({ history, action }) => {
    expect(evaluate('hypertension', ADULT, history, clinic('2025-01-02', { sbp: 146, dbp: 88 })).action).toBe(action);
  });

  it('A5 the ADR count (A6) is reset by a confirmed referral too (docs choice)', () => {
    const history: HistoryEntry[] = [
      entry('2025-04-01', { sbp: 130, dbp: 80, adr: true, classification: '不良反应', action: 'adjust_medication' }),
      { type: 'referral_tracking', date: '2025-04-10', outcome: 'completed' },
    ];
    expect(evaluate('hypertension', ADULT, history, clinic(DAY, { sbp: 130, dbp: 80, adr: true })).action).toBe('adjust_medication');
  });

  it('A5 history given out of order is read oldest first', () => {
    const history: HistoryEntry[] = [{ type: 'referral_tracking', date: '2024-12-30', outcome: 'completed' }, uncontrolled('2024-12-20')];
    expect(evaluate('hypertension', ADULT, history, clinic('2025-01-02', { sbp: 146, dbp: 88 })).action).toBe('adjust_medication');
  });

  it('ignores history dated after the visit', () => {
    expect(evaluate('hypertension', ADULT, [uncontrolled('2025-02-01')], clinic('2025-01-02', { sbp: 146, dbp: 88 })).action).toBe('adjust_medication');
  });
});

describe('A10 and A2 — the 65+ target <150/90 and age on the visit date', () => {
  const rows: { spec: string; patient: FollowUpPatient; date: string; sbp: number; dbp: number; classification: Classification }[] = [
    { spec: '§1 <65: 139/89 controlled', patient: ADULT, date: DAY, sbp: 139, dbp: 89, classification: '控制满意' },
    { spec: '§1 <65: SBP 140 uncontrolled (boundary)', patient: ADULT, date: DAY, sbp: 140, dbp: 80, classification: '控制不满意' },
    { spec: '§1 <65: DBP 90 uncontrolled (boundary)', patient: ADULT, date: DAY, sbp: 120, dbp: 90, classification: '控制不满意' },
    { spec: 'A10 ≥65: 149/89 controlled', patient: ELDER, date: DAY, sbp: 149, dbp: 89, classification: '控制满意' },
    { spec: 'A10 ≥65: 140–149 is controlled, not "first uncontrolled"', patient: ELDER, date: DAY, sbp: 145, dbp: 85, classification: '控制满意' },
    { spec: 'A10 ≥65: SBP 150 uncontrolled (boundary)', patient: ELDER, date: DAY, sbp: 150, dbp: 80, classification: '控制不满意' },
    { spec: 'A10 ≥65: DBP stays at 90', patient: ELDER, date: DAY, sbp: 130, dbp: 90, classification: '控制不满意' },
    {
      spec: 'A2 the day before the 65th birthday: <140/90',
      patient: { sex: 'M', birthDate: '1960-05-11' },
      date: DAY,
      sbp: 145,
      dbp: 85,
      classification: '控制不满意',
    },
    { spec: 'A2 on the 65th birthday: <150/90', patient: { sex: 'M', birthDate: '1960-05-10' }, date: DAY, sbp: 145, dbp: 85, classification: '控制满意' },
    {
      spec: 'A2 born Feb 29: still 64 on Feb 28 of a common year',
      patient: { sex: 'F', birthDate: '1960-02-29' },
      date: '2025-02-28',
      sbp: 145,
      dbp: 85,
      classification: '控制不满意',
    },
    {
      spec: 'A2 born Feb 29: 65 on Mar 1 of a common year',
      patient: { sex: 'F', birthDate: '1960-02-29' },
      date: '2025-03-01',
      sbp: 145,
      dbp: 85,
      classification: '控制满意',
    },
  ];
  it.each(rows)('$spec', ({ patient, date, sbp, dbp, classification }) => {
    expect(evaluate('hypertension', patient, [], clinic(date, { sbp, dbp })).classification).toBe(classification);
  });

  it('A10 the previous visit is judged at the age on its own date', () => {
    const turning65 = { sex: 'M' as const, birthDate: '1960-05-01' };
    // 145/85 at 64 was uncontrolled; 150/80 at 65 is uncontrolled too → two in a row.
    const before = [entry('2025-04-20', { sbp: 145, dbp: 85, classification: '控制不满意', action: 'adjust_medication' })];
    expect(evaluate('hypertension', turning65, before, clinic(DAY, { sbp: 150, dbp: 80 })).action).toBe('refer');
    // The same 145/85 at 65 is controlled.
    expect(evaluate('hypertension', turning65, before, clinic(DAY, { sbp: 145, dbp: 85 })).action).toBe('continue');
  });
});

describe('§7 row 5 and A8 — missing values', () => {
  const rows: (Row & { fields: string[] | null })[] = [
    {
      spec: 'A8 SBP 130, DBP missing: undeterminable → remeasure, no next date',
      disease: 'hypertension',
      visit: { sbp: 130 },
      classification: null,
      action: 'remeasure',
      nextDueDate: null,
      fields: ['dbp'],
    },
    {
      spec: 'A8 DBP 85, SBP missing → remeasure',
      disease: 'hypertension',
      visit: { dbp: 85 },
      classification: null,
      action: 'remeasure',
      nextDueDate: null,
      fields: ['sbp'],
    },
    {
      spec: 'A8 both missing → remeasure',
      disease: 'hypertension',
      visit: {},
      classification: null,
      action: 'remeasure',
      nextDueDate: null,
      fields: ['sbp', 'dbp'],
    },
    {
      spec: '§8 SBP 150 proves uncontrolled with DBP missing; the missing DBP is still reported',
      disease: 'hypertension',
      visit: { sbp: 150 },
      classification: '控制不满意',
      action: 'adjust_medication',
      nextDueDate: DAY_PLUS_14,
      fields: ['dbp'],
    },
    {
      spec: '§8 DBP 95 proves uncontrolled with SBP missing; the missing SBP is still reported',
      disease: 'hypertension',
      visit: { dbp: 95 },
      classification: '控制不满意',
      action: 'adjust_medication',
      nextDueDate: DAY_PLUS_14,
      fields: ['sbp'],
    },
    {
      spec: '§8 boundary: SBP 140 (the limit) with DBP missing → uncontrolled, DBP reported',
      disease: 'hypertension',
      visit: { sbp: 140 },
      classification: '控制不满意',
      action: 'adjust_medication',
      nextDueDate: DAY_PLUS_14,
      fields: ['dbp'],
    },
    {
      spec: '§8 SBP 185 alone: urgent referral, DBP reported',
      disease: 'hypertension',
      visit: { sbp: 185 },
      classification: '控制不满意',
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      fields: ['dbp'],
    },
    {
      spec: '§8 T2DM with FBG: nothing missing, BP not required',
      disease: 't2dm',
      visit: { fbg: 6.5 },
      classification: '控制满意',
      action: 'continue',
      nextDueDate: DAY_PLUS_3_MONTHS,
      fields: null,
    },
    {
      spec: '§8 T2DM FBG missing but random glucose 17 urgent: FBG reported',
      disease: 't2dm',
      visit: { randomGlucose: 17 },
      classification: null,
      action: 'urgent_refer',
      nextDueDate: DAY_PLUS_14,
      fields: ['fbg'],
    },
    {
      spec: '§8 complete HTN values: nothing missing',
      disease: 'hypertension',
      visit: { sbp: 128, dbp: 78 },
      classification: '控制满意',
      action: 'continue',
      nextDueDate: DAY_PLUS_3_MONTHS,
      fields: null,
    },
    {
      spec: 'A8 + A10 at 65+, SBP 145 with DBP missing is undeterminable',
      disease: 'hypertension',
      patient: ELDER,
      visit: { sbp: 145 },
      classification: null,
      action: 'remeasure',
      nextDueDate: null,
      fields: ['dbp'],
    },
    {
      spec: 'A8 FBG missing (random glucose 8.0 does not classify)',
      disease: 't2dm',
      visit: { randomGlucose: 8.0 },
      classification: null,
      action: 'remeasure',
      nextDueDate: null,
      fields: ['fbg'],
    },
    {
      spec: 'A4 an ADR is known even when control is not (docs choice); row 5 before row 6',
      disease: 'hypertension',
      visit: { sbp: 130, adr: true },
      classification: '不良反应',
      action: 'remeasure',
      nextDueDate: null,
      fields: ['dbp'],
    },
    {
      spec: 'A3 BP read by the patient at home does not classify',
      disease: 'hypertension',
      visit: { sbp: 130, dbp: 80, selfReportedHomeBP: true },
      classification: null,
      action: 'remeasure',
      nextDueDate: null,
      fields: ['sbp', 'dbp'],
    },
  ];
  it.each(rows)('$spec', (row) => {
    const outcome = check(row);
    const incomplete = outcome.reminders.find((r) => r.code === 'data_incomplete');
    expect(incomplete?.fields ?? null).toEqual(row.fields);
  });

  it('A8 no quota projection after a remeasure, even late in the year', () => {
    const outcome = evaluate('hypertension', ADULT, [], clinic('2025-11-20', { sbp: 130 }));
    expect(codes(outcome)).not.toContain('quota_at_risk');
  });
});

describe('§7 rows 6 and 7 — adjust (+14 d) or continue (+3 months, clamped)', () => {
  const rows: Row[] = [
    {
      spec: 'row 6 first uncontrolled T2DM FBG 7.0 (boundary)',
      disease: 't2dm',
      visit: { fbg: 7.0 },
      classification: '控制不满意',
      action: 'adjust_medication',
      nextDueDate: DAY_PLUS_14,
      referralReason: null,
    },
    {
      spec: 'row 7 T2DM FBG 6.9 controlled',
      disease: 't2dm',
      visit: { fbg: 6.9 },
      classification: '控制满意',
      action: 'continue',
      nextDueDate: DAY_PLUS_3_MONTHS,
      referralReason: null,
    },
    {
      spec: 'row 6 first ADR with controlled BP',
      disease: 'hypertension',
      visit: { sbp: 130, dbp: 80, adr: true },
      classification: '不良反应',
      action: 'adjust_medication',
      nextDueDate: DAY_PLUS_14,
      referralReason: null,
    },
    {
      spec: 'row 6 first uncontrolled with first ADR: A4 不良反应',
      disease: 'hypertension',
      visit: { sbp: 150, dbp: 80, adr: true },
      classification: '不良反应',
      action: 'adjust_medication',
      nextDueDate: DAY_PLUS_14,
      referralReason: null,
    },
    {
      spec: 'row 7 controlled, no ADR, no complication',
      disease: 'hypertension',
      visit: { sbp: 128, dbp: 78 },
      classification: '控制满意',
      action: 'continue',
      nextDueDate: DAY_PLUS_3_MONTHS,
      referralReason: null,
    },
    {
      spec: '§2 T2DM control ignores BP below the urgent line',
      disease: 't2dm',
      visit: { fbg: 6.0, sbp: 165, dbp: 100 },
      classification: '控制满意',
      action: 'continue',
      nextDueDate: DAY_PLUS_3_MONTHS,
      referralReason: null,
    },
  ];
  it.each(rows)('$spec', (row) => {
    check(row);
  });

  it.each([
    ['2025-11-30', '2026-02-28', 'A7 Nov 30 + 3 months → Feb 28'],
    ['2023-11-30', '2024-02-29', 'A7 Nov 30 + 3 months → Feb 29 in a leap year'],
    ['2024-11-29', '2025-02-28', 'A7 Nov 29 + 3 months in a common year'],
    ['2025-01-31', '2025-04-30', 'A7 Jan 31 + 3 months → Apr 30'],
    ['2024-02-29', '2024-05-29', 'A7 Feb 29 + 3 months keeps the 29th'],
    ['2025-12-20', '2026-03-20', 'A7 across the year end'],
  ])('row 7 visit %s → next due %s (%s)', (date, next) => {
    expect(evaluate('hypertension', ADULT, [], clinic(date, { sbp: 130, dbp: 80 })).nextDueDate).toBe(next);
  });

  it.each([
    ['2025-12-20', '2026-01-03', 'A7 +14 d across the year end'],
    ['2024-02-20', '2024-03-05', 'A7 +14 d across Feb 29'],
    ['2025-02-20', '2025-03-06', 'A7 +14 d across Feb 28'],
  ])('row 6 visit %s → next due %s (%s)', (date, next) => {
    expect(evaluate('hypertension', ADULT, [], clinic(date, { sbp: 150, dbp: 80 })).nextDueDate).toBe(next);
  });
});

describe('§7 phone row and A3 — phone contacts', () => {
  const controlled = entry('2025-04-01', { sbp: 130, dbp: 80, classification: '控制满意', action: 'continue', nextDueDate: '2025-07-01' });

  it('A3 a phone contact is not classified and leaves the pending face-to-face date unchanged', () => {
    const outcome = evaluate('hypertension', ADULT, [controlled], phone('2025-05-10', { sbp: 150, dbp: 95, selfReportedHomeBP: true }));
    expect(outcome).toMatchObject({ classification: null, action: 'schedule_face_to_face', nextDueDate: '2025-07-01', referralReason: null });
    expect(outcome.reason.code).toBe('phone_contact');
    expect(outcome.reminders).toContainEqual(expect.objectContaining({ code: 'face_to_face_required', dueDate: '2025-07-01' }));
  });

  it('A3 a phone contact after the due date does not satisfy it: still overdue', () => {
    const outcome = evaluate('hypertension', ADULT, [controlled], phone('2025-07-11'));
    expect(outcome.nextDueDate).toBe('2025-07-01');
    expect(outcome.reminders).toContainEqual(expect.objectContaining({ code: 'overdue', dueDate: '2025-07-01', daysLate: 10 }));
  });

  it('§7 phone row: even danger-level values reported by phone do not classify', () => {
    const outcome = evaluate('hypertension', ADULT, [controlled], phone('2025-05-10', { sbp: 190, dbp: 115, symptoms: ['胸闷'] }));
    expect(outcome.classification).toBeNull();
    expect(outcome.action).toBe('schedule_face_to_face');
  });

  it('A3 phone contacts do not count toward 4 a year', () => {
    const history = [
      entry('2025-01-10', { sbp: 130, dbp: 80, classification: '控制满意', nextDueDate: '2025-04-10' }),
      entry('2025-04-10', { mode: 'phone', action: 'schedule_face_to_face', nextDueDate: '2025-04-10' }),
      entry('2025-05-10', { mode: 'phone', action: 'schedule_face_to_face', nextDueDate: '2025-04-10' }),
      entry('2025-06-10', { mode: 'phone', action: 'schedule_face_to_face', nextDueDate: '2025-04-10' }),
    ];
    const outcome = evaluate('hypertension', ADULT, history, clinic('2025-10-15', { sbp: 130, dbp: 80 }));
    expect(outcome.reminders).toContainEqual(expect.objectContaining({ code: 'quota_at_risk', year: 2025, faceToFaceDone: 2, required: 4 }));
  });

  it('A3 + A7 a phone call can be the referral check; the 14-day cadence then runs from the call', () => {
    const history: HistoryEntry[] = [
      entry('2025-05-01', {
        sbp: 150,
        dbp: 85,
        classification: '控制不满意',
        action: 'refer',
        nextDueDate: '2025-05-15',
        referralReason: '连续两次出现血压控制不满意',
      }),
      { type: 'referral_tracking', date: '2025-05-08', outcome: 'completed', detail: '电话随访：已到上级医院就诊' },
    ];
    const outcome = asOf('hypertension', ADULT, history, '2025-05-10');
    expect(codes(outcome)).not.toContain('referral_followup_due');
    expect(outcome.nextDueDate).toBe('2025-05-22');
  });
});

describe('A7 — "within 2 weeks" is on time through day 14', () => {
  const referred = [entry('2025-05-10', { sbp: 185, dbp: 100, classification: '控制不满意', action: 'urgent_refer', nextDueDate: DAY_PLUS_14 })];
  it.each([
    ['2025-05-24', false, 0, 'A7 on day 14: on time'],
    ['2025-05-25', true, 1, 'A7 on day 15: one day late'],
  ])('reminder check on %s: overdue=%s, daysLate=%i (%s)', (date, overdue, daysLate) => {
    const outcome = asOf('hypertension', ADULT, referred, date);
    const found = outcome.reminders.find((r) => r.code === 'overdue');
    expect(Boolean(found)).toBe(overdue);
    const referral = outcome.reminders.find((r) => r.code === 'referral_followup_due');
    expect(referral).toMatchObject({ dueDate: DAY_PLUS_14 });
    expect(referral?.daysLate ?? 0).toBe(daysLate);
  });

  it('A7 after a referral not completed (不到位) the check is due again 14 days after the call', () => {
    const history: HistoryEntry[] = [...referred, { type: 'referral_tracking', date: '2025-05-20', outcome: 'not_completed' }];
    const outcome = asOf('hypertension', ADULT, history, '2025-05-21');
    expect(outcome.reminders).toContainEqual(expect.objectContaining({ code: 'referral_followup_due', dueDate: '2025-06-03' }));
    expect(outcome.nextDueDate).toBe('2025-06-03');
  });

  it('A7 a referral check after a controlled visit leaves the +3-month date alone', () => {
    const history: HistoryEntry[] = [
      entry('2025-04-01', { sbp: 152, dbp: 88, classification: '控制不满意', action: 'refer', nextDueDate: '2025-04-15' }),
      entry('2025-04-10', { sbp: 132, dbp: 80, classification: '控制满意', action: 'continue', nextDueDate: '2025-07-10' }),
      { type: 'referral_tracking', date: '2025-04-12', outcome: 'completed' },
    ];
    const outcome = asOf('hypertension', ADULT, history, '2025-05-10');
    expect(outcome.nextDueDate).toBe('2025-07-10');
    expect(codes(outcome)).not.toContain('referral_followup_due');
  });

  it('A7 after a referral the cadence continues until a controlled visit, then +3 months', () => {
    const history = record('hypertension', ADULT, [
      clinic('2025-03-01', { sbp: 150, dbp: 85 }), // row 6 → 03-15
      clinic('2025-03-15', { sbp: 152, dbp: 88 }), // row 3 → refer, check by 03-29
    ]);
    history.push({ type: 'referral_tracking', date: '2025-03-20', outcome: 'completed' });
    const afterCheck = asOf('hypertension', ADULT, history, '2025-03-21');
    expect(afterCheck.nextDueDate).toBe('2025-04-03');
    const next = clinic('2025-04-02', { sbp: 146, dbp: 80 }); // A5 reset: first uncontrolled again
    const adjusted = evaluate('hypertension', ADULT, history, next);
    expect(adjusted).toMatchObject({ action: 'adjust_medication', nextDueDate: '2025-04-16' });
    const controlled = evaluate('hypertension', ADULT, history, clinic('2025-04-02', { sbp: 132, dbp: 80 }));
    expect(controlled).toMatchObject({ action: 'continue', nextDueDate: '2025-07-02' });
  });
});

describe('A11 — quota at risk: F + nextDue, +3 mo, … on or before 31 Dec < 4', () => {
  const visitsBefore = (dates: string[]) => dates.map((d) => entry(d, { sbp: 130, dbp: 80, classification: '控制满意', action: 'continue' }));
  const rows: { spec: string; earlier: string[]; date: string; sbp: number; atRisk: boolean; done: number }[] = [
    { spec: 'A11 Mar 1 controlled, F=1: Jun 1, Sep 1, Dec 1 → 4', earlier: [], date: '2025-03-01', sbp: 130, atRisk: false, done: 1 },
    { spec: 'A11 Apr 1 controlled, F=1: Jul 1, Oct 1 → 3', earlier: [], date: '2025-04-01', sbp: 130, atRisk: true, done: 1 },
    { spec: 'A11 Apr 1 controlled, F=2: 2 + Jul 1, Oct 1 → 4', earlier: ['2025-01-15'], date: '2025-04-01', sbp: 130, atRisk: false, done: 2 },
    {
      spec: 'A11 Sep 30 controlled, F=3: Dec 30 counts (on or before 31 Dec)',
      earlier: ['2025-01-10', '2025-04-10'],
      date: '2025-09-30',
      sbp: 130,
      atRisk: false,
      done: 3,
    },
    { spec: 'A11 Oct 1 controlled, F=3: Jan 1 is next year', earlier: ['2025-01-10', '2025-04-10'], date: '2025-10-01', sbp: 130, atRisk: true, done: 3 },
    {
      spec: 'A11 Dec 20 uncontrolled, F=3: +14 d is Jan 3 next year',
      earlier: ['2025-01-10', '2025-04-10'],
      date: '2025-12-20',
      sbp: 150,
      atRisk: true,
      done: 3,
    },
    { spec: 'A11 Dec 1 uncontrolled, F=3: +14 d is Dec 15 → 4', earlier: ['2025-01-10', '2025-04-10'], date: '2025-12-01', sbp: 150, atRisk: false, done: 3 },
    {
      spec: "A11/A1 last year's visits do not count",
      earlier: ['2024-03-10', '2024-06-10', '2024-09-10'],
      date: '2025-10-01',
      sbp: 130,
      atRisk: true,
      done: 1,
    },
    { spec: 'A11 F already 4 → never at risk', earlier: ['2025-01-10', '2025-03-10', '2025-06-10'], date: '2025-11-10', sbp: 130, atRisk: false, done: 4 },
  ];
  it.each(rows)('$spec', ({ earlier, date, sbp, atRisk, done }) => {
    const outcome = evaluate('hypertension', ADULT, visitsBefore(earlier), clinic(date, { sbp, dbp: 80 }));
    const quota = outcome.reminders.find((r) => r.code === 'quota_at_risk');
    expect(Boolean(quota)).toBe(atRisk);
    if (quota) expect(quota).toMatchObject({ year: 2025, faceToFaceDone: done, required: 4 });
  });

  it('A11 a reminder check projects from today when the due date has passed', () => {
    const history = visitsBefore(['2025-01-10', '2025-04-10']).map((e) => ({ ...e, nextDueDate: addMonths(e.date) }));
    // Due Jul 10, checked Sep 15 (overdue): Sep 15 and Dec 15 fit → 2 + 2 = 4, not at risk.
    expect(codes(asOf('hypertension', ADULT, history, '2025-09-15'))).not.toContain('quota_at_risk');
    // Checked Oct 2: Oct 2, (Jan 2) → 2 + 1 = 3.
    expect(codes(asOf('hypertension', ADULT, history, '2025-10-02'))).toContain('quota_at_risk');
  });

  function addMonths(date: string): string {
    const [y, m, d] = date.split('-').map(Number);
    return `${y}-${String(m + 3).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  }
});

describe('A1 — the reporting year is configurable', () => {
  const fiscal = { ...BPHS_2017, yearStartMonth: 7 };
  it('A1 a July-to-June year counts visits from Jul 1 and labels the year by its start', () => {
    const history = [entry('2025-06-20', { sbp: 130, dbp: 80, classification: '控制满意', action: 'continue', nextDueDate: '2025-09-20' })];
    const outcome = evaluate('hypertension', ADULT, history, clinic('2026-04-10', { sbp: 130, dbp: 80 }), fiscal);
    // F = 1 (Jun 20 belongs to year 2024); Jul 10 fits before Jun 30 → 2 < 4.
    expect(outcome.reminders).toContainEqual(expect.objectContaining({ code: 'quota_at_risk', year: 2025, faceToFaceDone: 1 }));
    expect(outcome.reminders).toContainEqual(expect.objectContaining({ code: 'annual_check_due', year: 2025 }));
  });
});

describe('§1/§3 annual health check and elderly health management', () => {
  it.each([
    ['§1 under 65, no check this year → annual_check_due', ADULT, [] as HistoryEntry[], {}, 'annual_check_due'],
    ['§3 65+, no check this year → elderly_annual_health_management_due', ELDER, [], {}, 'elderly_annual_health_management_due'],
    ['§1 a check last year does not count for this year', ADULT, [{ type: 'health_check', date: '2024-11-10' }], {}, 'annual_check_due'],
    ['§1 a check this year → nothing due', ADULT, [{ type: 'health_check', date: '2025-02-10' }], {}, null],
    ['§1 可与随访相结合: a check done with this visit → nothing due', ELDER, [], { withHealthCheck: true }, null],
  ] as const)('%s', (_spec, patient, history, extra, expected) => {
    const outcome = evaluate('hypertension', patient, [...history], clinic(DAY, { sbp: 130, dbp: 80, ...extra }));
    const annual = outcome.reminders.filter((r) => r.code === 'annual_check_due' || r.code === 'elderly_annual_health_management_due');
    expect(annual.map((r) => r.code)).toEqual(expected ? [expected] : []);
    if (expected) expect(annual[0].year).toBe(2025);
  });
});

describe('A2 — the elderly age on the check date, Feb-29 birthdays included', () => {
  it.each([
    ['1960-02-29', '2025-02-28', 'annual_check_due', 'A2 born Feb 29: 64 on Feb 28 of a common year'],
    ['1960-02-29', '2025-03-01', 'elderly_annual_health_management_due', 'A2 born Feb 29: 65 on Mar 1 of a common year'],
    ['1959-02-28', '2024-02-29', 'elderly_annual_health_management_due', 'A2 turned 65 the day before a leap day'],
    ['1959-03-01', '2024-02-29', 'annual_check_due', 'A2 turns 65 the day after a leap day'],
  ])('born %s, checked %s → %s (%s)', (birthDate, date, code) => {
    const codesDue = asOf('hypertension', { sex: 'M', birthDate }, [], date).reminders.map((r) => r.code);
    expect(codesDue).toContain(code);
  });
});

describe('reminder checks (visit = reminder_check)', () => {
  const controlled = entry('2025-04-01', { sbp: 130, dbp: 80, classification: '控制满意', action: 'continue', nextDueDate: '2025-07-01' });

  const january = entry('2025-01-05', { sbp: 130, dbp: 80, classification: '控制满意', action: 'continue', nextDueDate: '2025-04-05' });

  it('nothing due well before the date', () => {
    const outcome = asOf('hypertension', ADULT, [january, controlled, { type: 'health_check', date: '2025-04-01' }], '2025-05-10');
    expect(outcome).toMatchObject({ classification: null, action: 'none', nextDueDate: '2025-07-01', reminders: [] });
    expect(outcome.reason.code).toBe('check_nothing_due');
  });

  it('due within the week → schedule_face_to_face', () => {
    const outcome = asOf('hypertension', ADULT, [january, controlled, { type: 'health_check', date: '2025-04-01' }], '2025-06-25');
    expect(outcome.action).toBe('schedule_face_to_face');
    expect(outcome.reminders).toEqual([]);
  });

  it('overdue → contact_patient with days late', () => {
    const outcome = asOf('hypertension', ADULT, [controlled], '2025-07-15');
    expect(outcome.action).toBe('contact_patient');
    expect(outcome.reminders).toContainEqual(expect.objectContaining({ code: 'overdue', dueDate: '2025-07-01', daysLate: 14 }));
  });

  it('§1 a pending referral check → contact_patient', () => {
    const referred = entry('2025-05-01', { sbp: 150, dbp: 85, action: 'refer', nextDueDate: '2025-05-15' });
    const outcome = asOf('hypertension', ADULT, [referred], '2025-05-03');
    expect(outcome.action).toBe('contact_patient');
    expect(outcome.reminders).toContainEqual(expect.objectContaining({ code: 'referral_followup_due', dueDate: '2025-05-15' }));
  });

  it('A8 after a remeasure: data_incomplete, no due date, no overdue', () => {
    const remeasure = entry('2025-04-01', { sbp: 130, action: 'remeasure', nextDueDate: null });
    const outcome = asOf('hypertension', ADULT, [remeasure], '2025-11-01');
    expect(outcome.nextDueDate).toBeNull();
    expect(outcome.action).toBe('schedule_face_to_face');
    expect(outcome.reminders).toContainEqual(expect.objectContaining({ code: 'data_incomplete', fields: ['dbp'] }));
    expect(codes(outcome)).not.toContain('overdue');
    expect(codes(outcome)).not.toContain('quota_at_risk');
  });

  it('no face-to-face follow-up yet → face_to_face_required', () => {
    expect(codes(asOf('t2dm', ADULT, [], '2025-05-10'))).toContain('face_to_face_required');
  });

  it('a phone contact since the last face-to-face visit → face_to_face_required', () => {
    const call = entry('2025-05-01', { mode: 'phone', action: 'schedule_face_to_face', nextDueDate: '2025-07-01' });
    const outcome = asOf('hypertension', ADULT, [controlled, call], '2025-05-10');
    expect(outcome.reminders).toContainEqual(expect.objectContaining({ code: 'face_to_face_required', dueDate: '2025-07-01' }));
  });
});

describe('every outcome carries its reason', () => {
  it.each([
    [{ sbp: 185, dbp: 100 }, 'danger_sign', '紧急转诊'],
    [{ sbp: 130, dbp: 80, newComplication: true }, 'complication', '转诊'],
    [{ sbp: 130 }, 'control_undetermined', '舒张压'],
    [{ sbp: 150, dbp: 80 }, 'first_uncontrolled', '首次控制不满意'],
    [{ sbp: 130, dbp: 80, adr: true }, 'first_adr', '药物不良反应'],
    [{ sbp: 130, dbp: 80 }, 'controlled', '控制满意'],
  ] as const)('%j → %s', (visit, code, zhPart) => {
    const outcome = evaluate('hypertension', ADULT, [], clinic(DAY, visit));
    expect(outcome.reason.code).toBe(code);
    expect(outcome.reason.zh).toContain(zhPart);
    expect(outcome.reason.en.length).toBeGreaterThan(10);
    for (const reminder of outcome.reminders) {
      expect(reminder.reason.code).toBe(reminder.code);
      expect(reminder.reason.zh).not.toBe('');
      expect(reminder.reason.en).not.toBe('');
    }
  });

  it('the controlled reason names the value, the age-band target and the next date', () => {
    const outcome = evaluate('hypertension', ELDER, [], clinic(DAY, { sbp: 145, dbp: 85 }));
    expect(outcome.reason.zh).toBe('高血压：控制满意，血压145/85mmHg（目标<150/90mmHg）；3个月后随访（2025-08-10）');
    expect(outcome.reason.en).toBe('Hypertension: controlled, BP 145/85 mmHg (target <150/90 mmHg); next follow-up in 3 months (2025-08-10)');
  });
});

describe('thresholds are data in the rule pack', () => {
  it('a stricter pack changes the classification the engine reports', () => {
    const strict = {
      ...BPHS_2017,
      id: 'test-strict',
      hypertension: { ...BPHS_2017.hypertension, targets: [{ fromAge: 0, sbpBelow: 130, dbpBelow: 80 }] },
      recheckDays: 7,
    };
    const outcome = evaluate('hypertension', ADULT, [], clinic(DAY, { sbp: 135, dbp: 78 }), strict);
    expect(outcome).toMatchObject({ classification: '控制不满意', action: 'adjust_medication', nextDueDate: '2025-05-17' });
    const urgent = evaluate('t2dm', ADULT, [], clinic(DAY, { fbg: 15.0 }), {
      ...BPHS_2017,
      t2dm: { ...BPHS_2017.t2dm, urgent: { ...BPHS_2017.t2dm.urgent, glucoseAtLeast: 15.0 } },
    });
    expect(urgent.referralReason).toBe('血糖≥15.0mmol/L');
  });
});

describe('input errors are typed', () => {
  it.each([
    [
      '§8 a visit date that is not a calendar date',
      { disease: 'hypertension', patient: ADULT, history: [], visit: clinic('2025-02-29', { sbp: 130, dbp: 80 }) },
    ],
    ['§8 a birth date in another format', { disease: 'hypertension', patient: { sex: 'M', birthDate: '15/06/1975' }, history: [], visit: clinic(DAY) }],
    ['§8 a negative blood pressure', { disease: 'hypertension', patient: ADULT, history: [], visit: clinic(DAY, { sbp: -130, dbp: 80 }) }],
    ['§8 NaN glucose', { disease: 't2dm', patient: ADULT, history: [], visit: clinic(DAY, { fbg: Number.NaN }) }],
    ['§8 a bad history date', { disease: 't2dm', patient: ADULT, history: [entry('2025-13-01')], visit: clinic(DAY, { fbg: 6 }) }],
    ['§8 an unknown disease', { disease: 'copd', patient: ADULT, history: [], visit: clinic(DAY) }],
    ['§8 an unknown mode', { disease: 't2dm', patient: ADULT, history: [], visit: { date: DAY, mode: 'video' } }],
  ])('%s', (_name, input) => {
    expect(() => evaluateFollowUp(input as never)).toThrow(FollowUpInputError);
  });
});

describe('§8 a late face-to-face visit reports overdue with its due date and days late', () => {
  // The previous controlled visit booked 2025-05-10 + 3 months = 2025-08-10.
  const history = [entry(DAY, { sbp: 128, dbp: 78, classification: '控制满意', action: 'continue', nextDueDate: DAY_PLUS_3_MONTHS })];
  it.each([
    ['2025-08-09', null],
    ['2025-08-10', null], // on the due date: on time (A7 inclusive)
    ['2025-08-11', 1], // the boundary day after
    ['2025-09-10', 31],
  ] as const)('clinic visit on %s → daysLate %s', (date, daysLate) => {
    const outcome = evaluate('hypertension', ADULT, history, clinic(date, { sbp: 130, dbp: 80 }));
    const found = outcome.reminders.find((r) => r.code === 'overdue');
    if (daysLate === null) expect(found).toBeUndefined();
    else expect(found).toMatchObject({ code: 'overdue', dueDate: DAY_PLUS_3_MONTHS, daysLate });
    // The late visit still fulfils the due date: the outcome books the next one from it.
    expect(outcome.action).toBe('continue');
  });

  it('a home visit is face-to-face too: overdue against the +14 d recheck date', () => {
    const adjust = [entry(DAY, { sbp: 150, dbp: 85, classification: '控制不满意', action: 'adjust_medication', nextDueDate: DAY_PLUS_14 })];
    const outcome = evaluate('hypertension', ADULT, adjust, { date: '2025-05-26', mode: 'home', sbp: 135, dbp: 85 });
    expect(outcome.reminders).toContainEqual(expect.objectContaining({ code: 'overdue', dueDate: DAY_PLUS_14, daysLate: 2 }));
  });

  it('after a referral check the due date is 14 days after the check (A7 cadence)', () => {
    const referred = [
      entry(DAY, { sbp: 185, dbp: 100, classification: '控制不满意', action: 'urgent_refer', nextDueDate: DAY_PLUS_14 }),
      { type: 'referral_tracking' as const, date: '2025-05-20', outcome: 'completed' as const },
    ];
    const late = evaluate('hypertension', ADULT, referred, clinic('2025-06-05', { sbp: 135, dbp: 85 }));
    expect(late.reminders).toContainEqual(expect.objectContaining({ code: 'overdue', dueDate: '2025-06-03', daysLate: 2 }));
    const onTime = evaluate('hypertension', ADULT, referred, clinic('2025-06-03', { sbp: 135, dbp: 85 }));
    expect(codes(onTime)).not.toContain('overdue');
  });

  it('a T2DM late visit missing FBG reports both overdue and data_incomplete', () => {
    const dm = [entry(DAY, { fbg: 6.2, classification: '控制满意', action: 'continue', nextDueDate: DAY_PLUS_3_MONTHS })];
    const outcome = evaluate('t2dm', ADULT, dm, clinic('2025-08-20', { randomGlucose: 9 }));
    expect(outcome.reminders).toContainEqual(expect.objectContaining({ code: 'overdue', dueDate: DAY_PLUS_3_MONTHS, daysLate: 10 }));
    expect(outcome.reminders).toContainEqual(expect.objectContaining({ code: 'data_incomplete', fields: ['fbg'] }));
  });

  it('no pending date (first visit, or after a remeasure) → never overdue', () => {
    expect(codes(evaluate('hypertension', ADULT, [], clinic('2025-12-01', { sbp: 130, dbp: 80 })))).not.toContain('overdue');
    const remeasure = [entry(DAY, { sbp: 130, classification: null, action: 'remeasure', nextDueDate: null })];
    expect(codes(evaluate('hypertension', ADULT, remeasure, clinic('2025-12-01', { sbp: 130, dbp: 80 })))).not.toContain('overdue');
  });

  it('the reminder check after a late visit no longer reports overdue (the visit fulfilled the date)', () => {
    const visit = clinic('2025-08-20', { sbp: 130, dbp: 80 });
    const outcome = evaluate('hypertension', ADULT, history, visit);
    const after = [
      ...history,
      entry(visit.date, { sbp: 130, dbp: 80, classification: outcome.classification, action: outcome.action, nextDueDate: outcome.nextDueDate }),
    ];
    expect(codes(asOf('hypertension', ADULT, after, '2025-08-21'))).not.toContain('overdue');
  });
});
