import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../src/main/audit/audit-log';
import { defaultMigrationsFolder, openEncryptedDatabase } from '../../../src/main/db/open';

const TRIALS = 50;
const WRITER = path.resolve(__dirname, '../../support/crash/writer.ts');

/** Runs the writer until it has acknowledged some writes, kills it with SIGKILL, returns the last acknowledged id. */
function runAndKill(file: string, key: Buffer, auditKey: Buffer, killAfterMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    // One process (node with tsx's loader), not the tsx wrapper: SIGKILL on a wrapper would orphan the real writer.
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, file, key.toString('hex'), auditKey.toString('hex')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lastAck = 0;
    let buffer = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      buffer += c.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        else if (/^\d+$/.test(line)) lastAck = Number(line);
      }
    });
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(lastAck) : reject(new Error(`writer exited without being killed: ${stderr}`))));
  });
}

describe('crash safety (SIGKILL during writes)', () => {
  it(`after ${TRIALS} kills mid-write the store passes integrity_check and holds every acknowledged write`, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tws-crash-'));
    const file = path.join(dir, 'crash.db');
    const key = randomBytes(32);
    const auditKey = randomBytes(32);
    const migrationsFolder = defaultMigrationsFolder();
    let totalAcked = 0;
    try {
      for (let trial = 0; trial < TRIALS; trial++) {
        const acked = await runAndKill(file, key, auditKey, 20 + Math.floor(Math.random() * 150));
        const { sqlite } = openEncryptedDatabase(file, key, { migrationsFolder, create: false });
        try {
          expect(sqlite.pragma('integrity_check', { simple: true }), `trial ${trial}`).toBe('ok');
          const { n } = sqlite.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number };
          expect(n, `trial ${trial}: acknowledged ${acked}, found ${n}`).toBeGreaterThanOrEqual(acked);
          expect(verifyAuditChain(sqlite, auditKey), `trial ${trial}`).toMatchObject({ ok: true });
          totalAcked = acked;
        } finally {
          sqlite.close();
        }
      }
      expect(totalAcked).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
