import { BINARY_CONTENT_TYPE, decodeFrame } from '../../../src/shared/api/binary';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const SCRIPT = path.join(__dirname, 'station-process.ts');

/** A station process (station-process.ts) and a typed-enough client for its harness API. */
export interface StationProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly dataDir: string;
  /** The last first-sync progress the station reported (received of total), if any. */
  readonly progress: { received: number; total: number } | undefined;
  /** Resolves at the next progress line. */
  nextProgress(): Promise<{ received: number; total: number }>;
  /** Calls `<namespace>.<method>`; resolves the value, rejects with the refusal. */
  call<T = unknown>(method: string, input?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export async function startStationProcess(name: string, options: { institutionCode?: string; dataDir?: string } = {}): Promise<StationProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), `tws-${name}-`));
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, dataDir, ...(options.institutionCode ? [options.institutionCode] : [])], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => (stderr += text));
  let progress: { received: number; total: number } | undefined;
  let progressWaiters: ((value: { received: number; total: number }) => void)[] = [];
  const ready = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    let buffered = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (text: string) => {
      buffered += text;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('{')) resolve(JSON.parse(line) as { url: string; token: string });
        const match = /^progress (\d+) (\d+)$/.exec(line);
        if (match) {
          const current = { received: Number(match[1]), total: Number(match[2]) };
          progress = current;
          for (const waiter of progressWaiters) waiter(current);
          progressWaiters = [];
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`station ${name} exited (${code}): ${stderr}`)));
  });
  return {
    name,
    child,
    dataDir,
    get progress() {
      return progress;
    },
    nextProgress: () => new Promise((resolve) => progressWaiters.push(resolve)),
    async call<T>(method: string, input: unknown = {}): Promise<T> {
      const response = await fetch(`${ready.url}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-harness-token': ready.token },
        body: JSON.stringify(input),
      });
      // Answers that carry samples come as a binary frame (Float32Arrays), the rest as JSON: as the page reads them.
      const body = (
        response.headers.get('content-type') === BINARY_CONTENT_TYPE ? decodeFrame(new Uint8Array(await response.arrayBuffer())) : await response.json()
      ) as { ok: true; value: T } | { ok: false; error: { code: string; message: string; details?: unknown } };
      if (!body.ok)
        throw Object.assign(new Error(`${name} ${method}: ${body.error.code} ${body.error.message}`), { code: body.error.code, details: body.error.details });
      return body.value;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
