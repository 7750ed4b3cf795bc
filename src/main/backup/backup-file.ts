import { createCipheriv, createDecipheriv, createHash, randomBytes, scrypt as scryptCb } from 'node:crypto';
import { promisify } from 'node:util';
import { ApiError } from '../../shared/api/errors';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

/**
 * Backup file layout (all integers big-endian):
 *   magic "TWSBAK01" (8) | header length (4) | header JSON (UTF-8) | payload
 * header: { format: 1, createdAt, schemaVersion, kdf: {salt, N, r, p}, wrappedKey: {iv, tag, data}, payloadSha256, payloadBytes }
 * payload: a SQLCipher 4 database encrypted with the backup's own random key; that key is wrapped (AES-256-GCM)
 * by a key derived from the backup passphrase with scrypt. The SHA-256 lets restore check the whole file before
 * it touches anything.
 */
export const BACKUP_MAGIC = Buffer.from('TWSBAK01', 'ascii');
const SCRYPT = { N: 1 << 15, r: 8, p: 1 };
const MAX_HEADER = 64 * 1024;

export interface BackupHeader {
  format: 1;
  createdAt: string;
  schemaVersion: number;
  kdf: { salt: string; N: number; r: number; p: number };
  wrappedKey: { iv: string; tag: string; data: string };
  payloadSha256: string;
  payloadBytes: number;
}

async function kek(passphrase: string, kdf: BackupHeader['kdf']): Promise<Buffer> {
  return scrypt(passphrase.normalize('NFC'), Buffer.from(kdf.salt, 'base64'), 32, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 96 * 1024 * 1024 });
}

export async function sealBackup(payload: Buffer, backupKey: Buffer, passphrase: string, meta: { createdAt: string; schemaVersion: number }): Promise<Buffer> {
  const kdf = { salt: randomBytes(16).toString('base64'), ...SCRYPT };
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', await kek(passphrase, kdf), iv);
  const data = Buffer.concat([cipher.update(backupKey), cipher.final()]);
  const header: BackupHeader = {
    format: 1,
    createdAt: meta.createdAt,
    schemaVersion: meta.schemaVersion,
    kdf,
    wrappedKey: { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') },
    payloadSha256: createHash('sha256').update(payload).digest('hex'),
    payloadBytes: payload.length,
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
  if (header.format !== 1 || !header.kdf || !header.wrappedKey) throw new ApiError('BACKUP_INVALID', 'unknown backup format');
  const payload = file.subarray(12 + headerLength);
  if (payload.length !== header.payloadBytes || createHash('sha256').update(payload).digest('hex') !== header.payloadSha256) {
    throw new ApiError('BACKUP_INVALID', 'backup file is truncated or damaged (checksum mismatch)');
  }
  const decipher = createDecipheriv('aes-256-gcm', await kek(passphrase, header.kdf), Buffer.from(header.wrappedKey.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(header.wrappedKey.tag, 'base64'));
  let backupKey: Buffer;
  try {
    backupKey = Buffer.concat([decipher.update(Buffer.from(header.wrappedKey.data, 'base64')), decipher.final()]);
  } catch {
    throw new ApiError('BACKUP_PASSPHRASE', 'the backup passphrase is wrong');
  }
  return { header, payload: Buffer.from(payload), backupKey };
}
