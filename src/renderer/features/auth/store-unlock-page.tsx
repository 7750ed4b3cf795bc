import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { ErrorText } from '../../components/error-text';
import { useSaveAction } from '../../components/form';

/** Shown when the OS keystore cannot open the database (weak, changed) or on a brand-new station. */
export function StoreUnlockPage({ isNew, onOpened }: { isNew: boolean; onOpened: () => void }) {
  const { t } = useTranslation();
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const { error, busy, run } = useSaveAction();

  function submit(e: FormEvent) {
    e.preventDefault();
    setLocalError(null);
    if (passphrase.length < 10) return setLocalError(t('store.tooShort'));
    if (isNew && passphrase !== repeat) return setLocalError(t('store.mismatch'));
    void run(async () => {
      await api.store.unlock({ passphrase });
      onOpened();
    });
  }

  return (
    <main className="auth-page">
      <form className="card auth-card" onSubmit={submit}>
        <h1>{t(isNew ? 'store.newTitle' : 'store.unlockTitle')}</h1>
        <p className="muted">{t(isNew ? 'store.newBody' : 'store.unlockBody')}</p>
        <label>
          {t('store.passphrase')}
          <input type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoFocus autoComplete="off" />
        </label>
        {isNew && (
          <label>
            {t('store.passphraseRepeat')}
            <input type="password" value={repeat} onChange={(e) => setRepeat(e.target.value)} autoComplete="off" />
          </label>
        )}
        {localError && (
          <p role="alert" className="error-text">
            {localError}
          </p>
        )}
        <ErrorText error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('store.submit')}
        </button>
      </form>
    </main>
  );
}
