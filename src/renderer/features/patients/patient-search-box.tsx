import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { PatientSummary } from '../../../shared/api/patients';
import { parseScannedInput } from '../../../shared/idcard';
import { api } from '../../api/client';
import { todayInChina } from '../../components/dates';
import { ErrorText } from '../../components/error-text';
import { announceQueueChanged } from '../../components/latest-only';
import { ReadCardButton, type CardReadResult } from '../idcard/read-card-button';
import { maskIdNumber } from './patient-format';
import { AgeText, SexText } from './patient-labels';
import { usePatientSearch } from './use-patient-search';

/** F2 as in most Chinese HIS front desks, Ctrl+K as in today's desktop apps. */
export function isSearchShortcut(e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): boolean {
  return e.key === 'F2' || ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k');
}

type Notice = { kind: 'ok'; text: string } | { kind: 'error'; error: unknown };

/**
 * The one search box in the header: type, arrows, Enter opens the chart, Alt+Enter checks the person in, Esc clears.
 * Enter pressed before the answer to the latest text has arrived waits for it, so a fast typist never opens the
 * person found for what was typed a moment earlier.
 */
export function PatientSearchBox() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [notice, setNotice] = useState<Notice | null>(null);
  const pendingAction = useRef<'open' | 'checkIn' | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const listId = useId();
  const search = usePatientSearch(text);
  const current = search !== null && search.query === text.trim().slice(0, 40);
  const results = search?.results ?? [];

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (!isSearchShortcut(e)) return;
      e.preventDefault();
      inputRef.current?.focus();
      inputRef.current?.select();
      setOpen(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  function reset() {
    setText('');
    setActive(0);
    setOpen(false);
    pendingAction.current = null;
  }

  function openChart(patient: PatientSummary) {
    reset();
    inputRef.current?.blur();
    navigate(`/patients/${patient.id}`);
  }

  async function checkIn(patient: PatientSummary) {
    setNotice(null);
    try {
      await api.clinic.checkIn({ patientId: patient.id });
      setNotice({ kind: 'ok', text: t('clinic:search.checkedIn', { name: patient.name }) });
      announceQueueChanged();
    } catch (error) {
      setNotice({ kind: 'error', error });
    }
  }

  /** The desk reader read a card: find the registered person (then Enter opens, Alt+Enter checks in), or register. */
  function onCardRead({ card, existing }: CardReadResult) {
    if (!existing) {
      reset();
      navigate('/patients/new', { state: { card } });
      return;
    }
    setText(card.idNumber);
    setActive(0);
    setOpen(true);
    inputRef.current?.focus();
  }

  /**
   * Keyboard-mode readers type the ID number and Enter (the search already finds by ID); a QR scanner types a whole
   * payload and Enter, of which only the ID number is searched.
   */
  function scannedId(value: string): string | null {
    if (!/[=:{]/.test(value)) return null;
    const scanned = parseScannedInput(value, todayInChina());
    return scanned.kind === 'qr' ? scanned.idNumber : null;
  }

  function act(action: 'open' | 'checkIn') {
    const patient = results[Math.min(active, results.length - 1)];
    if (!patient) return;
    if (action === 'open') openChart(patient);
    else void checkIn(patient);
  }

  // The answer to the latest text arrived: carry out an Enter that was pressed while it was on its way.
  useEffect(() => {
    if (!current || !pendingAction.current) return;
    const action = pendingAction.current;
    pendingAction.current = null;
    act(action);
  });

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setOpen(true);
      if (results.length === 0) return;
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (i + step + results.length) % results.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (!text.trim()) return;
      const action = e.altKey ? 'checkIn' : 'open';
      const id = scannedId(text);
      if (id) {
        setText(id);
        pendingAction.current = action;
        return;
      }
      if (current) act(action);
      else pendingAction.current = action;
    } else if (e.key === 'Escape') {
      e.preventDefault();
      if (text) reset();
      else inputRef.current?.blur();
      setNotice(null);
    }
  }

  const showList = open && text.trim().length > 0;
  const activeId = showList && results.length > 0 ? `${listId}-${Math.min(active, results.length - 1)}` : undefined;
  return (
    <div className="search-box">
      <input
        ref={inputRef}
        type="search"
        role="combobox"
        aria-label={t('clinic:search.label')}
        aria-expanded={showList}
        aria-controls={listId}
        aria-activedescendant={activeId}
        aria-autocomplete="list"
        placeholder={t('clinic:search.placeholder')}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
          setOpen(true);
          setNotice(null);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
        autoComplete="off"
        spellCheck={false}
      />
      <span className="shortcut-hint muted">{t('clinic:search.shortcut')}</span>
      <ReadCardButton onRead={onCardRead} className="search-read-card" />
      {notice && (
        <div className="search-notice">
          {notice.kind === 'ok' ? (
            <p className="ok-text" role="status">
              {notice.text}
            </p>
          ) : (
            <ErrorText error={notice.error} />
          )}
        </div>
      )}
      {showList && (
        // mousedown would blur the box before the click lands; keep focus in the box instead.
        <div className="search-popup" onMouseDown={(e) => e.preventDefault()}>
          <div className="search-kind muted" data-testid="search-kind">
            {t(`clinic-rules:search.${search?.kind ?? 'empty'}`)}
            {current && <span> · {t('clinic:search.count', { count: results.length })}</span>}
            {!current && <span> · {t('clinic:search.searching')}</span>}
          </div>
          <ErrorText error={search?.error} />
          {/* Results for earlier text stay in view (no flicker while typing) but cannot be chosen: a click must never
              land on someone found for what was typed a moment ago. */}
          <ul id={listId} role="listbox" aria-label={t('clinic:search.results')} inert={!current} className={current ? undefined : 'stale'}>
            {results.map((p, i) => (
              <li
                key={p.id}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'active' : ''}
                // Moving the mouse chooses; a list opening under a resting pointer must not.
                onMouseMove={() => setActive(i)}
                onClick={() => openChart(p)}
              >
                <span className="result-name">{p.name}</span>
                <span>
                  <SexText sex={p.sex} /> · <AgeText birthDate={p.birthDate} />
                </span>
                <span className="mono">{maskIdNumber(p.idNumber)}</span>
                <span className="mono">{p.phone ?? ''}</span>
                <span>{p.village ?? ''}</span>
                <button
                  type="button"
                  tabIndex={-1}
                  onClick={(e) => {
                    e.stopPropagation();
                    void checkIn(p);
                  }}
                >
                  {t('clinic:search.checkIn')}
                </button>
              </li>
            ))}
          </ul>
          {current && results.length === 0 && !search?.error && (
            <p className="muted">
              {t('clinic:search.none')}{' '}
              <button type="button" className="link" onClick={() => (reset(), navigate('/patients/new'))}>
                {t('clinic:search.register')}
              </button>
            </p>
          )}
          <p className="muted small">{t('clinic:search.keys')}</p>
        </div>
      )}
    </div>
  );
}
