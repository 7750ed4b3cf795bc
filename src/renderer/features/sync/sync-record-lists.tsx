import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { SYNC_RECORD_LISTS, type SyncRecordListName } from '../../../shared/api/sync';
import type { SyncTargetId } from '../../../shared/sync';
import { formatDateTime } from '../../components/dates';
import { ErrorText } from '../../components/error-text';
import { useSyncRecordCounts, useSyncRecords } from './sync.resource';

/**
 * Per target: what is waiting, what failed (reason and what to do) and what is in conflict, each row opening the
 * chart it belongs to. Counts come with every refresh (they name no patient); a list is read when opened, and
 * again when its count changes.
 */
export function SyncRecordLists(props: { target: SyncTargetId; onRetry: () => void }) {
  const { t } = useTranslation('sync');
  const countsOf = useSyncRecordCounts({ id: props.target });
  const counts: Partial<Record<SyncRecordListName, number>> = countsOf.data ?? {};
  const [open, setOpen] = useState<SyncRecordListName | null>(null);
  const shown = useSyncRecords(open ? { id: props.target, list: open } : null);
  const list = shown.data;
  const error = countsOf.error ?? shown.error;

  // The open list is read again when its count moves (a push sent some, a new one failed).
  const openTotal = open ? counts[open] : undefined;
  const { reload } = shown;
  const seen = useRef({ open, total: openTotal });
  useEffect(() => {
    const before = seen.current;
    if (before.open === open && before.total !== undefined && before.total !== openTotal) reload();
    seen.current = { open, total: openTotal };
  }, [open, openTotal, reload]);

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
            onClick={() => setOpen(open === name ? null : name)}
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
