import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/shared/api/errors';
import { ECG_FORMAT_ERROR_CODES } from '../../../src/main/ecg/formats/errors';
import { ECG_STREAM_STATES } from '../../../src/shared/ecg-stream';
import { ADULT_ECG_NORMALS } from '../../../src/shared/ecg-normals';
import { ECG_LAYOUTS } from '../../../src/shared/ecg-paper';
import { errorKeys } from '../../../src/renderer/components/error-text';
import { MEASUREMENT_ORDER } from '../../../src/renderer/features/ecg/ecg-measurements';

const ROOT = path.resolve(__dirname, '../../..');
type Catalog = { [key: string]: string | string[] | Catalog };
const catalog = (lang: string) => JSON.parse(readFileSync(path.join(ROOT, `src/renderer/i18n/locales/${lang}/ecg.json`), 'utf8')) as Catalog;
const zh = catalog('zh-CN');
const en = catalog('en');

function leafKeys(c: Catalog, prefix = ''): string[] {
  return Object.entries(c).flatMap(([k, v]) => (typeof v === 'object' && !Array.isArray(v) ? leafKeys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

function lookup(c: Catalog, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Catalog)[part] : undefined), c);
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : [],
  );
}

describe('ecg catalogs', () => {
  it('has the same keys in zh-CN and en', () => {
    expect(leafKeys(en).sort()).toEqual(leafKeys(zh).sort());
  });

  it('names every ECG reader failure in both languages, and ErrorText asks for that text first', () => {
    for (const code of ECG_FORMAT_ERROR_CODES) {
      expect(lookup(zh, `formatError.${code}`), code).toEqual(expect.any(String));
      expect(lookup(en, `formatError.${code}`), code).toEqual(expect.any(String));
      expect(errorKeys(new ApiError('ECG_FORMAT', 'x', { reason: code })).keys[0]).toBe(`ecg:formatError.${code}`);
    }
    expect(errorKeys(new ApiError('CONFLICT', 'x', { reason: 'TRUNCATED' })).keys).not.toContain('ecg:formatError.TRUNCATED');
  });

  it('has a text for every key the ECG screens use', () => {
    // The ECG printouts live in features/ecg/print, so the folder holds every ECG screen.
    const files = sources(path.join(ROOT, 'src/renderer/features/ecg'));
    const literal = new Set(files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/'ecg:([A-Za-z0-9_.]+)'/g)].map((m) => m[1])));
    expect(literal.size).toBeGreaterThan(80);
    // Keys built from data: every value the data can take.
    const built = [
      ...['M', 'F', 'U'].map((s) => `sex.${s}`),
      ...['file', 'device', 'folder'].map((s) => `source.${s}`),
      ...ECG_STREAM_STATES.map((s) => `state.${s}`),
      ...ECG_LAYOUTS.map((l) => `layout.${l}`),
      ...MEASUREMENT_ORDER.flatMap((k) => [`measure.${k}`, `measureShort.${k}`]),
      ...['bpm', 'ms', 'deg'].map((u) => `unit.${u}`),
      ...['low', 'high'].map((f) => `flag.${f}`),
      ...Object.values(ADULT_ECG_NORMALS)
        .flatMap((r) => [r.lowFinding, r.highFinding])
        .filter((f): f is string => !!f)
        .map((f) => `finding.${f}`),
    ];
    const missing = [...literal, ...built].filter((key) => lookup(zh, key) === undefined || lookup(en, key) === undefined);
    expect(missing).toEqual([]);
  });
});
