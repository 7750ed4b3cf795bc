import { createCipheriv, createDecipheriv, createHash, randomBytes, scrypt as scryptCb } from 'node:crypto';
import { promisify } from 'node:util';
import { ApiError } from '../../shared/api/errors';
import type { SecurityReason } from '../../shared/api/system';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

/**
 * Backup file layout (all integers big-endian):
 *   magic "TWSBAK01" (8) | header length (4) | header JSON (UTF-8) | payload
 * header: { format: 2, createdAt, schemaVersion, kdf: {salt, N, r, p}, wrappedKey: {iv, tag, data}, payloadSha256, payloadBytes }
 * payload: a SQLCipher 4 database encrypted with the backup's own random key; that key is wrapped (AES-256-GCM)
 * by a key derived from the backup passphrase with scrypt. Every header field but the wrapped key itself is the
 * GCM additional data of that wrapping, so a changed header (schema version, date, KDF, the payload's SHA-256)
 * fails like a wrong passphrase; through the authenticated SHA-256 the payload is covered too. The KDF parameters
 * are read from the file, so they are bounded before any work is done (a crafted N would otherwise make restore
 * allocate gigabytes or spin for hours).
 */
export const BACKUP_MAGIC = Buffer.from('TWSBAK01', 'ascii');
const SCRYPT = { N: 1 << 15, r: 8, p: 1 };
const MAX_HEADER = 64 * 1024;

export interface BackupHeader {
  /** 1 was written by pre-release builds without header authentication and is refused. */
  format: 2;
  createdAt: string;
  schemaVersion: number;
  kdf: { salt: string; N: number; r: number; p: number };
  wrappedKey: { iv: string; tag: string; data: string };
  payloadSha256: string;
  payloadBytes: number;
}

/** The header fields the wrapping authenticates, in a fixed order (the wrapped key itself cannot be among them). */
function headerAad(h: Omit<BackupHeader, 'wrappedKey'>): Buffer {
  return Buffer.concat([
    BACKUP_MAGIC,
    Buffer.from(JSON.stringify([h.format, h.createdAt, h.schemaVersion, h.kdf.salt, h.kdf.N, h.kdf.r, h.kdf.p, h.payloadSha256, h.payloadBytes]), 'utf8'),
  ]);
}

/** What this app accepts from a file: scrypt costs from 2^14 to 2^17, at most 256 MiB of memory, r ≤ 16, p ≤ 4, a real salt. */
export function checkKdfBounds(kdf: unknown): asserts kdf is BackupHeader['kdf'] {
  const k = kdf as Partial<BackupHeader['kdf']> | undefined;
  const intIn = (v: unknown, lo: number, hi: number) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
  const saltBytes = typeof k?.salt === 'string' ? Buffer.from(k.salt, 'base64').length : 0;
  const ok =
    !!k &&
    intIn(k.N, 1 << 14, 1 << 17) &&
    (k.N! & (k.N! - 1)) === 0 &&
    intIn(k.r, 1, 16) &&
    intIn(k.p, 1, 4) &&
    saltBytes >= 16 &&
    saltBytes <= 64 &&
    128 * k.N! * k.r! <= KDF_MAX_MEMORY;
  if (!ok)
    throw new ApiError('BACKUP_INVALID', 'the backup names key-derivation parameters outside what this app accepts', {
      reason: 'SECURITY_BACKUP_KDF' satisfies SecurityReason,
    });
}

const KDF_MAX_MEMORY = 256 * 1024 * 1024;

async function kek(passphrase: string, kdf: BackupHeader['kdf']): Promise<Buffer> {
  return scrypt(passphrase.normalize('NFC'), Buffer.from(kdf.salt, 'base64'), 32, {
    N: kdf.N,
    r: kdf.r,
    p: kdf.p,
    maxmem: Math.max(96 * 1024 * 1024, 128 * kdf.N * kdf.r + 16 * 1024 * 1024),
  });
}

export async function sealBackup(payload: Buffer, backupKey: Buffer, passphrase: string, meta: { createdAt: string; schemaVersion: number }): Promise<Buffer> {
  const kdf = { salt: randomBytes(16).toString('base64'), ...SCRYPT };
  const iv = randomBytes(12);
  const unsealed = {
    format: 2 as const,
    createdAt: meta.createdAt,
    schemaVersion: meta.schemaVersion,
    kdf,
    payloadSha256: createHash('sha256').update(payload).digest('hex'),
    payloadBytes: payload.length,
  };
  const cipher = createCipheriv('aes-256-gcm', await kek(passphrase, kdf), iv);
  cipher.setAAD(headerAad(unsealed));
  const data = Buffer.concat([cipher.update(backupKey), cipher.final()]);
  const header: BackupHeader = {
    ...unsealed,
    wrappedKey: { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') },
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(headerBytes.length);
  return Buffer.concat([BACKUP_MAGIC, len, headerBytes, payload]);
}

/** Parses and checks the whole file; returns the payload and the unwrapped backup key, or throws BACKUP_*. */
export async function openBackup(file: Buffer, passphrase: string): Promise<{ header: BackupHeader; payload: Buffer; backupKey: Buffer }> {
  if (file.length < 12 || !file.subarray(0, 8).equals(BACKUP_MAGIC)) throw new ApiError('BACKUP_INVALID', 'not a workstation backup file');
  const headerLength = file.readUInt32BE(8);
  if (headerLength > MAX_HEADER || 12 + headerLength > file.length) throw new ApiError('BACKUP_INVALID', 'backup header is damaged');
  let header: BackupHeader;
  try {
    header = JSON.parse(file.subarray(12, 12 + headerLength).toString('utf8')) as BackupHeader;
  } catch {
    throw new ApiError('BACKUP_INVALID', 'backup header is damaged');
  }
  if (header?.format !== 2 || !header.wrappedKey || typeof header.createdAt !== 'string' || !Number.isInteger(header.schemaVersion)) {
    throw new ApiError('BACKUP_INVALID', 'unknown backup format (backups from pre-release builds must be made again)', {
      reason: 'SECURITY_BACKUP_FORMAT' satisfies SecurityReason,
    });
  }
  checkKdfBounds(header.kdf);
  const payload = file.subarray(12 + headerLength);
  if (payload.length !== header.payloadBytes || createHash('sha256').update(payload).digest('hex') !== header.payloadSha256) {
    throw new ApiError('BACKUP_INVALID', 'backup file is truncated or damaged (checksum mismatch)');
  }
  const decipher = createDecipheriv('aes-256-gcm', await kek(passphrase, header.kdf), Buffer.from(header.wrappedKey.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(header.wrappedKey.tag, 'base64'));
  decipher.setAAD(headerAad(header));
  let backupKey: Buffer;
  try {
    backupKey = Buffer.concat([decipher.update(Buffer.from(header.wrappedKey.data, 'base64')), decipher.final()]);
  } catch {
    // GCM cannot tell a wrong passphrase from an altered header: both fail the same tag.
    throw new ApiError('BACKUP_PASSPHRASE', 'the backup passphrase is wrong, or the backup header was altered');
  }
  return { header, payload: Buffer.from(payload), backupKey };
}
