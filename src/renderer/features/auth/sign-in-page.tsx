import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { ErrorText } from '../../components/error-text';
import { useAuth } from '../../app/auth-context';
import { LanguageSwitch } from '../settings/language-switch';
import { useSaveAction } from '../../components/form';

export function SignInPage() {
  const { t } = useTranslation();
  const { refresh } = useAuth();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { error, busy, run } = useSaveAction();

  function submit(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      await api.auth.signIn({ username, password });
      setPassword('');
      await refresh();
    });
  }

  return (
    <main className="auth-page">
      <form className="card auth-card" onSubmit={submit}>
        <h1>{t('app.title')}</h1>
        <h2>{t('signIn.title')}</h2>
        <label>
          {t('signIn.username')}
          <input value={username} onChange={(e) => setUsername(e.target.value)} autoFocus autoComplete="username" required />
        </label>
        <label>
          {t('signIn.password')}
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required />
        </label>
        <ErrorText error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('signIn.submit')}
        </button>
        <LanguageSwitch />
      </form>
    </main>
  );
}
