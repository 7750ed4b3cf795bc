import type { HandlerDeps, Handlers } from '../api/handler-deps';

/** The sync namespace of the contract, bound to its services. */
export function syncHandlers(s: Pick<HandlerDeps, 'sync'>): Handlers<'sync'> {
  return {
    sync: {
      targets: () => s.sync.targets(),
      configure: (input) => s.sync.configure(input),
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
