import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AuditEntry, AuditVerifyResult } from '../../shared/api/system';
import type { Sqlite } from '../db/open';
import type { Reader } from '../db/handles';
import {
  auditEntriesWhere,
  auditRowsInOrder,
  auditSetting as setting,
  insertAuditRow,
  lastAuditRow,
  putAuditSetting as putSetting,
  type AuditRow,
} from './repository';

export interface AuditEvent {
  userId: number | null;
  username: string | null;
  action: string;
  kind: string;
  patientId?: string | null;
  outcome: 'ok' | 'error' | 'denied';
  details?: string | null;
}

type UnhashedRow = Omit<AuditRow, 'hash'>;

const GENESIS = '0'.repeat(64);

/** Rows that open a segment of the chain HMAC'd with a new audit key, and rows that record an anchor. */
export const SEAL_ACTION = 'audit.seal';
export const ANCHOR_ACTION = 'audit.anchor';

/**
 * What a seal row says (its details, JSON): from here on rows are HMAC'd with the key named `keyId`; `digest` is
 * SHA-256 over every earlier row (fields and stored hash), so rows written under a key this station no longer
 * has (before an upgrade, before a key was lost, a restored backup of another station) are still covered.
 */
interface SealDetails {
  chainId: string;
  keyId: string;
  through: number;
  digest: string;
  previousKeyId: string | null;
}

/** What an anchor row says: the head `through`/`headHash` was sent outside the station, MAC'd with the audit key. */
export interface AnchorDetails {
  chainId: string;
  target: string;
  through: number;
  headHash: string;
  mac: string;
}

/** The fields a row's hash covers, in a fixed order. */
function canonical(r: UnhashedRow): string {
  return JSON.stringify([r.id, r.at, r.userId, r.username, r.action, r.kind, r.patientId, r.outcome, r.details, r.prevHash]);
}

/** Rows written before the audit key existed (schema ≤ 0014 stations): plain SHA-256, covered by the first seal. */
function legacyHash(r: UnhashedRow): string {
  return createHash('sha256').update(canonical(r)).digest('hex');
}

function keyedHash(key: Buffer, r: UnhashedRow): string {
  return createHmac('sha256', key).update(canonical(r)).digest('hex');
}

/** A public name for a key (never the key): which key sealed a segment. */
export function auditKeyId(key: Buffer): string {
  return createHash('sha256').update('township-workstation audit key id\0').update(key).digest('hex').slice(0, 16);
}

/** The MAC an anchor carries: binds the head to this station's chain and audit key. */
export function anchorMac(key: Buffer, a: Pick<AnchorDetails, 'chainId' | 'through' | 'headHash'>): string {
  return createHmac('sha256', key).update(`audit-anchor\0${a.chainId}\0${a.through}\0${a.headHash}`).digest('hex');
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** This station's chain: a random id, so anchors of two stations of one center never collide at the platform. */
export function auditChainId(sqlite: Sqlite, at: Date): string {
  let id = setting(sqlite, 'audit.chainId');
  if (!id) {
    id = randomUUID();
    putSetting(sqlite, 'audit.chainId', id, at.toISOString());
  }
  return id;
}

function rowsDigest(sqlite: Reader, through: number): string {
  const digest = createHash('sha256');
  for (const row of auditRowsInOrder(sqlite, through)) {
    digest.update(canonical(row)).update(row.hash);
  }
  return digest.digest('hex');
}

function insertRow(sqlite: Sqlite, row: UnhashedRow, key: Buffer): AuditRow {
  const hashed: AuditRow = { ...row, hash: keyedHash(key, row) };
  insertAuditRow(sqlite, hashed);
  return hashed;
}

/**
 * Appends one row, HMAC'd with the audit key (issue 15.4) and chained to the previous row. The first row written
 * under a key (a new station, an upgrade, a key that had to be replaced) is preceded by a seal row. The chain head
 * (last id and hash) is also kept in settings so that cutting rows off the end is detected too.
 */
export function appendAudit(sqlite: Sqlite, event: AuditEvent, at: Date, key: Buffer): AuditRow {
  const tx = sqlite.transaction((): AuditRow => {
    let last = lastAuditRow(sqlite);
    const iso = at.toISOString();
    const keyId = auditKeyId(key);
    const sealedWith = setting(sqlite, 'audit.keyId') ?? null;
    if (sealedWith !== keyId) {
      const through = last?.id ?? 0;
      const seal: SealDetails = { chainId: auditChainId(sqlite, at), keyId, through, digest: rowsDigest(sqlite, through), previousKeyId: sealedWith };
      last = insertRow(
        sqlite,
        {
          id: through + 1,
          at: iso,
          userId: null,
          username: null,
          action: SEAL_ACTION,
          kind: 'admin',
          patientId: null,
          outcome: 'ok',
          details: JSON.stringify(seal),
          prevHash: last?.hash ?? GENESIS,
        },
        key,
      );
      putSetting(sqlite, 'audit.keyId', keyId, iso);
    }
    const row = insertRow(
      sqlite,
      {
        id: (last?.id ?? 0) + 1,
        at: iso,
        userId: event.userId,
        username: event.username,
        action: event.action,
        kind: event.kind,
        patientId: event.patientId ?? null,
        outcome: event.outcome,
        details: event.details ?? null,
        prevHash: last?.hash ?? GENESIS,
      },
      key,
    );
    putSetting(sqlite, 'audit.head', JSON.stringify({ id: row.id, hash: row.hash }), iso);
    return row;
  });
  return tx.immediate();
}

function parseSeal(details: string | null): SealDetails | null {
  try {
    const seal = JSON.parse(details ?? '') as Partial<SealDetails>;
    return typeof seal.keyId === 'string' && typeof seal.through === 'number' && typeof seal.digest === 'string' ? (seal as SealDetails) : null;
  } catch {
    return null;
  }
}

export function parseAnchor(details: string | null): AnchorDetails | null {
  try {
    const anchor = JSON.parse(details ?? '') as Partial<AnchorDetails>;
    return typeof anchor.through === 'number' && typeof anchor.headHash === 'string' && typeof anchor.mac === 'string' ? (anchor as AnchorDetails) : null;
  } catch {
    return null;
  }
}

/**
 * Walks the whole chain: ids without gaps, each row linked to the one before, each row's hash recomputed (SHA-256
 * before the first seal, HMAC with this station's audit key after a seal made with it), each seal's digest equal
 * to the rows before it, the kept head equal to the last row. A segment under a key this station does not hold is
 * accepted only when a later seal made with its own key covers it. Reports the last anchor sent outside the station
 * and whether the chain still holds the head that anchor names.
 */
export function verifyAuditChain(sqlite: Reader, key: Buffer): AuditVerifyResult {
  const ownKeyId = auditKeyId(key);
  let prevHash = GENESIS;
  let expectedId = 1;
  let checked = 0;
  let mode: 'legacy' | 'own' | 'foreign' = 'legacy';
  let foreignSealId = 0;
  let lastAnchor: { row: AuditRow; anchor: AnchorDetails } | null = null;
  const hashes = new Map<number, string>();
  const digest = createHash('sha256');
  const fail = (firstBadId: number, problem: NonNullable<AuditVerifyResult['problem']>): AuditVerifyResult => ({
    ok: false,
    checked,
    firstBadId,
    problem,
    anchor: anchorReport(lastAnchor, hashes, key),
  });
  for (const r of auditRowsInOrder(sqlite)) {
    if (r.id !== expectedId) return fail(expectedId, 'gap');
    if (r.prevHash !== prevHash) return fail(r.id, 'link');
    const { hash, ...rest } = r;
    if (r.action === SEAL_ACTION) {
      const seal = parseSeal(r.details);
      if (!seal || seal.through !== r.id - 1 || seal.digest !== digest.copy().digest('hex')) return fail(r.id, 'seal');
      mode = seal.keyId === ownKeyId ? 'own' : 'foreign';
      if (mode === 'foreign') foreignSealId = r.id;
    }
    if (mode === 'legacy' && legacyHash(rest) !== hash) return fail(r.id, 'hash');
    if (mode === 'own' && !sameHex(keyedHash(key, rest), hash)) return fail(r.id, 'hash');
    if (r.action === ANCHOR_ACTION) {
      const anchor = parseAnchor(r.details);
      if (anchor) lastAnchor = { row: r, anchor };
    }
    digest.update(canonical(rest)).update(hash);
    hashes.set(r.id, hash);
    prevHash = hash;
    expectedId++;
    checked++;
  }
  // Rows under no key of ours at the end, or a chain never sealed although this station has an audit key: nothing
  // vouches for them.
  if (mode === 'foreign') return fail(foreignSealId, 'key');
  if (mode === 'legacy' && checked > 0) return fail(1, 'key');
  const head = setting(sqlite, 'audit.head');
  if (head) {
    const { id, hash } = JSON.parse(head) as { id: number; hash: string };
    if (id !== expectedId - 1 || hash !== prevHash) return fail(Math.min(id, expectedId), 'gap');
  } else if (checked > 0) {
    return fail(1, 'gap');
  }
  return { ok: true, checked, firstBadId: null, problem: null, anchor: anchorReport(lastAnchor, hashes, key) };
}

function anchorReport(last: { row: AuditRow; anchor: AnchorDetails } | null, hashes: Map<number, string>, key: Buffer): AuditVerifyResult['anchor'] {
  if (!last) return null;
  const { anchor, row } = last;
  const macOk = sameHex(anchorMac(key, anchor), anchor.mac);
  const held = hashes.get(anchor.through);
  return { through: anchor.through, at: row.at, target: anchor.target, headHash: anchor.headHash, matches: macOk && held === anchor.headHash };
}

export interface AuditQuery {
  from?: string;
  to?: string;
  username?: string;
  action?: string;
  patientId?: string;
  outcome?: 'ok' | 'error' | 'denied';
  limit: number;
  beforeId?: number;
}

/** Newest first; `to` is inclusive of the whole day. Uses the at/patient/user indexes. */
export function searchAudit(sqlite: Reader, q: AuditQuery): AuditEntry[] {
  const where: string[] = [];
  const params: Record<string, string | number> & { limit: number } = { limit: q.limit };
  if (q.from) {
    where.push('at >= @from');
    params.from = q.from;
  }
  if (q.to) {
    where.push('at < @to');
    params.to = nextDay(q.to);
  }
  if (q.username) {
    where.push('username = @username');
    params.username = q.username;
  }
  if (q.action) {
    where.push('action LIKE @action');
    params.action = `${q.action}%`;
  }
  if (q.patientId) {
    where.push('patient_id = @patientId');
    params.patientId = q.patientId;
  }
  if (q.outcome) {
    where.push('outcome = @outcome');
    params.outcome = q.outcome;
  }
  if (q.beforeId) {
    where.push('id < @beforeId');
    params.beforeId = q.beforeId;
  }
  return auditEntriesWhere(sqlite, where, params);
}

function nextDay(isoDate: string): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
