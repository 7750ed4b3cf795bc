import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CountyRecordItem } from '../../../shared/api/county-record';
import { api } from '../../api/client';
import { formatDate, formatDateTime } from '../../components/dates';
import { ErrorText } from '../../components/error-text';
import { countyRecordResource, useCountyRecord } from './county-record.resource';

/**
 * 县域档案 in the chart: what other institutions recorded on the county platform, read-only and set apart from the
 * center's own record (its own card, an 外院 mark and the source on every row). The cached copy shows at once; the
 * platform is asked only when the clinician presses 调阅 (each fetch is an audited read of the patient).
 */
export function CountyRecordSection({ patientId }: { patientId: string }) {
  const { t } = useTranslation('countyRecord');
  const record = useCountyRecord({ patientId });
  const view = record.data ?? null;
  const [busy, setBusy] = useState(false);
  const [fetchError, setError] = useState<unknown>(null);
  const error = fetchError ?? record.error;

  async function fetchRecord() {
    setBusy(true);
    setError(null);
    try {
      // The platform's answer (with its refresh error, if it could not be reached) replaces the cached one shown.
      const fetched = await api.countyRecord.fetch({ patientId });
      if (record.data) record.mutate(() => fetched);
      // Nothing shown yet (the cached read failed or is still out): read the copy this fetch stored.
      else countyRecordResource.invalidateOne({ patientId });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card county-record" aria-labelledby="county-record-title" data-testid="county-record">
      <div className="row wrap spread">
        <h2 id="county-record-title">{t('title')}</h2>
        <button type="button" onClick={() => void fetchRecord()} disabled={busy}>
          {busy ? t('fetching') : view?.fetchedAt ? t('refresh') : t('fetch')}
        </button>
      </div>
      <p className="muted">{t('notOurs')}</p>
      <ErrorText error={error} />
      {view?.refreshError && view.fetchedAt && (
        <p className="warn-text" role="status">
          {t('offline', { error: t(`sync:error.${view.refreshError.code}`), time: formatDateTime(view.fetchedAt) })}
        </p>
      )}
      {view && !view.fetchedAt && <p className="muted">{t('neverFetched')}</p>}
      {view?.fetchedAt && (
        <>
          <p className="muted" data-testid="county-record-fetched">
            {t('fetchedAt', { time: formatDateTime(view.fetchedAt), user: view.fetchedByName ?? '' })}
          </p>
          {view.items.length === 0 ? <p className="muted">{t('empty')}</p> : <CountyRecordTable items={view.items} />}
        </>
      )}
    </section>
  );
}

function effectiveText(value: string | null): string | null {
  if (!value) return null;
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDate(value) : formatDateTime(value);
}

function CountyRecordTable({ items }: { items: CountyRecordItem[] }) {
  const { t } = useTranslation('countyRecord');
  return (
    <table className="table county-record-table">
      <thead>
        <tr>
          <th>{t('column.date')}</th>
          <th>{t('column.kind')}</th>
          <th>{t('column.record')}</th>
          <th>{t('column.source')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={`${item.resourceType}/${item.resourceId}`} data-testid="county-record-item">
            <td className="nowrap">{effectiveText(item.effectiveAt) ?? <span className="muted">{t('noDate')}</span>}</td>
            <td className="nowrap">{t(`kind.${item.kind}`)}</td>
            <td>
              <strong>{item.title}</strong>
              {item.detail && <div className="county-record-detail">{item.detail}</div>}
            </td>
            <td>
              <span className="badge foreign">{t('foreignBadge')}</span>
              {item.sourceInstitution ? t('source', { institution: item.sourceInstitution }) : <span className="muted">{t('sourceUnknown')}</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
