import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { ApiError } from '../../shared/api/errors';
import {
  followUpFormSchema,
  REMINDER_KINDS,
  type Appointment,
  type Disease,
  type Enrolment,
  type FollowUpForm,
  type FollowUpRecord,
  type HealthCheck,
  type IndicatorPatientRow,
  type OutcomeData,
  type Referral,
  type ReminderFilter,
  type ReminderRow,
  type YearIndicatorsData,
  type followupContract,
  type referralDetailsSchema,
} from '../../shared/api/followup';
import type { Patient } from '../../shared/api/patients';
import { addDays, chinaLocalDate, completedYears, daysBetween, yearPeriod, yearPeriodContaining } from '../../shared/dates';
import type { DiseaseIndicators, FollowUpInput, FollowUpOutcome, HistoryEntry, RuleSet } from '../../shared/followup';
import type { AuditEvent } from '../audit/audit-log';
import type { Clock } from '../clock';
import type { Sqlite } from '../db/open';
import type { PatientService } from '../patients/patient-service';
import type { Session } from '../session/session';
import { callListCsv, type CsvLocale } from './call-list';
import { evaluateFollowUp, FollowUpInputError } from './engine';
import { refreshEnrolmentState } from './enrolment-state';
import { checkFormValues, formToVisit, mergeHistory, storedToEntry, type StoredFollowUp } from './followup-form';
import { loadIndicatorPatients, loadReminderPopulation, type PersonFacts } from './followup-queries';
import { computeIndicators } from './indicators';
import { computeReminders } from './reminders';
import { BPHS_2017 } from './rule-packs/bphs-2017';
import { bookingDay, DEFAULT_DAILY_CAPACITY, MAX_CALENDAR_DAYS } from './schedule';

type ReferralDetails = Partial<z.output<typeof referralDetailsSchema>>;
type SaveInput = z.output<(typeof followupContract)['save']['input']>;
type PhoneInput = z.output<(typeof followupContract)['phoneContact']['input']>;
type EnrolInput = z.output<(typeof followupContract)['enrol']['input']>;

/** 国家基本公共卫生服务规范: the hypertension and diabetes programmes are for residents aged 35 and over. */
export const PROGRAMME_MIN_AGE = 35;
const CAPACITY_KEY = 'followup.dailyCapacity';

function refuse(reason: string, message: string, details: Record<string, string | number> = {}): never {
  throw new ApiError('VALIDATION', message, { ...details, reason });
}

// ---------------------------------------------------------------------------------------------------------------
// Rows

const ENROLMENT_SQL = `SELECT e.id, e.patient_id AS patientId, e.disease, e.diagnosed_on AS diagnosedOn, e.how_found AS howFound,
  e.enrolled_on AS enrolledOn, e.enrolled_at AS enrolledAt, e.enrolled_by_name AS enrolledByName, e.ended_on AS endedOn,
  e.end_reason AS endReason, e.end_note AS endNote FROM followup_enrolments e`;

const RECORD_SQL = `SELECT r.*, r.rowid AS seq FROM followup_records r`;

interface RecordRow {
  id: string;
  patient_id: string;
  enrolment_id: string;
  disease: Disease;
  visit_date: string;
  mode: FollowUpForm['mode'];
  symptoms: string;
  symptoms_other: string | null;
  sbp: number | null;
  dbp: number | null;
  heart_rate: number | null;
  heart_rate_persistent: number | null;
  weight_kg: number | null;
  weight_target_kg: number | null;
  height_cm: number | null;
  bmi: number | null;
  bmi_target: number | null;
  temperature_c: number | null;
  dorsalis_pedis: FollowUpForm['dorsalisPedis'] | null;
  signs_other: string | null;
  fbg: number | null;
  random_glucose: number | null;
  hba1c: number | null;
  hba1c_date: string | null;
  tests_other: string | null;
  lifestyle: string;
  adherence: FollowUpForm['adherence'] | null;
  adr: number;
  adr_desc: string | null;
  hypoglycemia_reaction: FollowUpForm['hypoglycemiaReaction'] | null;
  new_complication: number;
  complication_desc: string | null;
  pregnant: number;
  lactating: number;
  self_reported_home_bp: number;
  with_health_check: number;
  medications: string;
  insulin: string | null;
  medication_advice: string | null;
  classification: FollowUpRecord['classification'];
  action: FollowUpRecord['action'];
  engine_next_date: string | null;
  next_due_date: string | null;
  override_reason: string | null;
  referral_reason: string | null;
  reasons: string;
  rule_set: string;
  notes: string | null;
  doctor_name: string;
  created_at: string;
}

/** The form as stored: absent values stay absent (null columns are not turned into zeros or empty strings). */
function rowToForm(r: RecordRow): FollowUpForm {
  const optional = {
    symptomsOther: r.symptoms_other,
    sbp: r.sbp,
    dbp: r.dbp,
    heartRate: r.heart_rate,
    heartRatePersistent: r.heart_rate_persistent === null ? null : r.heart_rate_persistent === 1,
    weightKg: r.weight_kg,
    weightTargetKg: r.weight_target_kg,
    heightCm: r.height_cm,
    bmiTarget: r.bmi_target,
    temperatureC: r.temperature_c,
    dorsalisPedis: r.dorsalis_pedis,
    signsOther: r.signs_other,
    fbg: r.fbg,
    randomGlucose: r.random_glucose,
    hba1c: r.hba1c,
    hba1cDate: r.hba1c_date,
    testsOther: r.tests_other,
    adherence: r.adherence,
    adrDesc: r.adr_desc,
    hypoglycemiaReaction: r.hypoglycemia_reaction,
    complicationDesc: r.complication_desc,
    insulin: r.insulin === null ? null : (JSON.parse(r.insulin) as FollowUpForm['insulin']),
    medicationAdvice: r.medication_advice,
    notes: r.notes,
  };
  const present = Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== null));
  return {
    date: r.visit_date,
    mode: r.mode,
    symptoms: JSON.parse(r.symptoms) as string[],
    lifestyle: JSON.parse(r.lifestyle) as FollowUpForm['lifestyle'],
    adr: r.adr === 1,
    newComplication: r.new_complication === 1,
    pregnant: r.pregnant === 1,
    lactating: r.lactating === 1,
    selfReportedHomeBp: r.self_reported_home_bp === 1,
    withHealthCheck: r.with_health_check === 1,
    medications: JSON.parse(r.medications) as FollowUpForm['medications'],
    ...present,
  } as FollowUpForm;
}

function toRecord(r: RecordRow): FollowUpRecord {
  const reasons = JSON.parse(r.reasons) as Pick<FollowUpRecord, 'reason' | 'reminders' | 'advisories'>;
  return {
    id: r.id,
    patientId: r.patient_id,
    enrolmentId: r.enrolment_id,
    disease: r.disease,
    form: rowToForm(r),
    bmi: r.bmi,
    classification: r.classification,
    action: r.action,
    engineNextDate: r.engine_next_date,
    nextDueDate: r.next_due_date,
    overrideReason: r.override_reason,
    referralReason: r.referral_reason,
    reason: reasons.reason,
    reminders: reasons.reminders,
    advisories: reasons.advisories,
    ruleSet: r.rule_set,
    doctorName: r.doctor_name,
    createdAt: r.created_at,
  };
}

function recordToStored(r: RecordRow): StoredFollowUp {
  return {
    visitDate: r.visit_date,
    mode: r.mode,
    sbp: r.sbp,
    dbp: r.dbp,
    fbg: r.fbg,
    hba1c: r.hba1c,
    adr: r.adr,
    adrDesc: r.adr_desc,
    pregnant: r.pregnant,
    lactating: r.lactating,
    selfReportedHomeBp: r.self_reported_home_bp,
    classification: r.classification,
    action: r.action,
    nextDueDate: r.next_due_date,
    referralReason: r.referral_reason,
  };
}

const APPOINTMENT_SQL = `SELECT a.id, a.patient_id AS patientId, p.name AS patientName, p.village, p.phone, a.disease, a.appt_date AS date,
  a.due_date AS dueDate, a.kind, a.status, a.rescheduled_from AS rescheduledFrom
  FROM followup_appointments a JOIN patients p ON p.id = a.patient_id`;

interface ReferralRow {
  id: string;
  patientId: string;
  patientName: string;
  phone: string | null;
  village: string | null;
  enrolmentId: string;
  disease: Disease;
  recordId: string;
  referredOn: string;
  urgency: 'urgent' | 'routine';
  reason: string;
  institution: string | null;
  department: string | null;
  contactName: string | null;
  contactPhone: string | null;
  checkDue: string;
  returnedOn: string | null;
  returnNote: string | null;
  latest: number;
}

const REFERRAL_SQL = `SELECT f.id, f.patient_id AS patientId, p.name AS patientName, p.phone, p.village, f.enrolment_id AS enrolmentId,
  f.disease, f.record_id AS recordId, f.referred_on AS referredOn, f.urgency, f.reason, f.institution, f.department,
  f.contact_name AS contactName, f.contact_phone AS contactPhone, f.check_due AS checkDue, f.returned_on AS returnedOn,
  f.return_note AS returnNote,
  f.rowid = (SELECT g.rowid FROM followup_referrals g WHERE g.enrolment_id = f.enrolment_id ORDER BY g.referred_on DESC, g.rowid DESC LIMIT 1) AS latest
  FROM followup_referrals f JOIN patients p ON p.id = f.patient_id`;

// ---------------------------------------------------------------------------------------------------------------

export class FollowupService {
  constructor(
    private readonly sqlite: () => Sqlite,
    private readonly clock: Clock,
    private readonly session: Session,
    private readonly patients: PatientService,
    private readonly audit: (event: AuditEvent) => void,
    readonly rules: RuleSet = BPHS_2017,
  ) {}

  today(): string {
    return chinaLocalDate(this.clock.now());
  }

  private user() {
    const user = this.session.user;
    if (!user) throw new ApiError('UNAUTHENTICATED', 'sign in first');
    return user;
  }

  private patient(patientId: string): Patient {
    const patient = this.patients.get(patientId);
    if (patient.mergedInto) throw new ApiError('CONFLICT', 'this record was merged into another', { reason: 'FOLLOWUP_PATIENT_MERGED' });
    return patient;
  }

  private notInFuture(date: string, field: string): void {
    if (date > this.today()) refuse('FOLLOWUP_DATE_IN_FUTURE', `${field} is after today`, { field });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Enrolment

  enrolments(patientId: string): Enrolment[] {
    this.patient(patientId);
    return this.sqlite().prepare(`${ENROLMENT_SQL} WHERE e.patient_id = ? ORDER BY e.enrolled_on DESC, e.rowid DESC`).all(patientId) as Enrolment[];
  }

  private enrolment(patientId: string, enrolmentId: string): Enrolment {
    const row = this.sqlite().prepare(`${ENROLMENT_SQL} WHERE e.id = ?`).get(enrolmentId) as Enrolment | undefined;
    if (!row || row.patientId !== patientId) throw new ApiError('NOT_FOUND', `no enrolment ${enrolmentId} for this patient`);
    return row;
  }

  private openEnrolment(patientId: string, disease: Disease): Enrolment | undefined {
    return this.sqlite().prepare(`${ENROLMENT_SQL} WHERE e.patient_id = ? AND e.disease = ? AND e.ended_on IS NULL`).get(patientId, disease) as Enrolment | undefined;
  }

  /** The open enrolment a follow-up on `date` belongs to. */
  private enrolmentFor(patientId: string, disease: Disease, date: string): Enrolment {
    const enrolment = this.openEnrolment(patientId, disease);
    if (!enrolment) refuse('FOLLOWUP_NOT_ENROLLED', `the patient is not enrolled for ${disease}`, { disease });
    if (date < enrolment.enrolledOn) refuse('FOLLOWUP_BEFORE_ENROLMENT', 'the follow-up is dated before the enrolment', { field: 'date', enrolledOn: enrolment.enrolledOn });
    return enrolment;
  }

  enrol(input: EnrolInput): Enrolment {
    const patient = this.patient(input.patientId);
    const enrolledOn = input.enrolledOn ?? this.today();
    this.notInFuture(enrolledOn, 'enrolledOn');
    if (input.diagnosedOn && input.diagnosedOn > enrolledOn) refuse('FOLLOWUP_DIAGNOSIS_AFTER_ENROLMENT', 'diagnosis date after the enrolment', { field: 'diagnosedOn' });
    const age = completedYears(patient.birthDate, enrolledOn);
    if (age < PROGRAMME_MIN_AGE) refuse('FOLLOWUP_UNDER_PROGRAMME_AGE', `the programme is for residents aged ${PROGRAMME_MIN_AGE} and over`, { age, minAge: PROGRAMME_MIN_AGE });
    if (this.openEnrolment(patient.id, input.disease)) {
      throw new ApiError('DUPLICATE', 'already enrolled in this programme', { reason: 'FOLLOWUP_ALREADY_ENROLLED', disease: input.disease });
    }
    const user = this.user();
    const id = randomUUID();
    const now = this.clock.now().toISOString();
    const sqlite = this.sqlite();
    sqlite
      .transaction(() => {
        sqlite
          .prepare(
            `INSERT INTO followup_enrolments (id, patient_id, disease, diagnosed_on, how_found, enrolled_on, enrolled_at, enrolled_by, enrolled_by_name, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(id, patient.id, input.disease, input.diagnosedOn ?? null, input.howFound, enrolledOn, now, user.id, user.displayName, now, now);
        // The chart's programme flags follow enrolment; through the patient service so the change is synced.
        const flag = input.disease === 'hypertension' ? 'hypertension' : 'diabetes';
        if (!patient[flag]) this.patients.update({ patientId: patient.id, version: patient.version, [flag]: true });
      })
      .immediate();
    return this.enrolment(patient.id, id);
  }

  endEnrolment(patientId: string, enrolmentId: string, endedOn: string, reason: Enrolment['endReason'] & string, note: string | undefined): Enrolment {
    const enrolment = this.enrolment(patientId, enrolmentId);
    if (enrolment.endedOn) throw new ApiError('CONFLICT', 'this enrolment has already ended', { reason: 'FOLLOWUP_ENROLMENT_ENDED' });
    this.notInFuture(endedOn, 'endedOn');
    if (endedOn < enrolment.enrolledOn) refuse('FOLLOWUP_END_BEFORE_START', 'the end date is before the enrolment', { field: 'endedOn' });
    if (reason === 'other' && !note) refuse('FOLLOWUP_END_NOTE_REQUIRED', 'say why the management ended', { field: 'note' });
    const now = this.clock.now().toISOString();
    const sqlite = this.sqlite();
    sqlite
      .transaction(() => {
        sqlite
          .prepare(`UPDATE followup_enrolments SET ended_on = ?, end_reason = ?, end_note = ?, ended_by = ?, updated_at = ? WHERE id = ?`)
          .run(endedOn, reason, note ?? null, this.user().id, now, enrolmentId);
        sqlite.prepare(`UPDATE followup_appointments SET status = 'cancelled', updated_at = ? WHERE enrolment_id = ? AND status = 'scheduled'`).run(now, enrolmentId);
      })
      .immediate();
    return this.enrolment(patientId, enrolmentId);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Evaluation and saving

  /**
   * The engine's history for an enrolment: its follow-ups and referral checks, and the patient's health checks.
   * A new enrolment (after moving away and back) starts a new history: its "first uncontrolled" is its own.
   */
  historyOf(enrolmentId: string, patientId: string): HistoryEntry[] {
    const sqlite = this.sqlite();
    const records = sqlite.prepare(`${RECORD_SQL} WHERE r.enrolment_id = ? ORDER BY r.visit_date, r.rowid`).all(enrolmentId) as RecordRow[];
    const checks = sqlite
      .prepare(`SELECT check_date AS date, outcome, detail, created_at AS writtenAt FROM followup_referral_checks WHERE enrolment_id = ? ORDER BY check_date, rowid`)
      .all(enrolmentId) as { date: string; outcome: 'completed' | 'not_completed'; detail: string | null; writtenAt: string }[];
    const healthChecks = sqlite
      .prepare(`SELECT check_date AS date, created_at AS writtenAt FROM followup_health_checks WHERE patient_id = ? ORDER BY check_date, rowid`)
      .all(patientId) as { date: string; writtenAt: string }[];
    return mergeHistory([
      ...healthChecks.map((h) => ({ entry: { type: 'health_check' as const, date: h.date }, writtenAt: h.writtenAt })),
      ...records.map((r) => ({ entry: storedToEntry(recordToStored(r)), writtenAt: r.created_at })),
      ...checks.map((c) => ({
        entry: { type: 'referral_tracking' as const, date: c.date, outcome: c.outcome, ...(c.detail ? { detail: c.detail } : {}) },
        writtenAt: c.writtenAt,
      })),
    ]);
  }

  private prepare(patientId: string, disease: Disease, form: FollowUpForm) {
    const patient = this.patient(patientId);
    this.notInFuture(form.date, 'date');
    const enrolment = this.enrolmentFor(patientId, disease, form.date);
    if (patient.sex === 'M' && (form.pregnant || form.lactating)) refuse('FOLLOWUP_PREGNANCY_MALE', 'pregnancy or lactation recorded for a male patient', { field: 'pregnant' });
    const { bmi } = checkFormValues(form);
    const input: FollowUpInput = {
      disease,
      // The 2017 rules do not depend on sex; the engine's patient type wants one, and 'U' has none to give.
      patient: { sex: patient.sex === 'F' ? 'F' : 'M', birthDate: patient.birthDate },
      history: this.historyOf(enrolment.id, patientId),
      visit: formToVisit(form, bmi),
    };
    let outcome: FollowUpOutcome;
    try {
      outcome = evaluateFollowUp(input, this.rules);
    } catch (err) {
      if (err instanceof FollowUpInputError) refuse('FOLLOWUP_INPUT_INVALID', err.message);
      throw err;
    }
    return { patient, enrolment, bmi, outcome: this.outcomeData(outcome) };
  }

  private outcomeData(outcome: FollowUpOutcome): OutcomeData {
    return {
      classification: outcome.classification,
      action: outcome.action,
      nextDueDate: outcome.nextDueDate,
      referralReason: outcome.referralReason,
      reason: outcome.reason,
      reminders: outcome.reminders,
      advisories: outcome.advisories,
      ruleSet: { id: this.rules.id, version: this.rules.version },
    };
  }

  /** Preview for the form: what saving this would decide. Writes nothing. */
  evaluate(patientId: string, disease: Disease, form: FollowUpForm): OutcomeData {
    return this.prepare(patientId, disease, form).outcome;
  }

  /**
   * Stores a follow-up with the engine's decision, re-made here from the stored history (the renderer's preview is
   * only a preview). A face-to-face visit closes the enrolment's open appointments and books the next date; a
   * referral creates the referral to track; a next date other than the engine's needs a reason and is audited.
   */
  save(input: SaveInput): { record: FollowUpRecord; outcome: OutcomeData; appointment: Appointment | null; referral: Referral | null } {
    const { patient, enrolment, bmi, outcome } = this.prepare(input.patientId, input.disease, input.form);
    const form = input.form;
    const faceToFace = form.mode !== 'phone';
    const overridden = input.overrideNextDate !== undefined && input.overrideNextDate !== outcome.nextDueDate;
    if (overridden) {
      if (!faceToFace) refuse('FOLLOWUP_OVERRIDE_PHONE', 'a phone contact does not set the next face-to-face date', { field: 'overrideNextDate' });
      if (!input.overrideReason || input.overrideReason.length < 2) refuse('FOLLOWUP_OVERRIDE_REASON_REQUIRED', 'a next date other than the rules’ needs a reason', { field: 'overrideReason' });
      if (input.overrideNextDate! <= form.date) refuse('FOLLOWUP_OVERRIDE_DATE_INVALID', 'the next date must be after the visit', { field: 'overrideNextDate' });
    }
    const nextDue = overridden ? input.overrideNextDate! : outcome.nextDueDate;
    const user = this.user();
    const id = randomUUID();
    const now = this.clock.now().toISOString();
    const sqlite = this.sqlite();
    let appointmentId: string | null = null;
    let referralId: string | null = null;
    sqlite
      .transaction(() => {
        this.insertRecord(id, patient.id, enrolment.id, input.disease, form, bmi, outcome, nextDue, overridden ? input.overrideReason! : null, user, now);
        if (faceToFace && form.withHealthCheck) this.insertHealthCheck(patient, form.date, null, null, id, now);
        // A paper form typed in late (an earlier date than a visit already stored) changes no booking: the later
        // visit decided the schedule.
        const latest = faceToFace && !this.hasLaterFaceToFace(enrolment.id, form.date);
        if (latest) {
          sqlite
            .prepare(`UPDATE followup_appointments SET status = 'done', done_record_id = ?, updated_at = ? WHERE enrolment_id = ? AND status = 'scheduled'`)
            .run(id, now, enrolment.id);
          if (nextDue) appointmentId = this.book(patient.id, enrolment.id, input.disease, form.date, nextDue, isReferral(outcome.action) ? 'referral_check' : 'followup', id, now);
        }
        if (faceToFace && isReferral(outcome.action)) {
          referralId = this.insertReferral(patient.id, enrolment.id, id, input.disease, form.date, outcome, input.referral ?? {}, user.id, now);
        }
        refreshEnrolmentState(sqlite, enrolment.id);
        if (overridden) {
          this.audit({
            userId: user.id,
            username: user.username,
            action: 'followup.overrideNextDate',
            kind: 'write',
            patientId: patient.id,
            outcome: 'ok',
            details: JSON.stringify({ recordId: id, engine: outcome.nextDueDate, chosen: nextDue, reason: input.overrideReason }).slice(0, 500),
          });
        }
      })
      .immediate();
    return {
      record: this.record(id),
      outcome,
      appointment: appointmentId ? this.appointment(appointmentId) : null,
      referral: referralId ? this.referral(patient.id, referralId) : null,
    };
  }

  private hasLaterFaceToFace(enrolmentId: string, date: string): boolean {
    return (
      this.sqlite().prepare(`SELECT 1 FROM followup_records WHERE enrolment_id = ? AND face_to_face = 1 AND visit_date > ? LIMIT 1`).get(enrolmentId, date) !== undefined
    );
  }

  /** A phone contact recorded by any staff member: the engine's phone row (never classified, A3). */
  phoneContact(input: PhoneInput): { record: FollowUpRecord; outcome: OutcomeData } {
    const form = followUpFormSchema.parse({
      date: input.date,
      mode: 'phone',
      symptoms: input.symptoms,
      adherence: input.adherence,
      adr: input.adr,
      adrDesc: input.adrDesc,
      notes: input.notes,
    });
    const { patient, enrolment, outcome } = this.prepare(input.patientId, input.disease, form);
    const id = randomUUID();
    const now = this.clock.now().toISOString();
    this.sqlite()
      .transaction(() => {
        this.insertRecord(id, patient.id, enrolment.id, input.disease, form, null, outcome, outcome.nextDueDate, null, this.user(), now);
        refreshEnrolmentState(this.sqlite(), enrolment.id);
      })
      .immediate();
    return { record: this.record(id), outcome };
  }

  private insertRecord(
    id: string,
    patientId: string,
    enrolmentId: string,
    disease: Disease,
    form: FollowUpForm,
    bmi: number | null,
    outcome: OutcomeData,
    nextDue: string | null,
    overrideReason: string | null,
    user: { id: number; displayName: string },
    now: string,
  ): void {
    const bool = (v: boolean | undefined) => (v === undefined ? null : Number(v));
    const row = {
      id,
      patientId,
      enrolmentId,
      disease,
      visitDate: form.date,
      mode: form.mode,
      faceToFace: Number(form.mode !== 'phone'),
      symptoms: JSON.stringify(form.symptoms),
      symptomsOther: form.symptomsOther ?? null,
      sbp: form.sbp ?? null,
      dbp: form.dbp ?? null,
      heartRate: form.heartRate ?? null,
      heartRatePersistent: bool(form.heartRatePersistent),
      weightKg: form.weightKg ?? null,
      weightTargetKg: form.weightTargetKg ?? null,
      heightCm: form.heightCm ?? null,
      bmi,
      bmiTarget: form.bmiTarget ?? null,
      temperatureC: form.temperatureC ?? null,
      dorsalisPedis: form.dorsalisPedis ?? null,
      signsOther: form.signsOther ?? null,
      fbg: form.fbg ?? null,
      randomGlucose: form.randomGlucose ?? null,
      hba1c: form.hba1c ?? null,
      hba1cDate: form.hba1cDate ?? null,
      testsOther: form.testsOther ?? null,
      lifestyle: JSON.stringify(form.lifestyle),
      adherence: form.adherence ?? null,
      adr: Number(form.adr),
      adrDesc: form.adrDesc ?? null,
      hypoglycemiaReaction: form.hypoglycemiaReaction ?? null,
      newComplication: Number(form.newComplication),
      complicationDesc: form.complicationDesc ?? null,
      pregnant: Number(form.pregnant),
      lactating: Number(form.lactating),
      selfReportedHomeBp: Number(form.selfReportedHomeBp),
      withHealthCheck: Number(form.withHealthCheck),
      medications: JSON.stringify(form.medications),
      insulin: form.insulin ? JSON.stringify(form.insulin) : null,
      medicationAdvice: form.medicationAdvice ?? null,
      classification: outcome.classification,
      action: outcome.action,
      engineNextDate: outcome.nextDueDate,
      nextDueDate: nextDue,
      overrideReason,
      referralReason: outcome.referralReason,
      reasons: JSON.stringify({ reason: outcome.reason, reminders: outcome.reminders, advisories: outcome.advisories }),
      ruleSet: `${outcome.ruleSet.id}@${outcome.ruleSet.version}`,
      notes: form.notes ?? null,
      doctorId: user.id,
      doctorName: user.displayName,
      createdAt: now,
    };
    recordInsertStatement(this.sqlite()).run(row);
  }

  private record(id: string): FollowUpRecord {
    const row = this.sqlite().prepare(`${RECORD_SQL} WHERE r.id = ?`).get(id) as RecordRow | undefined;
    if (!row) throw new ApiError('NOT_FOUND', `no follow-up ${id}`);
    return toRecord(row);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Health checks

  private insertHealthCheck(patient: Patient, date: string, selfCareScore: number | null, note: string | null, recordId: string | null, now: string): string {
    const id = randomUUID();
    const kind = completedYears(patient.birthDate, date) >= this.rules.elderlyFromAge ? 'elderly' : 'annual';
    this.sqlite()
      .prepare(
        `INSERT INTO followup_health_checks (id, patient_id, check_date, kind, self_care_score, record_id, note, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, patient.id, date, kind, selfCareScore, recordId, note, this.user().id, now);
    return id;
  }

  recordHealthCheck(patientId: string, date: string, selfCareScore: number | undefined, note: string | undefined): HealthCheck {
    const patient = this.patient(patientId);
    this.notInFuture(date, 'date');
    const id = this.insertHealthCheck(patient, date, selfCareScore ?? null, note ?? null, null, this.clock.now().toISOString());
    return this.healthChecks(patientId).find((h) => h.id === id)!;
  }

  private healthChecks(patientId: string): HealthCheck[] {
    return this.sqlite()
      .prepare(
        `SELECT id, patient_id AS patientId, check_date AS checkDate, kind, self_care_score AS selfCareScore, record_id AS recordId, note
         FROM followup_health_checks WHERE patient_id = ? ORDER BY check_date DESC, rowid DESC`,
      )
      .all(patientId) as HealthCheck[];
  }

  history(patientId: string) {
    this.patient(patientId);
    const records = this.sqlite().prepare(`${RECORD_SQL} WHERE r.patient_id = ? ORDER BY r.visit_date DESC, r.rowid DESC`).all(patientId) as RecordRow[];
    return {
      enrolments: this.enrolments(patientId),
      records: records.map(toRecord),
      healthChecks: this.healthChecks(patientId),
      referrals: this.referrals({ patientId, open: false }),
      appointments: this.sqlite().prepare(`${APPOINTMENT_SQL} WHERE a.patient_id = ? ORDER BY a.appt_date DESC, a.rowid DESC`).all(patientId) as Appointment[],
    };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Reminders and call lists

  /** Every reminder as of today for the filtered population, sorted most urgent first (reminders.ts). */
  reminderRows(filter: ReminderFilter): ReminderRow[] {
    const today = this.today();
    const period = yearPeriodContaining(today, this.rules.yearStartMonth);
    const population = loadReminderPopulation(this.sqlite(), today, period.start, elderlyBornBy(today, this.rules.elderlyFromAge), filter);
    const items = computeReminders(population.states, today, this.rules);
    const rows: ReminderRow[] = [];
    for (const item of items) {
      if (filter.kind && item.kind !== filter.kind) continue;
      const person = population.people.get(item.patientId) as PersonFacts;
      rows.push({ ...item, name: person.name, sex: person.sex, birthDate: person.birthDate, disease: item.disease });
    }
    return rows;
  }

  reminders(filter: ReminderFilter, limit: number, offset: number) {
    const all = this.reminderRows({ village: filter.village, familyDoctor: filter.familyDoctor });
    const counts: Record<string, number> = Object.fromEntries(REMINDER_KINDS.map((k) => [k, 0]));
    for (const row of all) counts[row.kind] += 1;
    const chosen = filter.kind ? all.filter((r) => r.kind === filter.kind) : all;
    return { today: this.today(), counts, total: chosen.length, items: chosen.slice(offset, offset + limit) };
  }

  callListCsv(filter: ReminderFilter, locale: CsvLocale): { fileName: string; content: string; rows: number } {
    const rows = this.reminderRows(filter);
    const today = this.today();
    return { fileName: locale === 'en' ? `follow-up-call-list-${today}.csv` : `随访电话名单-${today}.csv`, content: callListCsv(rows, locale), rows: rows.length };
  }

  familyDoctors(): string[] {
    return (this.sqlite().prepare(`SELECT DISTINCT contract_doctor AS d FROM patients WHERE contract_doctor IS NOT NULL AND merged_into IS NULL ORDER BY d`).all() as { d: string }[]).map(
      (r) => r.d,
    );
  }

  // -------------------------------------------------------------------------------------------------------------
  // Referrals

  private insertReferral(
    patientId: string,
    enrolmentId: string,
    recordId: string,
    disease: Disease,
    date: string,
    outcome: OutcomeData,
    details: ReferralDetails,
    userId: number,
    now: string,
  ): string {
    const id = randomUUID();
    this.sqlite()
      .prepare(
        `INSERT INTO followup_referrals (id, patient_id, enrolment_id, record_id, disease, referred_on, urgency, reason, institution, department,
         contact_name, contact_phone, check_due, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        patientId,
        enrolmentId,
        recordId,
        disease,
        date,
        outcome.action === 'urgent_refer' ? 'urgent' : 'routine',
        outcome.referralReason ?? '',
        details.institution ?? null,
        details.department ?? null,
        details.contactName ?? null,
        details.contactPhone ?? null,
        addDays(date, this.rules.recheckDays),
        userId,
        now,
        now,
      );
    return id;
  }

  /** State and next check date of a referral, as the engine reads them (pendingReferralCheckDue). */
  private toReferral(row: ReferralRow, checks: Referral['checks'], today: string): Referral {
    const lastCheck = checks.at(-1);
    const arrived = checks.some((c) => c.outcome === 'completed');
    const state: Referral['state'] = row.returnedOn ? 'returned' : arrived ? 'arrived' : row.latest ? 'awaiting_check' : 'superseded';
    const checkDue = state !== 'awaiting_check' ? null : lastCheck ? addDays(lastCheck.checkDate, this.rules.recheckDays) : row.checkDue;
    const { latest: _latest, enrolmentId: _enrolment, checkDue: _due, ...rest } = row;
    return { ...rest, checks, state, checkDue, daysLate: checkDue ? Math.max(0, daysBetween(checkDue, today)) : 0 };
  }

  referrals(opts: { patientId?: string; open: boolean }): Referral[] {
    const sqlite = this.sqlite();
    const rows = (
      opts.patientId
        ? sqlite.prepare(`${REFERRAL_SQL} WHERE f.patient_id = ? ORDER BY f.referred_on DESC, f.rowid DESC`).all(opts.patientId)
        : sqlite.prepare(`${REFERRAL_SQL} WHERE f.returned_on IS NULL OR @all = 1 ORDER BY f.referred_on DESC, f.rowid DESC`).all({ all: Number(!opts.open) })
    ) as ReferralRow[];
    const checkStatement = sqlite.prepare(
      `SELECT id, check_date AS checkDate, mode, outcome, detail FROM followup_referral_checks WHERE referral_id = ? ORDER BY check_date, rowid`,
    );
    const today = this.today();
    const referrals = rows.map((row) => this.toReferral(row, checkStatement.all(row.id) as Referral['checks'], today));
    return opts.open ? referrals.filter((r) => r.state === 'awaiting_check') : referrals;
  }

  referral(patientId: string, referralId: string): Referral {
    const row = this.sqlite().prepare(`${REFERRAL_SQL} WHERE f.id = ?`).get(referralId) as ReferralRow | undefined;
    if (!row || row.patientId !== patientId) throw new ApiError('NOT_FOUND', `no referral ${referralId} for this patient`);
    const checks = this.sqlite()
      .prepare(`SELECT id, check_date AS checkDate, mode, outcome, detail FROM followup_referral_checks WHERE referral_id = ? ORDER BY check_date, rowid`)
      .all(referralId) as Referral['checks'];
    return this.toReferral(row, checks, this.today());
  }

  updateReferral(patientId: string, referralId: string, details: ReferralDetails): Referral {
    this.referral(patientId, referralId);
    this.sqlite()
      .prepare(`UPDATE followup_referrals SET institution = ?, department = ?, contact_name = ?, contact_phone = ?, updated_at = ? WHERE id = ?`)
      .run(details.institution ?? null, details.department ?? null, details.contactName ?? null, details.contactPhone ?? null, this.clock.now().toISOString(), referralId);
    return this.referral(patientId, referralId);
  }

  /** A referral check, and the enrolment's schedule state recomputed with it (run inside a transaction). */
  private insertCheck(referral: Referral, enrolmentId: string, date: string, mode: 'phone' | 'visit' | 'return', outcome: 'completed' | 'not_completed', detail: string | null): void {
    this.sqlite()
      .prepare(
        `INSERT INTO followup_referral_checks (id, referral_id, enrolment_id, patient_id, check_date, mode, outcome, detail, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(randomUUID(), referral.id, enrolmentId, referral.patientId, date, mode, outcome, detail, this.user().id, this.clock.now().toISOString());
    refreshEnrolmentState(this.sqlite(), enrolmentId);
  }

  private enrolmentOfReferral(referralId: string): string {
    return (this.sqlite().prepare(`SELECT enrolment_id AS e FROM followup_referrals WHERE id = ?`).get(referralId) as { e: string }).e;
  }

  checkReferral(patientId: string, referralId: string, date: string, mode: 'phone' | 'visit', outcome: 'completed' | 'not_completed', detail: string | undefined): Referral {
    const referral = this.referral(patientId, referralId);
    this.notInFuture(date, 'date');
    if (date < referral.referredOn) refuse('FOLLOWUP_CHECK_BEFORE_REFERRAL', 'the check is dated before the referral', { field: 'date' });
    if (referral.state === 'returned') throw new ApiError('CONFLICT', 'the patient has already come back from this referral', { reason: 'FOLLOWUP_REFERRAL_RETURNED' });
    const sqlite = this.sqlite();
    sqlite.transaction(() => this.insertCheck(referral, this.enrolmentOfReferral(referralId), date, mode, outcome, detail ?? null)).immediate();
    return this.referral(patientId, referralId);
  }

  recordReturn(patientId: string, referralId: string, date: string, note: string): Referral {
    const referral = this.referral(patientId, referralId);
    this.notInFuture(date, 'date');
    if (date < referral.referredOn) refuse('FOLLOWUP_CHECK_BEFORE_REFERRAL', 'the return is dated before the referral', { field: 'date' });
    if (referral.state === 'returned') throw new ApiError('CONFLICT', 'the return is already recorded', { reason: 'FOLLOWUP_REFERRAL_RETURNED' });
    const sqlite = this.sqlite();
    sqlite
      .transaction(() => {
        // Coming back with the result proves the patient got there (到位), which the 2-week check asks.
        if (referral.state !== 'arrived') this.insertCheck(referral, this.enrolmentOfReferral(referralId), date, 'return', 'completed', note);
        sqlite.prepare(`UPDATE followup_referrals SET returned_on = ?, return_note = ?, updated_at = ? WHERE id = ?`).run(date, note, this.clock.now().toISOString(), referralId);
      })
      .immediate();
    return this.referral(patientId, referralId);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Scheduling

  defaultCapacity(): number {
    const row = this.sqlite().prepare(`SELECT value FROM settings WHERE key = ?`).get(CAPACITY_KEY) as { value: string } | undefined;
    const value = row ? Number(JSON.parse(row.value)) : NaN;
    return Number.isInteger(value) && value >= 0 ? value : DEFAULT_DAILY_CAPACITY;
  }

  private capacities(from: string, to: string): Map<string, number> {
    const rows = this.sqlite().prepare(`SELECT day, capacity FROM followup_day_capacity WHERE day >= ? AND day <= ?`).all(from, to) as { day: string; capacity: number }[];
    return new Map(rows.map((r) => [r.day, r.capacity]));
  }

  private bookedCounts(from: string, to: string, except?: string): Map<string, number> {
    const rows = this.sqlite()
      .prepare(`SELECT appt_date AS day, count(*) AS n FROM followup_appointments WHERE appt_date >= ? AND appt_date <= ? AND status = 'scheduled' AND id <> ? GROUP BY appt_date`)
      .all(from, to, except ?? '') as { day: string; n: number }[];
    return new Map(rows.map((r) => [r.day, r.n]));
  }

  private freeSlots(from: string, to: string, except?: string): (day: string) => number {
    const capacity = this.capacities(from, to);
    const booked = this.bookedCounts(from, to, except);
    const fallback = this.defaultCapacity();
    return (day) => (capacity.get(day) ?? fallback) - (booked.get(day) ?? 0);
  }

  private book(patientId: string, enrolmentId: string, disease: Disease, visitDate: string, due: string, kind: 'followup' | 'referral_check', recordId: string, now: string): string {
    const earliest = addDays(visitDate, 1);
    const day = bookingDay(due, earliest, this.freeSlots(earliest, due));
    const id = randomUUID();
    this.sqlite()
      .prepare(
        `INSERT INTO followup_appointments (id, patient_id, enrolment_id, disease, appt_date, due_date, kind, status, source_record_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, ?)`,
      )
      .run(id, patientId, enrolmentId, disease, day, due, kind, recordId, now, now);
    return id;
  }

  private appointment(id: string): Appointment {
    const row = this.sqlite().prepare(`${APPOINTMENT_SQL} WHERE a.id = ?`).get(id) as Appointment | undefined;
    if (!row) throw new ApiError('NOT_FOUND', `no appointment ${id}`);
    return row;
  }

  calendar(from: string, to: string) {
    if (to < from || daysBetween(from, to) >= MAX_CALENDAR_DAYS) refuse('FOLLOWUP_CALENDAR_RANGE', `a calendar shows 1–${MAX_CALENDAR_DAYS} days`, { max: MAX_CALENDAR_DAYS });
    const appointments = this.sqlite()
      .prepare(`${APPOINTMENT_SQL} WHERE a.appt_date >= ? AND a.appt_date <= ? AND a.status <> 'cancelled' ORDER BY a.appt_date, p.village, p.name`)
      .all(from, to) as Appointment[];
    const capacity = this.capacities(from, to);
    const fallback = this.defaultCapacity();
    const days = [];
    for (let day = from; day <= to; day = addDays(day, 1)) {
      const mine = appointments.filter((a) => a.date === day);
      days.push({ date: day, capacity: capacity.get(day) ?? fallback, booked: mine.filter((a) => a.status === 'scheduled').length, appointments: mine });
    }
    return { defaultCapacity: fallback, days };
  }

  setCapacity(date: string | undefined, capacity: number | null): { defaultCapacity: number } {
    const now = this.clock.now().toISOString();
    const sqlite = this.sqlite();
    if (date) {
      if (capacity === null) sqlite.prepare(`DELETE FROM followup_day_capacity WHERE day = ?`).run(date);
      else sqlite.prepare(`INSERT INTO followup_day_capacity (day, capacity, updated_at) VALUES (?, ?, ?) ON CONFLICT(day) DO UPDATE SET capacity = excluded.capacity, updated_at = excluded.updated_at`).run(date, capacity, now);
    } else if (capacity === null) {
      sqlite.prepare(`DELETE FROM settings WHERE key = ?`).run(CAPACITY_KEY);
    } else {
      sqlite
        .prepare(`INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`)
        .run(CAPACITY_KEY, JSON.stringify(capacity), now);
    }
    return { defaultCapacity: this.defaultCapacity() };
  }

  reschedule(patientId: string, appointmentId: string, date: string, acceptLate: boolean): Appointment {
    const current = this.appointment(appointmentId);
    if (current.patientId !== patientId) throw new ApiError('NOT_FOUND', `no appointment ${appointmentId} for this patient`);
    if (current.status !== 'scheduled') throw new ApiError('CONFLICT', 'only a booked appointment can be moved', { reason: 'FOLLOWUP_APPOINTMENT_CLOSED' });
    if (date === current.date) return current;
    if (date < this.today()) refuse('FOLLOWUP_DATE_PAST', 'an appointment cannot be moved into the past', { field: 'date' });
    if (date > current.dueDate && !acceptLate) refuse('FOLLOWUP_AFTER_DUE_DATE', 'the new date is after the date the rules set', { field: 'date', dueDate: current.dueDate });
    if (this.freeSlots(date, date, appointmentId)(date) <= 0) throw new ApiError('CONFLICT', 'that day is fully booked', { reason: 'FOLLOWUP_DAY_FULL', date });
    this.sqlite()
      .prepare(`UPDATE followup_appointments SET appt_date = ?, rescheduled_from = coalesce(rescheduled_from, ?), updated_at = ? WHERE id = ?`)
      .run(date, current.date, this.clock.now().toISOString(), appointmentId);
    return this.appointment(appointmentId);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Indicators

  private yearIndicators(year: number) {
    const period = yearPeriod(year, this.rules.yearStartMonth);
    const patients = loadIndicatorPatients(this.sqlite(), period);
    return { period, patients, indicators: computeIndicators(patients, year, this.rules) };
  }

  indicators(year: number): YearIndicatorsData {
    const { indicators } = this.yearIndicators(year);
    const summary = (d: DiseaseIndicators) => ({
      standardManagement: { numerator: d.standardManagement.numerator, denominator: d.standardManagement.denominator, rate: d.standardManagement.rate },
      control: { numerator: d.control.numerator, denominator: d.control.denominator, rate: d.control.rate },
      lostToFollowUp: d.lostToFollowUpIds.length,
      latestValueMissing: d.latestValueMissingIds.length,
    });
    return { year, start: indicators.start, end: indicators.end, hypertension: summary(indicators.hypertension), t2dm: summary(indicators.t2dm) };
  }

  /** The patients behind one number of the report, each with why they count where they do. */
  indicatorPatients(year: number, disease: Disease, indicator: 'standardManagement' | 'control', part: 'numerator' | 'notNumerator' | 'denominator'): IndicatorPatientRow[] {
    const { period, patients, indicators } = this.yearIndicators(year);
    const d = indicators[disease];
    const chosen = d[indicator];
    const numerator = new Set(chosen.numeratorIds);
    const ids = part === 'numerator' ? chosen.numeratorIds : part === 'denominator' ? chosen.denominatorIds : chosen.denominatorIds.filter((i) => !numerator.has(i));
    const lost = new Set(d.lostToFollowUpIds);
    const missing = new Set(d.latestValueMissingIds);
    const byId = new Map(patients.map((p) => [p.patientId, p]));
    const facts = this.sqlite().prepare(`SELECT name, sex, village, contract_doctor AS familyDoctor, phone FROM patients WHERE id = ?`);
    return ids.map((patientId) => {
      const visits = byId.get(patientId)!.followups.filter((f) => f.disease === disease && f.date >= period.start && f.date <= period.end);
      const latest = visits.at(-1);
      const person = facts.get(patientId) as Pick<IndicatorPatientRow, 'name' | 'sex' | 'village' | 'familyDoctor' | 'phone'>;
      const status: IndicatorPatientRow['status'] = numerator.has(patientId)
        ? 'met'
        : lost.has(patientId)
          ? 'lost'
          : indicator === 'standardManagement'
            ? 'tooFewVisits'
            : missing.has(patientId)
              ? 'valueMissing'
              : 'notAtTarget';
      return {
        patientId,
        ...person,
        birthDate: byId.get(patientId)!.birthDate,
        faceToFaceInYear: visits.length,
        latestDate: latest?.date ?? null,
        latestSbp: latest?.sbp ?? null,
        latestDbp: latest?.dbp ?? null,
        latestFbg: latest?.fbg ?? null,
        status,
      };
    });
  }
}

function isReferral(action: OutcomeData['action']): boolean {
  return action === 'refer' || action === 'urgent_refer';
}

/**
 * Born on or before this (compared as text) ⇔ at least `age` on `today`. On Feb 29 the cutoff is itself no date, but
 * as text it still sorts between Feb 28 and Mar 1, which is spec A2 (a Feb-29 birthday is reached on Mar 1).
 */
export function elderlyBornBy(today: string, age: number): string {
  return `${String(Number(today.slice(0, 4)) - age).padStart(4, '0')}${today.slice(4)}`;
}

const RECORD_COLUMNS = [
  'id', 'patient_id', 'enrolment_id', 'disease', 'visit_date', 'mode', 'face_to_face', 'symptoms', 'symptoms_other', 'sbp', 'dbp', 'heart_rate',
  'heart_rate_persistent', 'weight_kg', 'weight_target_kg', 'height_cm', 'bmi', 'bmi_target', 'temperature_c', 'dorsalis_pedis', 'signs_other', 'fbg',
  'random_glucose', 'hba1c', 'hba1c_date', 'tests_other', 'lifestyle', 'adherence', 'adr', 'adr_desc', 'hypoglycemia_reaction', 'new_complication',
  'complication_desc', 'pregnant', 'lactating', 'self_reported_home_bp', 'with_health_check', 'medications', 'insulin', 'medication_advice',
  'classification', 'action', 'engine_next_date', 'next_due_date', 'override_reason', 'referral_reason', 'reasons', 'rule_set', 'notes', 'doctor_id',
  'doctor_name', 'created_at',
] as const;

const camel = (column: string) => column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export type RecordInsertRow = Record<string, string | number | null>;

const INSERT_RECORD_SQL = `INSERT INTO followup_records (${RECORD_COLUMNS.join(', ')}) VALUES (${RECORD_COLUMNS.map((c) => `@${camel(c)}`).join(', ')})`;

/** One insert for the service and the bench's seeding (same columns, same shape); prepare once, run many. */
export function recordInsertStatement(sqlite: Sqlite): { run(row: RecordInsertRow): unknown } {
  return sqlite.prepare(INSERT_RECORD_SQL);
}
