import { spawnSync } from 'node:child_process';

/**
 * Bench honesty (issue 11.8): a figure that needs an outside tool is measured or the bench fails saying why; it is
 * never left out quietly. A missing tool is installed with apt-get when the bench runs as root; otherwise, or when
 * the install fails, this throws with the command to run and the figures that could not be measured.
 */
export function ensureTool(tool: string, aptPackage: string, isPresent: () => boolean, figures: string, system: ToolSystem = HOST): void {
  if (isPresent()) return;
  const root = system.isRoot();
  if (root) {
    process.stderr.write(`[bench] ${tool} is missing: apt-get install ${aptPackage}\n`);
    system.aptInstall(aptPackage);
    if (isPresent()) return;
  }
  throw new Error(
    `${tool} is not installed${root ? ' and apt-get could not install it' : ''}: ${figures} cannot be measured. Install it with "apt-get install ${aptPackage}" (as root) and run the bench again.`,
  );
}

/** What ensureTool does to the machine, apart so its decisions can be tested without installing anything. */
export interface ToolSystem {
  isRoot(): boolean;
  /** apt-get install (after apt-get update when the first try fails); the caller checks presence afterwards. */
  aptInstall(aptPackage: string): void;
}

const HOST: ToolSystem = {
  isRoot: () => typeof process.getuid === 'function' && process.getuid() === 0,
  aptInstall: (aptPackage) => {
    const install = () =>
      spawnSync('apt-get', ['install', '-y', '--no-install-recommends', aptPackage], {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    if (install().status !== 0) {
      spawnSync('apt-get', ['update'], { stdio: ['ignore', 'inherit', 'inherit'] });
      install();
    }
  },
};

/**
 * The keys of `expected` that `figures` lacks or holds as a non-finite number (JSON would print those as null). A
 * bench throws naming them instead of printing fewer figures than it promises.
 */
export function missingFigures(figures: Record<string, number>, expected: readonly string[]): string[] {
  return expected.filter((key) => !(key in figures) || !Number.isFinite(figures[key]));
}

/** True when `command args` runs and exits 0 (a probe that does not depend on PATH lookups done at import time). */
export function runs(command: string, args: string[]): boolean {
  const probe = spawnSync(command, args, { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

/** An error that still carries the figures measured before the failure, so run.ts can print them with the failure. */
export class PartialBenchError extends Error {
  constructor(
    message: string,
    readonly figures: Record<string, number>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
