import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { ErrorText } from '../../components/error-text';
import { useAuth } from '../../app/auth-context';

/**
 * Replaces the page while locked (Layout takes the page out of the document and keeps its React state, so a
 * half-filled form keeps every typed character); the overlay is opaque, there is nothing under it to see.
 */
export function LockOverlay() {
  const { t } = useTranslation();
  const { status, refresh } = useAuth();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await api.auth.unlock({ password });
      setPassword('');
      await refresh();
    } catch (err) {
      setError(err);
      await refresh();
    }
  }

  async function switchUser() {
    await api.auth.signOut({});
    await refresh();
  }

  return (
    <div className="lock-overlay" role="dialog" aria-modal="true" aria-labelledby="lock-title">
      <form className="card auth-card" onSubmit={submit}>
        <h1 id="lock-title">{t('lock.title')}</h1>
        <p className="muted">{t('lock.body', { name: status?.user?.displayName ?? '' })}</p>
        <label>
          {t('lock.password')}
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoFocus autoComplete="current-password" />
        </label>
        <ErrorText error={error} />
        <div className="row">
          <button type="submit" className="primary">
            {t('lock.submit')}
          </button>
          <button type="button" onClick={() => void switchUser()}>
            {t('lock.switchUser')}
          </button>
        </div>
      </form>
    </div>
  );
}
