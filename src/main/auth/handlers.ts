import type { HandlerDeps, Handlers } from '../api/handler-deps';
import { checkedInstitutionCode, readSettings, writeSettings } from '../settings/settings-service';

/** The auth, users namespaces of the contract, bound to their services. */
export function authHandlers(s: Pick<HandlerDeps, 'auth' | 'session' | 'store' | 'clock'>): Handlers<'auth' | 'users'> {
  const db = () => s.store.current.db;
  return {
    auth: {
      status: () => s.auth.status(s.store.isOpen),
      setupAdmin: async ({ institution, ...admin }) => {
        // Checked before the account exists, so a mistyped code leaves nothing half set up.
        const station = institution && { ...institution, institutionCode: checkedInstitutionCode(institution.institutionCode) };
        const user = await s.auth.setupAdmin(admin);
        if (station) writeSettings(db(), station, s.clock);
        return user;
      },
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
