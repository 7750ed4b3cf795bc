/**
 * Follow-up engine figures: one visit evaluated (median µs) and the pure reminder sweep over 50,000 synthetic
 * patients with a year of history (median ms). The DB-backed sweep is measured by the lead's bench beside it.
 */

import { performance } from 'node:perf_hooks';
import { evaluateFollowUp } from '../src/main/followup/engine';
import { computeReminders } from '../src/main/followup/reminders';
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

export async function benchFollowUp(): Promise<Record<string, number>> {
  const evaluateUs = evaluateMicroseconds();
  const sweep = remindersMilliseconds(syntheticPopulation(PATIENTS));
  return {
    'followup.evaluateUs': Number(evaluateUs.toFixed(2)),
    'followup.remindersPure50kMs': Number(sweep.ms.toFixed(1)),
    'followup.remindersPure50kCpuMs': Number(sweep.cpuMs.toFixed(1)),
    'followup.reminders50kItems': sweep.items,
  };
}

if (require.main === module) {
  benchFollowUp().then((figures) => console.log(JSON.stringify(figures)));
}
