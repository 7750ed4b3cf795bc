import { useTranslation } from 'react-i18next';
import { ECG_LAYOUTS, type EcgLayout } from '../../../shared/ecg-paper';
import { GAINS, HIGH_PASS_CHOICES_HZ, LOW_PASS_CHOICES_HZ, SPEEDS, type DisplaySettings } from './display-settings';

/** Speed, gain, filters and (for stored ECGs) the layout, as one toolbar. */
export function DisplayControls({ value, onChange, showLayout }: { value: DisplaySettings; onChange: (next: DisplaySettings) => void; showLayout: boolean }) {
  const { t } = useTranslation();
  const set = <K extends keyof DisplaySettings>(key: K, v: DisplaySettings[K]) => onChange({ ...value, [key]: v });
  return (
    <div className="ecg-toolbar" role="group" aria-label={t('ecg:display.title')}>
      {showLayout && (
        <label className="inline">
          {t('ecg:display.layout')}
          <select value={value.layout} onChange={(e) => set('layout', e.target.value as EcgLayout)}>
            {ECG_LAYOUTS.map((l) => (
              <option key={l} value={l}>
                {t(`ecg:layout.${l}`)}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="inline">
        {t('ecg:display.speed')}
        <select value={value.speedMmPerS} onChange={(e) => set('speedMmPerS', Number(e.target.value) as DisplaySettings['speedMmPerS'])}>
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {t('ecg:display.speedValue', { value: s })}
            </option>
          ))}
        </select>
      </label>
      <label className="inline">
        {t('ecg:display.gain')}
        <select value={value.gainMmPerMv} onChange={(e) => set('gainMmPerMv', Number(e.target.value) as DisplaySettings['gainMmPerMv'])}>
          {GAINS.map((g) => (
            <option key={g} value={g}>
              {t('ecg:display.gainValue', { value: g })}
            </option>
          ))}
        </select>
      </label>
      <label className="inline">
        {t('ecg:display.highPass')}
        <select value={value.highPassHz} onChange={(e) => set('highPassHz', Number(e.target.value) as DisplaySettings['highPassHz'])}>
          {HIGH_PASS_CHOICES_HZ.map((hz) => (
            <option key={hz} value={hz}>
              {t('ecg:display.hz', { value: hz })}
            </option>
          ))}
        </select>
      </label>
      <label className="inline checkbox">
        <input type="checkbox" checked={value.notch} onChange={(e) => set('notch', e.target.checked)} />
        {t('ecg:display.notch')}
      </label>
      <label className="inline">
        {t('ecg:display.lowPass')}
        <select value={value.lowPassHz} onChange={(e) => set('lowPassHz', Number(e.target.value) as DisplaySettings['lowPassHz'])}>
          {LOW_PASS_CHOICES_HZ.map((hz) => (
            <option key={hz} value={hz}>
              {t('ecg:display.hz', { value: hz })}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
