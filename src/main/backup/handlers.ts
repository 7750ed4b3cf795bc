import type { HandlerDeps, Handlers } from '../api/handler-deps';

/** The backup namespace of the contract, bound to its services. */
export function backupHandlers(s: Pick<HandlerDeps, 'backup' | 'files'>): Handlers<'backup'> {
  return {
    backup: {
      create: ({ passphrase }) => s.backup.create(passphrase),
      list: () => s.backup.list(),
      restore: ({ file, passphrase }) => s.files.withFile(file, 'backup', (filePath) => s.backup.restore(filePath, passphrase)),
    },
  };
}
