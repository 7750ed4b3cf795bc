import { z } from 'zod';
import { DEFAULT_CLINIC_TIME_ZONE, isTimeZone } from '../date-format';
import { method } from './define';
import { isoDate } from './fields';
import { fileHandleSchema } from './files';
import { workingCalendarSchema } from '../working-calendar';

export const securitySettingsSchema = z.object({
  /** Failed sign-ins before the account is locked. */
  maxFailedSignIns: z.number().int().min(3).max(20),
  lockoutMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  idleLockMinutes: z.number().int().min(1).max(120),
  passwordMinLength: z.number().int().min(8).max(64),
});
export type SecuritySettings = z.infer<typeof securitySettingsSchema>;

export const DEFAULT_SECURITY_SETTINGS: SecuritySettings = {
  maxFailedSignIns: 5,
  lockoutMinutes: 15,
  idleLockMinutes: 10,
  passwordMinLength: 8,
};

export const settingsSchema = z.object({
  security: securitySettingsSchema,
  facilityName: z.string().max(60),
  /**
   * The institution's national code (统一社会信用代码, or the older 组织机构代码; checked by src/shared/institution.ts).
   * Every record the station sends names it; '' until set at first run or in 设置.
   */
  institutionCode: z.string().max(40).default(''),
  locale: z.enum(['zh-CN', 'en']),
  /** The township's villages, for registration and follow-up call lists. */
  villages: z.array(z.string().trim().min(1).max(40)).max(500),
  /** IANA zone every screen and print shows times in (the clinic's, not the PC's). */
  clinicTimeZone: z.string().max(64).refine(isTimeZone, 'unknown time zone').default(DEFAULT_CLINIC_TIME_ZONE),
});
export type Settings = z.infer<typeof settingsSchema>;

/**
 * What settings.update takes: any of the fields, and only those sent. Zod applies a field's default inside
 * `.partial()`, so the stored schema's defaults ('' code, the default zone) would overwrite the stored values of
 * fields a form did not send (saving the security policy cleared the institution code); here they have none.
 */
export const settingsPatchSchema = settingsSchema
  .extend({
    institutionCode: z.string().max(40),
    clinicTimeZone: z.string().max(64).refine(isTimeZone, 'unknown time zone'),
  })
  .partial();

export const storeStatusSchema = z.object({
  /** open: ready. needsPassphrase: the OS keystore is weak or changed; the administrator passphrase unwraps the key. */
  state: z.enum(['open', 'needsPassphrase', 'newNeedsPassphrase']),
  keyProtection: z.enum(['safeStorage', 'passphrase']).nullable(),
});

export const systemStatusSchema = z.object({
  online: z.boolean(),
  sync: z.object({ state: z.enum(['idle', 'syncing', 'error', 'notConfigured']), pending: z.number().int(), lastSyncAt: z.string().nullable() }),
  appVersion: z.string(),
  schemaVersion: z.number().int(),
});
export type SystemStatus = z.infer<typeof systemStatusSchema>;

export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  userId: z.number().int().nullable(),
  username: z.string().nullable(),
  action: z.string(),
  kind: z.string(),
  patientId: z.string().nullable(),
  outcome: z.string(),
  details: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditVerifySchema = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  /** First row whose hash or link does not match (edited, deleted or inserted out of order). */
  firstBadId: z.number().int().nullable(),
  /**
   * hash: a row's content no longer matches its HMAC; link: a row does not follow the one before; gap: rows missing
   * (in the middle or cut off the end); seal: a seal's digest does not match the rows before it; key: the newest rows
   * are not under this station's audit key.
   */
  problem: z.enum(['hash', 'link', 'gap', 'seal', 'key']).nullable(),
  /** The last chain head sent outside the station (county platform) and whether the chain still holds it. */
  anchor: z
    .object({
      through: z.number().int(),
      at: z.string(),
      target: z.string(),
      headHash: z.string(),
      matches: z.boolean(),
    })
    .nullable(),
});
export type AuditVerifyResult = z.infer<typeof auditVerifySchema>;

export const systemContract = {
  status: method({ input: z.object({}), output: systemStatusSchema, access: 'public', audit: 'none' }),
};

/** Why the store, a backup or the audit chain refused (texts in errors:reasons.<REASON>). */
export const SECURITY_REASONS = ['SECURITY_DB_FILE_MISSING', 'SECURITY_BACKUP_FORMAT', 'SECURITY_BACKUP_KDF', 'SECURITY_BACKUP_HEADER'] as const;
export type SecurityReason = (typeof SECURITY_REASONS)[number];

export const storeContract = {
  status: method({ input: z.object({}), output: storeStatusSchema, access: 'public', audit: 'none' }),
  /** Opens the store when the OS keystore cannot; on a brand-new store this sets the passphrase. */
  unlock: method({ input: z.object({ passphrase: z.string().min(10).max(256) }), output: storeStatusSchema, access: 'public', audit: 'none' }),
};

export const settingsContract = {
  get: method({ input: z.object({}), output: settingsSchema, access: 'signedIn', audit: 'none' }),
  update: method({ input: settingsPatchSchema, output: settingsSchema, access: ['admin'], audit: 'admin' }),
  /** The UI language is a per-station preference any user may change. */
  setLocale: method({ input: z.object({ locale: z.enum(['zh-CN', 'en']) }), output: settingsSchema, access: 'public', audit: 'admin' }),
  /** The clinic's working weekdays, holidays and 调休 days (issue 14.6): follow-up dates and bookings keep to them. */
  workingCalendar: method({ input: z.object({}), output: workingCalendarSchema, access: 'signedIn', audit: 'none' }),
  setWorkingCalendar: method({ input: workingCalendarSchema, output: workingCalendarSchema, access: ['admin'], audit: 'admin' }),
};

export const auditContract = {
  search: method({
    input: z.object({
      from: isoDate.optional(),
      to: isoDate.optional(),
      username: z.string().max(32).optional(),
      action: z.string().max(64).optional(),
      patientId: z.string().max(64).optional(),
      outcome: z.enum(['ok', 'error', 'denied']).optional(),
      limit: z.number().int().min(1).max(500).default(100),
      beforeId: z.number().int().optional(),
    }),
    output: z.array(auditEntrySchema),
    access: ['admin'],
    audit: 'admin',
  }),
  verify: method({ input: z.object({}), output: auditVerifySchema, access: ['admin'], audit: 'admin' }),
};

export const backupContract = {
  create: method({
    input: z.object({ passphrase: z.string().min(10).max(256) }),
    output: z.object({ path: z.string(), bytes: z.number().int(), createdAt: z.string() }),
    access: ['admin'],
    audit: 'export',
  }),
  list: method({
    input: z.object({}),
    output: z.array(z.object({ path: z.string(), bytes: z.number().int(), createdAt: z.string() })),
    access: ['admin'],
    audit: 'none',
  }),
  restore: method({
    /** The backup file comes as a handle from files.open (main's dialog), never as a typed path. */
    input: z.object({ file: fileHandleSchema, passphrase: z.string().min(1).max(256) }),
    output: z.object({ restoredFrom: z.string(), patients: z.number().int() }),
    access: ['admin'],
    audit: 'admin',
  }),
};
