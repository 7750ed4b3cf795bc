import { eq } from 'drizzle-orm';
import { DEFAULT_CLINIC_TIME_ZONE } from '../../shared/date-format';
import { ApiError } from '../../shared/api/errors';
import { institutionCodeProblem, normalizeInstitutionCode } from '../../shared/institution';
import { DEFAULT_SECURITY_SETTINGS, type Settings, settingsSchema } from '../../shared/api/system';
import type { Clock } from '../clock';
import type { Db } from '../db/open';
import { settings } from '../db/schema';

const DEFAULTS: Settings = {
  security: DEFAULT_SECURITY_SETTINGS,
  facilityName: '',
  institutionCode: '',
  locale: 'zh-CN',
  villages: [],
  clinicTimeZone: DEFAULT_CLINIC_TIME_ZONE,
};
const KEY = 'station';

export function readSettings(db: Db): Settings {
  const row = db.select().from(settings).where(eq(settings.key, KEY)).get();
  if (!row) return DEFAULTS;
  const merged = { ...DEFAULTS, ...(JSON.parse(row.value) as Partial<Settings>) };
  merged.security = { ...DEFAULTS.security, ...merged.security };
  const parsed = settingsSchema.safeParse(merged);
  return parsed.success ? parsed.data : DEFAULTS;
}

/** The code as stored ('' clears it), or a VALIDATION refusal naming what is wrong with it. */
export function checkedInstitutionCode(input: string): string {
  const code = normalizeInstitutionCode(input);
  if (code === '') return '';
  const problem = institutionCodeProblem(code);
  if (problem) throw new ApiError('VALIDATION', `institution code ${code}: ${problem}`, { field: 'institutionCode', reason: problem });
  return code;
}

export function writeSettings(db: Db, patch: Partial<Settings>, clock: Clock): Settings {
  const current = readSettings(db);
  if (patch.institutionCode !== undefined) patch = { ...patch, institutionCode: checkedInstitutionCode(patch.institutionCode) };
  const next = settingsSchema.safeParse({ ...current, ...patch, security: { ...current.security, ...patch.security } });
  if (!next.success) throw new ApiError('VALIDATION', next.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const value = JSON.stringify(next.data);
  const updatedAt = clock.now().toISOString();
  db.insert(settings).values({ key: KEY, value, updatedAt }).onConflictDoUpdate({ target: settings.key, set: { value, updatedAt } }).run();
  return next.data;
}

/**
 * A feature's own setting under its own key (e.g. `followup.dailyCapacity`), JSON-valued; null when unset.
 * Features read and write settings through these, not through the table.
 */
export function readFeatureSetting(db: Db, key: string): unknown {
  const row = db.select().from(settings).where(eq(settings.key, key)).get();
  return row ? (JSON.parse(row.value) as unknown) : null;
}

export function writeFeatureSetting(db: Db, key: string, value: unknown, clock: Clock): void {
  if (value === null) {
    db.delete(settings).where(eq(settings.key, key)).run();
    return;
  }
  const text = JSON.stringify(value);
  const updatedAt = clock.now().toISOString();
  db.insert(settings)
    .values({ key, value: text, updatedAt })
    .onConflictDoUpdate({ target: settings.key, set: { value: text, updatedAt } })
    .run();
}
