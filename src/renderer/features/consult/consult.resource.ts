import type { ConsultStatus } from '../../../shared/api/consult';
import { api } from '../../api/client';
import { defineResource } from '../../api/resource';

/** Replies and their state changes arrive by sync, without a write on this station: the consult views poll. */
export const CONSULT_REFRESH_MS = 15_000;

/** 危急值 must reach a clinician quickly; the banner looks this often and stays until someone acknowledges. */
export const ALERT_REFRESH_MS = 10_000;

/** One patient's consults, every state, each with the county's latest answer (the chart's 远程会诊 section). */
export const patientConsultsResource = defineResource('consult.list', (input: { patientId: string }) => api.consult.list(input), {
  after: ['consult', 'sync'],
  pollMs: CONSULT_REFRESH_MS,
});
export const usePatientConsults = patientConsultsResource.use;

/** The consult list page: every patient's consults in the chosen states. */
export const consultsByStatusResource = defineResource('consult.byStatus', (input: { statuses: ConsultStatus[] }) => api.consult.byStatus(input), {
  after: ['consult', 'sync'],
  pollMs: CONSULT_REFRESH_MS,
});
export const useConsultsByStatus = consultsByStatusResource.use;

/** One consult with the county's replies; replies come by sync, so the detail page also polls it. */
export const consultResource = defineResource('consult.get', (input: { patientId: string; consultId: string }) => api.consult.get(input), {
  after: ['consult', 'sync'],
  pollMs: CONSULT_REFRESH_MS,
});
export const useConsult = consultResource.use;

/** The county's answer about one ECG, if a consult carried it (shown under the ECG viewer). */
export const ecgReplyResource = defineResource('consult.replyForEcg', (input: { patientId: string; ecgId: string }) => api.consult.replyForEcg(input), {
  after: ['consult', 'sync'],
});
export const useEcgReply = ecgReplyResource.use;

/** Unacknowledged critical values from county replies (the banner over every page). */
export const criticalAlertsResource = defineResource('consult.alerts', () => api.consult.alerts({}), {
  after: ['consult', 'sync'],
  pollMs: ALERT_REFRESH_MS,
});
export const useCriticalAlerts = criticalAlertsResource.use;
