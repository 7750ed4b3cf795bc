import type { UtilityProcess } from 'electron';
import type { ReaderProcessLauncher } from './launcher';
import { superviseRead } from './launcher';

/**
 * The app's launcher: Electron's utilityProcess (a Node child without the renderer's privileges) runs the worker.
 * main.ts passes Electron's `utilityProcess` in (only main.ts imports Electron at run time).
 */
export function utilityProcessLauncher(
  utilityProcess: { fork: (modulePath: string, args: string[], options: { serviceName: string; stdio: 'ignore' }) => UtilityProcess },
  workerPath: string,
): ReaderProcessLauncher {
  return (req, timeoutMs) => {
    const child = utilityProcess.fork(workerPath, [], { serviceName: 'idcard-reader', stdio: 'ignore' });
    let alive = true;
    child.on('exit', () => {
      alive = false;
    });
    return superviseRead(
      {
        send: (m) => child.postMessage(m),
        onMessage: (l) => child.on('message', l),
        onExit: (l) => child.on('exit', (code) => l(code, null)),
        kill: () => {
          if (alive) child.kill();
        },
      },
      req,
      timeoutMs,
    );
  };
}
