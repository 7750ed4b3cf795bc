import { api } from '../../api/client';
import { defineResource } from '../../api/resource';

/**
 * The county record as last fetched (the station's cached copy; no network). Sync's pulls do not touch it: only
 * 调阅 does, and the section puts that answer into this resource itself.
 */
export const countyRecordResource = defineResource('countyRecord.cached', (input: { patientId: string }) => api.countyRecord.cached(input), { after: [] });
export const useCountyRecord = countyRecordResource.use;
