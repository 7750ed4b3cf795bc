import { ESLint } from 'eslint';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importsOf, PROCESSES, processOf, violation, type ImportRef } from './imports';

const PROJECT = path.resolve(__dirname, '../..');
const SRC = path.join(PROJECT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

interface Edge {
  file: string;
  ref: ImportRef;
}

describe('import direction over every file in src/', () => {
  const files = sourceFiles(SRC);
  const edges: Edge[] = files.flatMap((file) => importsOf(file, readFileSync(file, 'utf8')).map((ref) => ({ file, ref })));
  const rel = (file: string) => path.relative(PROJECT, file).split(path.sep).join('/');

  it('finds the process folders and their imports (the check is not vacuous)', () => {
    for (const folder of PROCESSES)
      expect(
        files.some((f) => processOf(SRC, f) === folder),
        folder,
      ).toBe(true);
    const has = (file: string, specifier: string) => edges.some((e) => rel(e.file) === file && e.ref.specifier === specifier);
    expect(has('src/main/main.ts', 'electron')).toBe(true);
    expect(has('src/preload/preload.ts', '../shared/api/contract')).toBe(true);
    expect(has('src/main/shell/security.ts', 'electron')).toBe(true);
  });

  it('has every file inside a process folder', () => {
    expect(files.filter((f) => processOf(SRC, f) === 'outside src').map(rel)).toEqual([]);
  });

  it('has no import against the rule', () => {
    const broken = edges.flatMap(({ file, ref }) => {
      const why = violation(SRC, file, ref);
      return why ? [`${rel(file)}:${ref.line} ${why}`] : [];
    });
    expect(broken).toEqual([]);
  });
});

/** [file, source line, allowed?] — judged the same way by the resolved-path check above and by ESLint. */
const CASES: [string, string, boolean][] = [
  ['src/shared/api/probe.ts', "import { z } from 'zod';", true],
  ['src/shared/api/probe.ts', "import { channelOf } from './define';", true],
  ['src/shared/ecg/probe.ts', "import { x } from '../api/define';", true],
  ['src/shared/api/probe.ts', "import { openEncryptedDatabase } from '../../main/db/open';", false],
  ['src/shared/api/probe.ts', "import type { Services } from '../../main/services';", false],
  ['src/shared/probe.ts', "import { App } from '../renderer/app/app';", false],
  ['src/shared/probe.ts', "export { api } from '../preload/preload';", false],
  ['src/shared/probe.ts', "import { readFileSync } from 'node:fs';", false],
  ['src/shared/probe.ts', "import path from 'path';", false],
  ['src/shared/probe.ts', "import type { Session } from 'electron';", false],
  ['src/renderer/features/probe.tsx', "import { contract } from '../../shared/api/contract';", true],
  ['src/renderer/features/probe.tsx', "import { Layout } from '../app/layout';", true],
  ['src/renderer/features/probe.tsx', "import { createServices } from '../../main/services';", false],
  ['src/renderer/features/probe.tsx', "const m = import('../../main/services');", false],
  ['src/renderer/probe.tsx', "import { ipcRenderer } from 'electron';", false],
  ['src/renderer/probe.tsx', "import { EventEmitter } from 'node:events';", false],
  ['src/preload/probe.ts', "import { contextBridge } from 'electron';", true],
  ['src/preload/probe.ts', "import { buildRawApi } from '../shared/api/contract';", true],
  ['src/preload/probe.ts', "import { registerIpc } from '../main/api/ipc';", false],
  ['src/preload/probe.ts', "import fs from 'node:fs';", false],
  ['src/main/api/probe.ts', "import { readFileSync } from 'node:fs';", true],
  ['src/main/api/probe.ts', "import { contract } from '../../shared/api/contract';", true],
  ['src/main/api/probe.ts', "import type { WebContents } from 'electron';", true],
  ['src/main/api/probe.ts', "import { BrowserWindow } from 'electron';", false],
  ['src/main/api/probe.ts', "import { App } from '../../renderer/app/app';", false],
  ['src/main/main.ts', "import { app } from 'electron';", true],
  ['src/main/main.ts', "import { api } from '../preload/preload';", false],
];

describe('the resolved-path check', () => {
  it.each(CASES)('%s: %s → allowed %s', (file, line, allowed) => {
    const absolute = path.join(PROJECT, file);
    const refs = importsOf(absolute, line);
    expect(refs).toHaveLength(1);
    expect(violation(SRC, absolute, refs[0]) === null).toBe(allowed);
  });
});

describe('the ESLint rule (eslint.config.mjs) agrees', () => {
  let eslint: ESLint;
  beforeAll(() => {
    eslint = new ESLint({ cwd: PROJECT });
  });

  it.each(CASES)('%s: %s → allowed %s', async (file, line, allowed) => {
    const [result] = await eslint.lintText(`${line}\nexport {};\n`, { filePath: path.join(PROJECT, file) });
    const restricted = result.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports' || m.ruleId === 'no-restricted-syntax');
    expect(restricted.length === 0, restricted.map((m) => m.message).join('; ')).toBe(allowed);
  });
});
