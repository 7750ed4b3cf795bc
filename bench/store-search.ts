import Database from 'better-sqlite3-multiple-ciphers';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { call } from '../src/main/api/dispatcher';
import { seedDatabase } from '../src/main/cli/seed';
import { ManualClock } from '../src/main/clock';
import { applyKey, defaultMigrationsFolder, openEncryptedDatabase, proveKey } from '../src/main/db/open';
import { Store } from '../src/main/db/store';
import { searchPatients } from '../src/main/patients/patient-search';
import { createServices } from '../src/main/services';
import { median, percentile, round, timeEach } from './stats';

const PATIENT_ROW_SQL = `CREATE TABLE t (id TEXT PRIMARY KEY, name TEXT, pinyin TEXT, id_number TEXT, phone TEXT, village TEXT, birth_date TEXT, created_at TEXT)`;

function insertRows(db: Database.Database, n: number): number {
  db.exec(PATIENT_ROW_SQL);
  db.exec('CREATE INDEX t_name ON t(name); CREATE INDEX t_id ON t(id_number)');
  const stmt = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const t = performance.now();
  const tx = db.transaction(() => {
    for (let i = 0; i < n; i++)
      stmt.run(
        `p-${i}`,
        `张${i % 977}${i % 13}`,
        `zhang${i}`,
        `430599${String(19000000000 + i).slice(0, 12)}`,
        `138${String(i).padStart(8, '0')}`,
        '长岭村',
        '1960-01-01',
        '2026-01-01T00:00:00Z',
      );
  });
  tx();
  return performance.now() - t;
}

/** store.*: open with the raw key, encrypted vs plain bulk insert (same run), indexed lookup, main-thread block per API call. */
export async function benchStore(): Promise<Record<string, number>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tws-bench-store-'));
  const migrationsFolder = defaultMigrationsFolder();
  try {
    const key = randomBytes(32);
    const file = path.join(dir, 'open.db');
    openEncryptedDatabase(file, key, { migrationsFolder, create: true }).sqlite.close();
    const openMs = median(timeEach(15, () => openEncryptedDatabase(file, key, { migrationsFolder, create: false }).sqlite.close()));

    // 100k rows, encrypted and plain, four rounds with the order alternating, so drift on a shared machine and
    // first-file effects hit both alike; the figure is the median of the per-round ratios.
    const ratios: number[] = [];
    let lookups: number[] = [];
    for (let r = 0; r < 4; r++) {
      const enc = new Database(path.join(dir, `enc${r}.db`));
      applyKey(enc, key);
      const plain = new Database(path.join(dir, `plain${r}.db`));
      for (const db of [enc, plain]) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
      }
      let tEnc: number;
      let tPlain: number;
      if (r % 2 === 0) {
        tEnc = insertRows(enc, 100_000);
        tPlain = insertRows(plain, 100_000);
      } else {
        tPlain = insertRows(plain, 100_000);
        tEnc = insertRows(enc, 100_000);
      }
      ratios.push(tEnc / tPlain);
      if (r === 3)
        lookups = timeEach(2000, (i) =>
          enc.prepare('SELECT * FROM t WHERE id_number = ?').get(`430599${String(19000000000 + ((i * 37) % 100_000)).slice(0, 12)}`),
        );
      enc.close();
      plain.close();
    }
    return {
      'store.openMs': round(openMs),
      'store.encryptedInsertRatio': round(median(ratios)),
      'store.lookupUs': round(median(lookups) * 1000, 1),
      'store.mainThreadBlockMsP99': round(await apiBlockP99(dir)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How long one API call holds the (single) main thread, p99 over a mix of the calls a clinic makes all day. */
async function apiBlockP99(dir: string): Promise<number> {
  const services = createServices({
    dataDir: path.join(dir, 'api'),
    migrationsFolder: defaultMigrationsFolder(),
    clock: new ManualClock(),
    appVersion: 'bench',
  });
  await services.store.openWithPassphrase('bench-passphrase-1');
  await call(services.dispatch, 'auth', 'setupAdmin', { username: 'admin', displayName: '管理员', password: 'Clinic2026ok' });
  const times: number[] = [];
  const timed = async (fn: () => Promise<unknown>) => {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  };
  for (let i = 0; i < 300; i++) {
    await timed(() =>
      call(services.dispatch, 'patients', 'register', {
        name: `王${'一二三四五六七八九十'[i % 10]}${'春夏秋冬'[i % 4]}`,
        noIdReason: 'unknown',
        birthDate: '1970-01-01',
        sex: 'M',
        confirmNotDuplicate: true,
      }),
    );
    await timed(() => call(services.dispatch, 'patients', 'search', { query: 'wy' }));
    await timed(() => call(services.dispatch, 'settings', 'get', {}));
  }
  services.store.close();
  return percentile(times, 99);
}

/** search.*: 500,000 seeded residents, p95 per query kind, and the same queries on an unencrypted copy. */
export async function benchSearch(patients = 500_000): Promise<Record<string, number>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tws-bench-search-'));
  try {
    const dbFile = path.join(dir, 'county.db');
    const seeded = await seedDatabase({ dbFile, patients, passphrase: 'bench-passphrase-1', seed: 7 });
    const store = new Store({ dbFile, migrationsFolder: defaultMigrationsFolder() });
    await store.openWithPassphrase('bench-passphrase-1');
    const enc = store.current.sqlite;
    // Plain copy: snapshot, then decrypt it (rekey to no key) — same pages, same indexes.
    const plainFile = path.join(dir, 'plain.db');
    enc.prepare('VACUUM INTO ?').run(plainFile);
    const plain = new Database(plainFile);
    applyKey(plain, store.current.key);
    proveKey(plain);
    plain.pragma('journal_mode = DELETE');
    plain.pragma(`rekey=''`);
    plain.close();
    const plainDb = new Database(plainFile, { readonly: true });

    const samples = seeded.samplePatients;
    const queries = {
      initials: samples.map((s) => searchInitials(s.name)),
      hanziPrefix: samples.map((s) => s.name.slice(0, 2)),
      idSuffix: samples.map((s) => s.idNumber.slice(-6)),
      phone: samples.filter((s) => s.phone).map((s) => s.phone!),
    };
    const out: Record<string, number> = { 'search.patients': seeded.patients };
    let encTotal = 0;
    let plainTotal = 0;
    for (const [kind, qs] of Object.entries(queries)) {
      const run = (db: Database.Database) => timeEach(200, (i) => searchPatients(db, qs[i % qs.length], 20));
      run(enc); // warm
      run(plainDb);
      const e = run(enc);
      const p = run(plainDb);
      out[`search.p95Ms.${kind}`] = round(percentile(e, 95));
      encTotal += e.reduce((a, b) => a + b, 0);
      plainTotal += p.reduce((a, b) => a + b, 0);
    }
    out['search.vsPlainRatio'] = round(encTotal / plainTotal);
    plainDb.close();
    store.close();
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function searchInitials(name: string): string {
  // Lazy import keeps pinyin-pro out of the store bench.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { nameSearchKeys } = require('../src/shared/pinyin-keys') as typeof import('../src/shared/pinyin-keys');
  return nameSearchKeys(name).initials;
}
