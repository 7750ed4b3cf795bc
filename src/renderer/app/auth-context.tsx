import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { AuthStatus } from '../../shared/api/auth';
import { api } from '../api/client';
import { clearResources, revalidateAll, setPollingPaused } from '../api/resource';

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
 *
 * Its status poll is a direct call, not a resource: it is the session's source of truth that the resources
 * themselves follow (it pauses their polls, clears them on a user change and reloads them on unlock), and it must
 * keep running while locked and when signed out, which is exactly when resource polls stop.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<AuthStatus | null>(null);
  const open = useRef<{ userId: number | null; usable: boolean }>({ userId: null, usable: false });
  const refresh = useCallback(async () => {
    const next = await api.auth.status({});
    // Resources follow the session: another user sees nothing of the last one's answers, and whatever the lock
    // interrupted (or what changed while it was on) loads again the moment the station is usable again.
    const userId = next.user?.id ?? null;
    const usable = userId !== null && !next.locked;
    const before = open.current;
    open.current = { userId, usable };
    setPollingPaused(!usable);
    if (before.userId !== null && before.userId !== userId) clearResources();
    if (usable && !before.usable) revalidateAll();
    setStatus(next);
  }, []);

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
      void api.auth
        .heartbeat({})
        .then((r) => r.locked && void refresh())
        .catch(() => {});
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
