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

export interface PassphraseWrapping {
  kind: 'passphrase';
  salt: string;
  N: number;
  r: number;
  p: number;
  iv: string;
  tag: string;
  data: string;
}
export interface SafeStorageWrapping {
  kind: 'safeStorage';
  /** The OS keystore backend that wrapped it; a different backend at open means the key cannot be trusted to it. */
  backend: string;
  data: string;
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

export async function wrapWithPassphrase(key: Buffer, passphrase: string): Promise<PassphraseWrapping> {
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
  };
}

/** Throws ApiError DB_KEY_INVALID for a wrong passphrase (GCM authentication fails). */
export async function unwrapWithPassphrase(w: PassphraseWrapping, passphrase: string): Promise<Buffer> {
  const kek = await deriveWrappingKey(passphrase, Buffer.from(w.salt, 'base64'), w);
  const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(w.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(w.tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(w.data, 'base64')), decipher.final()]);
  } catch {
    throw new ApiError('DB_KEY_INVALID', 'the passphrase does not unlock this database');
  }
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

export async function wrapWithKeystore(key: Buffer, keystore: OsKeystore): Promise<SafeStorageWrapping> {
  const data = await keystore.encryptStringAsync(key.toString('base64'));
  return { kind: 'safeStorage', backend: keystore.getSelectedStorageBackend?.() ?? 'unknown', data: data.toString('base64') };
}

/** undefined when the keystore is weak, changed backend, or cannot decrypt: then the passphrase is needed. */
export async function tryUnwrapWithKeystore(file: KeyFile, keystore: OsKeystore | undefined): Promise<Buffer | undefined> {
  if (!keystore || !(await keystoreIsStrong(keystore))) return undefined;
  const w = file.wrappings.find((x): x is SafeStorageWrapping => x.kind === 'safeStorage');
  if (!w || w.backend !== keystore.getSelectedStorageBackend()) return undefined;
  try {
    const { result } = await keystore.decryptStringAsync(Buffer.from(w.data, 'base64'));
    const key = Buffer.from(result, 'base64');
    return key.length === DB_KEY_BYTES ? key : undefined;
  } catch {
    return undefined;
  }
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
