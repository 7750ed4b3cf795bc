import { z } from 'zod';
import { method } from './define';
import { id, isoDate, finite } from './fields';
import { patientSummarySchema } from './patients';

const staff = ['admin', 'doctor', 'nurse'] as const;
const clinicians = ['admin', 'doctor'] as const;

export const QUEUE_STATUSES = ['waiting', 'inConsultation', 'done', 'left'] as const;

export const queueEntrySchema = z.object({
  id: z.string(),
  patient: patientSummarySchema,
  clinicDate: z.string(),
  status: z.enum(QUEUE_STATUSES),
  priority: z.boolean(),
  clinicianId: z.number().int().nullable(),
  checkedInAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type QueueEntry = z.infer<typeof queueEntrySchema>;

export const vitalsInputSchema = z.object({
  bloodPressure: z
    .array(z.object({ systolic: finite.optional(), diastolic: finite.optional() }))
    .max(3)
    .optional(),
  heartRate: finite.optional(),
  temperatureC: finite.optional(),
  spo2: finite.optional(),
  respiratoryRate: finite.optional(),
  weightKg: finite.optional(),
  heightCm: finite.optional(),
  waistCm: finite.optional(),
  glucose: z.object({ mmolPerL: finite, timing: z.enum(['fasting', 'random']) }).optional(),
});

/** Where a vital sign was taken. Clinic vitals and the ECG room write `vitals` rows; a follow-up visit keeps its own. */
export const VITAL_SOURCES = ['clinic', 'ecg', 'followup'] as const;
export type VitalSource = (typeof VITAL_SOURCES)[number];
export const VITALS_ROW_SOURCES = ['clinic', 'ecg'] as const;

/** What the one series can be asked for. */
export const VITAL_KINDS = ['bp', 'heartRate', 'weight', 'glucose'] as const;
export type VitalKind = (typeof VITAL_KINDS)[number];

/**
 * One measurement in the patient's one vital-sign history (issue 14 point 2): wherever it was taken, with its
 * source. `measuredAt` is the instant when the source records one (clinic, ECG room); a follow-up visit records its
 * day only, so `date` (the clinic's calendar day) is what every point has.
 */
export const vitalPointSchema = z.object({
  source: z.enum(VITAL_SOURCES),
  sourceId: z.string(),
  date: z.string(),
  measuredAt: z.string().nullable(),
  sbp: z.number().nullable(),
  dbp: z.number().nullable(),
  heartRate: z.number().nullable(),
  weightKg: z.number().nullable(),
  glucose: z.object({ mmolPerL: z.number(), timing: z.enum(['fasting', 'random']) }).nullable(),
  /** A home reading told by phone or brought by the patient: shown, not plotted as a staff measurement. */
  selfReported: z.boolean(),
});
export type VitalPoint = z.infer<typeof vitalPointSchema>;

/** Flags and derived values are the shared rules' own types (src/shared/vitals.ts), carried as data. */
export const vitalsRecordSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  visitId: z.string().nullable(),
  source: z.enum(VITALS_ROW_SOURCES),
  measuredAt: z.string(),
  input: vitalsInputSchema,
  derived: z.record(z.string(), z.unknown()),
  flags: z.array(z.record(z.string(), z.unknown())),
  recordedBy: z.number().int(),
});
export type VitalsRecord = z.infer<typeof vitalsRecordSchema>;

export const diagnosisSchema = z.object({ code: z.string().min(3).max(10), name: z.string().min(1).max(80) });

export const visitFieldsSchema = z.object({
  chiefComplaint: z.string().max(500),
  history: z.string().max(4000),
  examination: z.string().max(4000),
  diagnoses: z.array(diagnosisSchema).max(20),
  plan: z.string().max(4000),
  prescription: z.string().max(4000),
});

export const visitSchema = visitFieldsSchema.extend({
  id: z.string(),
  recordId: z.string(),
  version: z.number().int(),
  supersedes: z.string().nullable(),
  patientId: z.string(),
  queueEntryId: z.string().nullable(),
  status: z.enum(['open', 'closed', 'superseded']),
  correctionReason: z.string().nullable(),
  clinicianName: z.string(),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
});
export type Visit = z.infer<typeof visitSchema>;

export const clinicContract = {
  queue: method({
    input: z.object({ clinicianId: z.number().int().optional(), includeFinished: z.boolean().default(true) }),
    output: z.array(queueEntrySchema),
    access: staff,
    audit: 'read',
  }),
  checkIn: method({
    input: z.object({ patientId: id, priority: z.boolean().default(false), clinicianId: z.number().int().optional() }),
    output: queueEntrySchema,
    access: staff,
    audit: 'write',
  }),
  setStatus: method({ input: z.object({ entryId: id, status: z.enum(QUEUE_STATUSES) }), output: queueEntrySchema, access: staff, audit: 'write' }),
  setPriority: method({ input: z.object({ entryId: id, priority: z.boolean() }), output: queueEntrySchema, access: staff, audit: 'write' }),
  clinicians: method({ input: z.object({}), output: z.array(z.object({ id: z.number().int(), displayName: z.string() })), access: staff, audit: 'none' }),
};

export const vitalsContract = {
  /** Impossible values are refused (VALIDATION, details.reason = the rule's code); abnormal ones are stored with flags. */
  record: method({
    input: z.object({ patientId: id, visitId: id.optional(), source: z.enum(VITALS_ROW_SOURCES).default('clinic'), input: vitalsInputSchema }),
    output: vitalsRecordSchema,
    access: staff,
    audit: 'write',
  }),
  list: method({
    input: z.object({ patientId: id, limit: z.number().int().min(1).max(500).default(100) }),
    output: z.array(vitalsRecordSchema),
    access: staff,
    audit: 'read',
  }),
  /**
   * The patient's one vital-sign history: clinic vitals, the ECG room and follow-up visits, oldest first. The
   * chart, the follow-up trend and the follow-up form's "today's vitals" all read this.
   */
  series: method({
    input: z.object({
      patientId: id,
      kinds: z
        .array(z.enum(VITAL_KINDS))
        .min(1)
        .default([...VITAL_KINDS]),
      from: isoDate.optional(),
      to: isoDate.optional(),
    }),
    output: z.array(vitalPointSchema),
    access: staff,
    audit: 'read',
  }),
};

export const visitsContract = {
  open: method({ input: z.object({ patientId: id, queueEntryId: id.optional() }), output: visitSchema, access: clinicians, audit: 'write' }),
  /** Saves the draft of an open visit (autosave): never loses what was typed. */
  save: method({ input: visitFieldsSchema.partial().extend({ patientId: id, visitId: id }), output: visitSchema, access: clinicians, audit: 'write' }),
  /** Signs and closes: the version becomes read-only. Needs at least one diagnosis. */
  close: method({ input: z.object({ patientId: id, visitId: id }), output: visitSchema, access: clinicians, audit: 'write' }),
  /** A later correction of a closed visit: a new signed version; the old one is kept as superseded. */
  correct: method({
    input: visitFieldsSchema.extend({ patientId: id, visitId: id, reason: z.string().trim().min(2).max(500) }),
    output: visitSchema,
    access: clinicians,
    audit: 'write',
  }),
  list: method({
    input: z.object({ patientId: id, includeSuperseded: z.boolean().default(false) }),
    output: z.array(visitSchema),
    access: staff,
    audit: 'read',
  }),
  get: method({ input: z.object({ patientId: id, visitId: id }), output: visitSchema, access: staff, audit: 'read' }),
};
