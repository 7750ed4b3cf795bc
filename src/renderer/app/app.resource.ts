import { api } from '../api/client';
import { defineResource } from '../api/resource';

/** The encrypted store's state, read before anyone signs in (boot order: store, then setup or sign-in). */
export const storeStatusResource = defineResource('store.status', () => api.store.status({}), { sessionFree: true });
export const useStoreStatus = storeStatusResource.use;

/** Connectivity and sync state for the status bar; sync runs in main on its own clock, so it is polled. */
export const systemStatusResource = defineResource('system.status', () => api.system.status({}), {
  after: ['sync'],
  pollMs: 10_000,
  sessionFree: true,
});
export const useSystemStatus = systemStatusResource.use;
