import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SyncTargetView } from '../../../shared/api/sync';
import type { SyncTargetId } from '../../../shared/sync';
import { api, events } from '../../api/client';
import { useAuth } from '../../app/auth-context';
import { ErrorText } from '../../components/error-text';
import { SyncConflicts } from './sync-conflicts';
import { SyncRecordLists } from './sync-record-lists';
import { SyncTargetForm } from './sync-target-form';
import { formatDateTime } from '../../components/dates';
import { afterSyncAction, refreshSyncState, useSyncConflicts, useSyncTargets } from './sync.resource';

/**
 * 同步: each platform's state (from its last attempt: a platform that is down shows its error, never 空闲), what is
 * waiting, failed or in conflict, "立即同步", settings (administrators edit; others see them read-only) and conflicts.
 */
export function SyncPage() {
  const { t } = useTranslation('sync');
  const { status } = useAuth();
  const admin = status?.user?.role === 'admin';
  const targetList = useSyncTargets({});
  const targets = targetList.data;
  const conflicts = useSyncConflicts({}).data ?? [];
  const [progress, setProgress] = useState<Partial<Record<string, Progress>>>({});
  const [backfill, setBackfill] = useState<Partial<Record<string, { done: number; total: number; finished: boolean }>>>({});
  const [editing, setEditing] = useState<SyncTargetId | null>(null);
  const [failed, setError] = useState<unknown>(null);
  const error = failed ?? targetList.error;

  useEffect(() => {
    const off = events.on('syncProgress', (event) => {
      // Events about pushes and state carry no pull figures: keep the last ones while the pull goes on.
      setProgress((current) => ({
        ...current,
        [event.target]: { ...event, pull: event.pull ?? (event.state === 'pulling' ? current[event.target]?.pull : undefined) },
      }));
      refreshSyncState();
    });
    const offBackfill = events.on('syncBackfill', (event) => setBackfill((current) => ({ ...current, [event.target]: event })));
    return () => {
      off();
      offBackfill();
    };
  }, []);

  const act = (work: Promise<unknown>) =>
    work.then(() => {
      setError(null);
      afterSyncAction();
    }, setError);

  return (
    <section className="page">
      <div className="row page-head">
        <h1>{t('title')}</h1>
        <span className="spacer" />
        <button type="button" className="primary" onClick={() => act(api.sync.syncNow({}))} disabled={!targets?.some((each) => each.enabled)}>
          {t('syncNow')}
        </button>
      </div>
      <ErrorText error={error} />
      {targets?.map((target) => (
        <article key={target.id} className="card" aria-label={t(`target.${target.id}`)}>
          <div className="row">
            <h2>{t(`target.${target.id}`)}</h2>
            <span className="spacer" />
            {admin && target.configured && (
              <label>
                <input type="checkbox" checked={target.enabled} onChange={(e) => act(api.sync.setEnabled({ id: target.id, enabled: e.target.checked }))} />{' '}
                {t('enabled')}
              </label>
            )}
            {admin && (
              <button type="button" onClick={() => setEditing(editing === target.id ? null : target.id)}>
                {target.configured ? t('edit') : t('configure')}
              </button>
            )}
          </div>
          {!target.configured && <p className="muted">{admin ? t('notConfigured') : t('notConfiguredAskAdmin')}</p>}
          {backfill[target.id] && !backfill[target.id]!.finished && (
            <p className="muted" role="status">
              {t('backfill', { done: backfill[target.id]!.done, total: backfill[target.id]!.total })}
            </p>
          )}
          {target.configured && (
            <TargetStatus
              target={target}
              progress={progress[target.id]}
              onRetry={() => act(api.sync.retry({ id: target.id }))}
              onSync={() => act(api.sync.syncNow({ id: target.id }))}
            />
          )}
          {target.configured && <SyncRecordLists target={target.id} onRetry={() => act(api.sync.retry({ id: target.id }))} />}
          {target.configured && !admin && <ReadOnlySettings target={target} />}
          {admin && editing === target.id && (
            <SyncTargetForm
              target={target}
              onSaved={() => {
                setEditing(null);
                afterSyncAction();
              }}
            />
          )}
        </article>
      ))}
      <SyncConflicts conflicts={conflicts} onResolved={afterSyncAction} />
    </section>
  );
}

interface Progress {
  pending: number;
  sent: number;
  state: string;
  /** Present while a new or replaced station pulls its center's records for the first time. */
  pull?: { received: number; total: number; etaS: number | null };
}

/** A first sync's count of total and the time left, while it runs (a restart resumes it and shows it again). */
export function FirstPull({ targetId, pull }: { targetId: SyncTargetId; pull: NonNullable<Progress['pull']> }) {
  const { t } = useTranslation('sync');
  if (pull.total === 0 || pull.received >= pull.total) return null;
  return (
    <div data-testid={`sync-first-pull-${targetId}`}>
      <p>
        {t('firstPull', { received: pull.received.toLocaleString(), total: pull.total.toLocaleString() })}
        {' · '}
        {pull.etaS === null ? t('firstPullEtaUnknown') : t('firstPullEta', { minutes: Math.floor(pull.etaS / 60), seconds: pull.etaS % 60 })}
      </p>
      <progress aria-label={t('firstPullLabel')} max={pull.total} value={pull.received} />
    </div>
  );
}

/** What a non-administrator sees of a platform's settings: no form that would then be refused. */
function ReadOnlySettings({ target }: { target: SyncTargetView }) {
  const { t } = useTranslation('sync');
  return (
    <section className="sync-settings-readonly" aria-label={t('form.title')} data-testid={`sync-settings-${target.id}`}>
      <h3>{t('form.title')}</h3>
      <dl className="facts">
        <dt>{t('form.baseUrl')}</dt>
        <dd>{target.baseUrl}</dd>
        <dt>{t('form.serverName')}</dt>
        <dd>{target.serverName ?? '—'}</dd>
        <dt>{t('readOnly.ca')}</dt>
        <dd>{target.caSubject ?? '—'}</dd>
        <dt>{t('readOnly.clientCertificate')}</dt>
        <dd>{target.hasClientCertificate ? t('readOnly.present') : t('readOnly.missing')}</dd>
        <dt>{t('enabled')}</dt>
        <dd>{target.enabled ? t('readOnly.yes') : t('readOnly.no')}</dd>
      </dl>
      <p className="muted">{t('readOnly.adminOnly')}</p>
    </section>
  );
}

function TargetStatus(props: { target: SyncTargetView; progress?: Progress; onRetry: () => void; onSync: () => void }) {
  const { t } = useTranslation('sync');
  const { target } = props;
  const busy = target.state === 'pushing' || target.state === 'pulling';
  const total = (props.progress?.sent ?? 0) + target.queued;
  return (
    <div>
      <dl className="facts">
        <dt>{t('field.address')}</dt>
        <dd>
          {target.baseUrl} ({t(`kind.${target.kind}`)})
        </dd>
        <dt>{t('field.state')}</dt>
        <dd data-testid={`sync-state-${target.id}`}>{t(`state.${target.state}`)}</dd>
        <dt>{t('field.queued')}</dt>
        <dd data-testid={`sync-queued-${target.id}`}>{target.queued}</dd>
        <dt>{t('field.lastSync')}</dt>
        <dd data-testid={`sync-last-${target.id}`}>{target.lastSyncAt ? formatDateTime(target.lastSyncAt) : t('never')}</dd>
        {target.openConflicts > 0 && (
          <>
            <dt>{t('field.conflicts')}</dt>
            <dd>{target.openConflicts}</dd>
          </>
        )}
      </dl>
      {busy && total > 0 && <progress aria-label={t('progress')} max={total} value={props.progress?.sent ?? 0} />}
      {props.progress?.pull && <FirstPull targetId={target.id} pull={props.progress.pull} />}
      {target.lastError && (
        <div role="alert" className="error" data-testid={`sync-error-${target.id}`}>
          <p>{t(`error.${target.lastError.code}`)}</p>
          <p>{t(`action.${target.lastError.action}`)}</p>
          {target.consecutiveFailures > 1 && <p className="muted">{t('failures', { count: target.consecutiveFailures })}</p>}
          {target.nextAttemptAt && <p className="muted">{t('nextAttempt', { time: formatDateTime(target.nextAttemptAt) })}</p>}
          <details>
            <summary>{t('details')}</summary>
            <code>{target.lastError.message}</code>
          </details>
        </div>
      )}
      {target.held > 0 && target.lastHeldError && (
        <div role="alert" className="error" data-testid={`sync-held-${target.id}`}>
          <p>{t('held', { count: target.held })}</p>
          <p>{t(`error.${target.lastHeldError.code}`)}</p>
          <p>{t(`action.${target.lastHeldError.action}`)}</p>
          <details>
            <summary>{t('details')}</summary>
            <code>{target.lastHeldError.message}</code>
          </details>
        </div>
      )}
      <div className="row">
        <button type="button" onClick={props.onSync} disabled={!target.enabled}>
          {t('syncNow')}
        </button>
        {(target.lastError || target.held > 0) && (
          <button type="button" onClick={props.onRetry}>
            {t('retry')}
          </button>
        )}
      </div>
    </div>
  );
}
