import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { IDCARD_DRIVERS, type IdCardSettings } from '../../../shared/api/idcard';
import { api } from '../../api/client';
import { ErrorText } from '../../components/error-text';
import { TextField } from '../../components/form';
import { ReadCardButton } from './read-card-button';
import { idcardSettingsResource, useIdCardSettings } from './idcard.resource';

/** Administrator: which driver reads ID cards at this desk, and where its library is. */
export function IdCardSettingsForm() {
  const loaded = useIdCardSettings({});
  if (!loaded.data) return <ErrorText error={loaded.error} />;
  return <IdCardSettingsEditor initial={loaded.data} />;
}

function IdCardSettingsEditor({ initial }: { initial: IdCardSettings }) {
  const { t } = useTranslation();
  const [form, setForm] = useState<IdCardSettings>(initial);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [tested, setTested] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      setForm(await api.idcard.updateSettings(form));
      setSaved(true);
      // Audited as admin, not write: other views of the settings are told here.
      idcardSettingsResource.invalidate();
    } catch (err) {
      setError(err);
    }
  }

  const set = <K extends keyof IdCardSettings>(key: K, value: IdCardSettings[K]) => {
    setForm({ ...form, [key]: value });
    setSaved(false);
  };
  return (
    <form className="card" onSubmit={submit} aria-label={t('idcard:settings.title')}>
      <h2>{t('idcard:settings.title')}</h2>
      <div className="form-grid">
        <label>
          {t('idcard:settings.driver')}
          <select value={form.driver} onChange={(e) => set('driver', e.target.value as IdCardSettings['driver'])}>
            {IDCARD_DRIVERS.map((d) => (
              <option key={d} value={d}>
                {t(`idcard:settings.drivers.${d}`)}
              </option>
            ))}
          </select>
        </label>
        {form.driver === 'sdt' && (
          <>
            <TextField
              wide
              label={t('idcard:settings.libraryPath')}
              value={form.libraryPath}
              onChange={(v) => set('libraryPath', v)}
              maxLength={400}
              placeholder={t('idcard:settings.libraryPathHint')}
              spellCheck={false}
            />
            <label>
              {t('idcard:settings.port')}
              <input type="number" min={1} max={9999} value={form.port} onChange={(e) => set('port', Number(e.target.value))} />
              <span className="hint">{t('idcard:settings.portHint')}</span>
            </label>
            <label>
              {t('idcard:settings.timeoutMs')}
              <input type="number" min={1000} max={60000} step={1000} value={form.timeoutMs} onChange={(e) => set('timeoutMs', Number(e.target.value))} />
            </label>
          </>
        )}
      </div>
      <ErrorText error={error} />
      {saved && <p className="ok-text">{t('idcard:settings.saved')}</p>}
      <div className="row">
        <button type="submit" className="primary">
          {t('idcard:settings.save')}
        </button>
        <ReadCardButton onRead={({ card }) => setTested(card.name)} />
      </div>
      {tested && <p className="ok-text">{t('idcard:settings.testOk', { name: tested })}</p>}
    </form>
  );
}
