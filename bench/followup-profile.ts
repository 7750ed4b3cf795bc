/**
 * Where the follow-up reads spend their time (docs/followup-rules.md, "Where the time goes"): seeds the bench's
 * 50,000-patient station once into FOLLOWUP_PROFILE_DIR (kept between runs, so profiling does not pay the 100 s seed
 * again), then runs each township-wide read on this thread and prints wall and CPU milliseconds. Run it under
 * `node --cpu-prof -r tsx/cjs bench/followup-profile.ts [op…]` to see the functions; `<op>AfterWrite` times each call
 * right after one saved visit.
 */

import { existsSync, mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { call } from '../src/main/api/dispatcher';
import { ManualClock } from '../src/main/clock';
import { defaultMigrationsFolder } from '../src/main/db/open';
import { yearIndicators } from '../src/main/followup/indicator-report';
import { runReminderRequest, type ReminderRequest } from '../src/main/followup/reminder-requests';
import { createServices } from '../src/main/services';
import { seedStation, syntheticPopulation, visitWriter } from './followup';

const TODAY = '2025-06-15';
const DIR = process.env.FOLLOWUP_PROFILE_DIR ?? '/tmp/tws-followup-profile';
const PASSPHRASE = 'bench-passphrase-1';

async function main(): Promise<void> {
  const fresh = !existsSync(DIR);
  if (fresh) mkdirSync(DIR, { recursive: true });
  const clock = new ManualClock(() => Date.parse(`${TODAY}T04:00:00Z`));
  const services = createServices({ dataDir: DIR, migrationsFolder: defaultMigrationsFolder(), clock, appVersion: 'bench' });
  try {
    await services.store.openWithPassphrase(PASSPHRASE);
    const db = services.store.current.db;
    const population = syntheticPopulation(Number(process.env.FOLLOWUP_BENCH_PATIENTS ?? 50_000));
    if (fresh) {
      await call(services.dispatch, 'auth', 'setupAdmin', { username: 'admin', displayName: '管理员', password: 'Clinic2026ok' });
      const seeded = seedStation(db, population);
      process.stderr.write(`seeded in ${seeded.seconds.toFixed(1)} s, ${seeded.records} records\n`);
    } else {
      await call(services.dispatch, 'auth', 'signIn', { username: 'admin', password: 'Clinic2026ok' });
    }
    db.$client.pragma('cache_size = -65536');
    const rules = services.followup.rules;
    const village = '东湾村';
    const scope = { asOf: TODAY, rules, filter: {} };
    const ask = (request: ReminderRequest) => () => runReminderRequest(db, request);
    const ops: Record<string, () => unknown> = {
      page: ask({ op: 'page', ...scope, limit: 500, offset: 0 }),
      village: ask({ op: 'page', ...scope, filter: { village }, limit: 500, offset: 0 }),
      doctor: ask({ op: 'page', ...scope, filter: { familyDoctor: 'D0' }, limit: 500, offset: 0 }),
      callList: ask({ op: 'callList', ...scope, filter: { village }, locale: 'zh-CN' }),
      indicators: ask({ op: 'indicators', year: 2024, rules }),
      // The same report from every follow-up of the year (what the kept facts replace).
      indicatorsPure: () => yearIndicators(db, { year: 2024, rules }),
      trend: () => call(services.dispatch, 'followup', 'history', { patientId: 'P025000' }),
    };
    // `<op>AfterWrite`: each timed call comes right after one saved visit (not timed), as in the bench.
    const write = visitWriter(services.dispatch, population, village);
    const names = Object.keys(ops);
    const chosen = process.argv.slice(2).filter((a) => names.includes(a.replace(/AfterWrite$/, '')));
    for (const name of chosen.length ? chosen : names) {
      const op = ops[name.replace(/AfterWrite$/, '')];
      const before = name.endsWith('AfterWrite') ? write : async () => {};
      await before();
      await op(); // warm-up
      const wall: number[] = [];
      const cpu: number[] = [];
      for (let run = 0; run < 5; run += 1) {
        await before();
        const c = process.cpuUsage();
        const t = performance.now();
        await op();
        wall.push(performance.now() - t);
        const u = process.cpuUsage(c);
        cpu.push((u.user + u.system) / 1000);
      }
      const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1].toFixed(1);
      console.log(`${name}: wall ${med(wall)} ms, cpu ${med(cpu)} ms`);
    }
  } finally {
    services.store.close();
  }
}

void main();
