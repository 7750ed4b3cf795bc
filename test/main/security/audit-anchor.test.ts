import type { AuditEvent } from '@medplum/fhirtypes';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { anchorAuditHead, lastAnchor } from '../../../src/main/audit/anchor';
import { auditKeyId } from '../../../src/main/audit/audit-log';
import { makeResidentId } from '../../../src/shared/resident-id';
import { keyFileOf } from '../../../src/main/db/store';
import type { Sqlite } from '../../../src/main/db/open';
import { generatePlatformPki, type PlatformPki } from '../../support/fhir-peer/certs';
import { startFhirPeer, type FhirPeer } from '../../support/fhir-peer/peer';
import { ADMIN, openTestStation, type TestStation } from '../../support/test-services';

/**
 * Issue 15.4: the audit chain is HMAC'd with its own key (so the database key alone cannot re-seal an edit) and its
 * head is anchored at the county platform at each sync; a restore is written into the restored chain.
 */
const stations: TestStation[] = [];
afterEach(() => {
  for (const station of stations.splice(0)) station.dispose();
});

async function station(opts: { dataDir?: string } = {}): Promise<TestStation> {
  const s = await openTestStation({ withAdmin: true, ...opts });
  stations.push(s);
  return s;
}

async function someActivity(s: TestStation, n = 4): Promise<void> {
  for (let i = 0; i < n; i++) await call(s.services.dispatch, 'settings', 'update', { facilityName: `某镇卫生院${i}` });
}

interface RawRow {
  id: number;
  at: string;
  user_id: number | null;
  username: string | null;
  action: string;
  kind: string;
  patient_id: string | null;
  outcome: string;
  details: string | null;
  prev_hash: string;
  hash: string;
}

/**
 * What an attacker holding only the database key could do to the old, unkeyed chain: edit a row and recompute
 * SHA-256 over it and every later row, links and kept head included.
 */
function rewriteWithSha256(sqlite: Sqlite, fromId: number, edit: (row: RawRow) => RawRow): void {
  sqlite.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
  const rows = sqlite.prepare<[], RawRow>('SELECT * FROM audit_log ORDER BY id').all();
  let prev = fromId > 1 ? rows[fromId - 2].hash : '0'.repeat(64);
  const update = sqlite.prepare(
    'UPDATE audit_log SET action = @action, username = @username, details = @details, prev_hash = @prev_hash, hash = @hash WHERE id = @id',
  );
  for (const original of rows.filter((r) => r.id >= fromId)) {
    const row = original.id === fromId ? edit(original) : original;
    const canonical = JSON.stringify([row.id, row.at, row.user_id, row.username, row.action, row.kind, row.patient_id, row.outcome, row.details, prev]);
    const hash = createHash('sha256').update(canonical).digest('hex');
    update.run({ ...row, prev_hash: prev, hash });
    prev = hash;
  }
  const last = rows.at(-1)!;
  sqlite.prepare(`UPDATE settings SET value = ? WHERE key = 'audit.head'`).run(JSON.stringify({ id: last.id, hash: prev }));
}

describe('audit chain keyed apart from the database (issue 15.4)', () => {
  it('an edit re-hashed by someone holding only the database key is detected', async () => {
    const s = await station();
    await someActivity(s);
    expect(s.services.audit.verify()).toMatchObject({ ok: true, problem: null });
    const { sqlite } = s.services.store.current;
    rewriteWithSha256(sqlite, 4, (row) => ({ ...row, username: 'someone-else' }));
    expect(s.services.audit.verify()).toMatchObject({ ok: false, firstBadId: 4, problem: 'hash' });
  });

  it('a chain rewritten whole without its seal (as if never keyed) is refused', async () => {
    const s = await station();
    await someActivity(s);
    const { sqlite } = s.services.store.current;
    rewriteWithSha256(sqlite, 1, (row) => ({ ...row, action: 'auth.setupAdmin', details: null }));
    expect(s.services.audit.verify()).toMatchObject({ ok: false, problem: 'key' });
  });

  it('the audit key lives in the key file under the same protection, is not the database key, and survives reopening', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tws-audit-key-'));
    try {
      const first = await openTestStation({ dataDir, withAdmin: true });
      const keyId = auditKeyId(first.services.store.auditKey);
      expect(first.services.store.auditKey.equals(first.services.store.current.key)).toBe(false);
      const keyFile = readFileSync(keyFileOf(first.services.store.dbFile), 'utf8');
      expect(keyFile).toContain('"audit"');
      expect(keyFile).not.toContain(first.services.store.auditKey.toString('base64'));
      await someActivity(first, 2);
      first.dispose();
      const again = await openTestStation({ dataDir });
      expect(auditKeyId(again.services.store.auditKey)).toBe(keyId);
      await call(again.services.dispatch, 'auth', 'signIn', { username: ADMIN.username, password: ADMIN.password });
      await someActivity(again, 1);
      const seals = again.services.store.current.sqlite.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'audit.seal'`).get() as { n: number };
      expect(seals.n).toBe(1);
      expect(again.services.audit.verify()).toMatchObject({ ok: true });
      again.dispose();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a backup from another station restores with its history covered by a new seal, and the restore is in the chain', async () => {
    const a = await station();
    await someActivity(a, 3);
    const backup = await call(a.services.dispatch, 'backup', 'create', { passphrase: 'backup-passphrase-01' });
    const b = await station();
    const restored = await call(b.services.dispatch, 'backup', 'restore', {
      file: b.services.files.register(backup.path, 'backup').handle,
      passphrase: 'backup-passphrase-01',
    });
    expect(restored.restoredFrom).toBe(backup.path);
    const { sqlite } = b.services.store.current;
    const actions = sqlite.prepare<[], { action: string; details: string | null }>('SELECT action, details FROM audit_log ORDER BY id').all();
    const seals = actions.filter((r) => r.action === 'audit.seal').map((r) => JSON.parse(r.details ?? '{}') as { keyId: string; previousKeyId: string | null });
    expect(seals.map((seal) => seal.keyId)).toEqual([auditKeyId(a.services.store.auditKey), auditKeyId(b.services.store.auditKey)]);
    expect(seals[1].previousKeyId).toBe(auditKeyId(a.services.store.auditKey));
    expect(actions.some((r) => r.action === 'backup.restored' && (r.details ?? '').includes('archived'))).toBe(true);
    expect(b.services.audit.verify()).toMatchObject({ ok: true });
  });
});

describe('audit chain head anchored at the county (issue 15.4)', () => {
  let pki: PlatformPki;
  let county: FhirPeer;
  beforeAll(async () => {
    pki = generatePlatformPki({ name: 'county' });
    county = await startFhirPeer({ ca: pki.ca.certPem, serverCert: pki.server.certPem, serverKey: pki.server.keyPem });
  });
  afterAll(async () => {
    await county.stop();
  });

  it('each sync sends the head as an AuditEvent; verify says the chain still holds it, and notices when it no longer does', async () => {
    const s = await station();
    await call(s.services.dispatch, 'sync', 'configure', {
      id: 'county',
      baseUrl: county.url,
      caCertificatePath: pki.ca.certPath,
      clientPkcs12Path: pki.client.pfxPath,
      clientPassphrase: pki.client.passphrase,
    });
    try {
      await someActivity(s, 2);
      // A sync that sends a record ends by anchoring the head (an idle one adds nothing of its own).
      await call(s.services.dispatch, 'patients', 'register', { name: '锚定患者', idNumber: makeResidentId('130321', '1961-02-03', 17) });
      await call(s.services.dispatch, 'sync', 'syncNow', {});
      const deadline = Date.now() + 20_000;
      let events: AuditEvent[] = [];
      while (Date.now() < deadline) {
        events = await county.repo.all('AuditEvent');
        if (events.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(events).toHaveLength(1);
      const anchor = lastAnchor(s.services.store.current.sqlite)!;
      const detail = new Map(events[0].entity![0].detail!.map((d) => [d.type, d.valueString]));
      expect(detail.get('through')).toBe(String(anchor.through));
      expect(detail.get('headHash')).toBe(anchor.headHash);
      expect(detail.get('macAlgorithm')).toBe('HMAC-SHA256');
      expect(s.services.audit.verify()).toMatchObject({ ok: true, anchor: { through: anchor.through, matches: true, target: 'county' } });

      // Nothing new since the anchor: no second anchor; something new but within a minute: none either.
      expect(anchorAuditHead(s.services.store.current.sqlite, { key: s.services.store.auditKey, at: s.clock.now(), facilityName: 'x' })).toBeNull();
      await someActivity(s, 1);
      expect(anchorAuditHead(s.services.store.current.sqlite, { key: s.services.store.auditKey, at: s.clock.now(), facilityName: 'x' })).toBeNull();
      s.clock.advance(61_000);
      expect(anchorAuditHead(s.services.store.current.sqlite, { key: s.services.store.auditKey, at: s.clock.now(), facilityName: 'x' })).not.toBeNull();

      // The anchored head row edited afterwards: the county's copy no longer matches what the chain holds.
      const { sqlite } = s.services.store.current;
      sqlite.exec('DROP TRIGGER IF EXISTS audit_log_no_update;');
      sqlite.prepare('UPDATE audit_log SET hash = ? WHERE id = ?').run('f'.repeat(64), anchor.through);
      const report = s.services.audit.verify();
      expect(report.ok).toBe(false);
      expect(report.anchor?.matches === true).toBe(false);
    } finally {
      await s.services.sync.close();
    }
  });
});
