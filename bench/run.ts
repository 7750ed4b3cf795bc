/**
 * `npm run bench -- --json`: one flat JSON object of figures (dotted keys → numbers). Ratios are measured side by
 * side in the same run; nothing here is a pass/fail assertion. `--only store,search` runs a subset.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PartialBenchError } from './ensure-tool';
import { benchSearch, benchStore } from './store-search';

type Bench = () => Promise<Record<string, number>>;

async function optional(modulePath: string, exportName: string): Promise<Bench | undefined> {
  if (!existsSync(path.join(__dirname, `${modulePath}.ts`))) return undefined;
  const mod = (await import(`./${modulePath}`)) as Record<string, Bench>;
  return mod[exportName];
}

async function main(): Promise<void> {
  // `--only a,b` or `--only=a,b`; absent: every bench.
  const args = process.argv.slice(2);
  const onlyIndex = args.indexOf('--only');
  const onlyArg = args.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? (onlyIndex >= 0 ? args[onlyIndex + 1] : undefined);
  const only = onlyArg ? new Set(onlyArg.split(',')) : null;
  const benches: [string, Bench | undefined][] = [
    ['store', benchStore],
    ['search', () => benchSearch(Number(process.env.BENCH_PATIENTS ?? 500_000))],
    ['followup', await optional('followup', 'benchFollowUp')],
    ['ecg-analysis', await optional('ecg-analysis', 'benchEcgAnalysis')],
    ['ecg-stream', await optional('ecg-stream', 'benchEcgStream')],
    ['ecg-render', await optional('ecg-render', 'benchEcgRender')],
    ['sync', await optional('sync', 'benchSync')],
    ['national', await optional('national', 'benchNational')],
    ['sync-backfill', await optional('sync-backfill', 'benchSyncBackfill')],
    ['sync-network', await optional('sync-network', 'benchSyncNetwork')],
    ['idcard', await optional('idcard', 'benchIdCard')],
  ];
  const figures: Record<string, number> = {};
  for (const [name, bench] of benches) {
    if (!bench || (only && !only.has(name))) continue;
    const started = performance.now();
    try {
      Object.assign(figures, await bench());
    } catch (err) {
      process.stderr.write(`[bench] ${name} failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      // Figures measured before the failure still count (e.g. ECG parse ratios when Chromium is missing).
      if (err instanceof PartialBenchError) Object.assign(figures, err.figures);
      figures[`${name}.failed`] = 1;
    }
    process.stderr.write(`[bench] ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  process.stdout.write(`${JSON.stringify(figures, null, process.argv.includes('--json') ? 0 : 2)}\n`);
}

void main();
