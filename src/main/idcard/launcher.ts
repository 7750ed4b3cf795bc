import { fork } from 'node:child_process';
import type { WorkerReply, WorkerRequest } from './worker-protocol';

/**
 * Runs one read in a process of its own and settles with the worker's reply, or with IDCARD_DRIVER_CRASHED when the
 * process dies first (abort, segfault) and IDCARD_TIMEOUT when it does not answer in time (it is killed). Main never
 * loads the vendor library itself.
 */
export type ReaderProcessLauncher = (req: WorkerRequest, timeoutMs: number) => Promise<WorkerReply>;

/** The minimum of a child process both Node's fork and Electron's utilityProcess offer. */
export interface ReaderChild {
  send(message: WorkerRequest): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

/**
 * Starting the process (Node, and tsx compiling the worker in development) is not the reader's time: the read's
 * timeout starts when the worker says it is ready; a worker that never gets ready is a crash after STARTUP_MS.
 */
const STARTUP_MS = 30_000;

export function superviseRead(child: ReaderChild, req: WorkerRequest, timeoutMs: number): Promise<WorkerReply> {
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (reply: WorkerReply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill();
      resolve(reply);
    };
    timer = setTimeout(
      () => settle({ kind: 'refusal', reason: 'IDCARD_DRIVER_CRASHED', detail: `reader process not ready within ${STARTUP_MS} ms` }),
      STARTUP_MS,
    );
    child.onMessage((m) => {
      if ((m as { kind?: string }).kind === 'ready') {
        clearTimeout(timer);
        timer = setTimeout(() => settle({ kind: 'refusal', reason: 'IDCARD_TIMEOUT', detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
        child.send(req);
        return;
      }
      settle(m as WorkerReply);
    });
    child.onExit((code, signal) =>
      settle({ kind: 'refusal', reason: 'IDCARD_DRIVER_CRASHED', detail: `reader process ended (code ${code}, signal ${signal})` }),
    );
  });
}

/**
 * The Node launcher (harness, tests, CLI): a forked Node process. `execArgv` lets tests run the TypeScript worker
 * through tsx; the packaged app uses the utilityProcess launcher instead.
 */
export function nodeForkLauncher(workerPath: string, execArgv: string[] = []): ReaderProcessLauncher {
  return (req, timeoutMs) => {
    const proc = fork(workerPath, [], { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: process.env });
    proc.stderr?.resume();
    return superviseRead(
      {
        send: (m) => proc.send(m),
        onMessage: (l) => proc.on('message', l),
        onExit: (l) => proc.on('exit', l),
        kill: () => {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
        },
      },
      req,
      timeoutMs,
    );
  };
}
