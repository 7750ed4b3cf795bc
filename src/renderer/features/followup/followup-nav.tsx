import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink } from 'react-router';
import type { PatientSummary } from '../../../shared/api/patients';
import { api } from '../../api/client';
import { ErrorText } from '../../components/error-text';
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

/** Waits for a pause in typing, so every keystroke is not an audited search. */
const SEARCH_DELAY_MS = 250;

function PatientFinder() {
  const { t } = useTranslation('followup');
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<{ query: string; list: PatientSummary[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const id = useId();
  useEffect(() => {
    const text = query.trim();
    if (text === '') return;
    let current = true;
    const timer = setTimeout(() => {
      api.patients.search({ query: text.slice(0, 40), limit: 8 }).then(
        (r) => current && setFound({ query: text, list: r.results }),
        (err: unknown) => current && setError(err),
      );
    }, SEARCH_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query]);
  const list = found && found.query === query.trim() ? found.list : [];
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
