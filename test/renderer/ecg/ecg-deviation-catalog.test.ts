import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ECG_DEVIATION_CODES } from '../../../src/shared/ecg';

const ROOT = path.resolve(__dirname, '../../..');
const catalog = (lang: string) =>
  JSON.parse(readFileSync(path.join(ROOT, `src/renderer/i18n/locales/${lang}/ecg.json`), 'utf8')) as {
    deviation?: Record<string, string>;
    formatError?: Record<string, string>;
  };

describe('ECG reader deviations and the BAD_SAMPLE refusal are worded in both languages', () => {
  it.each(['zh-CN', 'en'])('%s', (lang) => {
    const { deviation, formatError } = catalog(lang);
    for (const code of ECG_DEVIATION_CODES) expect(deviation?.[code], code).toEqual(expect.any(String));
    expect(deviation?.title).toEqual(expect.any(String));
    expect(formatError?.BAD_SAMPLE).toMatch(/\{\{lead\}\}.*\{\{sample\}\}/);
  });
});
