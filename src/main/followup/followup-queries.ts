/**
 * The population queries behind the reminder list and the indicators: a few statements that read every enrolled
 * patient once, shaped into the pure functions' inputs (FollowUpPatientState, IndicatorPatient). Repository style:
 * plain functions taking the database first.
 *
 * Nothing here reads a follow-up record's row: at 50,000 patients those rows are hundreds of megabytes, and a
 * lookup per patient was a random page read and decrypt per patient (11.7 s for the 50,000-patient list).
 */

import type { Disease } from '../../shared/api/followup';
import type { Action, EnrolmentState, FollowUpPatientState, IndicatorFollowUp, IndicatorPatient } from '../../shared/followup';
import type { YearPeriod } from '../../shared/dates';
import type { Sqlite } from '../db/open';

export interface PopulationFilter {
  village?: string;
  familyDoctor?: string;
}

export interface PersonFacts {
  name: string;
  sex: 'M' | 'F' | 'U';
  birthDate: string;
}

/** Home-read BP is the patient's own reading, not a measurement by staff (spec A3): it never shows control. */
const STAFF_SBP = 'CASE WHEN r.self_reported_home_bp = 1 THEN NULL ELSE r.sbp END';
const STAFF_DBP = 'CASE WHEN r.self_reported_home_bp = 1 THEN NULL ELSE r.dbp END';

const PATIENT_FILTER = `p.merged_into IS NULL AND (@village IS NULL OR p.village = @village) AND (@doctor IS NULL OR p.contract_doctor = @doctor)`;

const OPEN_ENROLMENTS_SQL = `
SELECT e.id, e.patient_id, e.disease, e.enrolled_on, e.ended_on,
  e.last_visit_date, e.last_visit_action, e.last_visit_next_due, e.last_visit_sbp, e.last_visit_dbp, e.last_visit_fbg,
  e.last_phone_date, e.last_referral_date, e.last_referral_urgent, e.last_check_date, e.last_check_outcome
FROM followup_enrolments e
WHERE e.enrolled_on <= @today AND (e.ended_on IS NULL OR e.ended_on > @today)`;

/**
 * The reminder sort keeps the input order among equally urgent items, so this order is what a call list shows
 * within a day: grouped by village (a village doctor calls one village at a time), then by name (code-point order).
 */
const PEOPLE_SQL = `
SELECT p.id, p.name, p.sex, p.birth_date, p.village, p.contract_doctor, p.phone FROM patients p WHERE ${PATIENT_FILTER}
ORDER BY p.village NULLS LAST, p.name, p.id`;

const LAST_HEALTH_CHECKS_SQL = `SELECT h.patient_id, max(h.check_date) FROM followup_health_checks h GROUP BY h.patient_id`;

const YEAR_FACE_TO_FACE_SQL = `
SELECT r.enrolment_id, r.visit_date FROM followup_records r
WHERE r.face_to_face = 1 AND r.visit_date >= @start AND r.visit_date <= @today ORDER BY r.visit_date`;

type EnrolmentRow = [
  id: string,
  patientId: string,
  disease: Disease,
  enrolledOn: string,
  endedOn: string | null,
  lastDate: string | null,
  lastAction: Action,
  lastNextDue: string | null,
  lastSbp: number | null,
  lastDbp: number | null,
  lastFbg: number | null,
  lastPhone: string | null,
  referredOn: string | null,
  referralUrgent: number | null,
  checkDate: string | null,
  checkOutcome: 'completed' | 'not_completed' | null,
];

type PersonRow = [id: string, name: string, sex: PersonFacts['sex'], birthDate: string, village: string | null, familyDoctor: string | null, phone: string | null];

function toEnrolmentState(row: EnrolmentRow): EnrolmentState {
  const [, , disease, enrolledOn, endedOn, lastDate, lastAction, lastNextDue, lastSbp, lastDbp, lastFbg, lastPhone, referredOn, referralUrgent, checkDate, checkOutcome] = row;
  return {
    disease,
    enrolledOn,
    endedOn,
    lastFaceToFace: lastDate === null ? null : { date: lastDate, action: lastAction, nextDueDate: lastNextDue, sbp: lastSbp, dbp: lastDbp, fbg: lastFbg },
    recentFaceToFaceDates: [],
    lastPhoneContactDate: lastPhone,
    lastReferral: referredOn === null ? null : { date: referredOn, urgent: referralUrgent === 1 },
    lastReferralCheck: checkDate === null || checkOutcome === null ? null : { date: checkDate, outcome: checkOutcome },
  };
}

export interface ReminderPopulation {
  states: FollowUpPatientState[];
  people: Map<string, PersonFacts>;
}

/**
 * Everyone the reminder list can name as of `today`: patients with an open enrolment (with what the schedule needs
 * of each), and residents born on or before `elderlyBornBy` in no programme (they get the annual check only, spec
 * §3). `yearStart` bounds the face-to-face dates read for the quota (A11).
 *
 * Four sequential reads joined in memory by id: the enrolments with their schedule state (enrolment-state.ts),
 * this year's face-to-face dates (a range of the covering followup_records_year_idx), the latest health check per
 * patient (the covering followup_health_checks_patient_idx, grouped), and the residents. Every row of each is
 * needed, so reading them in storage order costs one decrypt per page; a lookup per patient instead reads pages at
 * random (measured 2–4× slower at 10,000 patients, bench/followup.ts).
 */
export function loadReminderPopulation(sqlite: Sqlite, today: string, yearStart: string, elderlyBornBy: string, filter: PopulationFilter): ReminderPopulation {
  const enrolmentsOf = new Map<string, EnrolmentState[]>();
  const byEnrolment = new Map<string, EnrolmentState>();
  for (const row of sqlite.prepare(OPEN_ENROLMENTS_SQL).raw().iterate({ today }) as IterableIterator<EnrolmentRow>) {
    const enrolment = toEnrolmentState(row);
    byEnrolment.set(row[0], enrolment);
    const list = enrolmentsOf.get(row[1]);
    if (list) list.push(enrolment);
    else enrolmentsOf.set(row[1], [enrolment]);
  }
  const dates = sqlite.prepare(YEAR_FACE_TO_FACE_SQL).raw().iterate({ start: yearStart, today }) as IterableIterator<[string, string]>;
  for (const [enrolmentId, visitDate] of dates) byEnrolment.get(enrolmentId)?.recentFaceToFaceDates.push(visitDate);
  const lastCheck = new Map(sqlite.prepare(LAST_HEALTH_CHECKS_SQL).raw().all() as [string, string][]);

  const states: FollowUpPatientState[] = [];
  const people = new Map<string, PersonFacts>();
  const filterParams = { village: filter.village ?? null, doctor: filter.familyDoctor ?? null };
  for (const [id, name, sex, birthDate, village, familyDoctor, phone] of sqlite.prepare(PEOPLE_SQL).raw().iterate(filterParams) as IterableIterator<PersonRow>) {
    const enrolments = enrolmentsOf.get(id);
    if (!enrolments && birthDate > elderlyBornBy) continue;
    states.push({ patientId: id, birthDate, village, familyDoctor, phone, lastHealthCheckDate: lastCheck.get(id) ?? null, enrolments: enrolments ?? [] });
    people.set(id, { name, sex, birthDate });
  }
  return { states, people };
}

// ---------------------------------------------------------------------------------------------------------------
// Indicators

const YEAR_ENROLMENTS_SQL = `
SELECT e.patient_id AS patientId, e.disease, e.enrolled_on AS enrolledOn, e.ended_on AS endedOn, p.birth_date AS birthDate
FROM followup_enrolments e JOIN patients p ON p.id = e.patient_id
WHERE e.enrolled_on <= @end AND (e.ended_on IS NULL OR e.ended_on >= @start) AND p.merged_into IS NULL
ORDER BY e.patient_id`;

const YEAR_RECORDS_SQL = `
SELECT r.patient_id AS patientId, r.disease, r.visit_date AS date, r.mode, ${STAFF_SBP} AS sbp, ${STAFF_DBP} AS dbp, r.fbg
FROM followup_records r WHERE r.face_to_face = 1 AND r.visit_date >= @start AND r.visit_date <= @end ORDER BY r.visit_date, r.rowid`;

const YEAR_CHECKS_SQL = `SELECT patient_id AS patientId, check_date AS checkDate FROM followup_health_checks WHERE check_date >= @start AND check_date <= @end`;

/** Every patient managed at some time in the period, with that period's face-to-face follow-ups and checks. */
export function loadIndicatorPatients(sqlite: Sqlite, period: YearPeriod): IndicatorPatient[] {
  const bounds = { start: period.start, end: period.end };
  const byPatient = new Map<string, IndicatorPatient>();
  const rows = sqlite.prepare(YEAR_ENROLMENTS_SQL).all(bounds) as { patientId: string; disease: Disease; enrolledOn: string; endedOn: string | null; birthDate: string }[];
  for (const row of rows) {
    let patient = byPatient.get(row.patientId);
    if (!patient) {
      patient = { patientId: row.patientId, birthDate: row.birthDate, enrolments: [], followups: [], healthCheckDates: [] };
      byPatient.set(row.patientId, patient);
    }
    patient.enrolments.push({ disease: row.disease, enrolledOn: row.enrolledOn, endedOn: row.endedOn });
  }
  for (const row of sqlite.prepare(YEAR_RECORDS_SQL).iterate(bounds) as IterableIterator<IndicatorFollowUp & { patientId: string }>) {
    const patient = byPatient.get(row.patientId);
    if (patient) patient.followups.push({ disease: row.disease, date: row.date, mode: row.mode, sbp: row.sbp, dbp: row.dbp, fbg: row.fbg });
  }
  for (const row of sqlite.prepare(YEAR_CHECKS_SQL).iterate(bounds) as IterableIterator<{ patientId: string; checkDate: string }>) {
    byPatient.get(row.patientId)?.healthCheckDates?.push(row.checkDate);
  }
  return [...byPatient.values()];
}

/** The statements, for tests that check their query plans (EXPLAIN QUERY PLAN). */
export const POPULATION_SQL = {
  openEnrolments: OPEN_ENROLMENTS_SQL,
  people: PEOPLE_SQL,
  lastHealthChecks: LAST_HEALTH_CHECKS_SQL,
  yearFaceToFace: YEAR_FACE_TO_FACE_SQL,
  yearEnrolments: YEAR_ENROLMENTS_SQL,
  yearRecords: YEAR_RECORDS_SQL,
  yearChecks: YEAR_CHECKS_SQL,
};

const FAMILY_DOCTORS_SQL = `SELECT DISTINCT contract_doctor FROM patients WHERE contract_doctor IS NOT NULL AND merged_into IS NULL ORDER BY contract_doctor`;

/** The family doctors the reminder filter offers. */
export function loadFamilyDoctors(sqlite: Sqlite): string[] {
  return sqlite.prepare(FAMILY_DOCTORS_SQL).pluck().all().filter((d): d is string => typeof d === 'string');
}
