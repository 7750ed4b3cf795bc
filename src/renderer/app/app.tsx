import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HashRouter, Navigate, Route, Routes } from 'react-router';
import { api } from '../api/client';
import { ErrorText } from '../components/error-text';
import { AuditPage } from '../features/audit/audit-page';
import { SetupPage } from '../features/auth/setup-page';
import { SignInPage } from '../features/auth/sign-in-page';
import { StoreUnlockPage } from '../features/auth/store-unlock-page';
import { ComingSoon } from '../features/placeholder/coming-soon';
import { SettingsPage } from '../features/settings/settings-page';
import { AuthProvider, useAuth } from './auth-context';
import { Layout } from './layout';

type StoreState = 'open' | 'needsPassphrase' | 'newNeedsPassphrase';

/** Boot order: the encrypted store must be open, then first-run setup or sign-in, then the app. */
export function App() {
  const [storeState, setStoreState] = useState<StoreState | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => void api.store.status({}).then((s) => setStoreState(s.state), setError), []);
  useEffect(load, [load]);
  const { t } = useTranslation();
  if (error) return <ErrorText error={error} />;
  if (!storeState) return <p className="muted">{t('app.loading')}</p>;
  if (storeState !== 'open') return <StoreUnlockPage isNew={storeState === 'newNeedsPassphrase'} onOpened={load} />;
  return (
    <AuthProvider>
      <SignedInGate />
    </AuthProvider>
  );
}

function SignedInGate() {
  const { status } = useAuth();
  const { t } = useTranslation();
  if (!status) return <p className="muted">{t('app.loading')}</p>;
  if (status.firstRun) return <SetupPage />;
  if (!status.user) return <SignInPage />;
  return (
    <HashRouter>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<Navigate to="/today" replace />} />
          {(['today', 'patients', 'ecg', 'followup', 'consult', 'sync'] as const).map((f) => (
            <Route key={f} path={`/${f}`} element={<ComingSoon feature={f} />} />
          ))}
          <Route path="/settings" element={<SettingsPage />} />
          <Route path="/audit" element={status.user.role === 'admin' ? <AuditPage /> : <Navigate to="/today" replace />} />
          <Route path="*" element={<Navigate to="/today" replace />} />
        </Route>
      </Routes>
    </HashRouter>
  );
}
