import { api } from '../../api/client';
import { defineResource } from '../../api/resource';
import { loadEcgWindow, PAGE_SECONDS } from './ecg-data';

/** The patient's recordings (the chart's 心电图 list, the consult form's attachments); a sync may bring more. */
export const ecgListResource = defineResource('ecg.list', (input: { patientId: string }) => api.ecg.list(input), { after: ['ecg', 'sync'] });
export const useEcgList = ecgListResource.use;

/** The one recording a report or consult shows, without the patient's whole list. */
export const ecgSummaryResource = defineResource('ecg.summary', (input: { patientId: string; ecgId: string }) => api.ecg.summary(input), {
  after: ['ecg', 'sync'],
});
export const useEcgSummary = ecgSummaryResource.use;

/** Recordings a cart's export folder brought in, waiting for a patient. */
export const unassignedEcgsResource = defineResource('ecg.unassigned', () => api.ecg.unassigned({}));
export const useUnassignedEcgs = unassignedEcgsResource.use;

export const ecgDevicesResource = defineResource('ecg.devices', () => api.ecg.devices({}), { after: [] });
export const useEcgDevices = ecgDevicesResource.use;

interface WindowQuery {
  patientId: string;
  ecgId: string;
  sampleRateHz: number;
  fromSample: number;
  seconds?: number;
}

/**
 * One page of samples. A stored recording's samples never change (an interpretation is signed beside them), so no
 * write makes a window stale; the lock's refusal still reloads it on unlock like every resource.
 */
export const ecgWindowResource = defineResource(
  'ecg.window',
  ({ patientId, ecgId, sampleRateHz, fromSample, seconds = PAGE_SECONDS }: WindowQuery) =>
    loadEcgWindow(patientId, { id: ecgId, sampleRateHz }, fromSample, seconds),
  { after: [] },
);
export const useEcgWindow = ecgWindowResource.use;
