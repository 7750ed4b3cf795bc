import { z } from 'zod';
import { method } from './define';
import { id } from './fields';

const staff = ['admin', 'doctor', 'nurse'] as const;
const clinicians = ['admin', 'doctor'] as const;

/** FHIR request-priority minus `asap`: township clinicians pick from three, and `stat` is the 危急 lane. */
export const CONSULT_URGENCIES = ['routine', 'urgent', 'stat'] as const;
export type ConsultUrgency = (typeof CONSULT_URGENCIES)[number];

/** The FHIR Task lifecycle as the station shows it (cancelled: withdrawn by us before an answer). */
export const CONSULT_STATUSES = ['requested', 'accepted', 'in-progress', 'completed', 'rejected', 'cancelled'] as const;
export type ConsultStatus = (typeof CONSULT_STATUSES)[number];
export const OPEN_CONSULT_STATUSES: readonly ConsultStatus[] = ['requested', 'accepted', 'in-progress'];

/** Departments a county hospital's consult desk routes to; the code travels as ServiceRequest.performerType. */
export const CONSULT_SPECIALTIES = [
  'cardiology',
  'internal-medicine',
  'endocrinology',
  'neurology',
  'respiratory',
  'pediatrics',
  'obstetrics-gynecology',
  'general-surgery',
  'other',
] as const;
export type ConsultSpecialty = (typeof CONSULT_SPECIALTIES)[number];

/** Attachments per request: a consult is about one problem, and each aECG is ~1–3 MB of base64 on a thin link. */
export const MAX_CONSULT_ECGS = 4;

export const consultInputSchema = z.object({
  patientId: id,
  question: z.string().trim().min(1).max(2000),
  urgency: z.enum(CONSULT_URGENCIES),
  targetInstitution: z.string().trim().min(1).max(80),
  specialty: z.enum(CONSULT_SPECIALTIES),
  ecgIds: z.array(id).max(MAX_CONSULT_ECGS).default([]),
  includeVitals: z.boolean().default(true),
  includeDiagnoses: z.boolean().default(true),
});
export type ConsultInput = z.input<typeof consultInputSchema>;

export const consultSchema = z.object({
  id: z.string(),
  taskId: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  question: z.string(),
  urgency: z.enum(CONSULT_URGENCIES),
  targetInstitution: z.string(),
  specialty: z.enum(CONSULT_SPECIALTIES),
  includeVitals: z.boolean(),
  includeDiagnoses: z.boolean(),
  ecgIds: z.array(z.string()),
  /** ECGs whose printed report went as a PDF beside the aECG (none where this process has no PDF renderer). */
  reportPdfs: z.number().int(),
  status: z.enum(CONSULT_STATUSES),
  statusNote: z.string().nullable(),
  requestedAt: z.string(),
  acceptedAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  rejectedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  requesterName: z.string(),
  hasReply: z.boolean(),
  critical: z.boolean(),
  /** The county's latest signed answer, so a history reads without opening each consult. */
  answer: z.object({ conclusion: z.string(), signer: z.string(), signedAt: z.string(), critical: z.boolean() }).nullable(),
});
export type Consult = z.infer<typeof consultSchema>;

export const consultReplySchema = z.object({
  id: z.string(),
  consultId: z.string(),
  conclusion: z.string(),
  signer: z.string(),
  signedAt: z.string(),
  hasPdf: z.boolean(),
  critical: z.boolean(),
  criticalText: z.string().nullable(),
  receivedAt: z.string(),
});
export type ConsultReply = z.infer<typeof consultReplySchema>;

export const criticalAlertSchema = z.object({
  id: z.string(),
  replyId: z.string(),
  consultId: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  text: z.string(),
  raisedAt: z.string(),
  acknowledgedByName: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
});
export type CriticalAlert = z.infer<typeof criticalAlertSchema>;

const consultRef = z.object({ patientId: id, consultId: id });

export const consultContract = {
  /** Saved and queued for the county at once; it goes out whenever sync next reaches the platform. */
  create: method({ input: consultInputSchema, output: consultSchema, access: clinicians, audit: 'write' }),
  list: method({ input: z.object({ patientId: id }), output: z.array(consultSchema), access: staff, audit: 'read' }),
  /** Every request still waiting for the county (requested, accepted, in progress), oldest first. */
  open: method({ input: z.object({}), output: z.array(consultSchema), access: staff, audit: 'read' }),
  /** Every patient's consults in the given states (the list page's filter; open ones by default), newest first. */
  byStatus: method({
    input: z.object({
      statuses: z
        .array(z.enum(CONSULT_STATUSES))
        .min(1)
        .default([...OPEN_CONSULT_STATUSES]),
      limit: z.number().int().min(1).max(500).default(200),
    }),
    output: z.array(consultSchema),
    access: staff,
    audit: 'read',
  }),
  get: method({
    input: consultRef,
    output: z.object({ consult: consultSchema, replies: z.array(consultReplySchema) }),
    access: staff,
    audit: 'read',
  }),
  cancel: method({ input: consultRef, output: consultSchema, access: clinicians, audit: 'write' }),
  /** The county's signed PDF, base64 (the renderer shows it from a blob). */
  replyPdf: method({
    input: z.object({ patientId: id, replyId: id }),
    output: z.object({ fileName: z.string(), base64: z.string() }),
    access: staff,
    audit: 'export',
  }),
  /** The latest county answer to a consult that carried this ECG, shown beside the tracing. */
  replyForEcg: method({
    input: z.object({ patientId: id, ecgId: id }),
    output: consultReplySchema.nullable(),
    access: staff,
    audit: 'read',
  }),
  /**
   * Open 危急值 alerts for the banner. Polled, so not audited per call: raising and acknowledging each alert is
   * what the audit log records.
   */
  alerts: method({ input: z.object({}), output: z.array(criticalAlertSchema), access: staff, audit: 'read' }),
  acknowledge: method({
    input: z.object({ patientId: id, alertId: id }),
    output: criticalAlertSchema,
    access: clinicians,
    audit: 'write',
  }),
};
