/**
 * ID-card reader figures: what running the vendor library in its own process costs per read, side by side with the
 * same C calls made in-process (which the app never does: a driver crash would take main down), and how long main's
 * event loop was held while isolated reads ran. Needs `cc` to build the stand-in library; fails with a message if
 * it is missing.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import koffi from 'koffi';
import { nodeForkLauncher } from '../src/main/idcard/launcher';
import { SdtReader } from '../src/main/idcard/reader';
import { buildStandinLibrary, STANDIN_PORT } from '../test/support/idcard/standin';
import { median, percentile, round } from './stats';

export async function benchIdCard(): Promise<Record<string, number>> {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('the idcard bench needs a C compiler (cc) to build the stand-in reader library: apt-get install -y gcc');
  }
  const library = buildStandinLibrary();
  const reads = 12;

  // Isolated: one process per read, as the app does (tsx start-up included, as in the harness).
  const reader = new SdtReader(
    { libraryPath: library, port: STANDIN_PORT.ok, timeoutMs: 10_000 },
    nodeForkLauncher(path.join(__dirname, '../src/main/idcard/sdt-worker.ts'), ['--import', 'tsx']),
  );
  const isolated: number[] = [];
  let maxLag = 0;
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    maxLag = Math.max(maxLag, now - last - 5);
    last = now;
  }, 5);
  for (let i = 0; i < reads; i++) {
    const t = performance.now();
    await reader.read();
    isolated.push(performance.now() - t);
  }
  clearInterval(probe);

  // In-process: the same five C calls through koffi in this process.
  const lib = koffi.load(library);
  const open = lib.func('int SDT_OpenPort(int port)');
  const close = lib.func('int SDT_ClosePort(int port)');
  const find = lib.func('int SDT_StartFindIDCard(int port, _Out_ uint8_t *manage, int ifOpen)');
  const select = lib.func('int SDT_SelectIDCard(int port, _Out_ uint8_t *manage, int ifOpen)');
  const readBase = lib.func(
    'int SDT_ReadBaseMsg(int port, _Out_ uint8_t *text, _Out_ uint32_t *textLen, _Out_ uint8_t *photo, _Out_ uint32_t *photoLen, int ifOpen)',
  );
  const inProcess: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    const port = STANDIN_PORT.ok;
    open(port);
    find(port, Buffer.alloc(8), 0);
    select(port, Buffer.alloc(8), 0);
    readBase(port, Buffer.alloc(512), [0], Buffer.alloc(40_960), [0], 0);
    close(port);
    inProcess.push(performance.now() - t);
  }

  return {
    'idcard.isolated_read_median_ms': round(median(isolated), 1),
    'idcard.isolated_read_p90_ms': round(percentile(isolated, 90), 1),
    'idcard.in_process_read_median_ms': round(median(inProcess), 4),
    'idcard.isolation_cost_ratio': round(median(isolated) / median(inProcess), 0),
    'idcard.main_loop_max_lag_during_reads_ms': round(maxLag, 1),
  };
}
