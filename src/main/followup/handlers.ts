import type { HandlerDeps, Handlers } from '../api/handler-deps';

/** The followup namespace of the contract, bound to its services. */
export function followupHandlers(s: Pick<HandlerDeps, 'followup'>): Handlers<'followup'> {
  return {
    followup: {
      enrolments: ({ patientId }) => s.followup.enrolments(patientId),
      enrol: (input) => s.followup.enrol(input),
      endEnrolment: ({ patientId, enrolmentId, endedOn, reason, note }) => s.followup.endEnrolment(patientId, enrolmentId, endedOn, reason, note),
      evaluate: ({ patientId, disease, form }) => s.followup.evaluate(patientId, disease, form),
      save: (input) => s.followup.save(input),
      phoneContact: (input) => s.followup.phoneContact(input),
      history: ({ patientId }) => s.followup.history(patientId),
      recordHealthCheck: ({ patientId, date, selfCareScore, note }) => s.followup.recordHealthCheck(patientId, date, selfCareScore, note),
      reminders: ({ limit, offset, ...filter }) => s.followup.reminders(filter, limit, offset),
      callListCsv: ({ locale, ...filter }) => s.followup.callListCsv(filter, locale),
      familyDoctors: () => s.followup.familyDoctors(),
      referrals: (q) => s.followup.referrals(q),
      updateReferral: ({ patientId, referralId, ...details }) => s.followup.updateReferral(patientId, referralId, details),
      checkReferral: ({ patientId, referralId, date, mode, outcome, detail }) => s.followup.checkReferral(patientId, referralId, date, mode, outcome, detail),
      recordReturn: ({ patientId, referralId, date, note }) => s.followup.recordReturn(patientId, referralId, date, note),
      calendar: ({ from, to }) => s.followup.calendar(from, to),
      setCapacity: ({ date, capacity }) => s.followup.setCapacity(date, capacity),
      reschedule: ({ patientId, appointmentId, date, acceptLate }) => s.followup.reschedule(patientId, appointmentId, date, acceptLate),
      indicators: ({ year }) => s.followup.indicators(year),
      indicatorPatients: ({ year, disease, indicator, part }) => s.followup.indicatorPatients(year, disease, indicator, part),
    },
  };
}
