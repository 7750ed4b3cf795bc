import { z } from 'zod';
import { method } from './define';
import { isoDate, optionalText } from './fields';
import { valueSetCodes } from '../value-sets';

export const patientSchema = z.object({
  id: z.string(),
  name: z.string(),
  idNumber: z.string().nullable(),
  noIdReason: z.string().nullable(),
  sex: z.enum(['M', 'F', 'U']),
  birthDate: z.string(),
  phone: z.string().nullable(),
  healthCardNumber: z.string().nullable(),
  village: z.string().nullable(),
  address: z.string().nullable(),
  household: z.string().nullable(),
  contractDoctor: z.string().nullable(),
  contractDate: z.string().nullable(),
  hypertension: z.boolean(),
  diabetes: z.boolean(),
  allergies: z.string().nullable(),
  /** National codes (WS 364 / GB/T, src/shared/value-sets.ts), picked from the same lists in the form. */
  ethnicCode: z.string().nullable(),
  maritalCode: z.string().nullable(),
  educationCode: z.string().nullable(),
  occupationCode: z.string().nullable(),
  idDocTypeCode: z.string().nullable(),
  mergedInto: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Patient = z.infer<typeof patientSchema>;

export const patientSummarySchema = patientSchema.pick({ id: true, name: true, idNumber: true, sex: true, birthDate: true, phone: true, village: true });
export type PatientSummary = z.infer<typeof patientSummarySchema>;

/** What a record holds, shown beside a duplicate so the user sees what a merge brings together. */
export const patientRecordCountsSchema = z.object({
  visits: z.number().int(),
  vitals: z.number().int(),
  ecgs: z.number().int(),
  enrolments: z.number().int(),
  followups: z.number().int(),
});
export type PatientRecordCounts = z.infer<typeof patientRecordCountsSchema>;

/** A pulled record with the resident ID of a local one (two stations registered one resident while offline). */
export const patientDuplicateSchema = z.object({
  local: patientSchema,
  pulled: patientSchema,
  records: z.object({ local: patientRecordCountsSchema, pulled: patientRecordCountsSchema }),
});
export type PatientDuplicate = z.infer<typeof patientDuplicateSchema>;

export const NO_ID_REASONS = ['infant', 'foreigner', 'unknown', 'other'] as const;

export const patientInputSchema = z.object({
  name: z.string().trim().min(1).max(30),
  /** 18-digit resident ID; when given, birth date and sex are taken from it and must not contradict it. */
  idNumber: optionalText(20),
  noIdReason: z.enum(NO_ID_REASONS).optional(),
  noIdNote: optionalText(100),
  sex: z.enum(['M', 'F', 'U']).optional(),
  birthDate: isoDate.optional(),
  phone: optionalText(20),
  healthCardNumber: optionalText(32),
  village: optionalText(40),
  address: optionalText(120),
  household: optionalText(60),
  contractDoctor: optionalText(40),
  contractDate: isoDate.optional(),
  hypertension: z.boolean().default(false),
  diabetes: z.boolean().default(false),
  allergies: optionalText(200),
  ethnicCode: z.enum(valueSetCodes('ethnicGroup')).optional(),
  maritalCode: z.enum(valueSetCodes('maritalStatus')).optional(),
  educationCode: z.enum(valueSetCodes('education')).optional(),
  occupationCode: z.enum(valueSetCodes('occupation')).optional(),
  /** Defaults to 01 居民身份证 when a resident ID is given. */
  idDocTypeCode: z.enum(valueSetCodes('idDocumentType')).optional(),
});
export type PatientInput = z.input<typeof patientInputSchema>;

export const searchResultSchema = z.object({
  kind: z.string(),
  results: z.array(patientSummarySchema),
});

export const patientsContract = {
  search: method({
    input: z.object({ query: z.string().max(40), limit: z.number().int().min(1).max(50).default(20) }),
    output: searchResultSchema,
    access: ['admin', 'doctor', 'nurse'],
    audit: 'read',
  }),
  get: method({ input: z.object({ patientId: z.string().min(1).max(64) }), output: patientSchema, access: ['admin', 'doctor', 'nurse'], audit: 'read' }),
  /** Registers, or reports likely duplicates (same name and birth date, or same phone) unless confirmed. */
  register: method({
    input: patientInputSchema.extend({ confirmNotDuplicate: z.boolean().default(false) }),
    output: z.discriminatedUnion('status', [
      z.object({ status: z.literal('created'), patient: patientSchema }),
      z.object({ status: z.literal('possibleDuplicates'), candidates: z.array(patientSummarySchema) }),
    ]),
    access: ['admin', 'doctor', 'nurse'],
    audit: 'write',
  }),
  update: method({
    input: patientInputSchema.partial().extend({ patientId: z.string().min(1).max(64), version: z.number().int() }),
    output: patientSchema,
    access: ['admin', 'doctor', 'nurse'],
    audit: 'write',
  }),
  /** Administrator: everything of `mergeId` is re-pointed to `patientId`; the merged record is kept, hidden. */
  merge: method({
    input: z.object({ patientId: z.string().min(1).max(64), mergeId: z.string().min(1).max(64) }),
    output: z.object({ patient: patientSchema, repointed: z.record(z.string(), z.number()) }),
    access: ['admin'],
    audit: 'write',
  }),
  /** Pulled records waiting to be merged with the local record of the same resident ID, side by side. */
  duplicates: method({ input: z.object({}), output: z.array(patientDuplicateSchema), access: ['admin', 'doctor', 'nurse'], audit: 'read' }),
  villages: method({ input: z.object({}), output: z.array(z.string()), access: 'signedIn', audit: 'none' }),
};
