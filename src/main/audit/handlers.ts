import type { HandlerDeps, Handlers } from '../api/handler-deps';

/** The audit namespace of the contract, bound to its services. */
export function auditHandlers(s: Pick<HandlerDeps, 'audit'>): Handlers<'audit'> {
  return {
    audit: {
      search: (q) => s.audit.search(q),
      verify: () => s.audit.verify(),
    },
  };
}
