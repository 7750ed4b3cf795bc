import { and, asc, count, eq, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { SyncRecordList, SyncRecordListName, SyncRecordView } from '../../shared/api/sync';
import { syncErrorInfo, SYNC_ERROR_CODES, type SyncErrorCode, type SyncErrorInfo, type SyncTargetId } from '../../shared/sync';
import type { Db } from '../db/open';
import { patients, syncConflicts, syncOutbox } from '../db/schema';
import { isJsonObject } from './errors';

/**
 * The 同步 screen's lists per target: records waiting to go, records that failed (held after a refusal, or retrying
 * after a failure, each with its reason and action) and records in conflict — each with the patient it belongs to,
 * so the screen can open the record. A record is listed once, by its newest outbox row. `limit` 0 asks for the
 * count alone (the screen's summary polls that; it names no patient, so it writes no audit row).
 */

/** The newest row of each record for its target (earlier rows of an edited record are history). */
const newest = sql`${syncOutbox.seq} = (SELECT max(l.seq) FROM sync_outbox l WHERE l.target = ${syncOutbox.target}
  AND l.resource_type = ${syncOutbox.resourceType} AND l.resource_id = ${syncOutbox.resourceId})`;

const inOpenConflict = sql`EXISTS (SELECT 1 FROM sync_conflicts c WHERE c.target = ${syncOutbox.target}
  AND c.resource_type = ${syncOutbox.resourceType} AND c.resource_id = ${syncOutbox.resourceId} AND c.resolution IS NULL)`;

function outboxFilter(target: SyncTargetId, list: Exclude<SyncRecordListName, 'conflict'>): SQL | undefined {
  const state =
    list === 'waiting'
      ? and(eq(syncOutbox.state, 'pending'), isNull(syncOutbox.lastError))
      : or(eq(syncOutbox.state, 'held'), and(eq(syncOutbox.state, 'pending'), isNotNull(syncOutbox.lastError)));
  return and(eq(syncOutbox.target, target), state, newest, sql`NOT ${inOpenConflict}`);
}

/** The local patient a FHIR resource belongs to (ids are shared: see sync/mapping). */
export function patientOfResource(resourceType: string, resourceId: string, resourceJson: string): string | null {
  if (resourceType === 'Patient') return resourceId;
  let resource: unknown;
  try {
    resource = JSON.parse(resourceJson);
  } catch {
    return null;
  }
  if (!isJsonObject(resource)) return null;
  for (const key of ['subject', 'patient', 'for']) {
    const reference = resource[key];
    const text = isJsonObject(reference) ? reference.reference : undefined;
    if (typeof text === 'string' && text.startsWith('Patient/')) return text.slice('Patient/'.length);
  }
  return null;
}

function errorOf(json: string | null): SyncErrorInfo | null {
  if (!json) return null;
  try {
    const parsed: unknown = JSON.parse(json);
    if (!isJsonObject(parsed)) return null;
    const code: SyncErrorCode | undefined = SYNC_ERROR_CODES.find((each) => each === parsed.code);
    if (!code) return null;
    return syncErrorInfo(code, typeof parsed.message === 'string' ? parsed.message : '', typeof parsed.status === 'number' ? parsed.status : undefined);
  } catch {
    return null;
  }
}

export function listSyncRecords(db: Db, target: SyncTargetId, list: SyncRecordListName, limit: number): SyncRecordList {
  const rows: Omit<SyncRecordView, 'patientName'>[] = [];
  let total: number;
  if (list === 'conflict') {
    const open = and(eq(syncConflicts.target, target), isNull(syncConflicts.resolution));
    total = db.select({ n: count() }).from(syncConflicts).where(open).get()?.n ?? 0;
    for (const row of limit === 0 ? [] : db.select().from(syncConflicts).where(open).orderBy(asc(syncConflicts.id)).limit(limit).all()) {
      rows.push({
        resourceType: row.resourceType,
        resourceId: row.resourceId,
        patientId: patientOfResource(row.resourceType, row.resourceId, row.ours),
        lastError: syncErrorInfo('CONFLICT', 'changed on the platform since this station last saw it'),
        attempts: 0,
        queuedAt: new Date(row.detectedAt).toISOString(),
        nextAttemptAt: null,
        conflictId: row.id,
      });
    }
  } else {
    const where = outboxFilter(target, list);
    total = db.select({ n: count() }).from(syncOutbox).where(where).get()?.n ?? 0;
    for (const row of limit === 0 ? [] : db.select().from(syncOutbox).where(where).orderBy(asc(syncOutbox.seq)).limit(limit).all()) {
      rows.push({
        resourceType: row.resourceType,
        resourceId: row.resourceId,
        patientId: patientOfResource(row.resourceType, row.resourceId, row.resource),
        lastError: errorOf(row.lastError),
        attempts: row.attempts,
        queuedAt: row.createdAt,
        nextAttemptAt: row.nextAttemptAt === null ? null : new Date(row.nextAttemptAt).toISOString(),
        conflictId: null,
      });
    }
  }
  const ids = [...new Set(rows.map((row) => row.patientId).filter((id): id is string => id !== null))];
  const names = new Map(
    ids.length === 0
      ? []
      : db
          .select({ id: patients.id, name: patients.name })
          .from(patients)
          .where(inArray(patients.id, ids))
          .all()
          .map((row) => [row.id, row.name]),
  );
  return { total, records: rows.map((row) => ({ ...row, patientName: row.patientId ? (names.get(row.patientId) ?? null) : null })) };
}
