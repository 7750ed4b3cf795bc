import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientSummary } from '../../../shared/api/patients';
import { ErrorText } from '../../components/error-text';
import { usePatientSearch } from '../patients/use-patient-search';
import { maskIdNumber } from './ecg-format';

/** Whom a capture or import belongs to: search by name, pinyin initials, ID or phone (patients.search), pick one. */
export function PatientPicker({ value, onChange }: { value: PatientSummary | null; onChange: (patient: PatientSummary | null) => void }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const inputId = useId();
  const results = usePatientSearch(query);
  const error = results?.error ?? null;

  if (value) {
    return (
      <div className="ecg-toolbar">
        <span className="ecg-chosen-patient" data-testid="ecg-patient">
          {t('ecg:patient.chosen', { name: value.name, sex: t(`ecg:sex.${value.sex}`), birthDate: value.birthDate })}
          {value.idNumber && <span className="mono muted"> {maskIdNumber(value.idNumber)}</span>}
        </span>
        <button type="button" onClick={() => onChange(null)}>
          {t('ecg:patient.change')}
        </button>
      </div>
    );
  }
  const shown = results && results.query === query.trim() ? results.results.slice(0, 10) : [];
  return (
    <div className="ecg-patient-picker">
      <label htmlFor={inputId}>{t('ecg:patient.search')}</label>
      <input id={inputId} value={query} onChange={(e) => setQuery(e.target.value)} placeholder={t('ecg:patient.placeholder')} autoComplete="off" />
      <ErrorText error={error} />
      {query.trim() !== '' && results?.query === query.trim() && shown.length === 0 && <p className="muted">{t('ecg:patient.noMatch')}</p>}
      {shown.length > 0 && (
        <ul className="ecg-patient-results" aria-label={t('ecg:patient.results')}>
          {shown.map((p) => (
            <li key={p.id}>
              {/* The whole row is the target: a click anywhere on the person picks them, not only on the name. */}
              <button type="button" className="picker-row" data-testid="ecg-picker-row" onClick={() => onChange(p)}>
                <strong>{p.name}</strong>{' '}
                <span className="muted">
                  {t(`ecg:sex.${p.sex}`)} · {p.birthDate}
                  {p.idNumber ? ` · ${maskIdNumber(p.idNumber)}` : ''}
                  {p.village ? ` · ${p.village}` : ''}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
