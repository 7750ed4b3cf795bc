import { and, eq, sql } from 'drizzle-orm';
import type { CountyRecordItem } from '../../shared/api/county-record';
import type { ReadDb, WriteDb } from '../db/handles';
import { countyRecordFetches, countyRecordItems, syncOutbox, type CountyRecordFetchRow, type NewCountyRecordItemRow } from '../db/schema';

type NewCountyRecordFetchRow = typeof countyRecordFetches.$inferInsert;

/** The county-record cache: read by the chart, replaced whole by a fetch (never updated in place). */

export interface CachedCountyRecord {
  fetch: CountyRecordFetchRow | undefined;
  items: CountyRecordItem[];
}

export function readCountyRecord(db: ReadDb, patientId: string): CachedCountyRecord {
  const fetch = db.select().from(countyRecordFetches).where(eq(countyRecordFetches.patientId, patientId)).get();
  const rows = db.select().from(countyRecordItems).where(eq(countyRecordItems.patientId, patientId)).all();
  return {
    fetch,
    items: rows.map((row) => ({
      resourceType: row.resourceType,
      resourceId: row.resourceId,
      kind: row.kind,
      title: row.title,
      detail: row.detail,
      effectiveAt: row.effectiveAt,
      sourceInstitution: row.sourceInstitution,
      sourceInstitutionCode: row.sourceInstitutionCode,
    })),
  };
}

export interface CountyRecordReplacement {
  patientId: string;
  residentId: string;
  sourceUrl: string;
  fetchedAt: string;
  fetchedBy: number;
  fetchedByName: string;
  items: (CountyRecordItem & { resource: string })[];
}

/** One transaction: the old cache of this patient goes, the new one comes, or neither. */
export function replaceCountyRecord(db: WriteDb, replacement: CountyRecordReplacement): void {
  db.transaction((tx) => {
    tx.delete(countyRecordItems).where(eq(countyRecordItems.patientId, replacement.patientId)).run();
    const rows: NewCountyRecordItemRow[] = replacement.items.map((item) => ({ ...item, patientId: replacement.patientId, fetchedAt: replacement.fetchedAt }));
    // SQLite caps bound parameters per statement; 50 rows × 11 columns stays well under it.
    for (let start = 0; start < rows.length; start += 50)
      tx.insert(countyRecordItems)
        .values(rows.slice(start, start + 50))
        .run();
    const { patientId, residentId, sourceUrl, fetchedAt, fetchedBy, fetchedByName } = replacement;
    const fetch: NewCountyRecordFetchRow = { patientId, residentId, sourceUrl, fetchedAt, fetchedBy, fetchedByName, itemCount: rows.length };
    tx.insert(countyRecordFetches).values(fetch).onConflictDoUpdate({ target: countyRecordFetches.patientId, set: fetch }).run();
  });
}

/** Whether this station ever queued `type/id` for a platform: then the record is the center's own, not the county's. */
export function queuedByThisStation(db: ReadDb, resourceType: string, resourceId: string): boolean {
  return (
    db
      .select({ one: sql<number>`1` })
      .from(syncOutbox)
      .where(and(eq(syncOutbox.resourceType, resourceType), eq(syncOutbox.resourceId, resourceId)))
      .limit(1)
      .get() !== undefined
  );
}
