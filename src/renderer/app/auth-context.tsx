import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type { AuthStatus } from '../../shared/api/auth';
import { api } from '../api/client';

interface AuthContextValue {
  status: AuthStatus | null;
  refresh(): Promise<void>;
}

const AuthContext = createContext<AuthContextValue>({ status: null, refresh: async () => {} });

const STATUS_POLL_MS = 5_000;
const HEARTBEAT_MIN_GAP_MS = 15_000;

/**
 * Holds who is signed in and whether the idle lock is on. Main owns the truth (its idle clock locks even if this
 * page is frozen); the page reports typing and clicks as heartbeats and polls the lock state.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<AuthStatus | null>(null);
  const refresh = useCallback(async () => setStatus(await api.auth.status({})), []);

  useEffect(() => {
    // The state is set after the awaited status call, never synchronously in this effect.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void refresh();
    const poll = setInterval(() => void refresh().catch(() => {}), STATUS_POLL_MS);
    const onAuthChanged = () => void refresh();
    window.addEventListener('workstation:auth-changed', onAuthChanged);
    return () => {
      clearInterval(poll);
      window.removeEventListener('workstation:auth-changed', onAuthChanged);
    };
  }, [refresh]);

  useEffect(() => {
    if (!status?.user || status.locked) return;
    let last = 0;
    const onActivity = () => {
      const now = Date.now();
      if (now - last < HEARTBEAT_MIN_GAP_MS) return;
      last = now;
      void api.auth.heartbeat({}).then((r) => r.locked && void refresh()).catch(() => {});
    };
    const events = ['keydown', 'pointerdown', 'wheel'] as const;
    events.forEach((e) => window.addEventListener(e, onActivity, { passive: true }));
    return () => events.forEach((e) => window.removeEventListener(e, onActivity));
  }, [status?.user, status?.locked, refresh]);

  return <AuthContext.Provider value={{ status, refresh }}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  return useContext(AuthContext);
}
