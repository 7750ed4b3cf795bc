import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { Consult } from '../../../shared/api/consult';
import type { PatientSummary } from '../../../shared/api/patients';
import { api } from '../../api/client';
import { ErrorText } from '../../components/error-text';
import { ConsultStatusChip, formatInstant, UrgencyText } from './consult-labels';

export const CONSULT_REFRESH_MS = 15_000;

/** 会诊: every request still open (or one patient's, with ?patientId=), and where a new one starts. */
export function ConsultListPage() {
  const { t, i18n } = useTranslation('consult');
  const [params] = useSearchParams();
  const patientId = params.get('patientId');
  const [consults, setConsults] = useState<Consult[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(() => {
    const request = patientId ? api.consult.list({ patientId }) : api.consult.open({});
    request.then(
      (list) => {
        setConsults(list);
        setError(null);
      },
      setError,
    );
  }, [patientId]);

  useEffect(() => {
    load();
    const timer = setInterval(load, CONSULT_REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  return (
    <section className="page">
      <div className="row page-head">
        <h1>{patientId ? t('list.patientTitle') : t('list.title')}</h1>
        <span className="spacer" />
        {patientId && (
          <Link className="button primary" to={`/consult/new/${patientId}`}>
            {t('list.newForPatient')}
          </Link>
        )}
      </div>
      {!patientId && <PatientPicker />}
      <ErrorText error={error} />
      {consults && consults.length === 0 && <p className="card muted">{patientId ? t('list.emptyPatient') : t('list.empty')}</p>}
      {consults && consults.length > 0 && (
        <table className="card" aria-label={t('list.title')}>
          <thead>
            <tr>
              <th>{t('field.patient')}</th>
              <th>{t('field.question')}</th>
              <th>{t('field.urgency')}</th>
              <th>{t('field.institution')}</th>
              <th>{t('field.requestedAt')}</th>
              <th>{t('field.status')}</th>
            </tr>
          </thead>
          <tbody>
            {consults.map((consult) => (
              <tr key={consult.id} data-testid="consult-row">
                <td>{consult.patientName}</td>
                <td>
                  <Link to={`/consult/${consult.patientId}/${consult.id}`}>{consult.question.slice(0, 40)}</Link>
                </td>
                <td>
                  <UrgencyText urgency={consult.urgency} />
                </td>
                <td>
                  {consult.targetInstitution} · {t(`specialty.${consult.specialty}`)}
                </td>
                <td>{formatInstant(consult.requestedAt, i18n.language)}</td>
                <td>
                  <ConsultStatusChip status={consult.status} />
                  {consult.hasReply && <span className="badge">{t('list.replied')}</span>}
                  {consult.critical && <span className="flag-critical">{t('critical.short')}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A new request always belongs to a patient: find them by name, pinyin initials or ID number. */
function PatientPicker() {
  const { t } = useTranslation('consult');
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<PatientSummary[]>([]);
  useEffect(() => {
    if (query.trim().length === 0) return;
    let current = true;
    api.patients.search({ query: query.trim(), limit: 8 }).then(
      (found) => current && setResults(found.results),
      () => current && setResults([]),
    );
    return () => {
      current = false;
    };
  }, [query]);
  return (
    <div className="card">
      <label>
        {t('list.pickPatient')}
        <input value={query} onChange={(event) => setQuery(event.target.value)} placeholder={t('list.pickPatientHint')} />
      </label>
      {query.trim().length > 0 && results.length > 0 && (
        <ul className="timeline">
          {results.map((patient) => (
            <li key={patient.id}>
              <Link to={`/consult/new/${patient.id}`}>{t('list.newFor', { name: patient.name })}</Link>{' '}
              <Link to={`/consult?patientId=${patient.id}`} className="muted small">
                {t('list.history')}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
