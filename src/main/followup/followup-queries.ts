/**
 * The population queries behind the reminder list and the indicators: a few statements that read every enrolled
 * patient once, shaped into the pure functions' inputs (FollowUpPatientState, IndicatorPatient). Repository style:
 * plain functions taking the database first.
 *
 * Cost model (see bench/followup.ts): one pass over the open enrolments, with per-enrolment "latest X" lookups that
 * each are a single descent of an index ending in the date (followup_records_enrolment_idx, …_referrals_…,
 * …_referral_checks_…); one range scan of this year's face-to-face dates over the covering followup_records_year_idx;
 * one range scan of patients by birth date for residents of elderly age in no programme.
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
SELECT e.id AS enrolmentId, e.patient_id AS patientId, e.disease, e.enrolled_on AS enrolledOn, e.ended_on AS endedOn,
  p.name, p.sex, p.birth_date AS birthDate, p.village, p.contract_doctor AS familyDoctor, p.phone,
  (SELECT max(h.check_date) FROM followup_health_checks h WHERE h.patient_id = e.patient_id) AS lastHealthCheck,
  (SELECT max(ph.visit_date) FROM followup_records ph WHERE ph.enrolment_id = e.id AND ph.face_to_face = 0) AS lastPhone,
  r.visit_date AS lastDate, r.action AS lastAction, r.next_due_date AS lastNextDue,
  ${STAFF_SBP} AS lastSbp, ${STAFF_DBP} AS lastDbp, r.fbg AS lastFbg,
  rf.referred_on AS referredOn, rf.urgency,
  rc.check_date AS checkDate, rc.outcome AS checkOutcome
FROM followup_enrolments e
JOIN patients p ON p.id = e.patient_id
LEFT JOIN followup_records r ON r.rowid = (
  SELECT x.rowid FROM followup_records x WHERE x.enrolment_id = e.id AND x.face_to_face = 1 ORDER BY x.visit_date DESC, x.rowid DESC LIMIT 1)
LEFT JOIN followup_referrals rf ON rf.rowid = (
  SELECT y.rowid FROM followup_referrals y WHERE y.enrolment_id = e.id ORDER BY y.referred_on DESC, y.rowid DESC LIMIT 1)
LEFT JOIN followup_referral_checks rc ON rc.rowid = (
  SELECT z.rowid FROM followup_referral_checks z WHERE z.enrolment_id = e.id ORDER BY z.check_date DESC, z.rowid DESC LIMIT 1)
WHERE e.enrolled_on <= @today AND (e.ended_on IS NULL OR e.ended_on > @today) AND ${PATIENT_FILTER}`;

const YEAR_FACE_TO_FACE_SQL = `
SELECT r.enrolment_id AS enrolmentId, r.visit_date AS visitDate FROM followup_records r
WHERE r.face_to_face = 1 AND r.visit_date >= @start AND r.visit_date <= @today ORDER BY r.visit_date`;

/** Residents of elderly-management age in no open programme: they get the annual check reminder only (spec §3). */
const ELDERLY_UNENROLLED_SQL = `
SELECT p.id AS patientId, p.name, p.sex, p.birth_date AS birthDate, p.village, p.contract_doctor AS familyDoctor, p.phone,
  (SELECT max(h.check_date) FROM followup_health_checks h WHERE h.patient_id = p.id) AS lastHealthCheck
FROM patients p
WHERE p.birth_date <= @bornBy AND ${PATIENT_FILTER}
  AND NOT EXISTS (SELECT 1 FROM followup_enrolments e WHERE e.patient_id = p.id AND e.enrolled_on <= @today AND (e.ended_on IS NULL OR e.ended_on > @today))`;

interface EnrolmentRow {
  enrolmentId: string;
  patientId: string;
  disease: Disease;
  enrolledOn: string;
  endedOn: string | null;
  name: string;
  sex: 'M' | 'F' | 'U';
  birthDate: string;
  village: string | null;
  familyDoctor: string | null;
  phone: string | null;
  lastHealthCheck: string | null;
  lastPhone: string | null;
  lastDate: string | null;
  lastAction: Action;
  lastNextDue: string | null;
  lastSbp: number | null;
  lastDbp: number | null;
  lastFbg: number | null;
  referredOn: string | null;
  urgency: 'urgent' | 'routine' | null;
  checkDate: string | null;
  checkOutcome: 'completed' | 'not_completed' | null;
}

interface PersonRow {
  patientId: string;
  name: string;
  sex: 'M' | 'F' | 'U';
  birthDate: string;
  village: string | null;
  familyDoctor: string | null;
  phone: string | null;
  lastHealthCheck: string | null;
}

function toEnrolmentState(row: EnrolmentRow): EnrolmentState {
  return {
    disease: row.disease,
    enrolledOn: row.enrolledOn,
    endedOn: row.endedOn,
    lastFaceToFace:
      row.lastDate === null
        ? null
        : { date: row.lastDate, action: row.lastAction, nextDueDate: row.lastNextDue, sbp: row.lastSbp, dbp: row.lastDbp, fbg: row.lastFbg },
    recentFaceToFaceDates: [],
    lastPhoneContactDate: row.lastPhone,
    lastReferral: row.referredOn === null ? null : { date: row.referredOn, urgent: row.urgency === 'urgent' },
    lastReferralCheck: row.checkDate === null || row.checkOutcome === null ? null : { date: row.checkDate, outcome: row.checkOutcome },
  };
}

function personState(row: PersonRow | EnrolmentRow): FollowUpPatientState {
  return {
    patientId: row.patientId,
    birthDate: row.birthDate,
    village: row.village,
    familyDoctor: row.familyDoctor,
    phone: row.phone,
    lastHealthCheckDate: row.lastHealthCheck,
    enrolments: [],
  };
}

export interface ReminderPopulation {
  states: FollowUpPatientState[];
  people: Map<string, PersonFacts>;
}

/**
 * Everyone the reminder list can name as of `today`: patients with an open enrolment (with what the schedule needs
 * of each), and residents born on or before `elderlyBornBy` in no programme. `yearStart` bounds the face-to-face
 * dates read for the quota (A11).
 */
export function loadReminderPopulation(sqlite: Sqlite, today: string, yearStart: string, elderlyBornBy: string, filter: PopulationFilter): ReminderPopulation {
  const params = { today, village: filter.village ?? null, doctor: filter.familyDoctor ?? null };
  const byPatient = new Map<string, FollowUpPatientState>();
  const byEnrolment = new Map<string, EnrolmentState>();
  const people = new Map<string, PersonFacts>();
  const states: FollowUpPatientState[] = [];
  for (const row of sqlite.prepare(OPEN_ENROLMENTS_SQL).iterate(params) as IterableIterator<EnrolmentRow>) {
    let person = byPatient.get(row.patientId);
    if (!person) {
      person = personState(row);
      byPatient.set(row.patientId, person);
      people.set(row.patientId, { name: row.name, sex: row.sex, birthDate: row.birthDate });
      states.push(person);
    }
    const enrolment = toEnrolmentState(row);
    person.enrolments.push(enrolment);
    byEnrolment.set(row.enrolmentId, enrolment);
  }
  const dates = sqlite.prepare(YEAR_FACE_TO_FACE_SQL).raw().iterate({ start: yearStart, today }) as IterableIterator<[string, string]>;
  for (const [enrolmentId, visitDate] of dates) byEnrolment.get(enrolmentId)?.recentFaceToFaceDates.push(visitDate);
  for (const row of sqlite.prepare(ELDERLY_UNENROLLED_SQL).iterate({ ...params, bornBy: elderlyBornBy }) as IterableIterator<PersonRow>) {
    states.push(personState(row));
    people.set(row.patientId, { name: row.name, sex: row.sex, birthDate: row.birthDate });
  }
  return { states: states.sort(byVillageThenName(people)), people };
}

/**
 * The reminder sort keeps the input order among equally urgent items, so this order is what a call list shows
 * within a day: grouped by village (a village doctor calls one village at a time), then by name.
 */
export function byVillageThenName(people: ReadonlyMap<string, Pick<PersonFacts, 'name'>>) {
  const text = (v: string | null | undefined) => v ?? '\uffff';
  return (a: Pick<FollowUpPatientState, 'patientId' | 'village'>, b: Pick<FollowUpPatientState, 'patientId' | 'village'>): number => {
    const va = text(a.village);
    const vb = text(b.village);
    if (va !== vb) return va < vb ? -1 : 1;
    const na = text(people.get(a.patientId)?.name);
    const nb = text(people.get(b.patientId)?.name);
    if (na !== nb) return na < nb ? -1 : 1;
    return a.patientId < b.patientId ? -1 : a.patientId > b.patientId ? 1 : 0;
  };
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
  yearFaceToFace: YEAR_FACE_TO_FACE_SQL,
  elderlyUnenrolled: ELDERLY_UNENROLLED_SQL,
  yearEnrolments: YEAR_ENROLMENTS_SQL,
  yearRecords: YEAR_RECORDS_SQL,
  yearChecks: YEAR_CHECKS_SQL,
};
