import type { HandlerDeps, Handlers } from '../api/handler-deps';
import { readSettings } from '../settings/settings-service';

/** The patients namespace of the contract, bound to its services. */
export function patientsHandlers(s: Pick<HandlerDeps, 'patients' | 'store'>): Handlers<'patients'> {
  const db = () => s.store.current.db;
  return {
    patients: {
      search: ({ query, limit }) => s.patients.search(query, limit),
      get: ({ patientId }) => s.patients.get(patientId),
      register: (input) => s.patients.register(input),
      update: (input) => s.patients.update(input),
      merge: ({ patientId, mergeId }) => s.patients.merge(patientId, mergeId),
      duplicates: () => s.patients.duplicates(),
      villages: () => readSettings(db()).villages,
    },
  };
}
