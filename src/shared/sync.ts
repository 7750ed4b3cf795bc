import { z } from 'zod';

/**
 * Sync with the county and provincial platforms: the types both sides of the app share (target settings,
 * error codes with the action each asks of the user, per-target status, progress events). Pure TypeScript.
 */

/** County: clinical records, consults, ECG reads. Provincial: the public-health reporting subset. */
export const SYNC_TARGET_IDS = ['county', 'provincial'] as const;
export type SyncTargetId = (typeof SYNC_TARGET_IDS)[number];

/** What a platform speaks: FHIR R4, or the national shared documents (WS/T 483 / WS/T 500 sent as a WS/T 790-style call). */
export const SYNC_TARGET_KINDS = ['fhir', 'documents'] as const;
export type SyncTargetKind = (typeof SYNC_TARGET_KINDS)[number];
/**
 * What the station sends, by record family (not by bare resource type: an Encounter or Observation is a clinic
 * record in one family and a public-health one in another). Routing says which families go to which target.
 */
export const SYNC_FAMILIES = [
  'institution',
  'patient',
  'visit',
  'vitals',
  'ecg',
  'consult',
  'followupVisit',
  'enrolment',
  'referral',
  'appointment',
  'healthCheck',
  'queue',
] as const;
export type SyncFamily = (typeof SYNC_FAMILIES)[number];
export type SyncRouting = Record<SyncTargetId, readonly SyncFamily[]>;

/**
 * County: everything (it is the center's record and the way its stations converge). Provincial: the basic
 * public-health reporting subset (基本公共卫生服务: resident records, chronic-disease management, follow-ups,
 * referrals from them, health checks) and the institution they are reported under; not clinic visits, vitals,
 * ECGs, consults or bookings.
 */
export const DEFAULT_SYNC_ROUTING: SyncRouting = {
  county: SYNC_FAMILIES,
  provincial: ['institution', 'patient', 'followupVisit', 'enrolment', 'referral', 'healthCheck'],
};

export const syncRoutingSchema = z.object({
  county: z.array(z.enum(SYNC_FAMILIES)).max(SYNC_FAMILIES.length),
  provincial: z.array(z.enum(SYNC_FAMILIES)).max(SYNC_FAMILIES.length),
});

export interface SyncTargetConfig {
  id: SyncTargetId;
  /** 'fhir' when absent. */
  kind?: SyncTargetKind;
  /** FHIR base, e.g. https://fhir.county.example/fhir/R4/ — always https. */
  baseUrl: string;
  /** The platform's CA certificate(s), PEM. The only trust anchors for this target: no system store. */
  caCertificatePem: string;
  /** The station's certificate and private key as issued by the platform (PKCS#12 / .p12 / .pfx). */
  clientPkcs12: Uint8Array;
  clientPassphrase: string;
  /** Name the server certificate must carry when it differs from the URL's host (e.g. connecting by IP). */
  serverName?: string;
  /** Resource types pulled from this target, e.g. ['Task', 'DiagnosticReport'] from the county. */
  pullResourceTypes: string[];
  /** Entries per transaction Bundle; at most 50 (the Medplum family refuses more updates per transaction). */
  batchSize?: number;
  /** Resources per pull page. */
  pullPageSize?: number;
  /** A request with no byte moving for this long is abandoned (inactivity, not total duration). */
  requestTimeoutMs?: number;
  /** How often to pull when nothing is pushed and the target pulls nothing (provincial). */
  pollIntervalMs?: number;
  /**
   * While the link is up, how often a target with pull streams polls them (near-real-time between the
   * stations of one center); 0 falls back to pollIntervalMs.
   */
  livePollMs?: number;
  /** How far behind its cursor a stream re-reads, every lookbackEveryMs (closes the cursor gap; docs/sync.md). */
  lookbackMs?: number;
  lookbackEveryMs?: number;
  /** At most this many pulled resources per local transaction (the engine adapts below it to ~12 ms a chunk). */
  applyChunkSize?: number;
}

export const SYNC_DEFAULTS = {
  batchSize: 50,
  pullPageSize: 200,
  requestTimeoutMs: 30_000,
  pollIntervalMs: 5 * 60_000,
  livePollMs: 3_000,
  applyChunkSize: 500,
  lookbackMs: 5 * 60_000,
  lookbackEveryMs: 10 * 60_000,
} as const;

/** The settings a user edits (certificates arrive as files and are handled by the import flow). */
export const syncTargetSettingsSchema = z.object({
  id: z.enum(SYNC_TARGET_IDS),
  baseUrl: z.url({ protocol: /^https$/ }),
  serverName: z.string().min(1).max(253).optional(),
  pullResourceTypes: z.array(z.string().regex(/^[A-Z][A-Za-z]+$/)).max(64),
  batchSize: z.number().int().min(1).max(50).optional(),
  pullPageSize: z.number().int().min(1).max(1000).optional(),
  requestTimeoutMs: z.number().int().min(1_000).max(600_000).optional(),
  pollIntervalMs: z.number().int().min(5_000).optional(),
});
export type SyncTargetSettings = z.infer<typeof syncTargetSettingsSchema>;

export const SYNC_ERROR_CODES = [
  'SERVER_UNREACHABLE',
  'TIMEOUT',
  'CONNECTION_RESET',
  'TLS_UNKNOWN_CA',
  'TLS_CERT_EXPIRED',
  'TLS_HOSTNAME_MISMATCH',
  'TLS_CLIENT_CERT_REJECTED',
  'TLS_BAD_PASSPHRASE',
  'HTTP_4XX',
  'HTTP_5XX',
  'CONFLICT',
  'VALIDATION_FAILED',
  'RESPONSE_TOO_LARGE',
  /** A national document failed the station's own check (CDA R2 schema, required elements) or no schema is configured. */
  'DOCUMENT_INVALID',
  /** A documents platform answered AE/AR (or a SOAP Client fault): the document was refused, with its reason. */
  'DOCUMENT_REFUSED',
] as const;
export type SyncErrorCode = (typeof SYNC_ERROR_CODES)[number];

/** What the user (or nobody) has to do about an error. The renderer words it; the engine acts on `retry`. */
export const SYNC_ACTIONS = [
  'wait', // transient: the engine retries by itself with backoff
  'check-network-or-address', // nothing answers: cable, VPN, or the base URL
  'check-ca-certificate', // the server is not signed by the configured platform CA (or someone is in between)
  'check-clock-or-contact-platform', // expired: often this PC's clock is wrong, else the platform must renew
  'check-server-address', // the certificate names another host: wrong URL or server name
  'import-client-certificate', // the platform refused the station's certificate (missing, expired, revoked)
  're-enter-passphrase', // the .p12 did not open: wrong passphrase or an unsupported (legacy) file
  'contact-platform', // the platform refused the request itself
  'resolve-conflict', // someone else changed the record: pick or merge
  'fix-record', // the record is not valid FHIR: a mapping or data problem
] as const;
export type SyncAction = (typeof SYNC_ACTIONS)[number];

export interface SyncErrorPolicy {
  action: SyncAction;
  /**
   * `backoff`: the engine keeps retrying with growing delays. `after-change`: it retries only at the longest
   * delay or when settings change (the same request would fail the same way). `never`: the entry is held.
   */
  retry: 'backoff' | 'after-change' | 'never';
}

export const SYNC_ERROR_POLICY: Record<SyncErrorCode, SyncErrorPolicy> = {
  SERVER_UNREACHABLE: { action: 'check-network-or-address', retry: 'backoff' },
  TIMEOUT: { action: 'wait', retry: 'backoff' },
  CONNECTION_RESET: { action: 'wait', retry: 'backoff' },
  TLS_UNKNOWN_CA: { action: 'check-ca-certificate', retry: 'after-change' },
  TLS_CERT_EXPIRED: { action: 'check-clock-or-contact-platform', retry: 'after-change' },
  TLS_HOSTNAME_MISMATCH: { action: 'check-server-address', retry: 'after-change' },
  TLS_CLIENT_CERT_REJECTED: { action: 'import-client-certificate', retry: 'after-change' },
  TLS_BAD_PASSPHRASE: { action: 're-enter-passphrase', retry: 'after-change' },
  HTTP_4XX: { action: 'contact-platform', retry: 'never' },
  HTTP_5XX: { action: 'wait', retry: 'backoff' },
  CONFLICT: { action: 'resolve-conflict', retry: 'never' },
  VALIDATION_FAILED: { action: 'fix-record', retry: 'never' },
  // The same request would bring the same answer: retried only at the longest delay or after a settings change.
  RESPONSE_TOO_LARGE: { action: 'contact-platform', retry: 'after-change' },
  DOCUMENT_INVALID: { action: 'fix-record', retry: 'never' },
  DOCUMENT_REFUSED: { action: 'fix-record', retry: 'never' },
};

export interface SyncErrorInfo {
  code: SyncErrorCode;
  action: SyncAction;
  /** English detail for logs and the details pane (e.g. the OpenSSL reason); the UI words the code. */
  message: string;
  /** HTTP status when the server answered. */
  status?: number;
}

export function syncErrorInfo(code: SyncErrorCode, message: string, status?: number): SyncErrorInfo {
  return status === undefined ? { code, action: SYNC_ERROR_POLICY[code].action, message } : { code, action: SYNC_ERROR_POLICY[code].action, message, status };
}

export const SYNC_TARGET_STATES = ['idle', 'pushing', 'pulling', 'waiting-retry', 'stopped'] as const;
export type SyncTargetState = (typeof SYNC_TARGET_STATES)[number];

export interface SyncTargetStatus {
  target: SyncTargetId;
  state: SyncTargetState;
  /** Outbox entries waiting to be sent (including ones waiting for a retry). */
  queued: number;
  /** Epoch ms of the last cycle that pushed and pulled without error. */
  lastSuccessAt: number | null;
  lastError: SyncErrorInfo | null;
  /** Epoch ms of the next automatic attempt while waiting to retry. */
  nextAttemptAt: number | null;
  consecutiveFailures: number;
}

/** Per-record sync state per target, as the store derives it from its outbox rows. */
export const RECORD_SYNC_STATES = ['pending', 'sent', 'failed', 'conflict'] as const;
export type RecordSyncState = (typeof RECORD_SYNC_STATES)[number];

export type SyncEvent =
  | { type: 'status'; status: SyncTargetStatus }
  | { type: 'pushed'; target: SyncTargetId; resources: number; entries: number; queued: number }
  | { type: 'pulled'; target: SyncTargetId; resourceType: string; resources: number }
  /** First sync of a new or replaced station: how much of what the platform holds for it has arrived. */
  | { type: 'pull-progress'; target: SyncTargetId; received: number; total: number; startedAt: number }
  | { type: 'conflict'; target: SyncTargetId; resourceType: string; resourceId: string }
  | { type: 'entry-failed'; target: SyncTargetId; resourceType: string; resourceId: string; error: SyncErrorInfo }
  | { type: 'error'; target: SyncTargetId; error: SyncErrorInfo; retryAt: number | null };

const syncErrorInfoSchema = z.object({
  code: z.enum(SYNC_ERROR_CODES),
  action: z.enum(SYNC_ACTIONS),
  message: z.string(),
  status: z.number().int().optional(),
});

export const syncTargetStatusSchema = z.object({
  target: z.enum(SYNC_TARGET_IDS),
  state: z.enum(SYNC_TARGET_STATES),
  queued: z.number().int().nonnegative(),
  lastSuccessAt: z.number().nullable(),
  lastError: syncErrorInfoSchema.nullable(),
  nextAttemptAt: z.number().nullable(),
  consecutiveFailures: z.number().int().nonnegative(),
});

/** For the event channel in the API contract: what the renderer may receive. */
export const syncEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), status: syncTargetStatusSchema }),
  z.object({
    type: z.literal('pushed'),
    target: z.enum(SYNC_TARGET_IDS),
    resources: z.number().int(),
    entries: z.number().int(),
    queued: z.number().int(),
  }),
  z.object({
    type: z.literal('pulled'),
    target: z.enum(SYNC_TARGET_IDS),
    resourceType: z.string(),
    resources: z.number().int(),
  }),
  z.object({
    type: z.literal('pull-progress'),
    target: z.enum(SYNC_TARGET_IDS),
    received: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
    startedAt: z.number(),
  }),
  z.object({
    type: z.literal('conflict'),
    target: z.enum(SYNC_TARGET_IDS),
    resourceType: z.string(),
    resourceId: z.string(),
  }),
  z.object({
    type: z.literal('entry-failed'),
    target: z.enum(SYNC_TARGET_IDS),
    resourceType: z.string(),
    resourceId: z.string(),
    error: syncErrorInfoSchema,
  }),
  z.object({
    type: z.literal('error'),
    target: z.enum(SYNC_TARGET_IDS),
    error: syncErrorInfoSchema,
    retryAt: z.number().nullable(),
  }),
]);
