import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SYNC_ERROR_CODES, SYNC_TARGET_KINDS } from '../../src/shared/sync';

const LOCALES = path.resolve(__dirname, '../../src/renderer/i18n/locales');
const catalog = (locale: string, ns: string) => JSON.parse(readFileSync(path.join(LOCALES, locale, `${ns}.json`), 'utf8')) as Record<string, unknown>;

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => keys(child, prefix ? `${prefix}.${key}` : key));
}

describe('national documents wording', () => {
  it('every sync error code (the document refusals included) and every target kind is worded in zh-CN and en', () => {
    for (const locale of ['zh-CN', 'en']) {
      const sync = catalog(locale, 'sync') as { error: Record<string, string>; kind: Record<string, string> };
      for (const code of SYNC_ERROR_CODES) expect(sync.error[code], `${locale} sync:error.${code}`).toMatch(/\S/);
      for (const kind of SYNC_TARGET_KINDS) expect(sync.kind[kind], `${locale} sync:kind.${kind}`).toMatch(/\S/);
    }
  });

  it('the export panel, the national code selects and the sync form have the same keys in both languages', () => {
    const zhFollowup = catalog('zh-CN', 'followup') as { national: unknown };
    const enFollowup = catalog('en', 'followup') as { national: unknown };
    expect(keys(zhFollowup.national).sort()).toEqual(keys(enFollowup.national).sort());
    const zhSync = catalog('zh-CN', 'sync');
    const enSync = catalog('en', 'sync');
    expect(keys(zhSync).sort()).toEqual(keys(enSync).sort());
    const register = (locale: string) => (catalog(locale, 'clinic') as { register: Record<string, string> }).register;
    for (const key of ['ethnicGroup', 'maritalStatus', 'education', 'occupation', 'notGiven']) {
      expect(register('zh-CN')[key]).toMatch(/\S/);
      expect(register('en')[key]).toMatch(/\S/);
    }
  });
});
