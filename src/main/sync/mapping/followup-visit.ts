import type { Encounter, Observation, ObservationComponent, QuestionnaireResponse, QuestionnaireResponseItem, Quantity } from '@medplum/fhirtypes';
import { getTableColumns } from 'drizzle-orm';
import { followupRecords } from '../../db/schema/followup';
import type { ResourceWithId } from '../outbox';
import { childId, LOINC, loinc, referencedId, STATION, SYSTEMS, ucum } from './codes';

type RecordRow = typeof followupRecords.$inferSelect;
export type EncounterWithId = Encounter & ResourceWithId;
export type ObservationWithId = Observation & ResourceWithId;
export type QuestionnaireResponseWithId = QuestionnaireResponse & ResourceWithId;

/**
 * A follow-up (随访服务记录表) as three kinds of resource, each for its reader:
 * - an Encounter (home: HH, clinic: AMB, phone: VR) in the enrolment's EpisodeOfCare, typed as a BPHS follow-up,
 *   so a platform counts visits without knowing our form;
 * - LOINC Observations of ARCHITECTURE §7 for the measured values (BP panel, heart rate, weight, height, BMI,
 *   FBG, random glucose, HbA1c, temperature), which any FHIR reader charts;
 * - a QuestionnaireResponse to the station's follow-up Questionnaire holding the whole form, one item per field
 *   of the record (linkId = the field's name), so the record arrives on another station field for field. It is
 *   the authority on pull; the Encounter and Observations are derived from it and not applied back.
 */

const PROGRAMME_DISPLAY = { hypertension: '高血压患者随访', t2dm: '2型糖尿病患者随访' } as const;
const MODE_CLASS = {
  clinic: { code: 'AMB', display: 'ambulatory' },
  home: { code: 'HH', display: 'home health' },
  phone: { code: 'VR', display: 'virtual' },
} as const;

/** Fields that live outside the items: the record's id (the Encounter's), the patient (subject), the local user id. */
const OUTSIDE_ITEMS = new Set(['id', 'patientId', 'doctorId', 'createdAt']);
const COLUMNS = Object.entries(getTableColumns(followupRecords)).filter(([key]) => !OUTSIDE_ITEMS.has(key));
const DATE_FIELDS = new Set(['visitDate', 'hba1cDate', 'engineNextDate', 'nextDueDate']);

export function followupFormId(recordId: string): string {
  return childId(recordId, 'form');
}

export function followupVisitToFhir(row: RecordRow): [EncounterWithId, QuestionnaireResponseWithId, ...ObservationWithId[]] {
  const subject = { reference: `Patient/${row.patientId}` };
  const encounterRef = { reference: `Encounter/${row.id}` };
  const formRef = { reference: `QuestionnaireResponse/${followupFormId(row.id)}` };
  const encounter: EncounterWithId = {
    resourceType: 'Encounter',
    id: row.id,
    status: 'finished',
    class: { system: SYSTEMS.actCode, ...MODE_CLASS[row.mode] },
    type: [{ coding: [{ system: STATION.programme, code: `followup-${row.disease}`, display: PROGRAMME_DISPLAY[row.disease] }] }],
    subject,
    episodeOfCare: [{ reference: `EpisodeOfCare/${row.enrolmentId}` }],
    period: { start: row.visitDate, end: row.visitDate },
    participant: [{ individual: { display: row.doctorName } }],
  };
  const item: QuestionnaireResponseItem[] = [];
  for (const [key, column] of COLUMNS) {
    const value = row[key as keyof RecordRow];
    if (value === null || value === undefined) continue;
    item.push({ linkId: key, answer: [answerOf(column.columnType, key, value)] });
  }
  const form: QuestionnaireResponseWithId = {
    resourceType: 'QuestionnaireResponse',
    id: followupFormId(row.id),
    questionnaire: `${STATION.followupQuestionnaire}|${row.ruleSet}`,
    status: 'completed',
    subject,
    encounter: encounterRef,
    authored: row.createdAt,
    item,
  };
  const observations = measured(row).map((each): ObservationWithId => ({
    resourceType: 'Observation',
    id: childId(row.id, each.suffix),
    status: 'final',
    category: [{ coding: [{ system: SYSTEMS.observationCategory, code: each.category }] }],
    code: loinc(each.code[0], each.code[1], each.text),
    subject,
    encounter: encounterRef,
    effectiveDateTime: each.date ?? row.visitDate,
    derivedFrom: [formRef],
    ...(each.value ? { valueQuantity: each.value } : {}),
    ...(each.component ? { component: each.component } : {}),
  }));
  return [encounter, form, ...observations];
}

function answerOf(columnType: string, key: string, value: unknown): NonNullable<QuestionnaireResponseItem['answer']>[number] {
  switch (columnType) {
    case 'SQLiteBoolean':
      return { valueBoolean: Boolean(value) };
    case 'SQLiteInteger':
      return { valueInteger: Number(value) };
    case 'SQLiteReal':
      return { valueDecimal: Number(value) };
    default:
      // The form's grouped parts (symptoms, lifestyle, medications, insulin) and the engine's reasons are JSON text.
      return DATE_FIELDS.has(key) ? { valueDate: String(value) } : { valueString: String(value) };
  }
}

interface Measured {
  suffix: string;
  code: readonly [string, string];
  text: string;
  category: 'vital-signs' | 'laboratory';
  value?: Quantity;
  component?: ObservationComponent[];
  date?: string;
}

function measured(row: RecordRow): Measured[] {
  const out: Measured[] = [];
  if (row.sbp !== null || row.dbp !== null) {
    const component: ObservationComponent[] = [];
    if (row.sbp !== null) component.push({ code: loinc(...LOINC.systolic), valueQuantity: ucum(row.sbp, 'mm[Hg]', 'mmHg') });
    if (row.dbp !== null) component.push({ code: loinc(...LOINC.diastolic), valueQuantity: ucum(row.dbp, 'mm[Hg]', 'mmHg') });
    out.push({ suffix: 'bp', code: LOINC.bpPanel, text: row.selfReportedHomeBp ? '血压（家庭自测）' : '血压', category: 'vital-signs', component });
  }
  const quantity = (
    suffix: string,
    code: readonly [string, string],
    text: string,
    value: Quantity,
    category: Measured['category'] = 'vital-signs',
    date?: string,
  ) => out.push({ suffix, code, text, category, value, ...(date ? { date } : {}) });
  if (row.heartRate !== null) quantity('hr', LOINC.heartRate, '心率', ucum(row.heartRate, '/min', 'beats/min'));
  if (row.weightKg !== null) quantity('wt', LOINC.weight, '体重', ucum(row.weightKg, 'kg'));
  if (row.heightCm !== null) quantity('ht', LOINC.height, '身高', ucum(row.heightCm, 'cm'));
  if (row.bmi !== null) quantity('bmi', LOINC.bmi, '体质指数', ucum(row.bmi, 'kg/m2'));
  if (row.temperatureC !== null) quantity('temp', LOINC.temperature, '体温', ucum(row.temperatureC, 'Cel', '°C'));
  if (row.fbg !== null) quantity('fbg', LOINC.fastingGlucose, '空腹血糖', ucum(row.fbg, 'mmol/L'), 'laboratory');
  if (row.randomGlucose !== null) quantity('glu', LOINC.glucose, '随机血糖', ucum(row.randomGlucose, 'mmol/L'), 'laboratory');
  if (row.hba1c !== null) quantity('hba1c', LOINC.hba1c, '糖化血红蛋白', ucum(row.hba1c, '%'), 'laboratory', row.hba1cDate ?? undefined);
  return out;
}

/** True for a QuestionnaireResponse to the station's follow-up form (what the pull applier takes). */
export function isFollowupForm(resource: QuestionnaireResponse): boolean {
  return resource.questionnaire?.split('|')[0] === STATION.followupQuestionnaire;
}

/**
 * The record row back from the form. `doctorId` is a user of the writing station, meaningless here: 0 (no local
 * user); the doctor's name travels in the form.
 */
export function followupVisitFromFhir(form: QuestionnaireResponse): RecordRow {
  const where = `QuestionnaireResponse/${form.id}`;
  const id = referencedId(form.encounter?.reference, 'Encounter', where);
  const patientId = referencedId(form.subject?.reference, 'Patient', where);
  if (!form.authored) throw new Error(`${where} has no authored time`);
  const answers = new Map((form.item ?? []).map((each) => [each.linkId, each.answer?.[0]]));
  const known = new Set(COLUMNS.map(([key]) => key));
  const raw = (key: keyof RecordRow): unknown => {
    // A typo here would read nothing and silently drop a field: only the table's own keys are asked for.
    if (!known.has(key)) throw new Error(`followupVisitFromFhir: ${key} is not a follow-up form field`);
    const answer = answers.get(key);
    return answer === undefined ? null : (answer.valueBoolean ?? answer.valueInteger ?? answer.valueDecimal ?? answer.valueDate ?? answer.valueString ?? null);
  };
  const wrong = (key: string, expected: string) => new Error(`${where}: ${key} is not a ${expected}`);
  const text = (key: keyof RecordRow): string | null => {
    const v = raw(key);
    if (v !== null && typeof v !== 'string') throw wrong(key, 'string');
    return v;
  };
  const num = (key: keyof RecordRow): number | null => {
    const v = raw(key);
    if (v !== null && typeof v !== 'number') throw wrong(key, 'number');
    return v;
  };
  const bool = (key: keyof RecordRow): boolean | null => {
    const v = raw(key);
    if (v !== null && typeof v !== 'boolean') throw wrong(key, 'boolean');
    return v;
  };
  const oneOf = <T extends string>(key: keyof RecordRow, allowed: readonly [T, ...T[]]): T | null => {
    const v = text(key);
    if (v === null) return null;
    const hit = allowed.find((a) => a === v);
    if (hit === undefined) throw new Error(`${where}: ${key} = ${v} is not one of ${allowed.join(', ')}`);
    return hit;
  };
  const required = <T>(key: keyof RecordRow, v: T | null): T => {
    if (v === null) throw new Error(`${where}: the form has no ${key}`);
    return v;
  };
  const c = followupRecords;
  // Every field of the table, each read with its column's type: the compiler checks none is missing or mistyped,
  // and the defaults are the schema's (a form from an older station may lack a field added since).
  return {
    id,
    patientId,
    doctorId: 0,
    createdAt: form.authored,
    enrolmentId: required('enrolmentId', text('enrolmentId')),
    disease: required('disease', oneOf('disease', c.disease.enumValues)),
    visitDate: required('visitDate', text('visitDate')),
    mode: required('mode', oneOf('mode', c.mode.enumValues)),
    faceToFace: required('faceToFace', bool('faceToFace')),
    symptoms: text('symptoms') ?? '[]',
    symptomsOther: text('symptomsOther'),
    sbp: num('sbp'),
    dbp: num('dbp'),
    heartRate: num('heartRate'),
    heartRatePersistent: bool('heartRatePersistent'),
    weightKg: num('weightKg'),
    weightTargetKg: num('weightTargetKg'),
    heightCm: num('heightCm'),
    bmi: num('bmi'),
    bmiTarget: num('bmiTarget'),
    temperatureC: num('temperatureC'),
    dorsalisPedis: oneOf('dorsalisPedis', c.dorsalisPedis.enumValues),
    signsOther: text('signsOther'),
    fbg: num('fbg'),
    randomGlucose: num('randomGlucose'),
    hba1c: num('hba1c'),
    hba1cDate: text('hba1cDate'),
    testsOther: text('testsOther'),
    lifestyle: text('lifestyle') ?? '{}',
    adherence: oneOf('adherence', c.adherence.enumValues),
    adr: bool('adr') ?? false,
    adrDesc: text('adrDesc'),
    hypoglycemiaReaction: oneOf('hypoglycemiaReaction', c.hypoglycemiaReaction.enumValues),
    newComplication: bool('newComplication') ?? false,
    complicationDesc: text('complicationDesc'),
    pregnant: bool('pregnant') ?? false,
    lactating: bool('lactating') ?? false,
    selfReportedHomeBp: bool('selfReportedHomeBp') ?? false,
    withHealthCheck: bool('withHealthCheck') ?? false,
    medications: text('medications') ?? '[]',
    insulin: text('insulin'),
    medicationAdvice: text('medicationAdvice'),
    classification: oneOf('classification', c.classification.enumValues),
    action: required('action', oneOf('action', c.action.enumValues)),
    engineNextDate: text('engineNextDate'),
    nextDueDate: text('nextDueDate'),
    overrideReason: text('overrideReason'),
    nextDateShiftReason: oneOf('nextDateShiftReason', c.nextDateShiftReason.enumValues),
    nextDateShiftName: text('nextDateShiftName'),
    referralReason: text('referralReason'),
    reasons: required('reasons', text('reasons')),
    ruleSet: required('ruleSet', text('ruleSet')),
    notes: text('notes'),
    doctorName: required('doctorName', text('doctorName')),
  };
}
