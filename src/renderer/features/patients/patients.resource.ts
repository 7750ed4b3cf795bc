import { api } from '../../api/client';
import { defineResource } from '../../api/resource';

export const villagesResource = defineResource('patients.villages', () => api.patients.villages({}));
export const useVillages = villagesResource.use;

export const patientResource = defineResource('patients.get', (input: { patientId: string }) => api.patients.get(input));
export const usePatient = patientResource.use;

/** The one-box search (name, pinyin initials, ID number); a registration or merge makes every answer stale. */
export const patientSearchResource = defineResource('patients.search', (input: { query: string; limit: number }) => api.patients.search(input));
export const usePatientSearchResults = patientSearchResource.use;

/** Records pulled from another station that carry the resident ID of one registered here (to merge). */
export const duplicatesResource = defineResource('patients.duplicates', () => api.patients.duplicates({}));
