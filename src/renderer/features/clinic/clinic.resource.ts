import { api } from '../../api/client';
import { defineResource } from '../../api/resource';

type SeriesQuery = Parameters<typeof api.vitals.series>[0];

/**
 * The patient's one vital-sign history. A follow-up visit records blood pressure too, so follow-up writes make it
 * stale as well as vitals writes.
 */
export const vitalSeriesResource = defineResource('vitals.series', (input: SeriesQuery) => api.vitals.series(input), { after: ['vitals', 'followup'] });
export const useVitalSeries = vitalSeriesResource.use;

/** Whole clinic vitals records (temperature, SpO2, flags): the table's detail for the series' clinic points. */
export const vitalsListResource = defineResource('vitals.list', (input: { patientId: string; limit?: number }) => api.vitals.list(input));
export const useVitalsList = vitalsListResource.use;

export const visitsResource = defineResource('visits.list', (input: { patientId: string; includeSuperseded?: boolean }) => api.visits.list(input));
export const useVisits = visitsResource.use;

/** Another station (the triage desk, a second room) changes the queue without a write here: it is polled. */
export const QUEUE_REFRESH_MS = 15_000;

export const queueResource = defineResource('clinic.queue', (input: { includeFinished?: boolean; clinicianId?: number }) => api.clinic.queue(input), {
  after: ['clinic', 'visits'],
  pollMs: QUEUE_REFRESH_MS,
});
export const useQueue = queueResource.use;

/** Who can be chosen as the treating clinician (the queue filter, registration's 签约医生). */
export const cliniciansResource = defineResource('clinic.clinicians', () => api.clinic.clinicians({}), { after: ['users'] });
export const useClinicians = cliniciansResource.use;

/**
 * One clinic visit. The visit page is the only writer of its open visit and applies each answer itself (a closed
 * visit replaces the shown one; a correction is a new version at its own address), so its autosaves do not reload it.
 */
export const visitResource = defineResource('visits.get', (input: { patientId: string; visitId: string }) => api.visits.get(input), { after: [] });
export const useVisit = visitResource.use;
