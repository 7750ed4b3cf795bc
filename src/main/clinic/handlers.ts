import type { HandlerDeps, Handlers } from '../api/handler-deps';

/** The clinic, vitals, visits namespaces of the contract, bound to their services. */
export function clinicHandlers(s: Pick<HandlerDeps, 'clinic'>): Handlers<'clinic' | 'vitals' | 'visits'> {
  return {
    clinic: {
      queue: (q) => s.clinic.queue(q),
      checkIn: (input) => s.clinic.checkIn(input),
      setStatus: ({ entryId, status }) => s.clinic.setStatus(entryId, status),
      setPriority: ({ entryId, priority }) => s.clinic.setPriority(entryId, priority),
      clinicians: () => s.clinic.clinicians(),
    },
    vitals: {
      record: ({ patientId, visitId, input, source }) => s.clinic.recordVitals(patientId, visitId, input, source),
      list: ({ patientId, limit }) => s.clinic.listVitals(patientId, limit),
      series: (query) => s.clinic.vitalSeries(query),
    },
    visits: {
      open: ({ patientId, queueEntryId }) => s.clinic.openVisit(patientId, queueEntryId),
      save: ({ patientId, visitId, ...fields }) => s.clinic.saveVisit(patientId, visitId, fields),
      close: ({ patientId, visitId }) => s.clinic.closeVisit(patientId, visitId),
      correct: ({ patientId, visitId, reason, ...fields }) => s.clinic.correctVisit(patientId, visitId, fields, reason),
      list: ({ patientId, includeSuperseded }) => s.clinic.listVisits(patientId, includeSuperseded),
      get: ({ patientId, visitId }) => s.clinic.getVisit(patientId, visitId),
    },
  };
}
