import type { Resource } from '@medplum/fhirtypes';
import { eq, sql, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { Db, Sqlite } from '../../db/open';
import * as schema from '../../db/schema';

/**
 * A pulled record that needs another one first (an ECG lead before its report, vitals before their patient).
 * The sync service keeps it in sync_pulled_parts and stores it once that record arrives, whatever the order the
 * platform's streams deliver them in.
 */
export class MissingDependency extends Error {
  constructor(
    readonly resourceType: string,
    readonly resourceId: string,
  ) {
    super(`waiting for ${resourceType}/${resourceId}`);
  }
}

const dbs = new WeakMap<Sqlite, Db>();

/** One drizzle handle per open database (the appliers run per pulled resource: hundreds of thousands at first sync). */
export function dbOf(sqlite: Sqlite): Db {
  let db = dbs.get(sqlite);
  if (!db) {
    db = drizzle(sqlite, { schema });
    dbs.set(sqlite, db);
  }
  return db;
}

const statements = new WeakMap<Db, Map<string, unknown>>();

/** A drizzle query built and prepared once per database (building and preparing cost more than running it). */
export function prepared<T>(db: Db, key: string, build: () => T): T {
  let byKey = statements.get(db);
  if (!byKey) statements.set(db, (byKey = new Map()));
  let statement = byKey.get(key) as T | undefined;
  if (statement === undefined) {
    statement = build();
    byKey.set(key, statement);
  }
  return statement;
}

/** A named parameter where drizzle's update `set` takes only SQL (insert values take placeholders directly). */
export function param(name: string): SQL {
  return sql`${sql.placeholder(name)}`;
}

/** A pulled resource kept as JSON (sync_pulled_parts), read back; only the station wrote it. */
export function parseStoredResource(json: string): Resource {
  const parsed: unknown = JSON.parse(json);
  if (!isResource(parsed)) throw new Error('a parked pulled resource is not a FHIR resource');
  return parsed;
}

function isResource(value: unknown): value is Resource {
  return typeof value === 'object' && value !== null && 'resourceType' in value && typeof value.resourceType === 'string';
}

export function requirePatient(db: Db, patientId: string): { sex: 'M' | 'F' | 'U'; birthDate: string } {
  const row = prepared(db, 'patient', () =>
    db
      .select({ sex: schema.patients.sex, birthDate: schema.patients.birthDate })
      .from(schema.patients)
      .where(eq(schema.patients.id, sql.placeholder('id')))
      .prepare(),
  ).get({ id: patientId });
  if (!row) throw new MissingDependency('Patient', patientId);
  return row;
}
