import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { lineSecrets, secretArg } from '../../../src/main/cli/secrets';

/** Issue 15.13: the CLI takes passphrases from a prompt or standard input, not from the command line. */
const CLI = path.resolve(__dirname, '../../../src/main/cli/workstation.ts');
const dir = mkdtempSync(path.join(tmpdir(), 'tws-cli-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], stdin: string) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { input: stdin, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('CLI passphrases', () => {
  it('seed, backup and audit-verify read their passphrases from standard input, one per line, in order', () => {
    const db = path.join(dir, 'stdin.db');
    const seeded = cli(['seed', '--db', db, '--patients', '20'], 'stdin-passphrase-1\n');
    expect(seeded.status, seeded.stderr).toBe(0);
    expect(JSON.parse(seeded.stdout)).toMatchObject({ patients: 20 });
    expect(seeded.stderr).not.toContain('warning');
    const backup = cli(['backup', '--db', db, '--out', path.join(dir, 'stdin.twsbak')], 'stdin-passphrase-1\nbackup-passphrase-1\n');
    expect(backup.status, backup.stderr).toBe(0);
    const verify = cli(['audit-verify', '--db', db, '--passphrase', '-'], 'stdin-passphrase-1\n');
    expect(verify.status, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
    const wrong = cli(['audit-verify', '--db', db], 'not-the-passphrase\n');
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('DB_KEY_INVALID');
  });

  it('no passphrase on standard input is a usage error, not a hang or an empty passphrase', () => {
    const run = cli(['audit-verify', '--db', path.join(dir, 'stdin.db')], '');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('standard input ended');
  });

  it('a passphrase given as a value still works, with a warning that others can see it', async () => {
    const warnings: string[] = [];
    const never = { read: () => Promise.reject(new Error('must not ask')) };
    expect(await secretArg({ passphrase: 'literal-pass' }, 'passphrase', never, (m) => warnings.push(m))).toBe('literal-pass');
    expect(warnings[0]).toMatch(/visible to other users/);
  });

  it('lines arrive in order however the input is chunked, CRLF included', async () => {
    const input = new PassThrough();
    const source = lineSecrets(input);
    input.write('first-pa');
    const first = source.read('passphrase');
    input.write('ss\r\nsecond');
    input.end('-pass\n');
    expect(await first).toBe('first-pass');
    expect(await source.read('backup-passphrase')).toBe('second-pass');
  });
});
