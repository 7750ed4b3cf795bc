import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * One state, one name (issue 14 point 9): an ECG nobody has read yet is 待解读 / "To be read" on every screen and
 * print. The other names it once had must not come back in any catalog.
 */
const LOCALES = path.resolve(__dirname, '../../../src/renderer/i18n/locales');
const RETIRED: Record<string, string[]> = {
  'zh-CN': ['未判读', '尚未解读', '未解读'],
  en: ['not interpreted', 'Not interpreted', 'Not read yet', 'not read yet'],
};
const CHOSEN: Record<string, string> = { 'zh-CN': '待解读', en: 'To be read' };

function catalogText(locale: string): string {
  const dir = path.join(LOCALES, locale);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
}

describe('one term for an unread ECG', () => {
  for (const locale of Object.keys(RETIRED)) {
    it(`${locale}: only "${CHOSEN[locale]}"`, () => {
      const text = catalogText(locale);
      for (const retired of RETIRED[locale]) expect(text, retired).not.toContain(retired);
      expect(text.toLowerCase()).toContain(CHOSEN[locale].toLowerCase());
    });
  }
});
