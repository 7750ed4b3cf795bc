import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Appointment, DaySchedule } from '../../../shared/api/followup';
import { addDays, toEpochDay } from '../../../shared/dates';
import { api } from '../../api/client';
import { useAuth } from '../../app/auth-context';
import { todayInChina } from '../../components/dates';
import { ErrorText } from '../../components/error-text';
import { FollowupNav } from './followup-nav';
import { closedReason, type ClosedReason } from '../../../shared/working-calendar';
import { useCalendar, useMissedAppointments } from './followup.resource';
import { useWorkingCalendar } from '../settings/settings.resource';
import { PageHeader } from '../../components/form';
import { DateInput, focusRefusedDate } from '../../components/date-input';

/** Monday of the week containing `date` (China's week starts on Monday, GB/T 7408). 1970-01-01 was a Thursday. */
export function mondayOf(date: string): string {
  const weekday = (((toEpochDay(date) + 3) % 7) + 7) % 7; // 0 = Monday
  return addDays(date, -weekday);
}

/** 日程: booked follow-ups by day or week, with each day's slots; moving a booking; the slots per day. */
export function CalendarPage() {
  const { t } = useTranslation('followup');
  const { status } = useAuth();
  const clinician = status?.user?.role === 'doctor' || status?.user?.role === 'admin';
  const today = todayInChina();
  const [view, setView] = useState<'day' | 'week'>('week');
  const [anchor, setAnchor] = useState(today);
  // Closed days (holidays, rest days) are marked: nothing is booked there (issue 14.6).
  const workingCalendar = useWorkingCalendar({}).data ?? null;
  const from = view === 'week' ? mondayOf(anchor) : anchor;
  const to = view === 'week' ? addDays(from, 6) : anchor;
  const calendar = useCalendar({ from, to });
  const missedList = useMissedAppointments({});
  const data = calendar.data;
  const missed = missedList.data ?? [];
  const error = calendar.error ?? missedList.error;
  // A booking moved is a follow-up write (both reload by themselves); the slots are audited as admin and say so here.
  const load = () => {
    calendar.reload();
    missedList.reload();
  };

  const step = view === 'week' ? 7 : 1;
  return (
    <section className="page">
      <PageHeader title={t('title')} />
      <FollowupNav />
      <div className="followup-toolbar">
        <div className="reminder-kinds" role="group" aria-label={t('calendar.view')}>
          {(['day', 'week'] as const).map((v) => (
            <button key={v} type="button" aria-pressed={view === v} onClick={() => setView(v)}>
              {t(`calendar.${v}`)}
            </button>
          ))}
        </div>
        <button type="button" onClick={() => setAnchor(addDays(anchor, -step))}>
          {t('calendar.previous')}
        </button>
        <button type="button" onClick={() => setAnchor(today)}>
          {t('calendar.today')}
        </button>
        <button type="button" onClick={() => setAnchor(addDays(anchor, step))}>
          {t('calendar.next')}
        </button>
        <DateInput label={t('calendar.goTo')} kind="any" value={anchor} onChange={(v, check) => check?.ok && setAnchor(v)} />
        <span className="spacer" />
        {data && clinician && <CapacityControl defaultCapacity={data.defaultCapacity} day={view === 'day' ? anchor : null} onChanged={load} />}
      </div>
      <ErrorText error={error} />
      {data && (
        <div className={view === 'week' ? 'calendar-week' : ''}>
          {data.days.map((day) => (
            <DayColumn
              key={day.date}
              day={day}
              closed={workingCalendar ? closedReason(workingCalendar, day.date) : null}
              today={today}
              clinician={clinician}
              onChanged={load}
            />
          ))}
        </div>
      )}
      <div className="card">
        <h2>{t('calendar.missedTitle')}</h2>
        {missed.length === 0 ? (
          <p className="muted">{t('calendar.missedNone')}</p>
        ) : (
          <ul aria-label={t('calendar.missedTitle')}>
            {missed.map((a) => (
              <AppointmentItem key={a.id} appointment={a} today={today} clinician={clinician} onChanged={load} />
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}

function DayColumn({
  day,
  closed,
  today,
  clinician,
  onChanged,
}: {
  day: DaySchedule;
  closed: ClosedReason | null;
  today: string;
  clinician: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation('followup');
  const full = day.booked >= day.capacity;
  return (
    <div className={`calendar-day${full ? ' full' : ''}${day.date === today ? ' today' : ''}`} data-testid="calendar-day">
      <h3>
        <span>
          {day.date} {t(`weekday.${(((toEpochDay(day.date) + 3) % 7) + 7) % 7}`)}
        </span>
        <span className={full ? 'days-late' : 'muted'}>{t('calendar.slots', { booked: day.booked, capacity: day.capacity })}</span>
      </h3>
      {closed && (
        <p className="muted" data-testid="calendar-day-closed">
          {closed.reason === 'holiday' ? t('calendar.closedHoliday', { name: closed.name }) : t('calendar.closedRestDay')}
        </p>
      )}
      <ul>
        {day.appointments.map((a) => (
          <AppointmentItem key={a.id} appointment={a} today={today} clinician={clinician} onChanged={onChanged} />
        ))}
      </ul>
    </div>
  );
}

function AppointmentItem({ appointment: a, clinician, onChanged }: { appointment: Appointment; today: string; clinician: boolean; onChanged: () => void }) {
  const { t } = useTranslation('followup');
  const [moving, setMoving] = useState(false);
  const [date, setDate] = useState(a.date);
  const [error, setError] = useState<unknown>(null);
  const box = useRef<HTMLLIElement>(null);
  async function move(acceptLate: boolean) {
    setError(null);
    if (focusRefusedDate(box.current)) return;
    try {
      await api.followup.reschedule({ patientId: a.patientId, appointmentId: a.id, date, acceptLate });
      setMoving(false);
      onChanged();
    } catch (e) {
      setError(e);
    }
  }
  const late = date > a.dueDate;
  return (
    <li ref={box}>
      <Link to={`/followup/patient/${a.patientId}`}>{a.patientName}</Link> <span className="muted">{a.village ?? ''}</span>
      <div className="muted small">
        {a.status === 'missed' && `${a.date} · `}
        {t(`disease.${a.disease}`)} · {t(`appointmentKind.${a.kind}`)} ·{' '}
        <span className={a.status === 'missed' ? 'days-late' : undefined}>{t(`appointmentStatus.${a.status}`)}</span>
        {a.date !== a.dueDate && ` · ${t('calendar.dueBy', { date: a.dueDate })}`}
      </div>
      {clinician && (a.status === 'scheduled' || a.status === 'missed') && !moving && (
        <button type="button" className="link" onClick={() => setMoving(true)}>
          {t('calendar.reschedule')}
        </button>
      )}
      {moving && (
        <div>
          <DateInput label={t('calendar.newDate')} kind="booking" required value={date} onChange={(v) => setDate(v)} />
          {late && <p className="flag-high small">{t('calendar.lateWarning', { date: a.dueDate })}</p>}
          <button type="button" onClick={() => void move(late)}>
            {t('calendar.move')}
          </button>
          <button type="button" className="link" onClick={() => setMoving(false)}>
            {t('common.cancel')}
          </button>
        </div>
      )}
      <ErrorText error={error} />
    </li>
  );
}

function CapacityControl({ defaultCapacity, day, onChanged }: { defaultCapacity: number; day: string | null; onChanged: () => void }) {
  const { t } = useTranslation('followup');
  const [value, setValue] = useState(String(defaultCapacity));
  const [error, setError] = useState<unknown>(null);
  async function save(date?: string) {
    setError(null);
    try {
      await api.followup.setCapacity({ date, capacity: Number(value) });
      onChanged();
    } catch (e) {
      setError(e);
    }
  }
  return (
    <div className="row">
      <label>
        {t('calendar.capacity')}
        <input className="num" inputMode="numeric" value={value} onChange={(e) => setValue(e.target.value)} />
      </label>
      <button type="button" onClick={() => void save()}>
        {t('calendar.setDefault')}
      </button>
      {day && (
        <button type="button" onClick={() => void save(day)}>
          {t('calendar.setDay', { date: day })}
        </button>
      )}
      <ErrorText error={error} />
    </div>
  );
}
