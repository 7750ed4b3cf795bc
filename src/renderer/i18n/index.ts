import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

type Catalog = Record<string, unknown>;
// Every JSON file under locales/<lang>/ is one namespace (common, errors, clinic-rules, ...).
const files = import.meta.glob<Catalog>('./locales/*/*.json', { eager: true, import: 'default' });

const resources: Record<string, Record<string, Catalog>> = {};
for (const [file, catalog] of Object.entries(files)) {
  const [, lang, ns] = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(file) ?? [];
  if (!lang || !ns) continue;
  resources[lang] ??= {};
  resources[lang][ns] = catalog;
}

export const NAMESPACES = Object.keys(resources['zh-CN'] ?? {});

const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('workstation.locale') : null;

void i18n.use(initReactI18next).init({
  resources,
  lng: stored === 'en' ? 'en' : 'zh-CN',
  fallbackLng: 'zh-CN',
  ns: NAMESPACES,
  defaultNS: 'common',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function setLocale(locale: Locale): void {
  localStorage.setItem('workstation.locale', locale);
  void i18n.changeLanguage(locale);
  document.documentElement.lang = locale;
}

export default i18n;
