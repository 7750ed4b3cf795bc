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
const JS_TYPE: Record<string, 'boolean' | 'number' | 'string'> = {
  SQLiteBoolean: 'boolean',
  SQLiteInteger: 'number',
  SQLiteReal: 'number',
  SQLiteText: 'string',
};
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
  const id = referencedId(form.encounter?.reference, 'Encounter', `QuestionnaireResponse/${form.id}`);
  const patientId = referencedId(form.subject?.reference, 'Patient', `QuestionnaireResponse/${form.id}`);
  if (!form.authored) throw new Error(`QuestionnaireResponse/${form.id} has no authored time`);
  const answers = new Map((form.item ?? []).map((each) => [each.linkId, each.answer?.[0]]));
  const row: Record<string, unknown> = { id, patientId, doctorId: 0, createdAt: form.authored };
  for (const [key, column] of COLUMNS) {
    const answer = answers.get(key);
    let value: unknown =
      answer === undefined ? null : (answer.valueBoolean ?? answer.valueInteger ?? answer.valueDecimal ?? answer.valueDate ?? answer.valueString ?? null);
    if (value === null && column.notNull) {
      if (!column.hasDefault) throw new Error(`QuestionnaireResponse/${form.id}: the form has no ${key}`);
      value = column.default;
    }
    if (value !== null && typeof value !== JS_TYPE[column.columnType])
      throw new Error(`QuestionnaireResponse/${form.id}: ${key} is not a ${JS_TYPE[column.columnType]}`);
    const allowed: readonly string[] | undefined = 'enumValues' in column ? column.enumValues : undefined;
    if (value !== null && allowed && allowed.length > 0 && !allowed.includes(String(value)))
      throw new Error(`QuestionnaireResponse/${form.id}: ${key} = ${String(value)} is not one of ${allowed.join(', ')}`);
    row[key] = value;
  }
  // Every column was checked against its schema type (and enum) above, so the row is what the table holds.
  return row as RecordRow;
}
