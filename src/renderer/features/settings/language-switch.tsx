import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { LOCALES, setLocale, type Locale } from '../../i18n';

const LABELS: Record<Locale, string> = { 'zh-CN': '中文', en: 'English' };

export function LanguageSwitch() {
  const { i18n, t } = useTranslation();
  return (
    <label className="language-switch">
      {t('settings.language')}
      <select
        value={i18n.language}
        onChange={(e) => {
          const locale = e.target.value as Locale;
          setLocale(locale);
          // Remember it for the station too; before the database is open this is only local.
          void api.settings.setLocale({ locale }).catch(() => {});
        }}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l}>
            {LABELS[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
