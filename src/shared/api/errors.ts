/**
 * The closed set of error codes that cross the API boundary. The renderer shows `errors.<code>` from the i18n
 * catalogs (with `details` as interpolation parameters); `message` is an English fallback for logs, never shown raw.
 */
export const API_ERROR_CODES = [
  'VALIDATION', // input failed the contract's schema or a domain rule
  'UNAUTHENTICATED', // no signed-in user
  'FORBIDDEN', // signed in, but the role may not call this
  'SESSION_LOCKED', // idle lock is on: unlock first
  'LOCKED_OUT', // too many failed sign-ins; details.until
  'BAD_CREDENTIALS',
  'PASSWORD_POLICY', // details.rule
  'ALREADY_SET_UP', // first-run setup called twice
  'NOT_FOUND',
  'CONFLICT', // stale or duplicate write
  'DUPLICATE', // the record already exists (e.g. same resident ID)
  'DB_LOCKED', // the store is not open yet (needs the administrator passphrase)
  'DB_KEY_INVALID', // wrong key or passphrase for the database: the file is untouched
  'DB_TOO_NEW', // database written by a newer app version
  'BACKUP_INVALID', // backup file damaged or not ours
  'BACKUP_PASSPHRASE', // wrong backup passphrase
  'FOREIGN_SENDER', // the IPC call did not come from our window
  'UNKNOWN_METHOD',
  'ECG_FORMAT', // details.code = EcgFormatError code
  'SYNC', // details.code = SyncErrorCode
  'DEVICE', // a desk device (ID-card reader) could not do it; details.reason from IDCARD_REASONS
  'INTERNAL',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export interface ApiErrorData {
  code: ApiErrorCode;
  message: string;
  details?: Record<string, string | number | boolean | null>;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorData };

/** Thrown by services; turned into an envelope at the boundary. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: ApiErrorData['details'],
  ) {
    super(message);
  }

  toData(): ApiErrorData {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

export function isApiErrorData(value: unknown): value is ApiErrorData {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ApiErrorData).code === 'string' &&
    (API_ERROR_CODES as readonly string[]).includes((value as ApiErrorData).code)
  );
}
