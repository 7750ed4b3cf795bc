import { useTranslation } from 'react-i18next';
import type { CartReport } from '../../../shared/api/ecg';
import type { EcgMeasurements } from '../../../shared/ecg';

const ROWS = [
  ['heartRateBpm', 'heartRateBpm', 'bpm'],
  ['prMs', 'prMs', 'ms'],
  ['pDurationMs', 'pDurationMs', 'ms'],
  ['qrsMs', 'qrsMs', 'ms'],
  ['qtMs', 'qtMs', 'ms'],
  ['qtcBazettMs', 'qtcMs', 'ms'],
  ['pAxisDeg', 'pAxisDeg', 'deg'],
  ['qrsAxisDeg', 'qrsAxisDeg', 'deg'],
  ['tAxisDeg', 'tAxisDeg', 'deg'],
] as const;

/** The cart's own measurements beside ours, and the cart's statements as it printed them (its language). */
export function CartReportPanel({ cart, ours }: { cart: CartReport; ours: EcgMeasurements }) {
  const { t } = useTranslation();
  const value = (v: number | undefined, unit: string) => (v === undefined ? '—' : t(`ecg:unit.${unit}`, { value: Math.round(v) }));
  return (
    <section className="ecg-cart-report" aria-label={t('ecg:cart.title')} data-testid="ecg-cart-report">
      <h4>{t('ecg:cart.title', { vendor: t(`ecg:cart.vendor.${cart.vendor}`) })}</h4>
      <table className="ecg-measurements">
        <thead>
          <tr>
            <th>{t('ecg:measurements.item')}</th>
            <th>{t('ecg:cart.ours')}</th>
            <th>{t('ecg:cart.theirs')}</th>
          </tr>
        </thead>
        <tbody>
          {ROWS.map(([ourKey, cartKey, unit]) => (
            <tr key={ourKey}>
              <th scope="row">{t(`ecg:measure.${ourKey}`)}</th>
              <td>{value(ours[ourKey], unit)}</td>
              <td>{value(cart.measurements[cartKey], unit)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {cart.statements.length > 0 && (
        <>
          <h5>{t('ecg:cart.statements')}</h5>
          {cart.confirmed !== undefined && <p className="ecg-cart-confirmed">{t(cart.confirmed ? 'ecg:cart.confirmed' : 'ecg:cart.unconfirmed')}</p>}
          <ul>
            {cart.statements.map((s, i) => (
              <li key={i}>{s}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
