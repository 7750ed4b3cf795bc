import type { HandlerDeps, Handlers } from '../api/handler-deps';

/** The system, store namespaces of the contract, bound to their services. */
export function systemHandlers(s: Pick<HandlerDeps, 'appVersion' | 'online' | 'store' | 'sync'>): Handlers<'system' | 'store'> {
  const storeStatus = () => ({ state: s.store.state(), keyProtection: s.store.keyProtection });
  return {
    system: {
      status: () => ({
        online: s.online(),
        sync: s.sync.systemStatus(),
        appVersion: s.appVersion,
        schemaVersion: s.store.isOpen ? s.store.current.schemaVersion : 0,
      }),
    },
    store: {
      status: storeStatus,
      unlock: async ({ passphrase }) => {
        await s.store.openWithPassphrase(passphrase);
        return storeStatus();
      },
    },
  };
}
