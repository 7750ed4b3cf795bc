import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { CONSULT_STATUSES, OPEN_CONSULT_STATUSES, type ConsultStatus } from '../../../shared/api/consult';
import { formatDateTime } from '../../components/dates';
import { ErrorText } from '../../components/error-text';
import { PageHeader, Select } from '../../components/form';
import { usePatientSearch } from '../patients/use-patient-search';
import { ConsultStatusChip, UrgencyText } from './consult-labels';
import { useConsultsByStatus, usePatientConsults } from './consult.resource';

/** The list's state filter: the open ones (the default: what still needs the county), one closed state, or all. */
const FILTERS = ['open', 'completed', 'rejected', 'cancelled', 'all'] as const;
type Filter = (typeof FILTERS)[number];

export function statusesOf(filter: Filter): ConsultStatus[] {
  if (filter === 'open') return [...OPEN_CONSULT_STATUSES];
  if (filter === 'all') return [...CONSULT_STATUSES];
  return [filter];
}

/** 会诊: every patient's requests filtered by state, open by default (or one patient's, with ?patientId=). */
export function ConsultListPage() {
  const { t } = useTranslation('consult');
  const [params, setParams] = useSearchParams();
  const patientId = params.get('patientId');
  const filterParam = params.get('status');
  const filter: Filter = FILTERS.includes(filterParam as Filter) ? (filterParam as Filter) : 'open';
  const byStatus = useConsultsByStatus(patientId ? null : { statuses: statusesOf(filter) });
  const ofPatient = usePatientConsults(patientId ? { patientId } : null);
  const shown = patientId ? ofPatient : byStatus;
  // Both resources poll: answers arrive with sync in the background.
  const consults = shown.data;

  return (
    <section className="page">
      <PageHeader title={patientId ? t('list.patientTitle') : t('list.title')}>
        {patientId && (
          <Link className="button primary" to={`/consult/new/${patientId}`}>
            {t('list.newForPatient')}
          </Link>
        )}
      </PageHeader>
      {!patientId && <PatientPicker />}
      {!patientId && (
        <div className="row">
          <Select
            label={t('list.statusFilter')}
            value={filter}
            options={FILTERS.map((f) => ({ value: f, label: t(`filter.${f}`) }))}
            onChange={(f) => setParams(f === 'open' ? {} : { status: f }, { replace: true })}
          />
        </div>
      )}
      <ErrorText error={shown.error} />
      {consults && consults.length === 0 && (
        <p className="card muted">{patientId ? t('list.emptyPatient') : filter === 'open' ? t('list.empty') : t('list.emptyFiltered')}</p>
      )}
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
                <td>{formatDateTime(consult.requestedAt)}</td>
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
  // A failed search lists nobody; the box itself says nothing more (as the header's search does).
  const results = usePatientSearch(query, 8)?.results ?? [];
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
