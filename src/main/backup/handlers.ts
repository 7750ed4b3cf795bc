import type { HandlerDeps, Handlers } from '../api/handler-deps';

/** The backup namespace of the contract, bound to its services. */
export function backupHandlers(s: Pick<HandlerDeps, 'backup'>): Handlers<'backup'> {
  return {
    backup: {
      create: ({ passphrase }) => s.backup.create(passphrase),
      list: () => s.backup.list(),
      restore: ({ path, passphrase }) => s.backup.restore(path, passphrase),
    },
  };
}
