import type { HandlerDeps, Handlers } from '../api/handler-deps';

/** The followup namespace of the contract, bound to its use cases; writes take the caller from the call context. */
export function followupHandlers(s: Pick<HandlerDeps, 'followup'>): Handlers<'followup'> {
  const f = s.followup;
  return {
    followup: {
      enrolments: ({ patientId }) => f.enrolments({ patientId }),
      enrolmentStates: ({ patientId }) => f.enrolmentStates({ patientId }),
      enrol: (input, ctx) => f.enrol({ ...input, caller: ctx.caller }),
      endEnrolment: (input, ctx) => f.endEnrolment({ ...input, caller: ctx.caller }),
      evaluate: (input) => f.evaluate(input),
      save: (input, ctx) => f.save({ ...input, caller: ctx.caller }),
      phoneContact: (input, ctx) => f.phoneContact({ ...input, caller: ctx.caller }),
      history: ({ patientId }) => f.history({ patientId }),
      recordHealthCheck: (input, ctx) => f.recordHealthCheck({ ...input, caller: ctx.caller }),
      reminders: ({ limit, offset, ...filter }) => f.reminders({ filter, limit, offset }),
      callListCsv: ({ locale, ...filter }) => f.callListCsv({ filter, locale }),
      familyDoctors: () => f.familyDoctors(),
      referrals: (q) => f.referrals(q),
      updateReferral: ({ patientId, referralId, ...details }, ctx) => f.updateReferral({ caller: ctx.caller, patientId, referralId, details }),
      checkReferral: (input, ctx) => f.checkReferral({ ...input, caller: ctx.caller }),
      recordReturn: (input, ctx) => f.recordReturn({ ...input, caller: ctx.caller }),
      calendar: ({ from, to }) => f.calendar({ from, to }),
      missedAppointments: () => f.missedAppointments(),
      setCapacity: (input, ctx) => f.setCapacity({ ...input, caller: ctx.caller }),
      reschedule: (input, ctx) => f.reschedule({ ...input, caller: ctx.caller }),
      indicators: ({ year }) => f.indicators({ year }),
      indicatorPatients: (input) => f.indicatorPatients(input),
    },
  };
}
