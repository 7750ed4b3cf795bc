import { z } from 'zod';
import { float32Schema } from './binary';
import { method } from './define';
import { id } from './fields';
import { fileHandleSchema } from './files';
import { ECG_QUALITY_REASONS, STANDARD_LEADS } from '../ecg';

const staff = ['admin', 'doctor', 'nurse'] as const;
const clinicians = ['admin', 'doctor'] as const;

export const ecgMeasurementsSchema = z.object({
  heartRateBpm: z.number().optional(),
  rrMeanMs: z.number().optional(),
  prMs: z.number().optional(),
  /** P wave duration (P onset to P offset on the median beat). */
  pDurationMs: z.number().optional(),
  qrsMs: z.number().optional(),
  qtMs: z.number().optional(),
  qtcBazettMs: z.number().optional(),
  qtcFridericiaMs: z.number().optional(),
  qrsAxisDeg: z.number().optional(),
  pAxisDeg: z.number().optional(),
  tAxisDeg: z.number().optional(),
  rrIrregularity: z.number().optional(),
  qrsAmplitudes: z.partialRecord(z.enum(STANDARD_LEADS), z.object({ rUv: z.number(), sUv: z.number() })).optional(),
  sokolowLyonUv: z.number().optional(),
  qualityStretches: z.array(z.object({ startS: z.number(), endS: z.number(), reason: z.enum(ECG_QUALITY_REASONS) })).optional(),
  beatCount: z.number().int(),
  medianBeatCount: z.number().int(),
});

/**
 * The cart's own measurements and statements, as its file carries them (GE MUSE, Philips, SCP-ECG sections 7/8/10,
 * HL7 aECG annotations), shown beside ours.
 */
export const cartReportSchema = z.object({
  vendor: z.enum(['ge-muse', 'philips', 'scp-ecg', 'hl7-aecg']),
  measurements: z.object({
    heartRateBpm: z.number().optional(),
    prMs: z.number().optional(),
    qrsMs: z.number().optional(),
    qtMs: z.number().optional(),
    qtcMs: z.number().optional(),
    pAxisDeg: z.number().optional(),
    qrsAxisDeg: z.number().optional(),
    tAxisDeg: z.number().optional(),
    pDurationMs: z.number().optional(),
  }),
  statements: z.array(z.string()),
  /** SCP section 8: a physician confirmed the cart's statements (false: the machine's, not overread). */
  confirmed: z.boolean().optional(),
});
export type CartReport = z.infer<typeof cartReportSchema>;

export const ecgSummarySchema = z.object({
  id: z.string(),
  patientId: z.string().nullable(),
  recordedAt: z.string(),
  source: z.enum(['file', 'device', 'folder']),
  sourceName: z.string(),
  format: z.string(),
  sampleRateHz: z.number(),
  sampleCount: z.number().int(),
  durationS: z.number(),
  leadNames: z.array(z.string()),
  annotationCount: z.number().int(),
  measurements: ecgMeasurementsSchema,
  interpretation: z.string().nullable(),
  interpretedBy: z.string().nullable(),
  signedAt: z.string().nullable(),
  /** 门诊号: the outpatient number the ECG was taken under, for the report header; absent when none was given. */
  outpatientNumber: z.string().nullable().optional(),
  /** What the cart itself measured and said, when the file carries it. */
  cart: cartReportSchema.optional(),
});
export type EcgSummary = z.infer<typeof ecgSummarySchema>;

export const ecgDeviceSchema = z.object({
  id: z.string(),
  kind: z.enum(['serial', 'simulator']),
  label: z.string(),
  state: z.enum(['connecting', 'streaming', 'stalled', 'disconnected', 'error']),
  lostSamples: z.number().int(),
  live: z.boolean(),
});

/** 门诊号 as typed at the desk; blank means none. */
const outpatientNumberSchema = z
  .string()
  .trim()
  .max(30)
  .optional()
  .transform((v) => (v ? v : undefined));

/** At most one minute of 12 leads per call: long Holter-like files are read in windows. */
export const MAX_ECG_WINDOW_SAMPLES = 60_000;

export const ecgContract = {
  devices: method({ input: z.object({}), output: z.array(ecgDeviceSchema), access: staff, audit: 'none' }),
  /** Starts streaming a device to the renderer (ecgBlock / ecgStatus events). */
  startLive: method({ input: z.object({ deviceId: id }), output: ecgDeviceSchema, access: staff, audit: 'none' }),
  stopLive: method({ input: z.object({ deviceId: id }), output: ecgDeviceSchema, access: staff, audit: 'none' }),
  /** Stores the last `seconds` of a live device into the patient's chart. */
  capture: method({
    input: z.object({ patientId: id, deviceId: id, seconds: z.number().int().min(5).max(60).default(10), outpatientNumber: outpatientNumberSchema }),
    output: ecgSummarySchema,
    access: staff,
    audit: 'write',
  }),
  /**
   * The file comes as a handle from files.open (main's dialog), never as a path typed in the renderer.
   * A file naming another patient (name or ID) is refused with ECG_PATIENT_MISMATCH and the file's identity, unless
   * the clinician confirmed it (`confirmPatient`) after seeing both.
   */
  importFile: method({
    input: z.object({ patientId: id, file: fileHandleSchema, confirmPatient: z.boolean().default(false), outpatientNumber: outpatientNumberSchema }),
    output: ecgSummarySchema,
    access: staff,
    audit: 'write',
  }),
  list: method({ input: z.object({ patientId: id }), output: z.array(ecgSummarySchema), access: staff, audit: 'read' }),
  /** One recording's summary, no samples: what the report and the consult show of the ECG they name. */
  summary: method({ input: z.object({ patientId: id, ecgId: id }), output: ecgSummarySchema, access: staff, audit: 'read' }),
  /** Recordings a cart's export folder brought in, not yet assigned to a patient. */
  unassigned: method({ input: z.object({}), output: z.array(ecgSummarySchema), access: staff, audit: 'none' }),
  assign: method({ input: z.object({ patientId: id, ecgId: id }), output: ecgSummarySchema, access: staff, audit: 'write' }),
  get: method({
    input: z.object({
      patientId: id,
      ecgId: id,
      fromSample: z.number().int().min(0).default(0),
      count: z.number().int().min(1).max(MAX_ECG_WINDOW_SAMPLES).default(10_000),
    }),
    output: z.object({
      summary: ecgSummarySchema,
      fromSample: z.number().int(),
      /** µV as Float32Array (NaN where the file marks a sample invalid): binary on every transport, never JSON numbers. */
      leads: z.array(z.object({ name: z.string(), microvolts: float32Schema })),
    }),
    access: staff,
    audit: 'read',
  }),
  /** The clinician's interpretation, signed; a later change is audited with the previous text. */
  interpret: method({
    input: z.object({ patientId: id, ecgId: id, interpretation: z.string().trim().min(1).max(2000) }),
    output: ecgSummarySchema,
    access: clinicians,
    audit: 'write',
  }),
  /** HL7 aECG of the recording (the exchange format for consults). */
  exportAecg: method({
    input: z.object({ patientId: id, ecgId: id }),
    output: z.object({ fileName: z.string(), xml: z.string() }),
    access: staff,
    audit: 'export',
  }),
};
