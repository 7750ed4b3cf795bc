import { api } from '../../api/client';
import { defineResource } from '../../api/resource';

export const villagesResource = defineResource('patients.villages', () => api.patients.villages({}));
export const useVillages = villagesResource.use;

export const patientResource = defineResource('patients.get', (input: { patientId: string }) => api.patients.get(input));
export const usePatient = patientResource.use;
