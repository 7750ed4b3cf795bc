import { useTranslation } from 'react-i18next';
import type { VitalPoint } from '../../../shared/api/clinic';
import { formatTime } from '../../components/dates';
import { useVitalSeries } from './clinic.resource';

/** The follow-up form's fields a measurement fills (the form holds what was typed, as text). */
export interface OfferedValues {
  sbp?: string;
  dbp?: string;
  heartRate?: string;
  weightKg?: string;
  fbg?: string;
  randomGlucose?: string;
}

/** What a clinic or ECG-room measurement gives the follow-up form: only the values it has. */
export function offeredValues(point: VitalPoint): OfferedValues {
  const out: OfferedValues = {};
  if (point.sbp !== null && point.dbp !== null) {
    out.sbp = String(point.sbp);
    out.dbp = String(point.dbp);
  }
  if (point.heartRate !== null) out.heartRate = String(point.heartRate);
  if (point.weightKg !== null) out.weightKg = String(point.weightKg);
  if (point.glucose) out[point.glucose.timing === 'fasting' ? 'fbg' : 'randomGlucose'] = String(point.glucose.mmolPerL);
  return out;
}

/**
 * The day's measurements already taken at the clinic or in the ECG room, shown on the follow-up form with a button
 * that copies them in: the patient is not measured twice, and the series keeps them as one measurement
 * (vital-series.ts merges a follow-up that took over a clinic reading).
 */
export function DayVitalsOffer({ patientId, date, onUse }: { patientId: string; date: string; onUse(values: OfferedValues): void }) {
  const { t } = useTranslation('clinic');
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(date);
  const series = useVitalSeries(valid ? { patientId, from: date, to: date } : null);
  const taken = (series.data ?? []).filter((p) => p.source !== 'followup' && Object.keys(offeredValues(p)).length > 0);
  if (taken.length === 0) return null;
  return (
    <div className="card day-vitals" role="group" aria-label={t('dayVitals.title', { date })} data-testid="day-vitals">
      <strong>{t('dayVitals.title', { date })}</strong>
      <ul>
        {taken.map((p) => (
          <li key={p.sourceId}>
            <span className="muted">
              {formatTime(p.measuredAt)} {t(`vitals.source.${p.source}`)}
            </span>{' '}
            {p.sbp !== null && p.dbp !== null && <span>{t('dayVitals.bp', { sbp: p.sbp, dbp: p.dbp })} </span>}
            {p.heartRate !== null && <span>{t('dayVitals.heartRate', { value: p.heartRate })} </span>}
            {p.weightKg !== null && <span>{t('dayVitals.weight', { value: p.weightKg })} </span>}
            {p.glucose && <span>{t(`dayVitals.glucose.${p.glucose.timing}`, { value: p.glucose.mmolPerL })} </span>}
            <button type="button" onClick={() => onUse(offeredValues(p))}>
              {t('dayVitals.use')}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
