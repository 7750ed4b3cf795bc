import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/main/cli/workstation';
import { parseResidentId } from '../../../src/shared/resident-id';

const dir = mkdtempSync(path.join(tmpdir(), 'tws-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function noPlaintext(file: string, needles: string[]) {
  const bytes = readFileSync(file);
  expect(bytes.includes(Buffer.from('SQLite format 3')), file).toBe(false);
  for (const n of needles) expect(bytes.includes(Buffer.from(n)), `${file} holds ${n}`).toBe(false);
}

describe('administrator command line', () => {
  it('seed (as a real process) creates an encrypted database with valid synthetic residents and prints JSON', () => {
    const db = path.join(dir, 'seeded.db');
    const out = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        path.resolve(__dirname, '../../../src/main/cli/workstation.ts'),
        'seed',
        '--db',
        db,
        '--patients',
        '3000',
        '--passphrase',
        'cli-passphrase-1',
      ],
      { encoding: 'utf8' },
    );
    const result = JSON.parse(out);
    expect(result).toMatchObject({ db, patients: 3000 });
    expect(result.samplePatients.length).toBeGreaterThan(0);
    for (const p of result.samplePatients) {
      expect(parseResidentId(p.idNumber, '2026-11-23').ok).toBe(true);
      expect(p.name).toMatch(/^\p{Script=Han}{2,4}$/u);
    }
    const needles = result.samplePatients.flatMap((p: { name: string; idNumber: string }) => [p.name, p.idNumber]);
    for (const f of readdirSync(dir).filter((f) => f.startsWith('seeded.db') && !f.endsWith('.json'))) noPlaintext(path.join(dir, f), needles);
  });

  it('backup, audit-verify and restore work on the seeded database; a wrong passphrase is a clear error', async () => {
    const db = path.join(dir, 'seeded.db');
    const backupFile = path.join(dir, 'seeded.twsbak');
    const backup = (await runCommand([
      'backup',
      '--db',
      db,
      '--passphrase',
      'cli-passphrase-1',
      '--backup-passphrase',
      'backup-pass-1',
      '--out',
      backupFile,
    ])) as { path: string };
    expect(backup.path).toBe(backupFile);
    noPlaintext(backupFile, []);
    expect(await runCommand(['audit-verify', '--db', db, '--passphrase', 'cli-passphrase-1'])).toMatchObject({ ok: true });
    expect(
      await runCommand(['restore', '--db', db, '--passphrase', 'cli-passphrase-1', '--backup-passphrase', 'backup-pass-1', '--from', backupFile]),
    ).toMatchObject({ patients: 3000 });
    await expect(runCommand(['audit-verify', '--db', db, '--passphrase', 'wrong-passphrase'])).rejects.toMatchObject({ code: 'DB_KEY_INVALID' });
    await expect(runCommand(['seed', '--db', db, '--patients', '1', '--passphrase', 'x'])).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(runCommand(['seed', '--db', db, '--patients', '-5', '--passphrase', 'x'])).rejects.toThrow(/whole number/);
    await expect(runCommand(['frobnicate'])).rejects.toThrow(/unknown command/);
  });
});
