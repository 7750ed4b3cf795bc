import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Stand-in ports (see sdtapi-standin.c): each picks how the library behaves. */
export const STANDIN_PORT = { ok: 1001, noCard: 1002, noDevice: 1003, abort: 1004, hang: 1005, garbage: 1006 } as const;

/** The default resident on the stand-in card. */
export const STANDIN_CARD = { name: '张卡测', idNumber: '130608196503120021', birthDate: '1965-03-12', sex: 'F', ethnicCode: '01' } as const;

/** Compiles the stand-in reader library with the system C compiler into a temp folder; returns the .so path. */
export function buildStandinLibrary(dir = mkdtempSync(path.join(tmpdir(), 'idcard-standin-'))): string {
  const out = path.join(dir, 'libsdtapi.so');
  execFileSync('cc', ['-shared', '-fPIC', '-O1', '-o', out, path.join(__dirname, 'sdtapi-standin.c')], { stdio: 'pipe' });
  return out;
}
