import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf } from './imports';

const ROOT = path.resolve(__dirname, '../..');

/** Resolves a relative import the way tsx does for our sources (.ts, .tsx, index.ts). */
function resolveLocal(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')].find((candidate) => existsSync(candidate) && candidate.match(/\.tsx?$/));
}

/** Every package a module reaches at run time through its relative imports (type-only imports are erased). */
function packagesReachedFrom(entry: string): Map<string, string> {
  const reached = new Map<string, string>(); // package → the file importing it
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const ref of importsOf(file, readFileSync(file, 'utf8'))) {
      if (ref.typeOnly) continue;
      if (ref.specifier.startsWith('.')) {
        const next = resolveLocal(file, ref.specifier);
        if (next) pending.push(next);
      } else if (!reached.has(ref.specifier)) {
        reached.set(ref.specifier, path.relative(ROOT, file));
      }
    }
  }
  return reached;
}

describe('the bench runs outside the test runner', () => {
  // `npm run bench` is plain tsx: a module that imports vitest (a describe-level hook in a shared e2e helper) makes
  // the whole bench fail at start, dropping every figure.
  const benches = readdirSync(path.join(ROOT, 'bench')).filter((name) => name.endsWith('.ts'));

  it.each(benches)('bench/%s reaches no vitest module', (name) => {
    const reached = packagesReachedFrom(path.join(ROOT, 'bench', name));
    const testRunner = [...reached].filter(([pkg]) => pkg === 'vitest' || pkg.startsWith('vitest/') || pkg.startsWith('@vitest/'));
    expect(testRunner).toEqual([]);
  });
});
