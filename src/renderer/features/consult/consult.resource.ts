import type { ConsultStatus } from '../../../shared/api/consult';
import { api } from '../../api/client';
import { defineResource } from '../../api/resource';

/** One patient's consults, every state, each with the county's latest answer (the chart's 远程会诊 section). */
export const patientConsultsResource = defineResource('consult.list', (input: { patientId: string }) => api.consult.list(input), {
  after: ['consult', 'sync'],
});
export const usePatientConsults = patientConsultsResource.use;

/** The consult list page: every patient's consults in the chosen states. */
export const consultsByStatusResource = defineResource('consult.byStatus', (input: { statuses: ConsultStatus[] }) => api.consult.byStatus(input), {
  after: ['consult', 'sync'],
});
export const useConsultsByStatus = consultsByStatusResource.use;
