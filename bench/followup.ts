/**
 * Follow-up figures: one visit evaluated (median µs); the pure reminder sweep over 50,000 synthetic patients with a
 * year of history (median ms); and the same population written into a real encrypted station, its full reminder
 * list computed through the service (the indexed queries + the sweep), median of 7 runs, measured beside the pure
 * sweep so the ratio says what the database costs on this machine today.
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { call } from '../src/main/api/dispatcher';
import { ManualClock } from '../src/main/clock';
import { defaultMigrationsFolder, type Sqlite } from '../src/main/db/open';
import { evaluateFollowUp } from '../src/main/followup/engine';
import { refreshEnrolmentState } from '../src/main/followup/enrolment-state';
import { recordRowOf, type NewRecordRow } from '../src/main/followup/record-mapping';
import { insertRecord } from '../src/main/followup/repository';
import type { Db } from '../src/main/db/open';
import { followUpFormSchema } from '../src/shared/api/followup';
import { computeReminders } from '../src/main/followup/reminders';
import { searchColumnsFor, type PatientSearchColumns } from '../src/main/patients/patient-keys';
import { insertPatientRow } from '../src/main/patients/patient-service';
import { createServices } from '../src/main/services';
import { addDays, addMonthsClamped, fromEpochDay, toEpochDay } from '../src/shared/dates';
import type { Disease, EnrolmentState, FollowUpInput, FollowUpPatientState, HistoryEntry } from '../src/shared/followup';

const TODAY = '2025-06-15';
const PATIENTS = 50_000;

/** Deterministic PRNG (mulberry32) so every run sweeps the same population. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A year of follow-up for one enrolment: visits on (or late after) each due date, some phone calls and referrals. */
function simulateEnrolment(rand: () => number, disease: Disease): EnrolmentState {
  const yearAgo = toEpochDay(TODAY) - 365;
  const enrolledOn = fromEpochDay(yearAgo - Math.floor(rand() * 2000));
  const state: EnrolmentState = {
    disease,
    enrolledOn,
    lastFaceToFace: null,
    recentFaceToFaceDates: [],
    lastPhoneContactDate: null,
    lastReferral: null,
    lastReferralCheck: null,
  };
  let day = yearAgo + Math.floor(rand() * 60);
  while (day < toEpochDay(TODAY)) {
    const date = fromEpochDay(day);
    if (rand() < 0.1) {
      state.lastPhoneContactDate = date;
      day += 7 + Math.floor(rand() * 30);
      continue;
    }
    const roll = rand();
    const refer = roll < 0.05;
    const uncontrolled = roll < 0.3;
    const missing = roll > 0.97;
    const nextDueDate = missing ? null : uncontrolled ? addDays(date, 14) : addMonthsClamped(date, 3);
    state.lastFaceToFace = {
      date,
      action: missing ? 'remeasure' : refer ? 'refer' : uncontrolled ? 'adjust_medication' : 'continue',
      nextDueDate,
      sbp: disease === 'hypertension' ? (uncontrolled ? 150 : 128) : null,
      dbp: disease === 'hypertension' && !missing ? 82 : null,
      fbg: disease === 't2dm' && !missing ? (uncontrolled ? 8.1 : 6.2) : null,
    };
    state.recentFaceToFaceDates.push(date);
    if (refer) {
      state.lastReferral = { date, urgent: rand() < 0.3 };
      if (rand() < 0.7) state.lastReferralCheck = { date: addDays(date, 5 + Math.floor(rand() * 12)), outcome: rand() < 0.8 ? 'completed' : 'not_completed' };
    }
    const late = rand() < 0.25 ? Math.floor(rand() * 40) : 0;
    day = (nextDueDate ? toEpochDay(nextDueDate) : day + 30) + late;
  }
  return state;
}

export function syntheticPopulation(count: number, seed = 20250615): FollowUpPatientState[] {
  const rand = random(seed);
  const villages = ['东湾村', '西岭村', '南塘村', '北坡村', '石桥村', '柳树村'];
  const patients: FollowUpPatientState[] = [];
  for (let i = 0; i < count; i += 1) {
    const hypertension = rand() < 0.7;
    const diabetes = !hypertension || rand() < 0.3;
    const enrolments: EnrolmentState[] = [];
    if (hypertension) enrolments.push(simulateEnrolment(rand, 'hypertension'));
    if (diabetes) enrolments.push(simulateEnrolment(rand, 't2dm'));
    patients.push({
      patientId: `P${String(i).padStart(6, '0')}`,
      birthDate: fromEpochDay(toEpochDay('1935-01-01') + Math.floor(rand() * 50 * 365)),
      village: villages[i % villages.length],
      familyDoctor: `D${i % 40}`,
      phone: `138${String(i).padStart(8, '0')}`,
      lastHealthCheckDate: rand() < 0.6 ? fromEpochDay(toEpochDay(TODAY) - Math.floor(rand() * 500)) : null,
      enrolments,
    });
  }
  return patients;
}

function visitInput(): FollowUpInput {
  const history: HistoryEntry[] = [{ type: 'health_check', date: '2025-03-02' }];
  const dates = ['2024-03-01', '2024-06-01', '2024-09-01', '2024-12-01', '2024-12-15', '2025-03-02', '2025-03-16', '2025-06-16'];
  dates.forEach((date, i) => {
    const high = i === 3 || i === 5;
    history.push({
      type: 'followup',
      date,
      mode: i === 4 ? 'phone' : 'clinic',
      sbp: high ? 152 : 132,
      dbp: 84,
      classification: high ? '控制不满意' : '控制满意',
      action: high ? 'adjust_medication' : 'continue',
      nextDueDate: high ? addDays(date, 14) : addMonthsClamped(date, 3),
    });
  });
  return {
    disease: 'hypertension',
    patient: { sex: 'M', birthDate: '1958-07-20' },
    history,
    visit: { date: '2025-09-16', mode: 'clinic', sbp: 146, dbp: 88, hr: 78, symptoms: ['头痛头晕'], medicationAdherence: '规律' },
  };
}

function evaluateMicroseconds(): number {
  const input = visitInput();
  const batch = 2_000;
  for (let i = 0; i < batch; i += 1) evaluateFollowUp(input); // warm the JIT
  const perCall: number[] = [];
  for (let run = 0; run < 15; run += 1) {
    const start = performance.now();
    for (let i = 0; i < batch; i += 1) evaluateFollowUp(input);
    perCall.push(((performance.now() - start) * 1000) / batch);
  }
  return median(perCall);
}

/** Wall time is what a user waits; CPU time is reported beside it because the shared build machines are busy. */
function remindersMilliseconds(patients: FollowUpPatientState[]): { ms: number; cpuMs: number; items: number } {
  let items = computeReminders(patients, TODAY).length; // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < 9; run += 1) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    items = computeReminders(patients, TODAY).length;
    wall.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  return { ms: median(wall), cpuMs: median(cpu), items };
}

// ---------------------------------------------------------------------------------------------------------------
// The same population in a real encrypted station

const GIVEN = ['建国', '秀英', '桂兰', '志强', '玉梅', '国华', '淑珍', '德明', '春花', '永红', '海燕', '立新'];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
const BATCH = 5_000;

/** A controlled visit as the app stores it (through the record mapping): the bulk of a year of history. */
function recordRow(patientId: string, enrolmentId: string, disease: Disease, date: string, createdAt: string): NewRecordRow {
  const next = addMonthsClamped(date, 3);
  const form = followUpFormSchema.parse({
    date,
    mode: 'clinic',
    symptoms: ['无症状'],
    sbp: disease === 'hypertension' ? 128 : undefined,
    dbp: disease === 'hypertension' ? 82 : undefined,
    heartRate: 74,
    weightKg: 66,
    fbg: disease === 't2dm' ? 6.2 : undefined,
    adherence: '规律',
  });
  return recordRowOf({
    id: randomUUID(),
    patientId,
    enrolmentId,
    disease,
    form,
    bmi: null,
    outcome: {
      classification: '控制满意',
      action: 'continue',
      nextDueDate: next,
      referralReason: null,
      reason: { code: 'controlled', zh: '', en: '' },
      reminders: [],
      advisories: [],
      ruleSet: { id: 'bphs-2017', version: '2017.3' },
    },
    nextDueDate: next,
    overrideReason: null,
    doctor: { id: 1, displayName: '管理员' },
    createdAt,
  });
}

/** Writes one synthetic patient's state as the rows the app would have stored (a visit per face-to-face date, …). */
function insertPatientHistory(sqlite: Sqlite, statements: ReturnType<typeof seedStatements>, patient: FollowUpPatientState, index: number, keys: PatientSearchColumns, now: string): void {
  insertPatientRow(sqlite, {
    id: patient.patientId,
    ...keys,
    idNumber: null,
    idSuffix: null,
    noIdReason: 'unknown',
    sex: index % 2 ? 'M' : 'F',
    birthDate: patient.birthDate,
    phone: patient.phone,
    healthCardNumber: null,
    village: patient.village,
    address: null,
    household: null,
    contractDoctor: patient.familyDoctor,
    contractDate: null,
    hypertension: patient.enrolments.some((e) => e.disease === 'hypertension'),
    diabetes: patient.enrolments.some((e) => e.disease === 't2dm'),
    allergies: null,
    createdAt: now,
  });
  if (patient.lastHealthCheckDate) statements.healthCheck.run(randomUUID(), patient.patientId, patient.lastHealthCheckDate, now);
  for (const enrolment of patient.enrolments) {
    const enrolmentId = randomUUID();
    statements.enrolment.run(enrolmentId, patient.patientId, enrolment.disease, enrolment.enrolledOn, now, now, now);
    const last = enrolment.lastFaceToFace;
    let referralRecord: string | null = null;
    for (const date of enrolment.recentFaceToFaceDates) {
      const row = recordRow(patient.patientId, enrolmentId, enrolment.disease, date, now);
      if (last && date === last.date) {
        Object.assign(row, { action: last.action, nextDueDate: last.nextDueDate, engineNextDate: last.nextDueDate, sbp: last.sbp ?? null, dbp: last.dbp ?? null, fbg: last.fbg ?? null });
      }
      if (enrolment.lastReferral?.date === date) {
        Object.assign(row, { action: enrolment.lastReferral.urgent ? 'urgent_refer' : 'refer' });
        referralRecord = row.id;
      }
      statements.record.run(row);
    }
    if (enrolment.lastPhoneContactDate) {
      statements.record.run({ ...recordRow(patient.patientId, enrolmentId, enrolment.disease, enrolment.lastPhoneContactDate, now), mode: 'phone', faceToFace: false, classification: null, action: 'schedule_face_to_face' });
    }
    if (enrolment.lastReferral && referralRecord) {
      const referralId = randomUUID();
      const { date, urgent } = enrolment.lastReferral;
      statements.referral.run(referralId, patient.patientId, enrolmentId, referralRecord, enrolment.disease, date, urgent ? 'urgent' : 'routine', addDays(date, 14), now, now);
      const check = enrolment.lastReferralCheck;
      if (check) statements.check.run(randomUUID(), referralId, enrolmentId, patient.patientId, check.date, check.outcome, now);
    }
    refreshEnrolmentState(sqlite, enrolmentId);
  }
}

function seedStatements(sqlite: Sqlite, db: Db) {
  return {
    record: { run: (row: NewRecordRow) => insertRecord(db, row) },
    enrolment: sqlite.prepare(
      `INSERT INTO followup_enrolments (id, patient_id, disease, how_found, enrolled_on, enrolled_at, enrolled_by, enrolled_by_name, created_at, updated_at) VALUES (?, ?, ?, 'clinic_visit', ?, ?, 1, '管理员', ?, ?)`,
    ),
    healthCheck: sqlite.prepare(`INSERT INTO followup_health_checks (id, patient_id, check_date, kind, recorded_by, created_at) VALUES (?, ?, ?, 'annual', 1, ?)`),
    referral: sqlite.prepare(
      `INSERT INTO followup_referrals (id, patient_id, enrolment_id, record_id, disease, referred_on, urgency, reason, check_due, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, 1, ?, ?)`,
    ),
    check: sqlite.prepare(
      `INSERT INTO followup_referral_checks (id, referral_id, enrolment_id, patient_id, check_date, mode, outcome, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, 'phone', ?, 1, ?)`,
    ),
  };
}

/** Seeds the population in transactions of BATCH patients; returns the seconds it took and the rows written. */
export function seedStation(db: Db, patients: readonly FollowUpPatientState[]): { seconds: number; records: number } {
  const sqlite = db.$client;
  const started = performance.now();
  const statements = seedStatements(sqlite, db);
  const keyCache = new Map<string, PatientSearchColumns>();
  const now = `${TODAY}T04:00:00.000Z`;
  const flush = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i += 1) {
      const name = `${SURNAMES[i % SURNAMES.length]}${GIVEN[Math.floor(i / SURNAMES.length) % GIVEN.length]}`;
      let keys = keyCache.get(name);
      if (!keys) keyCache.set(name, (keys = searchColumnsFor(name)));
      insertPatientHistory(sqlite, statements, patients[i], i, keys, now);
    }
  });
  for (let from = 0; from < patients.length; from += BATCH) flush(from, Math.min(patients.length, from + BATCH));
  sqlite.pragma('optimize');
  const records = (sqlite.prepare('SELECT count(*) AS n FROM followup_records').get() as { n: number }).n;
  return { seconds: (performance.now() - started) / 1000, records };
}

async function remindersThroughService(patients: FollowUpPatientState[]) {
  const dir = mkdtempSync(path.join(tmpdir(), 'tws-bench-followup-'));
  // The station's clock stands at noon of TODAY in China, so its "today" is the pure sweep's.
  const clock = new ManualClock(() => Date.parse(`${TODAY}T04:00:00Z`));
  const services = createServices({ dataDir: dir, migrationsFolder: defaultMigrationsFolder(), clock, appVersion: 'bench' });
  try {
    await services.store.openWithPassphrase('bench-passphrase-1');
    await call(services.dispatch, 'auth', 'setupAdmin', { username: 'admin', displayName: '管理员', password: 'Clinic2026ok' });
    const seeded = seedStation(services.store.current.db, patients);
    let items = services.followup.reminderRows({}).length; // warm-up: page cache and statement compilation
    const full: number[] = [];
    const page: number[] = [];
    for (let run = 0; run < 7; run += 1) {
      let start = performance.now();
      items = services.followup.reminderRows({}).length;
      full.push(performance.now() - start);
      start = performance.now();
      await call(services.dispatch, 'followup', 'reminders', { limit: 500 });
      page.push(performance.now() - start);
    }
    return { ms: median(full), pageMs: median(page), items, ...seeded };
  } finally {
    services.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchFollowUp(): Promise<Record<string, number>> {
  const evaluateUs = evaluateMicroseconds();
  const population = syntheticPopulation(PATIENTS);
  const sweep = remindersMilliseconds(population);
  const station = await remindersThroughService(population);
  return {
    'followup.evaluateUs': Number(evaluateUs.toFixed(2)),
    'followup.remindersPure50kMs': Number(sweep.ms.toFixed(1)),
    'followup.remindersPure50kCpuMs': Number(sweep.cpuMs.toFixed(1)),
    'followup.reminders50kItems': sweep.items,
    'followup.reminders50kMs': Number(station.ms.toFixed(1)),
    'followup.reminders50kDbOverPure': Number((station.ms / sweep.ms).toFixed(2)),
    // The screen's call: the same list through the dispatcher (zod, audit), returning one page of 500.
    'followup.reminders50kPageMs': Number(station.pageMs.toFixed(1)),
    // 0 when the database's list has exactly the pure sweep's items: the seeding and the queries lose nothing.
    'followup.reminders50kItemsDbMinusPure': station.items - sweep.items,
    'followup.seed50kSeconds': Number(station.seconds.toFixed(1)),
    'followup.seed50kRecords': station.records,
  };
}

if (require.main === module) {
  benchFollowUp().then((figures) => console.log(JSON.stringify(figures)));
}
