import type { HandlerDeps, Handlers } from '../api/handler-deps';
import { readSettings } from '../settings/settings-service';

/** The auth, users namespaces of the contract, bound to their services. */
export function authHandlers(s: Pick<HandlerDeps, 'auth' | 'session' | 'store'>): Handlers<'auth' | 'users'> {
  const db = () => s.store.current.db;
  return {
    auth: {
      status: () => s.auth.status(s.store.isOpen),
      setupAdmin: (input) => s.auth.setupAdmin(input),
      signIn: ({ username, password }) => s.auth.signIn(username, password),
      signOut: () => {
        s.session.signOut();
        return {};
      },
      unlock: ({ password }) => s.auth.unlock(password),
      heartbeat: () => {
        const locked = s.store.isOpen && s.session.isLocked(readSettings(db()).security.idleLockMinutes);
        if (!locked) s.session.touch();
        return { locked };
      },
      changePassword: async ({ currentPassword, newPassword }) => {
        await s.auth.changePassword(currentPassword, newPassword);
        return {};
      },
    },
    users: {
      list: () => s.auth.listUsers(),
      create: (input) => s.auth.createUser(input),
      update: (input) => s.auth.updateUser(input),
    },
  };
}
