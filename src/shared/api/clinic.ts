import { z } from 'zod';
import { method } from './define';
import { patientSummarySchema } from './patients';

const staff = ['admin', 'doctor', 'nurse'] as const;
const clinicians = ['admin', 'doctor'] as const;
const id = z.string().min(1).max(64);

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

const finite = z.number().finite();
export const vitalsInputSchema = z.object({
  bloodPressure: z.array(z.object({ systolic: finite.optional(), diastolic: finite.optional() })).max(3).optional(),
  heartRate: finite.optional(),
  temperatureC: finite.optional(),
  spo2: finite.optional(),
  respiratoryRate: finite.optional(),
  weightKg: finite.optional(),
  heightCm: finite.optional(),
  waistCm: finite.optional(),
  glucose: z.object({ mmolPerL: finite, timing: z.enum(['fasting', 'random']) }).optional(),
});

/** Flags and derived values are the shared rules' own types (src/shared/vitals.ts), carried as data. */
export const vitalsRecordSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  visitId: z.string().nullable(),
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
  checkIn: method({ input: z.object({ patientId: id, priority: z.boolean().default(false), clinicianId: z.number().int().optional() }), output: queueEntrySchema, access: staff, audit: 'write' }),
  setStatus: method({ input: z.object({ entryId: id, status: z.enum(QUEUE_STATUSES) }), output: queueEntrySchema, access: staff, audit: 'write' }),
  setPriority: method({ input: z.object({ entryId: id, priority: z.boolean() }), output: queueEntrySchema, access: staff, audit: 'write' }),
  clinicians: method({ input: z.object({}), output: z.array(z.object({ id: z.number().int(), displayName: z.string() })), access: staff, audit: 'none' }),
};

export const vitalsContract = {
  /** Impossible values are refused (VALIDATION, details.reason = the rule's code); abnormal ones are stored with flags. */
  record: method({ input: z.object({ patientId: id, visitId: id.optional(), input: vitalsInputSchema }), output: vitalsRecordSchema, access: staff, audit: 'write' }),
  list: method({ input: z.object({ patientId: id, limit: z.number().int().min(1).max(500).default(100) }), output: z.array(vitalsRecordSchema), access: staff, audit: 'read' }),
};

export const visitsContract = {
  open: method({ input: z.object({ patientId: id, queueEntryId: id.optional() }), output: visitSchema, access: clinicians, audit: 'write' }),
  /** Saves the draft of an open visit (autosave): never loses what was typed. */
  save: method({ input: visitFieldsSchema.partial().extend({ patientId: id, visitId: id }), output: visitSchema, access: clinicians, audit: 'write' }),
  /** Signs and closes: the version becomes read-only. Needs at least one diagnosis. */
  close: method({ input: z.object({ patientId: id, visitId: id }), output: visitSchema, access: clinicians, audit: 'write' }),
  /** A later correction of a closed visit: a new signed version; the old one is kept as superseded. */
  correct: method({ input: visitFieldsSchema.extend({ patientId: id, visitId: id, reason: z.string().trim().min(2).max(500) }), output: visitSchema, access: clinicians, audit: 'write' }),
  list: method({ input: z.object({ patientId: id, includeSuperseded: z.boolean().default(false) }), output: z.array(visitSchema), access: staff, audit: 'read' }),
  get: method({ input: z.object({ patientId: id, visitId: id }), output: visitSchema, access: staff, audit: 'read' }),
};
