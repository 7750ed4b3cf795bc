import { useLayoutEffect, useEffect, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet } from 'react-router';
import { api } from '../api/client';
import { LockOverlay } from '../features/auth/lock-overlay';
import { CriticalAlertBanner } from '../features/consult/critical-alert-banner';
import { PatientSearchBox } from '../features/patients/patient-search-box';
import { useSystemStatus } from './app.resource';
import { useAuth } from './auth-context';

const NAV = ['today', 'patients', 'ecg', 'followup', 'consult', 'sync', 'settings'] as const;

export function Layout() {
  const { t } = useTranslation();
  const { status, refresh } = useAuth();
  const locked = status?.locked ?? false;
  return (
    <div className="shell">
      <LockablePage locked={locked}>
        <nav className="sidebar" aria-label={t('app.title')}>
          <div className="brand">{t('app.title')}</div>
          {NAV.map((key) => (
            <NavLink key={key} to={`/${key}`} className={({ isActive }) => (isActive ? 'active' : '')}>
              {t(`nav.${key}`)}
            </NavLink>
          ))}
          {status?.user?.role === 'admin' && <NavLink to="/audit">{t('nav.audit')}</NavLink>}
        </nav>
        <div className="main-column">
          <header className="topbar">
            <PatientSearchBox />
          </header>
          <CriticalAlertBanner />
          <main className="content">
            <Outlet />
          </main>
        </div>
      </LockablePage>
      <StatusBar
        onSignOut={async () => {
          await api.auth.signOut({});
          await refresh();
        }}
      />
      {locked && <LockOverlay />}
    </div>
  );
}

/**
 * While locked, the page (patient names, findings, whatever was being typed) is taken out of the document: nothing
 * to see through the lock, to select, to read with accessibility tools or to print. The React tree stays mounted
 * in a detached element, so a half-filled form keeps every typed character in memory and is back as it was on
 * unlock (issue 15 point 3). Calls it makes meanwhile are refused by main (SESSION_LOCKED).
 */
function LockablePage({ locked, children }: { locked: boolean; children: ReactNode }) {
  const slot = useRef<HTMLDivElement>(null);
  const [page] = useState(() => {
    const el = document.createElement('div');
    el.className = 'shell-body';
    return el;
  });
  useLayoutEffect(() => {
    if (locked) page.remove();
    else slot.current?.appendChild(page);
  }, [locked, page]);
  useLayoutEffect(() => () => page.remove(), [page]);
  return (
    <div ref={slot} className="shell-slot">
      {createPortal(children, page)}
    </div>
  );
}

function StatusBar({ onSignOut }: { onSignOut: () => Promise<void> }) {
  const { t } = useTranslation();
  const { status } = useAuth();
  // A failed status read shows as nothing (the bar keeps its last answer), as before.
  const { data: system } = useSystemStatus({});
  const [browserOnline, setBrowserOnline] = useState(navigator.onLine);
  useEffect(() => {
    const on = () => setBrowserOnline(navigator.onLine);
    window.addEventListener('online', on);
    window.addEventListener('offline', on);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', on);
    };
  }, []);
  const online = (system?.online ?? true) && browserOnline;
  return (
    <footer className="status-bar" role="status">
      <span className={online ? 'dot online' : 'dot offline'} />
      <span data-testid="online-state">{t(online ? 'status.online' : 'status.offline')}</span>
      {system && <span>{t(`status.sync.${system.sync.state}`)}</span>}
      {system && system.sync.pending > 0 && <span>{t('status.pending', { count: system.sync.pending })}</span>}
      <span className="spacer" />
      {status?.user && <span>{t('status.user', { name: status.user.displayName, role: t(`roles.${status.user.role}`) })}</span>}
      {status?.user && (
        <button type="button" className="link" onClick={() => void onSignOut()}>
          {t('status.signOut')}
        </button>
      )}
    </footer>
  );
}
