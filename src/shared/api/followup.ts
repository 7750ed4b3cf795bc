import { z } from 'zod';
import { method } from './define';
import { id, isoDate, finite, text, optionalText } from './fields';

/**
 * Chronic-disease follow-up (hypertension, type 2 diabetes) under 国家基本公共卫生服务规范 2017. Doctors and
 * administrators write follow-ups; nurses read, record phone contacts and the 2-week referral checks (a phone
 * call), and download call lists. Every clinical decision is the engine's, made in main: the renderer's preview
 * is never trusted on save.
 */

const staff = ['admin', 'doctor', 'nurse'] as const;
const clinicians = ['admin', 'doctor'] as const;

export const DISEASES = ['hypertension', 't2dm'] as const;
export const MODES = ['clinic', 'home', 'phone'] as const;
export const CLASSIFICATIONS = ['控制满意', '控制不满意', '不良反应', '并发症'] as const;
export const ACTIONS = ['continue', 'adjust_medication', 'refer', 'urgent_refer', 'remeasure', 'schedule_face_to_face', 'contact_patient', 'none'] as const;
export const ADHERENCE = ['规律', '间断', '不服药'] as const;
export const HOW_FOUND = ['clinic_visit', 'health_check', 'screening', 'referral_in', 'other'] as const;
export const END_REASONS = ['died', 'moved', 'refused', 'other'] as const;

/** Every typed refusal of the follow-up feature (ApiError details.reason); texts in followup:reasons.<REASON>. */
export const FOLLOWUP_REASONS = [
  'FOLLOWUP_AFTER_DUE_DATE',
  'FOLLOWUP_ALREADY_ENROLLED',
  'FOLLOWUP_APPOINTMENT_CLOSED',
  'FOLLOWUP_BEFORE_ENROLMENT',
  'FOLLOWUP_CALENDAR_RANGE',
  'FOLLOWUP_CHECK_BEFORE_REFERRAL',
  'FOLLOWUP_DATE_BEFORE_BIRTH',
  'FOLLOWUP_DATE_IN_FUTURE',
  'FOLLOWUP_DATE_PAST',
  'FOLLOWUP_DAY_FULL',
  'FOLLOWUP_DIAGNOSIS_AFTER_ENROLMENT',
  'FOLLOWUP_END_BEFORE_START',
  'FOLLOWUP_END_NOTE_REQUIRED',
  'FOLLOWUP_ENROLMENT_ENDED',
  'FOLLOWUP_INPUT_INVALID',
  'FOLLOWUP_NOT_ENROLLED',
  'FOLLOWUP_OVERRIDE_DATE_INVALID',
  'FOLLOWUP_OVERRIDE_PHONE',
  'FOLLOWUP_OVERRIDE_REASON_REQUIRED',
  'FOLLOWUP_PATIENT_MERGED',
  'FOLLOWUP_PREGNANCY_MALE',
  'FOLLOWUP_REFERRAL_RETURNED',
  'FOLLOWUP_UNDER_PROGRAMME_AGE',
  'FOLLOWUP_HBA1C_IMPOSSIBLE',
  'FOLLOWUP_SAME_DAY',
  'FOLLOWUP_HOLIDAY',
  'FOLLOWUP_REST_DAY',
] as const;
export type FollowupReason = (typeof FOLLOWUP_REASONS)[number];
export const REMINDER_KINDS = [
  'overdue',
  'due_this_week',
  'referral_followup_due',
  'face_to_face_required',
  'quota_at_risk',
  'annual_check_due',
  'elderly_annual_health_management_due',
  'data_incomplete',
] as const;

/** Symptom options of the national forms (spec §4); the engine's danger lists use the same terms. */
export const HYPERTENSION_SYMPTOMS = ['无症状', '头痛头晕', '恶心呕吐', '眼花耳鸣', '呼吸困难', '心悸胸闷', '鼻衄出血不止', '四肢发麻', '下肢水肿'] as const;
export const T2DM_SYMPTOMS = ['无症状', '多饮', '多食', '多尿', '视力模糊', '感染', '手脚麻木', '下肢浮肿', '体重明显下降'] as const;
/** Danger signs asked at every visit (spec §1 and §2) beyond the form's routine list. */
export const HYPERTENSION_DANGER_SIGNS = ['意识改变', '剧烈头痛或头晕', '视力模糊', '眼痛', '心悸', '胸闷', '喘憋不能平卧'] as const;
export const T2DM_DANGER_SIGNS = [
  '意识或行为改变',
  '呼气烂苹果味',
  '心悸',
  '出汗',
  '食欲减退',
  '恶心',
  '呕吐',
  '腹痛',
  '深大呼吸',
  '皮肤潮红',
  '视力骤降',
] as const;

export type Disease = (typeof DISEASES)[number];
export type ReminderKindName = (typeof REMINDER_KINDS)[number];

const level = z.enum(['good', 'fair', 'poor']);
const salt = z.enum(['light', 'moderate', 'heavy']);

/** 生活方式指导: each habit now and the target agreed with the patient. */
const habitsSchema = z.object({
  cigarettesPerDay: finite.min(0).max(200).optional(),
  /** 两 (50 g) of liquor a day, as the form counts it. */
  alcoholLiangPerDay: finite.min(0).max(50).optional(),
  exerciseTimesPerWeek: finite.min(0).max(21).optional(),
  exerciseMinutes: finite.min(0).max(600).optional(),
  salt: salt.optional(),
  /** 主食 g/day (diabetes form). */
  stapleFoodG: finite.min(0).max(3000).optional(),
});

export const lifestyleSchema = z.object({
  now: habitsSchema.default({}),
  target: habitsSchema.default({}),
  /** 心理调整 */
  psychological: level.optional(),
  /** 遵医行为 */
  compliance: level.optional(),
});

export const medicationSchema = z.object({
  name: z.string().trim().min(1).max(60),
  timesPerDay: finite.min(0).max(12).optional(),
  doseMg: finite.min(0).max(100_000).optional(),
});

/** 随访服务记录表 (spec §4), both diseases; fields of the other disease's form are simply left out. */
export const followUpFormSchema = z.object({
  date: isoDate,
  mode: z.enum(MODES),
  symptoms: z.array(z.string().trim().min(1).max(30)).max(30).default([]),
  symptomsOther: optionalText(200),
  sbp: finite.optional(),
  dbp: finite.optional(),
  heartRate: finite.optional(),
  /** A fast rate that stays fast on re-measurement (spec §2 "persistent HR >100"). */
  heartRatePersistent: z.boolean().optional(),
  weightKg: finite.optional(),
  weightTargetKg: finite.optional(),
  heightCm: finite.optional(),
  bmiTarget: finite.optional(),
  temperatureC: finite.optional(),
  dorsalisPedis: z.enum(['normal', 'weakened', 'absent']).optional(),
  signsOther: optionalText(200),
  fbg: finite.optional(),
  randomGlucose: finite.optional(),
  hba1c: finite.optional(),
  hba1cDate: isoDate.optional(),
  testsOther: optionalText(300),
  lifestyle: lifestyleSchema.default({ now: {}, target: {} }),
  adherence: z.enum(ADHERENCE).optional(),
  adr: z.boolean().default(false),
  adrDesc: optionalText(200),
  hypoglycemiaReaction: z.enum(['none', 'occasional', 'frequent']).optional(),
  newComplication: z.boolean().default(false),
  complicationDesc: optionalText(200),
  pregnant: z.boolean().default(false),
  lactating: z.boolean().default(false),
  selfReportedHomeBp: z.boolean().default(false),
  withHealthCheck: z.boolean().default(false),
  medications: z.array(medicationSchema).max(12).default([]),
  insulin: z.object({ type: z.string().trim().min(1).max(40), dose: z.string().trim().max(60) }).optional(),
  medicationAdvice: optionalText(300),
  notes: optionalText(500),
});
export type FollowUpFormInput = z.input<typeof followUpFormSchema>;
export type FollowUpForm = z.output<typeof followUpFormSchema>;

export const reasonSchema = z.object({ code: z.string(), zh: z.string(), en: z.string() });
export type ReasonData = z.infer<typeof reasonSchema>;

export const engineReminderSchema = z.object({
  code: z.string(),
  dueDate: z.string().optional(),
  daysLate: z.number().optional(),
  year: z.number().optional(),
  faceToFaceDone: z.number().optional(),
  required: z.number().optional(),
  fields: z.array(z.string()).optional(),
  reason: reasonSchema,
});

export const advisorySchema = z.object({
  code: z.string(),
  packId: z.string(),
  met: z.boolean(),
  measured: z.string(),
  target: z.string(),
  source: z.string(),
  reason: reasonSchema,
});

export const outcomeSchema = z.object({
  classification: z.enum(CLASSIFICATIONS).nullable(),
  action: z.enum(ACTIONS),
  nextDueDate: z.string().nullable(),
  referralReason: z.string().nullable(),
  reason: reasonSchema,
  reminders: z.array(engineReminderSchema),
  advisories: z.array(advisorySchema),
  ruleSet: z.object({ id: z.string(), version: z.string() }),
});
export type OutcomeData = z.infer<typeof outcomeSchema>;

export const enrolmentSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  disease: z.enum(DISEASES),
  diagnosedOn: z.string().nullable(),
  howFound: z.enum(HOW_FOUND),
  enrolledOn: z.string(),
  enrolledAt: z.string(),
  enrolledByName: z.string(),
  endedOn: z.string().nullable(),
  endReason: z.enum(END_REASONS).nullable(),
  endNote: z.string().nullable(),
});
export type Enrolment = z.infer<typeof enrolmentSchema>;

export const recordSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  enrolmentId: z.string(),
  disease: z.enum(DISEASES),
  form: followUpFormSchema,
  bmi: z.number().nullable(),
  classification: z.enum(CLASSIFICATIONS).nullable(),
  action: z.enum(ACTIONS),
  engineNextDate: z.string().nullable(),
  nextDueDate: z.string().nullable(),
  overrideReason: z.string().nullable(),
  /**
   * Set when the engine's date fell on a day the clinic is closed and the next date applied is the next working day
   * (issue 14.6): from the engine's date, because of a named holiday or a rest day.
   */
  nextDateShift: z.object({ from: z.string(), reason: z.enum(['holiday', 'rest_day']), name: z.string().nullable() }).nullable(),
  referralReason: z.string().nullable(),
  reason: reasonSchema,
  reminders: z.array(engineReminderSchema),
  advisories: z.array(advisorySchema),
  ruleSet: z.string(),
  doctorName: z.string(),
  createdAt: z.string(),
});
export type FollowUpRecord = z.infer<typeof recordSchema>;

export const healthCheckSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  checkDate: z.string(),
  kind: z.enum(['annual', 'elderly']),
  selfCareScore: z.number().int().nullable(),
  recordId: z.string().nullable(),
  note: z.string().nullable(),
});
export type HealthCheck = z.infer<typeof healthCheckSchema>;

export const referralCheckSchema = z.object({
  id: z.string(),
  checkDate: z.string(),
  mode: z.enum(['phone', 'visit', 'return']),
  outcome: z.enum(['completed', 'not_completed']),
  detail: z.string().nullable(),
});

/**
 * awaiting_check: no 到位 yet; arrived: 到位 confirmed; returned: the patient came back with the result;
 * superseded: a later referral of the same programme replaced it before anyone confirmed it.
 */
export const REFERRAL_STATES = ['awaiting_check', 'arrived', 'returned', 'superseded'] as const;

export const referralSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  phone: z.string().nullable(),
  village: z.string().nullable(),
  disease: z.enum(DISEASES),
  recordId: z.string(),
  referredOn: z.string(),
  urgency: z.enum(['urgent', 'routine']),
  reason: z.string(),
  institution: z.string().nullable(),
  department: z.string().nullable(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  /** When the next check is due (14 days after the referral, or after a 不到位 check); null once 到位. */
  checkDue: z.string().nullable(),
  daysLate: z.number().int(),
  state: z.enum(REFERRAL_STATES),
  returnedOn: z.string().nullable(),
  returnNote: z.string().nullable(),
  checks: z.array(referralCheckSchema),
  /** The receiving institution's answer on the referral, pulled from the county platform; null until it answers. */
  county: z
    .object({
      status: z.enum(['accepted', 'rejected', 'completed']),
      institution: z.string().nullable(),
      department: z.string().nullable(),
      note: z.string().nullable(),
      updatedAt: z.string().nullable(),
    })
    .nullable(),
});
export type Referral = z.infer<typeof referralSchema>;

export const appointmentSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  village: z.string().nullable(),
  phone: z.string().nullable(),
  disease: z.enum(DISEASES),
  date: z.string(),
  dueDate: z.string(),
  kind: z.enum(['followup', 'referral_check']),
  /** missed (未到): still booked for a day that has passed; shown from the day after, kept until followed up. */
  status: z.enum(['scheduled', 'missed', 'done', 'cancelled']),
  rescheduledFrom: z.string().nullable(),
});
export type Appointment = z.infer<typeof appointmentSchema>;

export const referralDetailsSchema = z.object({
  institution: optionalText(80),
  department: optionalText(40),
  contactName: optionalText(30),
  contactPhone: optionalText(20),
});

export const reminderRowSchema = z.object({
  kind: z.enum(REMINDER_KINDS),
  patientId: z.string(),
  name: z.string(),
  sex: z.enum(['M', 'F', 'U']),
  birthDate: z.string(),
  disease: z.enum(DISEASES).nullable(),
  dueDate: z.string().nullable(),
  daysLate: z.number().int(),
  year: z.number().int().optional(),
  faceToFaceDone: z.number().int().optional(),
  required: z.number().int().optional(),
  fields: z.array(z.string()).optional(),
  village: z.string().nullable(),
  familyDoctor: z.string().nullable(),
  phone: z.string().nullable(),
  reason: reasonSchema,
});
export type ReminderRow = z.infer<typeof reminderRowSchema>;

export const reminderFilterSchema = z.object({
  village: optionalText(40),
  familyDoctor: optionalText(40),
  kind: z.enum(REMINDER_KINDS).optional(),
});
export type ReminderFilter = Partial<z.output<typeof reminderFilterSchema>>;

const indicatorSchema = z.object({ numerator: z.number().int(), denominator: z.number().int(), rate: z.number().nullable() });
const diseaseIndicatorsSchema = z.object({
  standardManagement: indicatorSchema,
  control: indicatorSchema,
  lostToFollowUp: z.number().int(),
  latestValueMissing: z.number().int(),
});
export const yearIndicatorsSchema = z.object({
  year: z.number().int(),
  start: z.string(),
  end: z.string(),
  hypertension: diseaseIndicatorsSchema,
  t2dm: diseaseIndicatorsSchema,
});
export type YearIndicatorsData = z.infer<typeof yearIndicatorsSchema>;

export const INDICATOR_PARTS = ['numerator', 'notNumerator', 'denominator'] as const;
export const indicatorPatientSchema = z.object({
  patientId: z.string(),
  name: z.string(),
  sex: z.enum(['M', 'F', 'U']),
  birthDate: z.string(),
  village: z.string().nullable(),
  familyDoctor: z.string().nullable(),
  phone: z.string().nullable(),
  faceToFaceInYear: z.number().int(),
  latestDate: z.string().nullable(),
  latestSbp: z.number().nullable(),
  latestDbp: z.number().nullable(),
  latestFbg: z.number().nullable(),
  /** Why the patient is where they are: met, or lost (no face-to-face visit), value missing, not at target, too few visits. */
  status: z.enum(['met', 'lost', 'valueMissing', 'notAtTarget', 'tooFewVisits']),
});
export type IndicatorPatientRow = z.infer<typeof indicatorPatientSchema>;

export const dayScheduleSchema = z.object({
  date: z.string(),
  capacity: z.number().int(),
  booked: z.number().int(),
  appointments: z.array(appointmentSchema),
});
export type DaySchedule = z.infer<typeof dayScheduleSchema>;

const patientInput = { patientId: id };

export const ENROLMENT_STATES = ['enrolled', 'ended', 'proposed', 'none'] as const;
/**
 * The one enrolment state of a disease (issue 14.1), owned by follow-up: enrolled (an open enrolment), ended (the
 * latest enrolment ended), proposed (ticked at registration, not enrolled yet: the follow-up page offers it), none.
 */
export const enrolmentStateSchema = z.object({
  disease: z.enum(DISEASES),
  state: z.enum(ENROLMENT_STATES),
  enrolledOn: z.string().nullable(),
  endedOn: z.string().nullable(),
});
export type EnrolmentStateData = z.infer<typeof enrolmentStateSchema>;

export const followupContract = {
  enrolments: method({ input: z.object(patientInput), output: z.array(enrolmentSchema), access: staff, audit: 'read' }),
  /** Per disease, the one enrolment state registration, the chart and the follow-up page all show. */
  enrolmentStates: method({ input: z.object(patientInput), output: z.array(enrolmentStateSchema), access: staff, audit: 'read' }),
  /** Enrols in a programme (≥35 years, spec §1/§2) and sets the patient's hypertension/diabetes flag. */
  enrol: method({
    input: z.object({
      ...patientInput,
      disease: z.enum(DISEASES),
      diagnosedOn: isoDate.optional(),
      howFound: z.enum(HOW_FOUND),
      enrolledOn: isoDate.optional(),
    }),
    output: enrolmentSchema,
    access: clinicians,
    audit: 'write',
  }),
  endEnrolment: method({
    input: z.object({ ...patientInput, enrolmentId: id, endedOn: isoDate, reason: z.enum(END_REASONS), note: optionalText(200) }),
    output: enrolmentSchema,
    access: clinicians,
    audit: 'write',
  }),
  /** Preview: what the engine makes of the form given the stored history. Nothing is written. */
  evaluate: method({
    input: z.object({ ...patientInput, disease: z.enum(DISEASES), form: followUpFormSchema }),
    output: outcomeSchema,
    access: staff,
    audit: 'read',
  }),
  /**
   * Re-evaluates in main, stores the record and books the next date. A different next date needs
   * `overrideReason` and is written to the audit log with both dates.
   */
  save: method({
    input: z.object({
      ...patientInput,
      disease: z.enum(DISEASES),
      form: followUpFormSchema,
      overrideNextDate: isoDate.optional(),
      overrideReason: optionalText(300),
      referral: referralDetailsSchema.optional(),
      /** A second follow-up of the patient in this programme on one day is refused (FOLLOWUP_SAME_DAY) until confirmed. */
      confirmSameDay: z.boolean().default(false),
    }),
    output: z.object({ record: recordSchema, outcome: outcomeSchema, appointment: appointmentSchema.nullable(), referral: referralSchema.nullable() }),
    access: clinicians,
    audit: 'write',
  }),
  /** A phone contact (nurses too): recorded, never classified, not face-to-face (spec A3). */
  phoneContact: method({
    input: z.object({
      ...patientInput,
      disease: z.enum(DISEASES),
      date: isoDate,
      confirmSameDay: z.boolean().default(false),
      symptoms: z.array(z.string().trim().min(1).max(30)).max(30).default([]),
      adherence: z.enum(ADHERENCE).optional(),
      adr: z.boolean().default(false),
      adrDesc: optionalText(200),
      notes: optionalText(500),
    }),
    output: z.object({ record: recordSchema, outcome: outcomeSchema }),
    access: staff,
    audit: 'write',
  }),
  history: method({
    input: z.object(patientInput),
    output: z.object({
      enrolments: z.array(enrolmentSchema),
      records: z.array(recordSchema),
      healthChecks: z.array(healthCheckSchema),
      referrals: z.array(referralSchema),
      appointments: z.array(appointmentSchema),
    }),
    access: staff,
    audit: 'read',
  }),
  recordHealthCheck: method({
    input: z.object({ ...patientInput, date: isoDate, selfCareScore: z.number().int().min(0).max(40).optional(), note: optionalText(500) }),
    output: healthCheckSchema,
    access: clinicians,
    audit: 'write',
  }),
  reminders: method({
    input: reminderFilterSchema.extend({ limit: z.number().int().min(1).max(2000).default(500), offset: z.number().int().min(0).default(0) }),
    output: z.object({
      today: z.string(),
      counts: z.record(z.string(), z.number().int()),
      total: z.number().int(),
      items: z.array(reminderRowSchema),
    }),
    access: staff,
    audit: 'read',
  }),
  /** The call list as CSV: UTF-8 with a byte-order mark, so Excel on a township PC opens the Chinese correctly. */
  callListCsv: method({
    input: reminderFilterSchema.extend({ locale: z.enum(['zh-CN', 'en']).default('zh-CN') }),
    output: z.object({ fileName: z.string(), content: z.string(), rows: z.number().int() }),
    access: staff,
    audit: 'export',
  }),
  familyDoctors: method({ input: z.object({}), output: z.array(z.string()), access: staff, audit: 'none' }),
  referrals: method({
    input: z.object({ patientId: id.optional(), open: z.boolean().default(true) }),
    output: z.array(referralSchema),
    access: staff,
    audit: 'read',
  }),
  updateReferral: method({
    input: referralDetailsSchema.extend({ ...patientInput, referralId: id }),
    output: referralSchema,
    access: clinicians,
    audit: 'write',
  }),
  /** The 2-week check (usually a phone call, so nurses may record it): 到位 = completed, 不到位 = not_completed. */
  checkReferral: method({
    input: z.object({
      ...patientInput,
      referralId: id,
      date: isoDate,
      mode: z.enum(['phone', 'visit']),
      outcome: z.enum(['completed', 'not_completed']),
      detail: optionalText(300),
    }),
    output: referralSchema,
    access: staff,
    audit: 'write',
  }),
  /** The patient came back (回转) with the referral's result; counts as 到位 if no check said so yet. */
  recordReturn: method({
    input: z.object({ ...patientInput, referralId: id, date: isoDate, note: text(500).min(1) }),
    output: referralSchema,
    access: clinicians,
    audit: 'write',
  }),
  /** Bookings the patient did not come to (未到), oldest first: the list to follow up. */
  missedAppointments: method({ input: z.object({}), output: z.array(appointmentSchema), access: staff, audit: 'read' }),
  calendar: method({
    input: z.object({ from: isoDate, to: isoDate }),
    output: z.object({ defaultCapacity: z.number().int(), days: z.array(dayScheduleSchema) }),
    access: staff,
    audit: 'read',
  }),
  /** Without `date`: the default slots per day; with it: that day only (null clears the day's own setting). */
  setCapacity: method({
    input: z.object({ date: isoDate.optional(), capacity: z.number().int().min(0).max(500).nullable() }),
    output: z.object({ defaultCapacity: z.number().int() }),
    access: clinicians,
    audit: 'admin',
  }),
  reschedule: method({
    input: z.object({ ...patientInput, appointmentId: id, date: isoDate, acceptLate: z.boolean().default(false) }),
    output: appointmentSchema,
    access: clinicians,
    audit: 'write',
  }),
  indicators: method({ input: z.object({ year: z.number().int().min(2000).max(2100) }), output: yearIndicatorsSchema, access: staff, audit: 'read' }),
  indicatorPatients: method({
    input: z.object({
      year: z.number().int().min(2000).max(2100),
      disease: z.enum(DISEASES),
      indicator: z.enum(['standardManagement', 'control']),
      part: z.enum(INDICATOR_PARTS),
    }),
    output: z.array(indicatorPatientSchema),
    access: staff,
    audit: 'read',
  }),
};
