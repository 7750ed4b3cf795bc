import { useId, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { searchIcd10 } from '../../../shared/icd10/search';

export interface Diagnosis {
  code: string;
  name: string;
}

const MAX_DIAGNOSES = 20; // the contract's limit
const SHOWN = 12;

/**
 * ICD-10 picker over the bundled primary-care list: by code (i10, e119), hanzi (糖尿病) or pinyin initials (tnb).
 * Type, arrows, Enter adds; Backspace in the empty box removes the last chip. The list is searched in the page
 * (a pure function over 765 entries), so it keeps up with typing without a round trip.
 */
export function DiagnosisPicker({
  value,
  onChange,
  onBlur,
  disabled,
}: {
  value: Diagnosis[];
  onChange(next: Diagnosis[]): void;
  onBlur?(): void;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const listId = useId();
  const chosen = new Set(value.map((d) => d.code));
  const hits = query.trim()
    ? searchIcd10(query, SHOWN + chosen.size)
        .filter((h) => !chosen.has(h.code))
        .slice(0, SHOWN)
    : [];
  const activeIndex = Math.min(active, hits.length - 1);

  function add(index: number) {
    const hit = hits[index];
    if (!hit || value.length >= MAX_DIAGNOSES) return;
    onChange([...value, { code: hit.code, name: hit.name }]);
    setQuery('');
    setActive(0);
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (hits.length === 0) return;
      setOpen(true);
      setActive((i) => (Math.min(i, hits.length - 1) + (e.key === 'ArrowDown' ? 1 : -1) + hits.length) % hits.length);
    } else if (e.key === 'Enter') {
      // Enter picks; it never submits the surrounding form with a half-typed diagnosis.
      e.preventDefault();
      if (hits.length > 0) add(activeIndex);
    } else if (e.key === 'Escape') {
      setQuery('');
      setOpen(false);
    } else if (e.key === 'Backspace' && query === '' && value.length > 0) {
      onChange(value.slice(0, -1));
    }
  }

  return (
    <div className="diagnosis-picker">
      <ul className="chips" aria-label={t('clinic:visit.chosenDiagnoses')}>
        {value.map((d) => (
          <li key={d.code} className="chip">
            <span className="mono">{d.code}</span> {d.name}
            {!disabled && (
              <button
                type="button"
                className="chip-remove"
                aria-label={t('clinic:visit.removeDiagnosis', { code: d.code, name: d.name })}
                onClick={() => onChange(value.filter((x) => x.code !== d.code))}
              >
                ×
              </button>
            )}
          </li>
        ))}
      </ul>
      {!disabled && (
        <div className="picker-box">
          <input
            role="combobox"
            aria-label={t('clinic:visit.diagnosisSearch')}
            aria-expanded={open && hits.length > 0}
            aria-controls={listId}
            aria-activedescendant={open && hits.length > 0 ? `${listId}-${activeIndex}` : undefined}
            aria-autocomplete="list"
            placeholder={t('clinic:visit.diagnosisPlaceholder')}
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setActive(0);
              setOpen(true);
            }}
            onFocus={() => setOpen(true)}
            onBlur={() => {
              setOpen(false);
              onBlur?.();
            }}
            onKeyDown={onKeyDown}
            autoComplete="off"
            spellCheck={false}
          />
          {open && hits.length > 0 && (
            <ul id={listId} role="listbox" className="picker-list" aria-label={t('clinic:visit.diagnosisResults')} onMouseDown={(e) => e.preventDefault()}>
              {hits.map((h, i) => (
                <li
                  key={h.code}
                  id={`${listId}-${i}`}
                  role="option"
                  aria-selected={i === activeIndex}
                  className={i === activeIndex ? 'active' : ''}
                  onMouseMove={() => setActive(i)}
                  onClick={() => add(i)}
                >
                  <span className="mono">{h.code}</span> {h.name}
                </li>
              ))}
            </ul>
          )}
          {open && query.trim() !== '' && hits.length === 0 && <p className="muted small">{t('clinic:visit.noDiagnosisMatch')}</p>}
        </div>
      )}
    </div>
  );
}
