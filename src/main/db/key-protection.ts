import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { ApiError } from '../../shared/api/errors';

const scrypt = promisify(scryptCb) as (pw: string | Buffer, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

/** The database key is 32 random bytes used raw by SQLCipher (no KDF cost at open). */
export const DB_KEY_BYTES = 32;
export function newDatabaseKey(): Buffer {
  return randomBytes(DB_KEY_BYTES);
}

/** scrypt N=2^15, r=8, p=1 (≈32 MiB, ≈0.1 s here): slow enough for offline guessing, fast enough at start. */
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 96 * 1024 * 1024 } as const;

/** A second secret sealed under the same wrapping key (one scrypt at open unwraps both). */
export interface SealedSecret {
  iv: string;
  tag: string;
  data: string;
}

export interface PassphraseWrapping {
  kind: 'passphrase';
  salt: string;
  N: number;
  r: number;
  p: number;
  iv: string;
  tag: string;
  data: string;
  /**
   * The audit log's own HMAC key (issue 15.4): not derivable from the database key, so whoever holds only the
   * database key (a technician with the sqlcipher CLI, a decrypted copy) cannot re-seal an edited audit chain.
   * Absent in key files written before it existed; added at the next open.
   */
  audit?: SealedSecret;
}
export interface SafeStorageWrapping {
  kind: 'safeStorage';
  /** The OS keystore backend that wrapped it; a different backend at open means the key cannot be trusted to it. */
  backend: string;
  data: string;
  /** The audit HMAC key, encrypted by the keystore on its own. */
  auditData?: string;
}
export type KeyWrapping = PassphraseWrapping | SafeStorageWrapping;

/** Stored beside the database as `<db>.key.json`. The passphrase wrapping is always present (recovery). */
export interface KeyFile {
  version: 1;
  wrappings: KeyWrapping[];
}

async function deriveWrappingKey(passphrase: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return scrypt(passphrase.normalize('NFC'), salt, 32, { ...params, maxmem: SCRYPT.maxmem });
}

function seal(kek: Buffer, secret: Buffer): SealedSecret {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  const data = Buffer.concat([cipher.update(secret), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

function unseal(kek: Buffer, sealed: SealedSecret): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(sealed.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
}

export async function wrapWithPassphrase(key: Buffer, passphrase: string, auditKey?: Buffer): Promise<PassphraseWrapping> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const kek = await deriveWrappingKey(passphrase, salt, SCRYPT);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  const data = Buffer.concat([cipher.update(key), cipher.final()]);
  return {
    kind: 'passphrase',
    salt: salt.toString('base64'),
    N: SCRYPT.N,
    r: SCRYPT.r,
    p: SCRYPT.p,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
    ...(auditKey ? { audit: seal(kek, auditKey) } : {}),
  };
}

/** Throws ApiError DB_KEY_INVALID for a wrong passphrase (GCM authentication fails). */
export async function unwrapWithPassphrase(w: PassphraseWrapping, passphrase: string): Promise<Buffer> {
  return (await unwrapAllWithPassphrase(w, passphrase)).key;
}

/** The database key and, when the wrapping holds one, the audit key: one scrypt for both. */
export async function unwrapAllWithPassphrase(w: PassphraseWrapping, passphrase: string): Promise<{ key: Buffer; auditKey: Buffer | undefined }> {
  const kek = await deriveWrappingKey(passphrase, Buffer.from(w.salt, 'base64'), w);
  let key: Buffer;
  try {
    key = unseal(kek, w);
  } catch {
    throw new ApiError('DB_KEY_INVALID', 'the passphrase does not unlock this database');
  }
  let auditKey: Buffer | undefined;
  try {
    auditKey = w.audit ? unseal(kek, w.audit) : undefined;
  } catch {
    // A damaged audit entry must not lock the clinic out of its data: the audit log starts a new sealed segment.
    auditKey = undefined;
  }
  return { key, auditKey };
}

/**
 * The part of Electron's safeStorage we use (async API). Passed in, so this module never imports electron and
 * tests use a real implementation of the interface rather than a mocked module.
 */
export interface OsKeystore {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  getSelectedStorageBackend(): string;
  encryptStringAsync(plain: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
}

/** Linux `basic_text` is a hard-coded password: it protects nothing, so we treat it as no keystore. */
export async function keystoreIsStrong(keystore: OsKeystore | undefined): Promise<boolean> {
  if (!keystore) return false;
  if (!(await keystore.isAsyncEncryptionAvailable())) return false;
  const backend = keystore.getSelectedStorageBackend?.() ?? 'unknown';
  return backend !== 'basic_text';
}

export async function wrapWithKeystore(key: Buffer, keystore: OsKeystore, auditKey?: Buffer): Promise<SafeStorageWrapping> {
  const data = await keystore.encryptStringAsync(key.toString('base64'));
  const auditData = auditKey ? (await keystore.encryptStringAsync(auditKey.toString('base64'))).toString('base64') : undefined;
  return {
    kind: 'safeStorage',
    backend: keystore.getSelectedStorageBackend?.() ?? 'unknown',
    data: data.toString('base64'),
    ...(auditData ? { auditData } : {}),
  };
}

/** undefined when the keystore is weak, changed backend, or cannot decrypt: then the passphrase is needed. */
export async function tryUnwrapWithKeystore(file: KeyFile, keystore: OsKeystore | undefined): Promise<Buffer | undefined> {
  return (await tryUnwrapAllWithKeystore(file, keystore))?.key;
}

export async function tryUnwrapAllWithKeystore(
  file: KeyFile,
  keystore: OsKeystore | undefined,
): Promise<{ key: Buffer; auditKey: Buffer | undefined } | undefined> {
  if (!keystore || !(await keystoreIsStrong(keystore))) return undefined;
  const w = file.wrappings.find((x): x is SafeStorageWrapping => x.kind === 'safeStorage');
  if (!w || w.backend !== keystore.getSelectedStorageBackend()) return undefined;
  const decrypt = async (data: string): Promise<Buffer | undefined> => {
    try {
      const { result } = await keystore.decryptStringAsync(Buffer.from(data, 'base64'));
      const secret = Buffer.from(result, 'base64');
      return secret.length === DB_KEY_BYTES ? secret : undefined;
    } catch {
      return undefined;
    }
  };
  const key = await decrypt(w.data);
  if (!key) return undefined;
  return { key, auditKey: w.auditData ? await decrypt(w.auditData) : undefined };
}

export function parseKeyFile(text: string): KeyFile {
  const parsed = JSON.parse(text) as KeyFile;
  if (parsed?.version !== 1 || !Array.isArray(parsed.wrappings) || !parsed.wrappings.some((w) => w.kind === 'passphrase')) {
    throw new ApiError('DB_KEY_INVALID', 'the key file beside the database is damaged');
  }
  return parsed;
}

export function passphraseWrapping(file: KeyFile): PassphraseWrapping {
  return file.wrappings.find((w): w is PassphraseWrapping => w.kind === 'passphrase')!;
}

export function keysEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
