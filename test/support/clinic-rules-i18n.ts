import i18next, { type i18n } from 'i18next';
import en from '../../src/renderer/i18n/locales/en/clinic-rules.json';
import zh from '../../src/renderer/i18n/locales/zh-CN/clinic-rules.json';

/** The clinic-rules catalogs in both languages, loaded the way the renderer loads them (zh-CN first). */
export async function clinicRulesTranslator(): Promise<i18n> {
  const translator = i18next.createInstance();
  await translator.init({
    resources: { 'zh-CN': { 'clinic-rules': zh }, en: { 'clinic-rules': en } },
    lng: 'zh-CN',
    ns: ['clinic-rules'],
    defaultNS: 'clinic-rules',
    interpolation: { escapeValue: false },
    showSupportNotice: false,
  } as Parameters<i18n['init']>[0]);
  return translator;
}

/** The {{name}} parameters a message template uses. */
export const placeholders = (template: string) => [...template.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1]);
