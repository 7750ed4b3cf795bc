import { eq } from 'drizzle-orm';
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
    db = drizzle(sqlite, { schema }) as Db;
    dbs.set(sqlite, db);
  }
  return db;
}

export function requirePatient(db: Db, patientId: string): { sex: 'M' | 'F' | 'U'; birthDate: string } {
  const row = db.select({ sex: schema.patients.sex, birthDate: schema.patients.birthDate }).from(schema.patients).where(eq(schema.patients.id, patientId)).get();
  if (!row) throw new MissingDependency('Patient', patientId);
  return row;
}

