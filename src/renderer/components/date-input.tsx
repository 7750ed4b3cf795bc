import { useEffect, useId, useRef, useState, type ReactNode, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { checkDate, checkDateInput, parseDateInput, type DateCheck, type DateFieldKind } from '../../shared/date-rules';
import { daysInMonth, formatIsoDate, fromEpochDay, parseIsoDate, toEpochDay } from '../../shared/dates';
import { todayInChina } from './dates';

/**
 * The one date field of the app (issue 14 point 3). Typed as yyyy-MM-dd, or 20200501, 2020.5.1, 2020/5/1,
 * 2020年5月1日 (shared/date-rules parses them all), or picked from a calendar whose weeks start on Monday. Each field
 * says what kind of date it holds, and the shared rules check it against today, the birth date and the enrolment
 * date, so "0501-02-02" or a diagnosis before birth is refused beside the box, in the UI language. The browser's
 * own date input is not used: it shows mm/dd/yyyy, reads 20200501 as year 0501 and words its refusals in English.
 *
 * The parent receives the ISO date when the entry is a real, plausible date, and otherwise the text as typed (so a
 * half-typed date is never silently dropped); the box's validity is set too, so a form that is submitted with a
 * refused date is stopped, with the same translated message.
 */
export interface DateInputProps {
  label: ReactNode;
  value: string;
  onChange(value: string, check: DateCheck | null): void;
  kind: DateFieldKind;
  birthDate?: string | null;
  enrolledOn?: string | null;
  /** Another bound of this record (e.g. a new booking not before the visit it follows). */
  notBefore?: string | null;
  required?: boolean;
  disabled?: boolean;
  /** The hint under the box (e.g. "from the ID card"). */
  hint?: ReactNode;
  className?: string;
}

function check(text: string, props: DateInputProps, today: string): DateCheck | null {
  const result = checkDateInput(text, props.kind, { today, birthDate: props.birthDate, enrolledOn: props.enrolledOn }, props.required);
  if (result?.ok && props.notBefore && result.date < props.notBefore) return { ok: false, reason: 'DATE_TOO_EARLY', limit: props.notBefore };
  return result;
}

export function DateInput(props: DateInputProps) {
  const { label, value, onChange, disabled, hint, className } = props;
  const { t } = useTranslation();
  const id = useId();
  const messageId = `${id}-msg`;
  const input = useRef<HTMLInputElement>(null);
  const [text, setText] = useState(value);
  const [emitted, setEmitted] = useState(value);
  const [previous, setPrevious] = useState(value);
  const [touched, setTouched] = useState(false);
  const [open, setOpen] = useState(false);
  // A new value from the parent that is not what this box just sent (a reset after saving, a date filled from the
  // ID card) replaces what is shown; a parent that ignores a half-typed entry does not wipe it.
  if (value !== previous) {
    setPrevious(value);
    if (value !== emitted) {
      setEmitted(value);
      setText(value);
      setTouched(false);
    }
  }
  const today = todayInChina();
  const result = check(text, props, today);
  const message = result && !result.ok ? t(`dates.reasons.${result.reason}`, { limit: result.limit }) : '';
  const shown = touched && !disabled ? message : '';

  useEffect(() => {
    input.current?.setCustomValidity(disabled ? '' : message);
  }, [message, disabled]);

  function change(next: string) {
    setText(next);
    const r = check(next, props, today);
    const out = r?.ok ? r.date : next.trim();
    setEmitted(out);
    onChange(out, r);
  }

  return (
    <span className={`field date-field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      <span className="date-input">
        <input
          ref={input}
          id={id}
          type="text"
          inputMode="numeric"
          autoComplete="off"
          spellCheck={false}
          placeholder={t('dates.placeholder')}
          value={text}
          disabled={disabled}
          required={props.required}
          aria-invalid={shown ? true : undefined}
          aria-describedby={shown ? messageId : undefined}
          onChange={(e) => change(e.target.value)}
          onBlur={() => {
            setTouched(true);
            // Shown as it is stored: 2020.5.1 becomes 2020-05-01 once the field is left.
            const parsed = parseDateInput(text);
            if (parsed && parsed !== text) setText(parsed);
          }}
          onInvalid={() => setTouched(true)}
        />
        <button
          type="button"
          className="date-picker-toggle"
          aria-label={t('dates.openCalendar')}
          aria-expanded={open}
          disabled={disabled}
          onClick={() => setOpen((o) => !o)}
        >
          📅
        </button>
      </span>
      {open && (
        <CalendarPopup
          selected={parseDateInput(text)}
          isAllowed={(date) =>
            checkDate(date, props.kind, { today, birthDate: props.birthDate, enrolledOn: props.enrolledOn }).ok && !(props.notBefore && date < props.notBefore)
          }
          today={today}
          onPick={(date) => {
            change(date);
            setTouched(true);
            setOpen(false);
            input.current?.focus();
          }}
          onClose={() => setOpen(false)}
        />
      )}
      {hint && <span className="hint">{hint}</span>}
      {shown && (
        <span role="alert" className="error-text" id={messageId}>
          {shown}
        </span>
      )}
    </span>
  );
}

/** Monday = 0 … Sunday = 6 (GB/T 7408 / ISO 8601 weeks, as Chinese calendars print them). 1970-01-01 was a Thursday. */
export function mondayIndex(date: string): number {
  return (((toEpochDay(date) + 3) % 7) + 7) % 7;
}

/** The weeks of a month as rows of seven cells, Monday first; null pads the first and last week. */
export function monthGrid(year: number, month: number): (string | null)[][] {
  const first = formatIsoDate({ year, month, day: 1 });
  const cells: (string | null)[] = Array.from({ length: mondayIndex(first) }, () => null);
  const start = toEpochDay(first);
  for (let d = 0; d < daysInMonth(year, month); d++) cells.push(fromEpochDay(start + d));
  while (cells.length % 7 !== 0) cells.push(null);
  const weeks: (string | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}

function CalendarPopup({
  selected,
  today,
  isAllowed,
  onPick,
  onClose,
}: {
  selected: string | null;
  today: string;
  isAllowed(date: string): boolean;
  onPick(date: string): void;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const start = parseIsoDate(selected ?? today);
  const [view, setView] = useState({ year: start.year, month: start.month });
  const move = (months: number) =>
    setView((v) => {
      const index = v.year * 12 + (v.month - 1) + months;
      return { year: Math.floor(index / 12), month: (index % 12) + 1 };
    });
  const weekdays = t('dates.weekdays', { returnObjects: true }) as string[];
  return (
    <div
      className="calendar-popup card"
      role="dialog"
      aria-label={t('dates.calendar')}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <div className="row calendar-head">
        <button type="button" aria-label={t('dates.previousYear')} onClick={() => move(-12)}>
          «
        </button>
        <button type="button" aria-label={t('dates.previousMonth')} onClick={() => move(-1)}>
          ‹
        </button>
        <strong className="calendar-title" aria-live="polite">
          {t('dates.monthTitle', { year: view.year, month: view.month })}
        </strong>
        <button type="button" aria-label={t('dates.nextMonth')} onClick={() => move(1)}>
          ›
        </button>
        <button type="button" aria-label={t('dates.nextYear')} onClick={() => move(12)}>
          »
        </button>
      </div>
      <table className="calendar-grid">
        <thead>
          <tr>
            {weekdays.map((d) => (
              <th key={d} scope="col">
                {d}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {monthGrid(view.year, view.month).map((week, i) => (
            <tr key={i}>
              {week.map((date, j) => (
                <td key={j}>
                  {date && (
                    <button
                      type="button"
                      aria-label={date}
                      aria-pressed={date === selected}
                      className={date === today ? 'today' : undefined}
                      disabled={!isAllowed(date)}
                      onClick={() => onPick(date)}
                    >
                      {Number(date.slice(8))}
                    </button>
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        <button type="button" className="link" disabled={!isAllowed(today)} onClick={() => onPick(today)}>
          {t('dates.today')}
        </button>
        <span className="spacer" />
        <button type="button" className="link" onClick={onClose}>
          {t('dates.close')}
        </button>
      </div>
    </div>
  );
}

/**
 * For forms that check before sending (noValidate, or a button outside a form): focuses the first date field in
 * `root` whose entry is refused and shows its message beside it. True when there is one, so the caller sends nothing.
 */
export function focusRefusedDate(root: HTMLElement | null): boolean {
  const refused = [...(root?.querySelectorAll<HTMLInputElement>('.date-field input') ?? [])].find((input) => !input.disabled && !input.checkValidity());
  refused?.focus();
  return refused !== undefined;
}

export interface DatedAction<T extends HTMLElement> {
  /** The form's box: its date fields are checked before anything is sent. */
  box: RefObject<T | null>;
  error: unknown;
  setError(error: unknown): void;
  /** Sends `work` unless a date in the box is refused (that box gets the focus); true when it went through. */
  run(work: () => Promise<unknown>): Promise<boolean>;
}

/** The save handling of a form with date fields: check the dates in place, then send, then show the refusal if any. */
export function useDatedAction<T extends HTMLElement = HTMLDivElement>(): DatedAction<T> {
  const box = useRef<T>(null);
  const [error, setError] = useState<unknown>(null);
  async function run(work: () => Promise<unknown>): Promise<boolean> {
    setError(null);
    if (focusRefusedDate(box.current)) return false;
    try {
      await work();
      return true;
    } catch (e) {
      setError(e);
      return false;
    }
  }
  return { box, error, setError, run };
}
