import type { HandlerDeps, Handlers } from '../api/handler-deps';

import type { SyncRouting } from '../../shared/sync';

/** The wire wants plain arrays; the default routing is a readonly constant. */
function copy(routing: SyncRouting) {
  return { county: [...routing.county], provincial: [...routing.provincial] };
}

/** The sync namespace of the contract, bound to its services. */
export function syncHandlers(s: Pick<HandlerDeps, 'sync'>): Handlers<'sync'> {
  return {
    sync: {
      routing: () => copy(s.sync.routing()),
      setRouting: (routing) => copy(s.sync.setRouting(routing)),
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
