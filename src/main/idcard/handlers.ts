import type { HandlerDeps, Handlers } from '../api/handler-deps';

/** The idcard namespace of the contract, bound to its service. */
export function idcardHandlers(s: Pick<HandlerDeps, 'idcard'>): Handlers<'idcard'> {
  return {
    idcard: {
      read: (_input, ctx) => s.idcard.read(ctx.caller),
      attach: ({ patientId, readId }, ctx) => s.idcard.attach(ctx.caller, patientId, readId),
      photo: ({ patientId }) => s.idcard.photo(patientId),
      settings: () => s.idcard.settings(),
      updateSettings: (patch) => s.idcard.updateSettings(patch),
    },
  };
}
