import { useTranslation } from 'react-i18next';
import type { VitalField } from '../../../shared/vitals';
import { formatDate, formatDateTime } from '../../components/dates';
import type { VitalsRow } from './vitals-display';

const COLUMNS: { key: string; field?: VitalField; fields?: VitalField[]; value(row: VitalsRow): string }[] = [
  { key: 'bloodPressure', fields: ['systolic', 'diastolic'], value: (r) => r.bloodPressure },
  { key: 'heartRate', field: 'heartRate', value: (r) => text(r.heartRate) },
  { key: 'temperature', field: 'temperature', value: (r) => text(r.temperatureC) },
  { key: 'spo2', field: 'spo2', value: (r) => text(r.spo2) },
  { key: 'respiratoryRate', field: 'respiratoryRate', value: (r) => text(r.respiratoryRate) },
  { key: 'weight', field: 'weight', value: (r) => text(r.weightKg) },
  { key: 'height', field: 'height', value: (r) => text(r.heightCm) },
  { key: 'bmi', field: 'bmi', value: (r) => text(r.bmi) },
  { key: 'waist', field: 'waist', value: (r) => text(r.waistCm) },
  { key: 'glucose', field: 'glucose', value: (r) => text(r.glucose?.mmolPerL) },
];

function text(value: number | undefined): string {
  return value === undefined ? '' : String(value);
}

/**
 * Newest first, each abnormal cell coloured by its worst flag, the flag texts in the row's title; each row says
 * where it was measured (clinic, ECG room, follow-up visit).
 */
export function VitalsTable({ rows }: { rows: readonly VitalsRow[] }) {
  const { t, i18n } = useTranslation();
  if (rows.length === 0) return <p className="muted">{t('clinic:chart.noVitals')}</p>;
  return (
    <div className="table-scroll">
      <table className="vitals-table" aria-label={t('clinic:chart.vitals')}>
        <thead>
          <tr>
            <th>{t('clinic:vitals.measuredAt')}</th>
            <th>{t('clinic:vitals.sourceColumn')}</th>
            {COLUMNS.map((c) => (
              <th key={c.key}>{t(`clinic:vitals.column.${c.key}`)}</th>
            ))}
            <th>{t('clinic:vitals.flags')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} data-testid="vitals-row">
              <td>{row.measuredAt.length === 10 ? formatDate(row.measuredAt) : formatDateTime(row.measuredAt, i18n.language)}</td>
              <td>
                {t(`clinic:vitals.source.${row.source}`)}
                {row.selfReported && <span className="muted small"> {t('clinic:vitals.selfReported')}</span>}
              </td>
              {COLUMNS.map((c) => {
                const level = c.fields ? c.fields.map((f) => row.levels[f]).find(Boolean) : c.field && row.levels[c.field];
                const glucoseTiming = c.key === 'glucose' && row.glucose ? t(`clinic:vitals.glucoseTiming.${row.glucose.timing}`) : '';
                return (
                  <td key={c.key} className={level ? `flag-${level}` : undefined}>
                    {c.value(row)}
                    {glucoseTiming && <span className="muted small"> {glucoseTiming}</span>}
                  </td>
                );
              })}
              <td className="flag-texts">
                {row.flagCodes.map((f, i) => (
                  <div key={`${f.code}-${i}`}>{t(`clinic-rules:vitals.${f.code}`, f.params)}</div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
