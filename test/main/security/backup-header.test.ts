import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openBackup, sealBackup } from '../../../src/main/backup/backup-file';
import { ApiError } from '../../../src/shared/api/errors';
import { openTestStation } from '../../support/test-services';

const PASS = 'backup-passphrase-1';

/** Rewrites the JSON header of a sealed file (length prefix kept right), as an attacker with the file could. */
function editHeader(file: Buffer, edit: (h: Record<string, unknown>) => void): Buffer {
  const len = file.readUInt32BE(8);
  const header = JSON.parse(file.subarray(12, 12 + len).toString('utf8')) as Record<string, unknown>;
  edit(header);
  const bytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(bytes.length);
  return Buffer.concat([file.subarray(0, 8), prefix, bytes, file.subarray(12 + len)]);
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    return `${(err as ApiError).code}:${String((err as ApiError).details?.reason ?? '')}`;
  }
}

describe('backup header (issue 15 point 12)', () => {
  it('is authenticated: a changed schema version or date is refused, an untouched file opens', async () => {
    const sealed = await sealBackup(randomBytes(4096), randomBytes(32), PASS, { createdAt: '2026-12-01T00:00:00.000Z', schemaVersion: 10 });
    expect((await openBackup(sealed, PASS)).header.schemaVersion).toBe(10);
    expect(
      await refusal(
        openBackup(
          editHeader(sealed, (h) => (h.schemaVersion = 3)),
          PASS,
        ),
      ),
    ).toBe('BACKUP_PASSPHRASE:');
    expect(
      await refusal(
        openBackup(
          editHeader(sealed, (h) => (h.createdAt = '2020-01-01T00:00:00.000Z')),
          PASS,
        ),
      ),
    ).toBe('BACKUP_PASSPHRASE:');
  });

  it('bounds the KDF parameters read from the file before doing any work', async () => {
    const sealed = await sealBackup(randomBytes(1024), randomBytes(32), PASS, { createdAt: '2026-12-01T00:00:00.000Z', schemaVersion: 10 });
    for (const kdf of [{ N: 2 ** 30 }, { N: 3 * 2 ** 14 }, { N: 2 ** 8 }, { r: 1000 }, { p: 64 }, { salt: '' }]) {
      const edited = editHeader(sealed, (h) => (h.kdf = { ...(h.kdf as object), ...kdf }));
      expect(await refusal(openBackup(edited, PASS))).toBe('BACKUP_INVALID:SECURITY_BACKUP_KDF');
    }
  });
});

describe('temp files (issue 15 point 11)', () => {
  it('the store keeps temporary tables and sorts in memory (SQLite3MC does not encrypt temp files)', async () => {
    const station = await openTestStation();
    try {
      expect(station.services.store.current.sqlite.pragma('temp_store', { simple: true })).toBe(2);
    } finally {
      station.dispose();
    }
  });
});
