import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { ErrorText } from '../../components/error-text';
import { useAuth } from '../../app/auth-context';

export function SetupPage() {
  const { t } = useTranslation();
  const { refresh } = useAuth();
  const [form, setForm] = useState({ username: 'admin', displayName: '', password: '', repeat: '' });
  const [institution, setInstitution] = useState({ facilityName: '', institutionCode: '' });
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setMismatch(form.password !== form.repeat);
    if (form.password !== form.repeat) return;
    try {
      const named = institution.facilityName.trim() !== '' || institution.institutionCode.trim() !== '';
      await api.auth.setupAdmin({ username: form.username, displayName: form.displayName, password: form.password, ...(named ? { institution } : {}) });
      await refresh();
    } catch (err) {
      setError(err);
    }
  }

  const field = (key: keyof typeof form, type = 'text') => (
    <label>
      {t(key === 'repeat' ? 'setup.passwordRepeat' : `setup.${key}`)}
      <input type={type} value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} autoComplete="off" required />
    </label>
  );

  return (
    <main className="auth-page">
      <form className="card auth-card" onSubmit={submit}>
        <h1>{t('setup.title')}</h1>
        <p className="muted">{t('setup.body')}</p>
        {field('username')}
        {field('displayName')}
        {field('password', 'password')}
        {field('repeat', 'password')}
        {mismatch && (
          <p role="alert" className="error-text">
            {t('setup.mismatch')}
          </p>
        )}
        <fieldset>
          <legend>{t('settings.station')}</legend>
          <p className="muted">{t('setup.institutionHint')}</p>
          <label>
            {t('setup.facilityName')}
            <input
              value={institution.facilityName}
              onChange={(e) => setInstitution({ ...institution, facilityName: e.target.value })}
              autoComplete="off"
              maxLength={60}
            />
          </label>
          <label>
            {t('setup.institutionCode')}
            <input
              value={institution.institutionCode}
              onChange={(e) => setInstitution({ ...institution, institutionCode: e.target.value })}
              autoComplete="off"
              maxLength={40}
            />
          </label>
        </fieldset>
        <ErrorText error={error} />
        <button type="submit" className="primary">
          {t('setup.submit')}
        </button>
      </form>
    </main>
  );
}
