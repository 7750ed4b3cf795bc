import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SyncConflictView } from '../../../shared/api/sync';
import { api } from '../../api/client';
import { ErrorText } from '../../components/error-text';
import { formatDateTime } from '../../components/dates';

/** Both versions side by side, field by field, with the two resolutions. */
export function SyncConflicts(props: { conflicts: SyncConflictView[]; onResolved: () => void }) {
  const { t } = useTranslation('sync');
  const [error, setError] = useState<unknown>(null);
  if (props.conflicts.length === 0) return null;
  const resolve = (conflictId: number, keep: 'ours' | 'theirs') => api.sync.resolve({ conflictId, keep }).then(props.onResolved, setError);
  return (
    <section aria-label={t('conflicts.title')}>
      <h2>{t('conflicts.title')}</h2>
      <ErrorText error={error} />
      {props.conflicts.map((conflict) => {
        const fields = differingFields(conflict.ours, conflict.theirs);
        return (
          <article key={conflict.id} className="card">
            <p>
              {t(`target.${conflict.target}`)} · {conflict.resourceType}/{conflict.resourceId} · {formatDateTime(conflict.detectedAt)}
            </p>
            <table>
              <thead>
                <tr>
                  <th>{t('conflicts.field')}</th>
                  <th>{t('conflicts.ours')}</th>
                  <th>{t('conflicts.theirs')}</th>
                </tr>
              </thead>
              <tbody>
                {fields.map((field) => (
                  <tr key={field}>
                    <th>{field}</th>
                    <td>{show(conflict.ours[field])}</td>
                    <td>{conflict.theirs ? show(conflict.theirs[field]) : t('conflicts.deleted')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="row">
              <button type="button" onClick={() => void resolve(conflict.id, 'ours')}>
                {t('conflicts.keepOurs')}
              </button>
              <button type="button" onClick={() => void resolve(conflict.id, 'theirs')}>
                {t('conflicts.takeTheirs')}
              </button>
            </div>
          </article>
        );
      })}
    </section>
  );
}

/** Top-level fields whose content differs; meta and text are bookkeeping, not clinical content. */
export function differingFields(ours: Record<string, unknown>, theirs: Record<string, unknown> | null): string[] {
  const keys = new Set([...Object.keys(ours), ...Object.keys(theirs ?? {})]);
  return [...keys].filter((key) => key !== 'meta' && key !== 'text' && JSON.stringify(ours[key]) !== JSON.stringify(theirs?.[key])).sort();
}

function show(value: unknown): string {
  return value === undefined ? '—' : JSON.stringify(value, null, 1);
}
