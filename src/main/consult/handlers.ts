import type { HandlerDeps, Handlers } from '../api/handler-deps';

/** The consult namespace of the contract, bound to its services. */
export function consultHandlers(s: Pick<HandlerDeps, 'consult'>): Handlers<'consult'> {
  return {
    consult: {
      create: (input) => s.consult.create(input),
      list: ({ patientId }) => s.consult.list(patientId),
      open: () => s.consult.open(),
      byStatus: ({ statuses, limit }) => s.consult.byStatus(statuses, limit),
      get: ({ patientId, consultId }) => s.consult.get(patientId, consultId),
      cancel: ({ patientId, consultId }) => s.consult.cancel(patientId, consultId),
      replyPdf: ({ patientId, replyId }) => s.consult.replyPdf(patientId, replyId),
      replyForEcg: ({ patientId, ecgId }) => s.consult.replyForEcg(patientId, ecgId),
      alerts: () => s.consult.alerts(),
      acknowledge: ({ patientId, alertId }) => s.consult.acknowledge(patientId, alertId),
    },
  };
}
