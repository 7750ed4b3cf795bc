/**
 * Follow-up figures: one visit evaluated (median µs); the pure reminder sweep over 50,000 synthetic patients with a
 * year of history (median ms); and the same population written into a real encrypted station, its due state rebuilt
 * from that history, and then, through the service and its reminder worker:
 * - reminders50kMs: the screen's call for the whole township (every reminder swept and sorted, counts, first page of
 *   500 with names), measured from main, median of 7; reminders50kInThreadMs: the same work on the calling thread;
 * - reminders50kItemsDbMinusPure / reminders50kItemsMismatched: the station's full list against the pure sweep of
 *   the same population (count difference, and items present in one list only, compared by patient, kind, disease,
 *   due date, days late and reason);
 * - filterVillageMs, filterDoctorMs, callListVillageMs: one village's list, one family doctor's, one village's CSV;
 * - mainThreadBlockMsP99 / mainThreadBlockMsMax: the main thread's event-loop delay (1 ms resolution) while the
 *   worker builds whole-township lists back to back;
 * - indicators50kMs: the year's indicator report (from the kept per-year facts); indicatorsFromVisits50kMs the same
 *   year computed from every follow-up of it; indicators50kDbMinusPure the figures where the two differ;
 * - trendMs: one patient's follow-up history, which the trend charts draw.
 * Wall times are what a user waits; the machine is shared, so each timed key has a …CpuMs beside it: the process's
 * CPU time over the same runs (the worker's work while main awaits it), which other jobs on the machine do not
 * inflate.
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { call, type Dispatch } from '../src/main/api/dispatcher';
import { ManualClock } from '../src/main/clock';
import { defaultMigrationsFolder, type Sqlite } from '../src/main/db/open';
import { evaluateFollowUp } from '../src/main/followup/engine';
import { rebuildDueState } from '../src/main/followup/due-state';
import { recordRowOf, type NewRecordRow } from '../src/main/followup/record-mapping';
import { yearIndicators } from '../src/main/followup/indicator-report';
import { keptIndicators } from '../src/main/followup/indicator-years';
import { dropListMirror } from '../src/main/followup/list-mirror';
import { reminderPageAsOf, reminderRowsAsOf } from '../src/main/followup/reminder-list';
import { BPHS_2017 } from '../src/main/followup/rule-packs/bphs-2017';
import { count } from 'drizzle-orm';
import { followupRecords } from '../src/main/db/schema';
import type { Db } from '../src/main/db/open';
import { followUpFormSchema } from '../src/shared/api/followup';
import { computeReminders } from '../src/main/followup/reminders';
import { searchColumnsFor, type PatientSearchColumns } from '../src/main/patients/patient-keys';
import { insertPatientRow } from '../src/main/patients/patient-service';
import { createServices } from '../src/main/services';
import { addDays, addMonthsClamped, fromEpochDay, toEpochDay } from '../src/shared/dates';
import { mulberry32 } from '../src/shared/mulberry32';
import type { Disease, EnrolmentState, FollowUpInput, FollowUpPatientState, HistoryEntry, YearIndicators } from '../src/shared/followup';

const TODAY = '2025-06-15';
const PATIENTS = Number(process.env.FOLLOWUP_BENCH_PATIENTS ?? 50_000);

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
  const rand = mulberry32(seed);
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
function insertPatientHistory(
  sqlite: Sqlite,
  statements: ReturnType<typeof seedStatements>,
  patient: FollowUpPatientState,
  index: number,
  keys: PatientSearchColumns,
  now: string,
): void {
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
        Object.assign(row, {
          action: last.action,
          nextDueDate: last.nextDueDate,
          engineNextDate: last.nextDueDate,
          sbp: last.sbp ?? null,
          dbp: last.dbp ?? null,
          fbg: last.fbg ?? null,
        });
      }
      if (enrolment.lastReferral?.date === date) {
        Object.assign(row, { action: enrolment.lastReferral.urgent ? 'urgent_refer' : 'refer' });
        referralRecord = row.id;
      }
      statements.record.run(row);
    }
    if (enrolment.lastPhoneContactDate) {
      statements.record.run({
        ...recordRow(patient.patientId, enrolmentId, enrolment.disease, enrolment.lastPhoneContactDate, now),
        mode: 'phone',
        faceToFace: false,
        classification: null,
        action: 'schedule_face_to_face',
      });
    }
    if (enrolment.lastReferral && referralRecord) {
      const referralId = randomUUID();
      const { date, urgent } = enrolment.lastReferral;
      statements.referral.run(
        referralId,
        patient.patientId,
        enrolmentId,
        referralRecord,
        enrolment.disease,
        date,
        urgent ? 'urgent' : 'routine',
        addDays(date, 14),
        now,
        now,
      );
      const check = enrolment.lastReferralCheck;
      if (check) statements.check.run(randomUUID(), referralId, enrolmentId, patient.patientId, check.date, check.outcome, now);
    }
  }
}

function seedStatements(sqlite: Sqlite, db: Db) {
  return {
    // Straight into the table: the due state is rebuilt from the whole history afterwards, as migration 0019 does.
    record: { run: (row: NewRecordRow) => void db.insert(followupRecords).values(row).run() },
    enrolment: sqlite.prepare(
      `INSERT INTO followup_enrolments (id, patient_id, disease, how_found, enrolled_on, enrolled_at, enrolled_by, enrolled_by_name, created_at, updated_at) VALUES (?, ?, ?, 'clinic_visit', ?, ?, 1, '管理员', ?, ?)`,
    ),
    healthCheck: sqlite.prepare(
      `INSERT INTO followup_health_checks (id, patient_id, check_date, kind, recorded_by, created_at) VALUES (?, ?, ?, 'annual', 1, ?)`,
    ),
    referral: sqlite.prepare(
      `INSERT INTO followup_referrals (id, patient_id, enrolment_id, record_id, disease, referred_on, urgency, reason, check_due, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, 1, ?, ?)`,
    ),
    check: sqlite.prepare(
      `INSERT INTO followup_referral_checks (id, referral_id, enrolment_id, patient_id, check_date, mode, outcome, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, 'phone', ?, 1, ?)`,
    ),
  };
}

/** Seeds the population in transactions of BATCH patients, then rebuilds the due state from it. */
export function seedStation(db: Db, patients: readonly FollowUpPatientState[]): { seconds: number; records: number; rebuildMs: number } {
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
  const seconds = (performance.now() - started) / 1000;
  const rebuildStart = performance.now();
  rebuildDueState(sqlite, BPHS_2017);
  const rebuildMs = performance.now() - rebuildStart;
  sqlite.pragma('optimize');
  const records = db.select({ n: count() }).from(followupRecords).get()?.n ?? 0;
  return { seconds, records, rebuildMs };
}

/**
 * Saves one clinic visit today, each call for the next resident of `village` in the hypertension programme: the
 * smallest write a list after it must show (it moves that resident's due state).
 */
export function visitWriter(dispatch: Dispatch, patients: readonly FollowUpPatientState[], village: string): () => Promise<void> {
  const ids = patients.filter((p) => p.village === village && p.enrolments.some((e) => e.disease === 'hypertension' && !e.endedOn)).map((p) => p.patientId);
  if (ids.length === 0) throw new Error(`no resident of ${village} in the hypertension programme to write a visit for`);
  let next = 0;
  return async () => {
    const patientId = ids[next % ids.length];
    next += 1;
    await call(dispatch, 'followup', 'save', {
      patientId,
      disease: 'hypertension',
      form: { date: TODAY, mode: 'clinic', symptoms: ['无症状'], adherence: '规律', sbp: 128, dbp: 82 },
      confirmSameDay: true,
    });
  };
}

type Keyed = { patientId: string; kind: string; disease: string | null; dueDate: string | null; daysLate: number; reason: { zh: string } };
const itemKey = (r: Keyed) => `${r.patientId}|${r.kind}|${r.disease}|${r.dueDate}|${r.daysLate}|${r.reason.zh}`;

/** Items in one list and not the other (as multisets). */
function mismatched(a: readonly Keyed[], b: readonly Keyed[]): number {
  const counts = new Map<string, number>();
  for (const item of a) counts.set(itemKey(item), (counts.get(itemKey(item)) ?? 0) + 1);
  for (const item of b) counts.set(itemKey(item), (counts.get(itemKey(item)) ?? 0) - 1);
  let out = 0;
  for (const n of counts.values()) out += Math.abs(n);
  return out;
}

interface Timed {
  /** Median wall milliseconds. */
  ms: number;
  /**
   * Median CPU milliseconds of the whole process over the same runs (process.cpuUsage; Node 20 has no per-thread
   * figure). While main awaits the reminder worker this is the worker's work plus main's messaging: what the call
   * costs, whatever else the shared machine runs.
   */
  cpuMs: number;
}

/** `before` runs ahead of every timed call, outside the timing (a write the call must then see). */
async function medianOf(runs: number, work: () => Promise<unknown> | unknown, before?: () => Promise<unknown>): Promise<Timed> {
  await before?.();
  await work(); // warm-up: page cache, statement compilation, the worker's start
  const times: number[] = [];
  const cpus: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    await before?.();
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpus.push((used.user + used.system) / 1000);
  }
  return { ms: median(times), cpuMs: median(cpus) };
}

/** Figures of the two reports that differ: each count and each list of patients (as a set), per programme. */
function differingFigures(a: YearIndicators, b: YearIndicators): number {
  const sameIds = (x: string[], y: string[]) => x.length === y.length && [...x].sort().join(',') === [...y].sort().join(',');
  let differing = 0;
  for (const disease of ['hypertension', 't2dm'] as const) {
    const [p, q] = [a[disease], b[disease]];
    for (const name of ['standardManagement', 'control'] as const) {
      const [x, y] = [p[name], q[name]];
      if (x.numerator !== y.numerator) differing += 1;
      if (x.denominator !== y.denominator) differing += 1;
      if (x.rate !== y.rate) differing += 1;
      if (!sameIds(x.numeratorIds, y.numeratorIds)) differing += 1;
      if (!sameIds(x.denominatorIds, y.denominatorIds)) differing += 1;
    }
    if (!sameIds(p.lostToFollowUpIds, q.lostToFollowUpIds)) differing += 1;
    if (!sameIds(p.latestValueMissingIds, q.latestValueMissingIds)) differing += 1;
  }
  return differing;
}

async function station(patients: FollowUpPatientState[], pure: ReturnType<typeof computeReminders>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'tws-bench-followup-'));
  // The station's clock stands at noon of TODAY in China, so its "today" is the pure sweep's.
  const clock = new ManualClock(() => Date.parse(`${TODAY}T04:00:00Z`));
  const services = createServices({ dataDir: dir, migrationsFolder: defaultMigrationsFolder(), clock, appVersion: 'bench' });
  try {
    await services.store.openWithPassphrase('bench-passphrase-1');
    await call(services.dispatch, 'auth', 'setupAdmin', { username: 'admin', displayName: '管理员', password: 'Clinic2026ok' });
    const db = services.store.current.db;
    const seeded = seedStation(db, patients);
    const f = services.followup;
    const rows = await f.reminderRows({});
    const village = patients[0].village!;
    const doctor = patients[0].familyDoctor!;
    const screen = () => call(services.dispatch, 'followup', 'reminders', { limit: 500 });
    // Every list below is timed right after one visit is saved (in the listed village), so it pays for bringing the
    // worker's mirror up to date (list-mirror.ts); reminders50kNoWriteMs is the list again with nothing written.
    const write = visitWriter(services.dispatch, patients, village);
    const whole = await medianOf(7, screen, write);
    const noWrite = await medianOf(7, screen);
    const inThread = await medianOf(3, () => reminderPageAsOf(db, { asOf: TODAY, rules: f.rules, filter: {}, limit: 500, offset: 0 }), write);
    const filterVillage = await medianOf(7, () => call(services.dispatch, 'followup', 'reminders', { village, limit: 500 }), write);
    const filterDoctor = await medianOf(7, () => call(services.dispatch, 'followup', 'reminders', { familyDoctor: doctor, limit: 500 }), write);
    const callListVillage = await medianOf(7, () => call(services.dispatch, 'followup', 'callListCsv', { village }), write);
    // After those writes, the worker's kept mirror against a list read from scratch on this thread.
    const mirrored = await f.reminderRows({});
    dropListMirror(db);
    const fresh = reminderRowsAsOf(db, { asOf: TODAY, rules: f.rules, filter: {} });
    const mirrorMismatched = mismatched(mirrored, fresh);

    // The main thread's event loop while the worker sweeps the township five times in a row.
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    for (let run = 0; run < 5; run += 1) await screen();
    delay.disable();

    const year = Number(TODAY.slice(0, 4)) - 1;
    const indicators = await medianOf(5, () => call(services.dispatch, 'followup', 'indicators', { year }));
    // The same year computed from every follow-up of it (the drill-down's path, and what the kept facts replace).
    const indicatorsPure = await medianOf(3, () => yearIndicators(db, { year, rules: f.rules }));
    const kept = db.$client.transaction(() => keptIndicators(db, { year, rules: f.rules }))();
    const indicatorsDbMinusPure = differingFigures(kept, yearIndicators(db, { year, rules: f.rules }).indicators);
    const somebody = patients[Math.floor(patients.length / 2)].patientId;
    const trend = await medianOf(7, () => call(services.dispatch, 'followup', 'history', { patientId: somebody }));
    return {
      whole,
      noWrite,
      mirrorMismatched,
      inThread,
      items: rows.length,
      mismatched: mismatched(rows, pure),
      filterVillage,
      filterDoctor,
      callListVillage,
      blockP99: delay.percentile(99) / 1e6,
      blockMax: delay.max / 1e6,
      indicators,
      indicatorsPure,
      indicatorsDbMinusPure,
      trend,
      ...seeded,
    };
  } finally {
    services.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchFollowUp(): Promise<Record<string, number>> {
  const evaluateUs = evaluateMicroseconds();
  const population = syntheticPopulation(PATIENTS);
  const sweep = remindersMilliseconds(population);
  const s = await station(population, computeReminders(population, TODAY));
  const fixed = (value: number, digits = 1) => Number(value.toFixed(digits));
  return {
    'followup.evaluateUs': fixed(evaluateUs, 2),
    'followup.remindersPure50kMs': fixed(sweep.ms),
    'followup.remindersPure50kCpuMs': fixed(sweep.cpuMs),
    'followup.reminders50kItems': sweep.items,
    'followup.reminders50kMs': fixed(s.whole.ms),
    'followup.reminders50kCpuMs': fixed(s.whole.cpuMs),
    'followup.reminders50kNoWriteMs': fixed(s.noWrite.ms),
    'followup.reminders50kNoWriteCpuMs': fixed(s.noWrite.cpuMs),
    'followup.reminders50kMirrorMismatched': s.mirrorMismatched,
    'followup.reminders50kInThreadMs': fixed(s.inThread.ms),
    'followup.reminders50kInThreadCpuMs': fixed(s.inThread.cpuMs),
    'followup.reminders50kDbOverPure': fixed(s.whole.ms / sweep.ms, 2),
    'followup.reminders50kCpuDbOverPure': fixed(s.whole.cpuMs / sweep.cpuMs, 2),
    // 0 when the station's list has exactly the pure sweep's items: the kept state and the reads lose nothing.
    'followup.reminders50kItemsDbMinusPure': s.items - sweep.items,
    'followup.reminders50kItemsMismatched': s.mismatched,
    'followup.filterVillageMs': fixed(s.filterVillage.ms),
    'followup.filterVillageCpuMs': fixed(s.filterVillage.cpuMs),
    'followup.filterDoctorMs': fixed(s.filterDoctor.ms),
    'followup.filterDoctorCpuMs': fixed(s.filterDoctor.cpuMs),
    'followup.callListVillageMs': fixed(s.callListVillage.ms),
    'followup.callListVillageCpuMs': fixed(s.callListVillage.cpuMs),
    'followup.mainThreadBlockMsP99': fixed(s.blockP99),
    'followup.mainThreadBlockMsMax': fixed(s.blockMax),
    // Side by side with the pure sweep of this run: the machine is shared, so these ratios travel better than ms.
    'followup.filterVillageOverPure50k': fixed(s.filterVillage.ms / sweep.ms, 3),
    'followup.callListVillageOverPure50k': fixed(s.callListVillage.ms / sweep.ms, 3),
    'followup.indicators50kMs': fixed(s.indicators.ms),
    'followup.indicators50kCpuMs': fixed(s.indicators.cpuMs),
    'followup.indicators50kOverPure': fixed(s.indicators.ms / sweep.ms, 2),
    'followup.indicatorsFromVisits50kMs': fixed(s.indicatorsPure.ms),
    'followup.indicatorsFromVisits50kCpuMs': fixed(s.indicatorsPure.cpuMs),
    // Figures (counts, rates and patient lists per programme) where the kept-facts report differs from the one
    // computed from every follow-up of the year: 0 when the kept facts lose nothing.
    'followup.indicators50kDbMinusPure': s.indicatorsDbMinusPure,
    'followup.trendMs': fixed(s.trend.ms, 2),
    'followup.trendCpuMs': fixed(s.trend.cpuMs, 2),
    'followup.rebuildDueState50kMs': fixed(s.rebuildMs),
    'followup.seed50kSeconds': fixed(s.seconds),
    'followup.seed50kRecords': s.records,
  };
}

if (require.main === module) {
  benchFollowUp().then((figures) => console.log(JSON.stringify(figures)));
}
