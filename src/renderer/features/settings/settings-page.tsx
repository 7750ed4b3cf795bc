import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { User } from '../../../shared/api/auth';
import type { Role } from '../../../shared/api/define';
import type { SecuritySettings, Settings } from '../../../shared/api/system';
import { api } from '../../api/client';
import { ErrorText } from '../../components/error-text';
import { useAuth } from '../../app/auth-context';
import { IdCardSettingsForm } from '../idcard/idcard-settings';
import { LanguageSwitch } from './language-switch';
import { WorkingCalendarCard } from './working-calendar-card';
import { usersResource, useSettings, useUsers } from './settings.resource';
import { SaveFooter, useSaveAction, type SaveAction } from '../../components/form';
import type { ChosenFile } from '../../../shared/api/files';

export function SettingsPage() {
  const { t } = useTranslation();
  const { status } = useAuth();
  const isAdmin = status?.user?.role === 'admin';
  return (
    <section className="page">
      <h1>{t('settings.title')}</h1>
      <div className="card">
        <LanguageSwitch />
      </div>
      <ChangePassword />
      <Station editable={isAdmin} />
      {isAdmin && <WorkingCalendarCard />}
      {isAdmin && <SecurityPolicy />}
      {isAdmin && <Users />}
      {isAdmin && <Backup />}
      {isAdmin && <IdCardSettingsForm />}
    </section>
  );
}

function ChangePassword() {
  const { t } = useTranslation();
  const [form, setForm] = useState({ currentPassword: '', newPassword: '' });
  const action = useSaveAction();
  const { run } = action;
  function submit(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      await api.auth.changePassword(form);
      setForm({ currentPassword: '', newPassword: '' });
    });
  }
  return (
    <form className="card" onSubmit={submit}>
      <h2>{t('settings.changePassword')}</h2>
      <div className="form-grid">
        <label>
          {t('settings.currentPassword')}
          <input type="password" value={form.currentPassword} onChange={(e) => setForm({ ...form, currentPassword: e.target.value })} />
        </label>
        <label>
          {t('settings.newPassword')}
          <input type="password" value={form.newPassword} onChange={(e) => setForm({ ...form, newPassword: e.target.value })} />
        </label>
      </div>
      <SettingsSave action={action} />
    </form>
  );
}

/** Who the station is: name, national code, villages served. Everyone sees it; only an administrator edits it. */
function Station({ editable }: { editable: boolean }) {
  const loaded = useSettings({});
  if (!loaded.data) return <ErrorText error={loaded.error} />;
  return <StationForm editable={editable} initial={loaded.data} />;
}

function StationForm({ editable, initial }: { editable: boolean; initial: Settings }) {
  const { t } = useTranslation();
  const [station, setStation] = useState({
    facilityName: initial.facilityName,
    institutionCode: initial.institutionCode,
    villages: initial.villages.join('\n'),
  });
  const action = useSaveAction();
  const { run } = action;
  function submit(e: FormEvent) {
    e.preventDefault();
    const villages = station.villages
      .split('\n')
      .map((v) => v.trim())
      .filter(Boolean);
    void run(async () => {
      // settings.update invalidates every settings view (printouts' facility name, the village lists).
      const s = await api.settings.update({ facilityName: station.facilityName.trim(), institutionCode: station.institutionCode, villages });
      setStation({ facilityName: s.facilityName, institutionCode: s.institutionCode, villages: s.villages.join('\n') });
    });
  }
  return (
    <form className="card" onSubmit={submit} aria-label={t('settings.station')}>
      <h2>{t('settings.station')}</h2>
      <p className="muted">{editable ? t('settings.stationHint') : t('settings.readOnly')}</p>
      <div className="form-grid">
        <label>
          {t('settings.facilityName')}
          <input value={station.facilityName} readOnly={!editable} maxLength={60} onChange={(e) => setStation({ ...station, facilityName: e.target.value })} />
        </label>
        <label>
          {t('settings.institutionCode')}
          <input
            value={station.institutionCode}
            readOnly={!editable}
            maxLength={40}
            onChange={(e) => setStation({ ...station, institutionCode: e.target.value })}
          />
        </label>
        <label>
          {t('settings.villages')}
          <textarea value={station.villages} readOnly={!editable} rows={4} onChange={(e) => setStation({ ...station, villages: e.target.value })} />
        </label>
      </div>
      {editable && <SettingsSave action={action} />}
    </form>
  );
}

const SECURITY_FIELDS: (keyof SecuritySettings)[] = ['maxFailedSignIns', 'lockoutMinutes', 'idleLockMinutes', 'passwordMinLength'];

function SecurityPolicy() {
  const loaded = useSettings({});
  if (!loaded.data) return <ErrorText error={loaded.error} />;
  return <SecurityForm initial={loaded.data.security} />;
}

function SecurityForm({ initial }: { initial: SecuritySettings }) {
  const { t } = useTranslation();
  const [security, setSecurity] = useState<SecuritySettings>(initial);
  const action = useSaveAction();
  const { run } = action;
  function submit(e: FormEvent) {
    e.preventDefault();
    void run(async () => setSecurity((await api.settings.update({ security })).security));
  }
  return (
    <form className="card" onSubmit={submit}>
      <h2>{t('settings.security')}</h2>
      <div className="form-grid">
        {SECURITY_FIELDS.map((key) => (
          <label key={key}>
            {t(`settings.${key}`)}
            <input type="number" value={security[key]} onChange={(e) => setSecurity({ ...security, [key]: Number(e.target.value) })} />
          </label>
        ))}
      </div>
      <SettingsSave action={action} />
    </form>
  );
}

function Users() {
  const { t } = useTranslation();
  const list = useUsers({});
  const users = list.data ?? [];
  const [form, setForm] = useState({ username: '', displayName: '', role: 'doctor' as Role, password: '' });
  const [failed, setError] = useState<unknown>(null);
  const error = failed ?? list.error;
  // Users are audited as admin, not write: the list is told here.
  async function change(work: () => Promise<unknown>) {
    setError(null);
    try {
      await work();
      usersResource.invalidate();
    } catch (err) {
      setError(err);
    }
  }
  async function submit(e: FormEvent) {
    e.preventDefault();
    await change(async () => {
      await api.users.create(form);
      setForm({ username: '', displayName: '', role: 'doctor', password: '' });
    });
  }
  const toggle = (user: User) => change(() => api.users.update({ id: user.id, active: !user.active }));
  return (
    <div className="card">
      <h2>{t('settings.users')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('setup.username')}</th>
            <th>{t('setup.displayName')}</th>
            <th>{t('settings.role')}</th>
            <th>{t('settings.active')}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>{u.username}</td>
              <td>{u.displayName}</td>
              <td>{t(`roles.${u.role}`)}</td>
              <td>
                <input type="checkbox" checked={u.active} onChange={() => void toggle(u)} aria-label={`${t('settings.active')} ${u.username}`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={submit}>
        <h3>{t('settings.newUser')}</h3>
        <div className="form-grid">
          <label>
            {t('setup.username')}
            <input value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} required />
          </label>
          <label>
            {t('setup.displayName')}
            <input value={form.displayName} onChange={(e) => setForm({ ...form, displayName: e.target.value })} required />
          </label>
          <label>
            {t('settings.role')}
            <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
              {(['doctor', 'nurse', 'admin'] as const).map((r) => (
                <option key={r} value={r}>
                  {t(`roles.${r}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('setup.password')}
            <input type="password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} required />
          </label>
        </div>
        <ErrorText error={error} />
        <button type="submit">{t('settings.create')}</button>
      </form>
    </div>
  );
}

function Backup() {
  const { t } = useTranslation();
  const [passphrase, setPassphrase] = useState('');
  // The backup to restore is chosen in main's file dialog; only its handle and name are known here.
  const [restoreFile, setRestoreFile] = useState<ChosenFile | null>(null);
  const [restorePassphrase, setRestorePassphrase] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  async function backup() {
    setError(null);
    setMessage(null);
    try {
      const r = await api.backup.create({ passphrase });
      setMessage(t('settings.backupDone', { path: r.path }));
    } catch (err) {
      setError(err);
    }
  }
  async function restore() {
    setError(null);
    setMessage(null);
    if (!restoreFile || !window.confirm(t('settings.restoreConfirm'))) return;
    try {
      const r = await api.backup.restore({ file: restoreFile.handle, passphrase: restorePassphrase });
      setMessage(t('settings.restoreDone', { patients: r.patients }));
    } catch (err) {
      setError(err);
    } finally {
      // A handle serves one attempt: choose the file again to retry.
      setRestoreFile(null);
    }
  }
  async function chooseBackup() {
    setError(null);
    try {
      const chosen = await api.files.open({ purpose: 'backup' });
      if (chosen) setRestoreFile(chosen);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <div className="card">
      <h2>{t('settings.backup')}</h2>
      <div className="form-grid">
        <label>
          {t('settings.backupPassphrase')}
          <input type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
        </label>
        <button type="button" onClick={() => void backup()} disabled={passphrase.length < 10}>
          {t('settings.createBackup')}
        </button>
        <span className="field">
          {t('settings.restorePath')}
          <span className="row">
            <button type="button" onClick={() => void chooseBackup()}>
              {t('settings.chooseBackup')}
            </button>
            <span data-testid="restore-file">{restoreFile ? restoreFile.name : <span className="muted">{t('settings.noBackupChosen')}</span>}</span>
          </span>
        </span>
        <label>
          {t('settings.backupPassphrase')}
          <input type="password" value={restorePassphrase} onChange={(e) => setRestorePassphrase(e.target.value)} />
        </label>
        <button type="button" onClick={() => void restore()} disabled={!restoreFile}>
          {t('settings.restore')}
        </button>
      </div>
      {message && <p className="ok-text">{message}</p>}
      <ErrorText error={error} />
    </div>
  );
}

function SettingsSave({ action }: { action: SaveAction }) {
  const { t } = useTranslation();
  return (
    <SaveFooter action={action} savedText={t('settings.saved')}>
      {t('settings.save')}
    </SaveFooter>
  );
}
