import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { ApiError } from '../../shared/api/errors';
import { systemClock } from '../clock';
import { defaultMigrationsFolder } from '../db/open';
import { Store } from '../db/store';
import { insertPatientRow } from '../patients/patient-service';
import { searchColumnsFor, type PatientSearchColumns } from '../patients/patient-keys';
import { generateResidents, SYNTHETIC_VILLAGES } from '../patients/synthetic-residents';
import { writeSettings } from '../settings/settings-service';

const BATCH = 10_000;
const SAMPLES = 10;

/**
 * Creates a new encrypted workstation database (the app's own schema and insert path) holding N synthetic
 * residents. Streams the generator in batches so 500,000 residents never sit in memory at once.
 */
export async function seedDatabase(opts: { dbFile: string; patients: number; passphrase: string; seed: number }) {
  if (existsSync(opts.dbFile)) throw new ApiError('CONFLICT', `${opts.dbFile} exists; seed only creates new databases`);
  const started = performance.now();
  const store = new Store({ dbFile: opts.dbFile, migrationsFolder: defaultMigrationsFolder() });
  await store.openWithPassphrase(opts.passphrase);
  const { sqlite, db } = store.current;
  writeSettings(db, { villages: SYNTHETIC_VILLAGES.map((v) => v.name) }, systemClock);
  // Names repeat a lot in a township; computing pinyin once per distinct name is most of the speed.
  const keyCache = new Map<string, PatientSearchColumns>();
  const sampleEvery = Math.max(1, Math.floor(opts.patients / SAMPLES));
  const samplePatients: { name: string; idNumber: string; phone: string | null; village: string }[] = [];
  const now = new Date().toISOString();
  let inserted = 0;
  let batch: Parameters<typeof insertPatientRow>[1][] = [];
  const flush = sqlite.transaction((rows: typeof batch) => rows.forEach((r) => insertPatientRow(sqlite, r)));
  try {
    for (const r of generateResidents(opts.patients, opts.seed)) {
      let keys = keyCache.get(r.name);
      if (!keys) keyCache.set(r.name, (keys = searchColumnsFor(r.name)));
      batch.push({
        id: randomUUID(),
        ...keys,
        idNumber: r.residentId,
        idSuffix: r.residentId.slice(-6),
        noIdReason: null,
        sex: r.sex,
        birthDate: r.birthDate,
        phone: r.phone ?? null,
        healthCardNumber: null,
        village: r.village,
        address: r.address,
        household: r.householdId,
        contractDoctor: null,
        contractDate: null,
        hypertension: r.hypertension,
        diabetes: r.type2Diabetes,
        allergies: null,
        createdAt: now,
      });
      if (inserted % sampleEvery === 0 && samplePatients.length < SAMPLES)
        samplePatients.push({ name: r.name, idNumber: r.residentId, phone: r.phone ?? null, village: r.village });
      inserted++;
      if (batch.length >= BATCH) {
        flush(batch);
        batch = [];
      }
    }
    if (batch.length) flush(batch);
    sqlite.pragma('optimize');
  } finally {
    store.close();
  }
  return { db: opts.dbFile, patients: inserted, samplePatients, seconds: Math.round((performance.now() - started) / 100) / 10 };
}
