import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { ACTIONS } from '../../../shared/api/followup';
import { timestamps } from './columns';

/**
 * Chronic-disease follow-up (国家基本公共卫生服务规范 2017: hypertension and type 2 diabetes; specs/followup-rules.md).
 * Dates of care (`*_on`, `visit_date`, `appt_date`) are China local calendar dates `yyyy-mm-dd`; `*_at` columns are
 * UTC instants. The reminder sweep reads these tables with correlated `ORDER BY … LIMIT 1` lookups per enrolment, so
 * every "latest X of an enrolment" has an index that starts with `enrolment_id` and ends with the date.
 */

const DISEASES = ['hypertension', 't2dm'] as const;

/** One patient in one programme. At most one open enrolment per patient and disease (partial unique index). */
export const followupEnrolments = sqliteTable(
  'followup_enrolments',
  {
    id: text('id').primaryKey(),
    patientId: text('patient_id').notNull(),
    disease: text('disease', { enum: DISEASES }).notNull(),
    diagnosedOn: text('diagnosed_on'),
    /** 发现方式 on the management card. */
    howFound: text('how_found', { enum: ['clinic_visit', 'health_check', 'screening', 'referral_in', 'other'] }).notNull(),
    enrolledOn: text('enrolled_on').notNull(),
    enrolledAt: text('enrolled_at').notNull(),
    enrolledBy: integer('enrolled_by').notNull(),
    enrolledByName: text('enrolled_by_name').notNull(),
    endedOn: text('ended_on'),
    endReason: text('end_reason', { enum: ['died', 'moved', 'refused', 'other'] }),
    endNote: text('end_note'),
    endedBy: integer('ended_by'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('followup_enrolments_open_uq')
      .on(t.patientId, t.disease)
      .where(sql`ended_on IS NULL`),
    index('followup_enrolments_patient_idx').on(t.patientId, t.disease, t.enrolledOn),
  ],
);

/**
 * A follow-up (随访服务记录表, spec §4): face-to-face (clinic, home) or phone. Values the rules and indicators read
 * are columns; the form's grouped parts (symptoms, lifestyle now/target, medications) are JSON checked by the
 * contract's zod schema. `engine_next_date` is what the engine proposed; `next_due_date` is what applies (they
 * differ with an `override_reason`, or when the engine's date fell on a day the clinic is closed and was moved to
 * the next working day: `next_date_shift_reason` holiday / rest_day, with the holiday's name, migration 0027).
 * `reasons` holds the engine's reason, reminders and advisories.
 */
export const followupRecords = sqliteTable(
  'followup_records',
  {
    id: text('id').primaryKey(),
    patientId: text('patient_id').notNull(),
    enrolmentId: text('enrolment_id').notNull(),
    disease: text('disease', { enum: DISEASES }).notNull(),
    visitDate: text('visit_date').notNull(),
    mode: text('mode', { enum: ['clinic', 'home', 'phone'] }).notNull(),
    /** 1 for clinic and home: the column the quota, reminders and indicators filter on (spec A3). */
    faceToFace: integer('face_to_face', { mode: 'boolean' }).notNull(),
    symptoms: text('symptoms').notNull().default('[]'),
    symptomsOther: text('symptoms_other'),
    sbp: integer('sbp'),
    dbp: integer('dbp'),
    heartRate: integer('heart_rate'),
    heartRatePersistent: integer('heart_rate_persistent', { mode: 'boolean' }),
    weightKg: real('weight_kg'),
    weightTargetKg: real('weight_target_kg'),
    heightCm: real('height_cm'),
    bmi: real('bmi'),
    bmiTarget: real('bmi_target'),
    temperatureC: real('temperature_c'),
    dorsalisPedis: text('dorsalis_pedis', { enum: ['normal', 'weakened', 'absent'] }),
    signsOther: text('signs_other'),
    fbg: real('fbg'),
    randomGlucose: real('random_glucose'),
    hba1c: real('hba1c'),
    hba1cDate: text('hba1c_date'),
    testsOther: text('tests_other'),
    lifestyle: text('lifestyle').notNull().default('{}'),
    adherence: text('adherence', { enum: ['规律', '间断', '不服药'] }),
    adr: integer('adr', { mode: 'boolean' }).notNull().default(false),
    adrDesc: text('adr_desc'),
    hypoglycemiaReaction: text('hypoglycemia_reaction', { enum: ['none', 'occasional', 'frequent'] }),
    newComplication: integer('new_complication', { mode: 'boolean' }).notNull().default(false),
    complicationDesc: text('complication_desc'),
    pregnant: integer('pregnant', { mode: 'boolean' }).notNull().default(false),
    lactating: integer('lactating', { mode: 'boolean' }).notNull().default(false),
    selfReportedHomeBp: integer('self_reported_home_bp', { mode: 'boolean' }).notNull().default(false),
    withHealthCheck: integer('with_health_check', { mode: 'boolean' }).notNull().default(false),
    medications: text('medications').notNull().default('[]'),
    insulin: text('insulin'),
    medicationAdvice: text('medication_advice'),
    classification: text('classification', { enum: ['控制满意', '控制不满意', '不良反应', '并发症'] }),
    action: text('action', { enum: ACTIONS }).notNull(),
    engineNextDate: text('engine_next_date'),
    nextDueDate: text('next_due_date'),
    overrideReason: text('override_reason'),
    nextDateShiftReason: text('next_date_shift_reason', { enum: ['holiday', 'rest_day'] }),
    nextDateShiftName: text('next_date_shift_name'),
    referralReason: text('referral_reason'),
    reasons: text('reasons').notNull(),
    ruleSet: text('rule_set').notNull(),
    notes: text('notes'),
    doctorId: integer('doctor_id').notNull(),
    doctorName: text('doctor_name').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    index('followup_records_enrolment_idx').on(t.enrolmentId, t.faceToFace, t.visitDate),
    index('followup_records_patient_idx').on(t.patientId, t.disease, t.visitDate),
    // The year's face-to-face follow-ups for the indicators: a range scan of the index alone (migration 0019), the
    // wide record rows are never read.
    index('followup_records_year_idx').on(t.faceToFace, t.visitDate, t.enrolmentId, t.patientId, t.disease, t.mode, t.selfReportedHomeBp, t.sbp, t.dbp, t.fbg),
  ],
);

/**
 * The kept due state (followup/due-state.ts): one row per open enrolment with what the reminder sweep needs of its
 * history (DueFacts in src/shared/followup.ts), recomputed from the tables above in the transaction of every write
 * to them. Reading it is one pass over a narrow table; it used to be a look-up of each patient's latest records.
 * The table is WITHOUT ROWID in SQL (migration 0019), which drizzle cannot declare.
 */
export const followupDueState = sqliteTable(
  'followup_due_state',
  {
    enrolmentId: text('enrolment_id').primaryKey(),
    patientId: text('patient_id').notNull(),
    disease: text('disease', { enum: DISEASES }).notNull(),
    enrolledOn: text('enrolled_on').notNull(),
    dueOn: text('due_on'),
    referralCheckDueOn: text('referral_check_due_on'),
    lastVisitOn: text('last_visit_on'),
    phoneSinceVisit: integer('phone_since_visit', { mode: 'boolean' }).notNull(),
    /** Staff-measured values only: home-read BP is left out (spec A3). */
    sbp: integer('sbp'),
    dbp: integer('dbp'),
    fbg: real('fbg'),
    yearStart: text('year_start'),
    yearVisits: integer('year_visits').notNull(),
  },
  // Covering (0028): one village's or family doctor's due state is read by patient id from the index alone.
  (t) => [
    index('followup_due_state_patient_cover_idx').on(
      t.patientId,
      t.disease,
      t.enrolledOn,
      t.dueOn,
      t.referralCheckDueOn,
      t.lastVisitOn,
      t.phoneSinceVisit,
      t.sbp,
      t.dbp,
      t.fbg,
      t.yearStart,
      t.yearVisits,
    ),
  ],
);

/**
 * Kept indicator facts (migration 0028, followup/indicator-years.ts): per resident, programme and reporting year, the
 * face-to-face follow-ups inside an enrolment and the latest of them. `resident_id` rather than `patient_id` so a
 * patient merge does not re-point it blindly (it recomputes the kept resident's rows instead).
 */
export const followupIndicatorYears = sqliteTable(
  'followup_indicator_years',
  {
    yearStart: text('year_start').notNull(),
    disease: text('disease', { enum: DISEASES }).notNull(),
    residentId: text('resident_id').notNull(),
    visits: integer('visits').notNull(),
    latestOn: text('latest_on').notNull(),
    /** Staff-measured values of the latest visit: home-read BP is left out (spec A3). */
    sbp: integer('sbp'),
    dbp: integer('dbp'),
    fbg: real('fbg'),
  },
  (t) => [primaryKey({ columns: [t.yearStart, t.disease, t.residentId] }), index('followup_indicator_years_resident_idx').on(t.residentId, t.disease)],
);

/** Annual health check (可与随访结合) or, from 65, elderly health management (老年人健康管理, spec §3). */
/**
 * The reminder list's change log (0031): residents whose due state or health checks changed, each with a counter
 * that only grows; written by triggers on those two tables, read by followup/list-mirror.ts.
 */
export const followupListChanges = sqliteTable(
  'followup_list_changes',
  {
    residentId: text('resident_id').primaryKey(),
    seq: integer('seq').notNull(),
  },
  (t) => [index('followup_list_changes_seq_idx').on(t.seq)],
);

export const followupHealthChecks = sqliteTable(
  'followup_health_checks',
  {
    id: text('id').primaryKey(),
    patientId: text('patient_id').notNull(),
    checkDate: text('check_date').notNull(),
    kind: text('kind', { enum: ['annual', 'elderly'] }).notNull(),
    /** 老年人生活自理能力评估 total score (0–3 able, 4–8 mild, 9–18 moderate, ≥19 unable). */
    selfCareScore: integer('self_care_score'),
    recordId: text('record_id'),
    note: text('note'),
    recordedBy: integer('recorded_by').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    index('followup_health_checks_patient_idx').on(t.patientId, t.checkDate),
    // This year's checks for the reminder sweep: a range, covering.
    index('followup_health_checks_date_idx').on(t.checkDate, t.patientId),
  ],
);

/**
 * A referral out, made by a follow-up whose action was refer or urgent_refer. `check_due` = referral + 14 days
 * (spec §1 "check the referral within 2 weeks", A7). The patient's return (回转) is recorded on the row.
 */
export const followupReferrals = sqliteTable(
  'followup_referrals',
  {
    id: text('id').primaryKey(),
    patientId: text('patient_id').notNull(),
    enrolmentId: text('enrolment_id').notNull(),
    recordId: text('record_id').notNull(),
    disease: text('disease', { enum: DISEASES }).notNull(),
    referredOn: text('referred_on').notNull(),
    urgency: text('urgency', { enum: ['urgent', 'routine'] }).notNull(),
    reason: text('reason').notNull(),
    institution: text('institution'),
    department: text('department'),
    contactName: text('contact_name'),
    contactPhone: text('contact_phone'),
    checkDue: text('check_due').notNull(),
    returnedOn: text('returned_on'),
    returnNote: text('return_note'),
    /** The receiving institution's answer on the referral's Task, pulled from the county platform (migration 0029). */
    countyStatus: text('county_status', { enum: ['accepted', 'rejected', 'completed'] }),
    countyInstitution: text('county_institution'),
    countyDepartment: text('county_department'),
    countyNote: text('county_note'),
    countyUpdatedAt: text('county_updated_at'),
    createdBy: integer('created_by').notNull(),
    ...timestamps,
  },
  (t) => [index('followup_referrals_enrolment_idx').on(t.enrolmentId, t.referredOn), index('followup_referrals_patient_idx').on(t.patientId, t.referredOn)],
);

/** The 2-week checks of a referral: 到位 (completed) or 不到位 (not completed), usually by phone. */
export const followupReferralChecks = sqliteTable(
  'followup_referral_checks',
  {
    id: text('id').primaryKey(),
    referralId: text('referral_id').notNull(),
    enrolmentId: text('enrolment_id').notNull(),
    patientId: text('patient_id').notNull(),
    checkDate: text('check_date').notNull(),
    mode: text('mode', { enum: ['phone', 'visit', 'return'] }).notNull(),
    outcome: text('outcome', { enum: ['completed', 'not_completed'] }).notNull(),
    detail: text('detail'),
    recordedBy: integer('recorded_by').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    index('followup_referral_checks_enrolment_idx').on(t.enrolmentId, t.checkDate),
    index('followup_referral_checks_referral_idx').on(t.referralId, t.checkDate),
  ],
);

/** Booked visits. Saving a follow-up books the engine's next date; staff can move it within the day capacity. */
export const followupAppointments = sqliteTable(
  'followup_appointments',
  {
    id: text('id').primaryKey(),
    patientId: text('patient_id').notNull(),
    enrolmentId: text('enrolment_id').notNull(),
    disease: text('disease', { enum: DISEASES }).notNull(),
    apptDate: text('appt_date').notNull(),
    /** The latest date the rules allow (the record's next due date); apptDate may be earlier when that day was full. */
    dueDate: text('due_date').notNull(),
    kind: text('kind', { enum: ['followup', 'referral_check'] }).notNull(),
    status: text('status', { enum: ['scheduled', 'done', 'cancelled'] }).notNull(),
    sourceRecordId: text('source_record_id'),
    doneRecordId: text('done_record_id'),
    rescheduledFrom: text('rescheduled_from'),
    ...timestamps,
  },
  (t) => [index('followup_appointments_day_idx').on(t.apptDate, t.status), index('followup_appointments_enrolment_idx').on(t.enrolmentId, t.status)],
);

/** Follow-up slots per day where a date differs from the default (market days, holidays, the doctor away). */
export const followupDayCapacity = sqliteTable('followup_day_capacity', {
  day: text('day').primaryKey(),
  capacity: integer('capacity').notNull(),
  updatedAt: text('updated_at').notNull(),
});
