import { useTranslation } from 'react-i18next';
import type { EcgMeasurements } from '../../../shared/ecg';
import { measurementRows } from './ecg-measurements';

/** The automatic measurements with the adult normal range beside each and out-of-range values highlighted. */
export function MeasurementsTable({ measurements, sex, adult }: { measurements: EcgMeasurements; sex: 'M' | 'F' | 'U'; adult: boolean }) {
  const { t } = useTranslation();
  const rows = measurementRows(measurements, sex, adult);
  return (
    <div>
      <table className="ecg-measurements" aria-label={t('ecg:measurements.title')}>
        <thead>
          <tr>
            <th>{t('ecg:measurements.item')}</th>
            <th>{t('ecg:measurements.value')}</th>
            <th>{t('ecg:measurements.normal')}</th>
            <th>{t('ecg:measurements.flag')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} className={row.flag && row.flag !== 'normal' ? `flag-${row.flag}` : undefined}>
              <th scope="row">{t(`ecg:measure.${row.key}`)}</th>
              <td>{row.value === undefined ? '—' : t(`ecg:unit.${row.unit}`, { value: row.value })}</td>
              <td className="muted">{row.range ? t(`ecg:unit.${row.unit}`, { value: row.range }) : ''}</td>
              <td>{row.flag && row.flag !== 'normal' ? `${t(`ecg:flag.${row.flag}`)}${row.finding ? ` · ${t(`ecg:finding.${row.finding}`)}` : ''}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        {t('ecg:measurements.beats', { beats: measurements.beatCount, median: measurements.medianBeatCount })}
        {!adult && ` ${t('ecg:measurements.childNote')}`}
      </p>
    </div>
  );
}
