import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REFUSALS, refusalKey } from '../../src/shared/api/refusals';

const root = path.resolve(__dirname, '../..');
const catalogs = path.join(root, 'src/renderer/i18n/locales');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : /\.tsx?$/.test(name) ? [full] : [];
  });
}

function lookup(locale: string, key: string): unknown {
  const [ns, rest] = key.split(':');
  const catalog = JSON.parse(readFileSync(path.join(catalogs, locale, `${ns}.json`), 'utf8')) as Record<string, unknown>;
  return rest.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), catalog);
}

/** Literal reasons the services refuse with: `reason: 'X'` in an ApiError's details, or a feature's refuse('X', …). */
function thrownReasons(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of files(path.join(root, 'src/main'))) {
    const text = readFileSync(file, 'utf8');
    // ECG_FORMAT refusals carry a reader code (ecg:formatError), not a service reason.
    for (const m of text.matchAll(/new ApiError\('(\w+)'[^;]*?\{[^}]*?reason: '([A-Z][A-Z0-9_]+)'/gs))
      if (m[1] !== 'ECG_FORMAT') found.set(m[2], path.relative(root, file));
    for (const m of text.matchAll(/\brefuse\('([A-Z][A-Z0-9_]+)'/g)) found.set(m[1], path.relative(root, file));
  }
  return found;
}

describe('typed refusals', () => {
  it('lists every reason a service refuses with, so the renderer can word it', () => {
    const thrown = thrownReasons();
    expect(thrown.size).toBeGreaterThan(30);
    const unlisted = [...thrown].filter(([reason]) => refusalKey(reason) === null && !reason.startsWith('ID_'));
    expect(unlisted).toEqual([]);
  });

  it('gives every listed and thrown reason a zh-CN and an English text', () => {
    const reasons = new Set<string>([...Object.values(REFUSALS).flat(), ...thrownReasons().keys()]);
    const missing: string[] = [];
    for (const reason of reasons) {
      const key = refusalKey(reason);
      if (!key) continue;
      for (const locale of ['zh-CN', 'en']) if (typeof lookup(locale, key) !== 'string') missing.push(`${locale} ${key}`);
    }
    expect(missing).toEqual([]);
  });

  it('lists each reason under one feature only', () => {
    const all = Object.values(REFUSALS).flat();
    expect(new Set(all).size).toBe(all.length);
  });
});
