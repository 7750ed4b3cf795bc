import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink } from 'react-router';
import { ErrorText } from '../../components/error-text';
import { usePatientSearch } from '../patients/use-patient-search';
import './followup.css';

const SECTIONS = [
  { to: '/followup', key: 'reminders', end: true },
  { to: '/followup/referrals', key: 'referrals', end: false },
  { to: '/followup/calendar', key: 'calendar', end: false },
  { to: '/followup/indicators', key: 'indicators', end: false },
] as const;

/** The follow-up section's own tabs, with a patient finder to open someone's follow-up page. */
export function FollowupNav() {
  const { t } = useTranslation('followup');
  return (
    <>
      <nav className="followup-tabs" aria-label={t('title')}>
        {SECTIONS.map((s) => (
          <NavLink key={s.key} to={s.to} end={s.end}>
            {t(`nav.${s.key}`)}
          </NavLink>
        ))}
      </nav>
      <PatientFinder />
    </>
  );
}

function PatientFinder() {
  const { t } = useTranslation('followup');
  const [query, setQuery] = useState('');
  const id = useId();
  const found = usePatientSearch(query);
  const error = found?.error ?? null;
  const list = found && found.query === query.trim() ? found.results.slice(0, 8) : [];
  return (
    <div className="followup-toolbar">
      <label htmlFor={id}>{t('finder.label')}</label>
      <input id={id} value={query} onChange={(e) => setQuery(e.target.value)} placeholder={t('finder.placeholder')} autoComplete="off" />
      <ErrorText error={error} />
      {list.length > 0 && (
        <ul className="finder-results" aria-label={t('finder.results')}>
          {list.map((p) => (
            <li key={p.id}>
              <Link to={`/followup/patient/${p.id}`}>{p.name}</Link>{' '}
              <span className="muted">
                {p.birthDate}
                {p.village ? ` · ${p.village}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
      {query.trim() !== '' && found?.query === query.trim() && list.length === 0 && <span className="muted">{t('finder.none')}</span>}
    </div>
  );
}
