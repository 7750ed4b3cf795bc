import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { QueueEntry } from '../../../shared/api/clinic';
import { api } from '../../api/client';
import { useAuth } from '../../app/auth-context';
import { formatTime, todayInChina } from '../../components/dates';
import { ErrorText } from '../../components/error-text';
import { announceQueueChanged, QUEUE_CHANGED_EVENT } from '../../components/latest-only';
import { queueResource, useClinicians, useQueue } from './clinic.resource';
import { maskIdNumber } from '../patients/patient-format';
import { STATUS_ACTIONS, waitMinutes } from './today-page-model';
import { AgeText, SexText } from '../patients/patient-labels';

const CLOCK_TICK_MS = 60_000;

function useNow(tickMs: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), tickMs);
    return () => clearInterval(timer);
  }, [tickMs]);
  return now;
}

export function TodayPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { status } = useAuth();
  const clinician = status?.user?.role === 'doctor' || status?.user?.role === 'admin';
  const [clinicianId, setClinicianId] = useState<number | 'all'>('all');
  // Without the list the queue still works: entries show without their clinician's name.
  const clinicians = useClinicians({}).data ?? [];
  // The queue is a resource: stale answers dropped, reloaded after every clinic write and after the idle lock.
  const queue = useQueue({ clinicianId: clinicianId === 'all' ? undefined : clinicianId, includeFinished: true });
  const entries = queue.data ?? null;
  const [actionError, setError] = useState<unknown>(null);
  const error = actionError ?? queue.error;
  const now = useNow(CLOCK_TICK_MS);

  useEffect(() => {
    const onChanged = () => queueResource.invalidate();
    window.addEventListener(QUEUE_CHANGED_EVENT, onChanged);
    return () => window.removeEventListener(QUEUE_CHANGED_EVENT, onChanged);
  }, []);

  async function run(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
      announceQueueChanged();
    } catch (e) {
      setError(e);
      // Reload, so an optimistic change the server refused is undone on screen.
      announceQueueChanged();
    }
  }

  async function receive(entry: QueueEntry) {
    setError(null);
    try {
      const visit = await api.visits.open({ patientId: entry.patient.id, queueEntryId: entry.id });
      navigate(`/patients/${entry.patient.id}/visits/${visit.id}`);
    } catch (e) {
      setError(e);
    }
  }

  const waiting = entries?.filter((e) => e.status === 'waiting').length ?? 0;
  const names = new Map(clinicians.map((c) => [c.id, c.displayName]));
  return (
    <section className="page">
      <div className="row page-head">
        <h1>{t('clinic:queue.title', { date: todayInChina() })}</h1>
        <span className="muted">{t('clinic:queue.waitingCount', { count: waiting })}</span>
        <span className="spacer" />
        <label className="inline">
          {t('clinic:queue.clinicianFilter')}
          <select value={clinicianId} onChange={(e) => setClinicianId(e.target.value === 'all' ? 'all' : Number(e.target.value))}>
            <option value="all">{t('clinic:queue.allClinicians')}</option>
            {clinicians.map((c) => (
              <option key={c.id} value={c.id}>
                {c.displayName}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorText error={error} />
      {entries && entries.length === 0 && <p className="card muted">{t('clinic:queue.empty')}</p>}
      {entries && entries.length > 0 && (
        <table className="queue-table card">
          <thead>
            <tr>
              <th>{t('clinic:queue.number')}</th>
              <th>{t('clinic:queue.patient')}</th>
              <th>{t('clinic:queue.idNumber')}</th>
              <th>{t('clinic:queue.checkedIn')}</th>
              <th>{t('clinic:queue.wait')}</th>
              <th>{t('clinic:queue.statusLabel')}</th>
              <th>{t('clinic:queue.clinician')}</th>
              <th>{t('clinic:queue.priority')}</th>
              <th>{t('clinic:queue.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry, i) => (
              <QueueRow
                key={entry.id}
                entry={entry}
                number={i + 1}
                now={now}
                clinician={clinician}
                clinicianName={entry.clinicianId !== null ? (names.get(entry.clinicianId) ?? '') : ''}
                onPriority={(priority) => {
                  // Shown at once (a click must not look ignored on a slow PC); the reload after the call confirms it.
                  queue.mutate((list) => list.map((x) => (x.id === entry.id ? { ...x, priority } : x)));
                  void run(() => api.clinic.setPriority({ entryId: entry.id, priority }));
                }}
                onStatus={(to) => void run(() => api.clinic.setStatus({ entryId: entry.id, status: to }))}
                onReceive={() => void receive(entry)}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

interface QueueRowProps {
  entry: QueueEntry;
  /** Place in the list as shown (priority first). */
  number: number;
  now: Date;
  /** A doctor or administrator: receives patients (others only move them between states). */
  clinician: boolean;
  clinicianName: string;
  onPriority(priority: boolean): void;
  onStatus(to: QueueEntry['status']): void;
  onReceive(): void;
}

/** One patient in the day's queue: who, since when, how long waiting, state, priority switch and the next steps. */
function QueueRow({ entry, number, now, clinician, clinicianName, onPriority, onStatus, onReceive }: QueueRowProps) {
  const { t, i18n } = useTranslation();
  const minutes = waitMinutes(entry, now);
  return (
    <tr className={`queue-row ${entry.status}${entry.priority ? ' priority' : ''}`} data-testid="queue-row">
      <td>{number}</td>
      <td>
        <Link to={`/patients/${entry.patient.id}`}>{entry.patient.name}</Link>{' '}
        <span className="muted">
          <SexText sex={entry.patient.sex} /> · <AgeText birthDate={entry.patient.birthDate} />
        </span>
      </td>
      <td className="mono">{maskIdNumber(entry.patient.idNumber)}</td>
      <td>{formatTime(entry.checkedInAt, i18n.language)}</td>
      <td className={entry.status === 'waiting' && minutes >= 60 ? 'flag-high' : undefined}>{t('clinic:queue.minutes', { count: minutes })}</td>
      <td>
        <span className={`status-chip ${entry.status}`}>{t(`clinic:queue.status.${entry.status}`)}</span>
      </td>
      <td>{clinicianName}</td>
      <td>
        <label className="switch">
          <input
            type="checkbox"
            checked={entry.priority}
            aria-label={t('clinic:queue.priorityFor', { name: entry.patient.name })}
            onChange={(e) => onPriority(e.target.checked)}
          />
          {entry.priority && <span className="badge danger">{t('clinic:queue.priority')}</span>}
        </label>
      </td>
      <td className="actions">
        {entry.status === 'waiting' && clinician && (
          <button type="button" className="primary" onClick={onReceive}>
            {t('clinic:queue.receive')}
          </button>
        )}
        {STATUS_ACTIONS[entry.status]
          .filter((to) => !(to === 'inConsultation' && clinician))
          .map((to) => (
            <button key={to} type="button" onClick={() => onStatus(to)}>
              {t(`clinic:queue.to.${to}`)}
            </button>
          ))}
      </td>
    </tr>
  );
}
