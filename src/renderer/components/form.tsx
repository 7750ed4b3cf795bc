import { useCallback, useId, useState, type InputHTMLAttributes, type ReactNode } from 'react';
import { ErrorText } from './error-text';

/**
 * The form pieces every page uses, so each label is tied to its control (screen readers read it, a click on the
 * text focuses the box) and each page header looks the same.
 */

export function PageHeader({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <div className="row page-head">
      <h1>{title}</h1>
      {children && <span className="spacer" />}
      {children}
    </div>
  );
}

/** A labelled control with its own error line under it. */
export function Field({ label, error, children, className }: { label: ReactNode; error?: unknown; children: ReactNode; className?: string }) {
  return (
    <label className={className}>
      {label}
      {children}
      {error ? <ErrorText error={error} /> : null}
    </label>
  );
}

/** A labelled one-line text box; the label wraps it, so a click on the text focuses the box. `wide` spans the grid. */
export function TextField({
  label,
  value,
  onChange,
  wide = false,
  ...input
}: { label: ReactNode; value: string; onChange(value: string): void; wide?: boolean } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'value' | 'onChange' | 'className' | 'type'
>) {
  return (
    <label className={wide ? 'wide' : undefined}>
      {label}
      <input {...input} value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}

export interface SelectOption<T extends string> {
  value: T;
  label: string;
}

export function Select<T extends string>({
  label,
  value,
  options,
  onChange,
  testId,
}: {
  label: ReactNode;
  value: T;
  options: readonly SelectOption<T>[];
  onChange(value: T): void;
  testId?: string;
}) {
  const id = useId();
  return (
    <span className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} data-testid={testId} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </span>
  );
}

/** The form's one primary action; disabled while its request runs, so a double click saves once. */
export function SubmitButton({ busy = false, children }: { busy?: boolean; children: ReactNode }) {
  return (
    <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
      {children}
    </button>
  );
}

export interface SaveAction {
  /** The last attempt's refusal (null while none, or once a later attempt starts). */
  error: unknown;
  /** The last attempt succeeded: the form shows its "saved" line until the next edit or attempt. */
  saved: boolean;
  busy: boolean;
  /** Runs one save: clears the last outcome, records this one; never throws. */
  run(work: () => Promise<unknown>): Promise<void>;
  /** An edit after a save: the "saved" line no longer describes what is on screen. */
  edited(): void;
  setError(error: unknown): void;
}

/** The submit handling every form repeats: busy while it runs, the refusal or "saved" after. */
export function useSaveAction(): SaveAction {
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (work: () => Promise<unknown>) => {
    setError(null);
    setSaved(false);
    setBusy(true);
    try {
      await work();
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }, []);
  const edited = useCallback(() => setSaved(false), []);
  return { error, saved, busy, run, edited, setError };
}

/** The end of a settings-style form: the refusal or "saved", then the save button. */
export function SaveFooter({ action, savedText, children }: { action: Pick<SaveAction, 'error' | 'saved' | 'busy'>; savedText: string; children: ReactNode }) {
  return (
    <>
      <ErrorText error={action.error} />
      {action.saved && <p className="ok-text">{savedText}</p>}
      <button type="submit" disabled={action.busy}>
        {children}
      </button>
    </>
  );
}

/** A choice that may be left open ("—"): the form's optional fields, each value worded by `text`. */
export function OptionalChoices<T extends string>({
  value,
  values,
  text,
  onChange,
  label,
}: {
  value: T | '';
  values: readonly T[];
  text: (value: T) => string;
  onChange: (value: T | '') => void;
  /** For a select without its own <label> (a table cell). */
  label?: string;
}) {
  return (
    <select value={value} aria-label={label} onChange={(e) => onChange(e.target.value as T | '')}>
      <option value="">—</option>
      {values.map((v) => (
        <option key={v} value={v}>
          {text(v)}
        </option>
      ))}
    </select>
  );
}
