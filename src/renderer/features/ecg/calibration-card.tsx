import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { CALIBRATION_BAR_MM, DEFAULT_PX_PER_MM, pxPerMmFromRuler } from '../../../shared/ecg-paper';
import { usePxPerMm } from './screen-calibration';

/**
 * Screen calibration: a bar meant to be 100 mm is drawn at the current setting; the user lays a ruler on the
 * screen and types what it reads. px per mm = drawn px ÷ measured mm, kept for this station.
 */
export function CalibrationCard() {
  const { t } = useTranslation();
  const [pxPerMm, setPxPerMm] = usePxPerMm();
  const [measured, setMeasured] = useState('');
  const [invalid, setInvalid] = useState(false);
  const drawnPx = CALIBRATION_BAR_MM * pxPerMm;

  function apply() {
    const next = pxPerMmFromRuler(drawnPx, Number(measured.replace(',', '.')));
    setInvalid(next === undefined);
    if (next === undefined) return;
    setPxPerMm(next);
    setMeasured('');
  }

  return (
    <form
      className="card"
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
    >
      <h2>{t('ecg:calibration.title')}</h2>
      <p className="muted">{t('ecg:calibration.instructions', { mm: CALIBRATION_BAR_MM })}</p>
      <div
        className="ecg-ruler-bar"
        data-testid="calibration-bar"
        style={{ width: drawnPx }}
        aria-label={t('ecg:calibration.bar', { mm: CALIBRATION_BAR_MM })}
        role="img"
      />
      <p className="muted">{t('ecg:calibration.current', { pxPerMm: pxPerMm.toFixed(3), dpi: Math.round(pxPerMm * 25.4) })}</p>
      <div className="ecg-toolbar">
        <label className="inline">
          {t('ecg:calibration.measured')}
          <input inputMode="decimal" value={measured} onChange={(e) => setMeasured(e.target.value)} size={8} />
        </label>
        <button type="submit" className="primary" disabled={measured.trim() === ''}>
          {t('ecg:calibration.apply')}
        </button>
        <button type="button" onClick={() => setPxPerMm(null)} disabled={Math.abs(pxPerMm - DEFAULT_PX_PER_MM) < 1e-9}>
          {t('ecg:calibration.reset')}
        </button>
        <Link to="/print/ecg-calibration">{t('ecg:calibration.printerCheck')}</Link>
      </div>
      {invalid && (
        <p role="alert" className="error-text">
          {t('ecg:calibration.invalid', { min: CALIBRATION_BAR_MM / 2, max: CALIBRATION_BAR_MM * 2 })}
        </p>
      )}
    </form>
  );
}
