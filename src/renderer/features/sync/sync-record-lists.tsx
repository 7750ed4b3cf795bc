import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { SYNC_RECORD_LISTS, type SyncRecordList, type SyncRecordListName } from '../../../shared/api/sync';
import type { SyncTargetId } from '../../../shared/sync';
import { api } from '../../api/client';
import { formatDateTime } from '../../components/dates';
import { ErrorText } from '../../components/error-text';

/**
 * Per target: what is waiting, what failed (reason and what to do) and what is in conflict, each row opening the
 * chart it belongs to. Counts come with every refresh (they name no patient); a list is read when opened, and
 * again when its count changes.
 */
export function SyncRecordLists(props: { target: SyncTargetId; refresh: number; onRetry: () => void }) {
  const { t } = useTranslation('sync');
  const [counts, setCounts] = useState<Partial<Record<SyncRecordListName, number>>>({});
  const [open, setOpen] = useState<SyncRecordListName | null>(null);
  const [list, setList] = useState<SyncRecordList | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let current = true;
    Promise.all(SYNC_RECORD_LISTS.map((name) => api.sync.records({ id: props.target, list: name, limit: 0 }))).then(
      (totals) => current && setCounts(Object.fromEntries(SYNC_RECORD_LISTS.map((name, index) => [name, totals[index]?.total ?? 0]))),
      (e: unknown) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, [props.target, props.refresh]);

  const openTotal = open ? counts[open] : undefined;
  useEffect(() => {
    if (!open) return;
    let current = true;
    api.sync.records({ id: props.target, list: open, limit: 100 }).then(
      (loaded) => current && setList(loaded),
      (e: unknown) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, [props.target, open, openTotal]);

  return (
    <div className="sync-lists" data-testid={`sync-lists-${props.target}`}>
      <div className="row wrap" role="tablist">
        {SYNC_RECORD_LISTS.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={open === name}
            className={name === 'failed' && (counts[name] ?? 0) > 0 ? 'danger' : undefined}
            data-testid={`sync-list-${props.target}-${name}`}
            onClick={() => {
              setList(null);
              setOpen(open === name ? null : name);
            }}
          >
            {t(`lists.${name}`, { count: counts[name] ?? 0 })}
          </button>
        ))}
      </div>
      <ErrorText error={error} />
      {open && list && (
        <div role="tabpanel">
          {list.records.length === 0 ? (
            <p className="muted">{t('lists.none')}</p>
          ) : (
            <table className="sync-record-table">
              <thead>
                <tr>
                  <th>{t('lists.record')}</th>
                  <th>{t('lists.patient')}</th>
                  <th>{open === 'conflict' ? t('lists.foundAt') : t('lists.queuedAt')}</th>
                  {open === 'failed' && <th>{t('lists.reason')}</th>}
                </tr>
              </thead>
              <tbody>
                {list.records.map((record) => (
                  <tr key={`${record.resourceType}/${record.resourceId}`} data-testid="sync-record">
                    <td>{t(`resourceType.${record.resourceType}`, { defaultValue: record.resourceType })}</td>
                    <td>{record.patientId ? <Link to={`/patients/${record.patientId}`}>{record.patientName ?? record.patientId}</Link> : '—'}</td>
                    <td>{formatDateTime(record.queuedAt)}</td>
                    {open === 'failed' && (
                      <td>
                        {record.lastError ? `${t(`error.${record.lastError.code}`)} — ${t(`action.${record.lastError.action}`)}` : ''}
                        {record.nextAttemptAt && <span className="muted"> {t('nextAttempt', { time: formatDateTime(record.nextAttemptAt) })}</span>}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {list.total > list.records.length && <p className="muted">{t('lists.more', { shown: list.records.length, total: list.total })}</p>}
          {open === 'failed' && list.total > 0 && (
            <button type="button" onClick={props.onRetry}>
              {t('retry')}
            </button>
          )}
          {open === 'conflict' && list.total > 0 && <p className="muted">{t('lists.resolveBelow')}</p>}
        </div>
      )}
    </div>
  );
}
