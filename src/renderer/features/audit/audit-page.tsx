import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatDateTime } from '../../components/dates';
import { ErrorText } from '../../components/error-text';
import { DateInput } from '../../components/date-input';
import { formatDateTimeSeconds } from '../../components/dates';
import { AUDIT_PAGE, useAuditSearch, useAuditVerify, type AuditQuery } from './audit.resource';

export function AuditPage() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState({ from: '', to: '', username: '', action: '', patientId: '' });
  const [query, setQuery] = useState<AuditQuery>({ pages: 1 });
  const found = useAuditSearch(query);
  const rows = found.data ?? [];
  // The chain is verified when asked (it reads the whole log), not on opening the page.
  const [verifyAsked, setVerifyAsked] = useState(false);
  const verified = useAuditVerify(verifyAsked ? {} : null);
  const verify = verified.data ?? null;
  const error = found.error ?? verified.error;

  function search() {
    const q = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== '')) as Partial<typeof filter>;
    const next = { ...q, pages: 1 };
    // The same filter searched again is a refresh: rows written since then show.
    if (JSON.stringify(next) === JSON.stringify(query)) found.reload();
    else setQuery(next);
  }

  function runVerify() {
    if (verifyAsked) verified.reload();
    else setVerifyAsked(true);
  }

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    search();
  };

  return (
    <section className="page">
      <h1>{t('audit.title')}</h1>
      <form className="card form-grid" onSubmit={onSubmit}>
        {(['from', 'to'] as const).map((k) => (
          <DateInput key={k} label={t(`audit.${k}`)} kind="any" value={filter[k]} onChange={(v) => setFilter({ ...filter, [k]: v })} />
        ))}
        <label>
          {t('audit.user')}
          <input value={filter.username} onChange={(e) => setFilter({ ...filter, username: e.target.value })} />
        </label>
        <label>
          {t('audit.action')}
          <input value={filter.action} onChange={(e) => setFilter({ ...filter, action: e.target.value })} />
        </label>
        <label>
          {t('audit.patient')}
          <input value={filter.patientId} onChange={(e) => setFilter({ ...filter, patientId: e.target.value })} />
        </label>
        <button type="submit" className="primary">
          {t('audit.search')}
        </button>
        <button type="button" onClick={runVerify}>
          {t('audit.verify')}
        </button>
      </form>
      {verify && (
        <p role="status" className={verify.ok ? 'ok-text' : 'error-text'}>
          {verify.ok
            ? t('audit.verifyOk', { checked: verify.checked })
            : t('audit.verifyBad', { id: verify.firstBadId, problem: t(`audit.problems.${verify.problem ?? 'hash'}`) })}
        </p>
      )}
      {verify && (
        <p role="status" aria-label={t('audit.anchorTitle')}>
          {verify.anchor
            ? t(verify.anchor.matches ? 'audit.anchorSummaryHeld' : 'audit.anchorSummaryLost', {
                through: verify.anchor.through,
                at: formatDateTime(verify.anchor.at),
              })
            : t('audit.anchorNone')}{' '}
          <Link to="/print/audit-anchor">{t('audit.anchorPrint')}</Link>
        </p>
      )}
      <ErrorText error={error} />
      <table className="card">
        <thead>
          <tr>
            <th>{t('audit.at')}</th>
            <th>{t('audit.user')}</th>
            <th>{t('audit.action')}</th>
            <th>{t('audit.patient')}</th>
            <th>{t('audit.outcome')}</th>
            <th>{t('audit.details')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>{formatDateTimeSeconds(r.at)}</td>
              <td>{r.username ?? '—'}</td>
              <td>{r.action}</td>
              <td>{r.patientId ?? ''}</td>
              <td>{t(`audit.outcomes.${r.outcome}`)}</td>
              <td>{r.details ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > 0 && rows.length % AUDIT_PAGE === 0 && <button onClick={() => setQuery({ ...query, pages: query.pages + 1 })}>{t('audit.more')}</button>}
    </section>
  );
}
