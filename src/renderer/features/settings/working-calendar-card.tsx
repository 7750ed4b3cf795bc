import { useRef, useState, type FormEvent } from 'react';
import { useWorkingCalendar, workingCalendarResource } from './settings.resource';
import { useTranslation } from 'react-i18next';
import { addDays, daysBetween, isIsoDate } from '../../../shared/dates';
import { normalizeCalendar, type CalendarDay, type WorkingCalendar } from '../../../shared/working-calendar';
import { api } from '../../api/client';
import { DateInput, focusRefusedDate } from '../../components/date-input';
import { ErrorText } from '../../components/error-text';

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
/** A holiday run entered at once: the longest national one (Spring Festival, National Day) is 8–9 days. */
const MAX_RUN_DAYS = 31;

type AddProblem = 'name' | 'from' | 'to' | 'tooLong' | null;

/**
 * 工作日与节假日 (issue 14.6): the weekdays the clinic works, and its holidays and 调休 working days by date, with
 * names. A run of days (国庆节 10-01 to 10-08) is entered once and kept one entry a date. Follow-up moves a next
 * date off a closed day and refuses bookings there.
 */
export function WorkingCalendarCard() {
  const { t } = useTranslation('workingCalendar');
  const loaded = useWorkingCalendar({});
  // The edits stay local until 保存; the loaded calendar shows until the first edit (and again after a reload).
  const [edited, setCalendar] = useState<WorkingCalendar | null>(null);
  const calendar = edited ?? loaded.data ?? null;
  const [draft, setDraft] = useState({ from: '', to: '', name: '', kind: 'holiday' as CalendarDay['kind'] });
  const [problem, setProblem] = useState<AddProblem>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const adder = useRef<HTMLDivElement>(null);
  if (!calendar) return <ErrorText error={error ?? loaded.error} />;
  const current = calendar;

  function toggle(weekday: number) {
    const has = current.workingWeekdays.includes(weekday);
    setSaved(false);
    setCalendar({ ...current, workingWeekdays: has ? current.workingWeekdays.filter((w) => w !== weekday) : [...current.workingWeekdays, weekday] });
  }

  function add() {
    setSaved(false);
    if (focusRefusedDate(adder.current)) return;
    const to = draft.to || draft.from;
    const found: AddProblem = !isIsoDate(draft.from)
      ? 'from'
      : !isIsoDate(to) || to < draft.from
        ? 'to'
        : daysBetween(draft.from, to) >= MAX_RUN_DAYS
          ? 'tooLong'
          : !draft.name.trim()
            ? 'name'
            : null;
    setProblem(found);
    if (found) return;
    const days: CalendarDay[] = [];
    for (let day = draft.from; day <= to; day = addDays(day, 1)) days.push({ date: day, kind: draft.kind, name: draft.name.trim() });
    setCalendar(normalizeCalendar({ ...current, days: [...current.days, ...days] }));
    setDraft({ from: '', to: '', name: '', kind: draft.kind });
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      setCalendar(await api.settings.setWorkingCalendar(current));
      workingCalendarResource.invalidate(); // audited as admin: the calendar page's marks reload from here
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <form className="card" onSubmit={submit} aria-label={t('title')}>
      <h2>{t('title')}</h2>
      <p className="muted">{t('hint')}</p>
      <fieldset>
        <legend>{t('weekdays')}</legend>
        <div className="row">
          {WEEKDAYS.map((w) => (
            <label key={w} className="inline">
              <input type="checkbox" checked={current.workingWeekdays.includes(w)} onChange={() => toggle(w)} /> {t(`weekday.${w}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <h3>{t('days')}</h3>
      {current.days.length === 0 ? (
        <p className="muted">{t('none')}</p>
      ) : (
        <table aria-label={t('days')}>
          <thead>
            <tr>
              <th>{t('date')}</th>
              <th>{t('name')}</th>
              <th>{t('kind')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {current.days.map((day) => (
              <tr key={day.date} data-testid="calendar-entry">
                <td>{day.date}</td>
                <td>{day.name}</td>
                <td>{t(`kinds.${day.kind}`)}</td>
                <td>
                  <button
                    type="button"
                    className="link"
                    aria-label={t('removeOne', { date: day.date })}
                    onClick={() => {
                      setSaved(false);
                      setCalendar({ ...current, days: current.days.filter((d) => d.date !== day.date) });
                    }}
                  >
                    {t('remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="form-grid" ref={adder}>
        <DateInput label={t('from')} kind="any" value={draft.from} onChange={(v) => setDraft({ ...draft, from: v })} />
        <DateInput label={t('to')} kind="any" value={draft.to} hint={t('toHint')} onChange={(v) => setDraft({ ...draft, to: v })} />
        <label>
          {t('name')}
          <input value={draft.name} maxLength={30} placeholder={t('namePlaceholder')} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        </label>
        <label>
          {t('kind')}
          <select value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value as CalendarDay['kind'] })}>
            <option value="holiday">{t('kinds.holiday')}</option>
            <option value="workday">{t('kinds.workday')}</option>
          </select>
        </label>
      </div>
      {problem && (
        <p role="alert" className="error-text">
          {t(`problems.${problem}`, { max: MAX_RUN_DAYS })}
        </p>
      )}
      <div className="row">
        <button type="button" onClick={add}>
          {t('add')}
        </button>
        <button type="submit" className="primary">
          {t('save')}
        </button>
      </div>
      <ErrorText error={error} />
      {saved && <p className="ok-text">{t('saved')}</p>}
    </form>
  );
}
