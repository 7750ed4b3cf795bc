import type { HandlerDeps, Handlers } from '../api/handler-deps';

import type { SyncRouting } from '../../shared/sync';

/** The wire wants plain arrays; the default routing is a readonly constant. */
function copy(routing: SyncRouting) {
  return { county: [...routing.county], provincial: [...routing.provincial] };
}

/** The sync namespace of the contract, bound to its services. */
export function syncHandlers(s: Pick<HandlerDeps, 'sync' | 'files'>): Handlers<'sync'> {
  return {
    sync: {
      routing: () => copy(s.sync.routing()),
      setRouting: (routing) => copy(s.sync.setRouting(routing)),
      targets: () => s.sync.targets(),
      // Certificates chosen in main's dialog arrive as handles; the service reads the files they stand for.
      configure: async ({ caCertificateFile, clientPkcs12File, ...input }) => {
        const ca = caCertificateFile ? s.files.take(caCertificateFile, 'certificate') : null;
        const p12 = clientPkcs12File ? s.files.take(clientPkcs12File, 'pkcs12') : null;
        try {
          return await s.sync.configure({ ...input, ...(ca ? { caCertificatePath: ca.path } : {}), ...(p12 ? { clientPkcs12Path: p12.path } : {}) });
        } finally {
          ca?.release();
          p12?.release();
        }
      },
      setEnabled: ({ id, enabled }) => s.sync.setEnabled(id, enabled),
      syncNow: ({ id }) => s.sync.syncNow(id),
      retry: ({ id }) => s.sync.retry(id),
      conflicts: ({ id }) => s.sync.conflicts(id),
      resolve: ({ conflictId, keep }) => s.sync.resolve(conflictId, keep),
      records: ({ id, list, limit }) => s.sync.records(id, list, limit),
      recordStates: ({ patientId }) => s.sync.recordStates(patientId),
    },
  };
}
