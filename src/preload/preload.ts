/**
 * Exposes exactly one object, window.api, built from the shared contract: one function per contract method, plus
 * `$events.on(name, listener)` for the typed events of the contract. No ipcRenderer, no Node, nothing else.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildRawApi, IPC_PREFIX } from '../shared/api/contract';
import type { ApiResult } from '../shared/api/errors';
import { EVENT_NAMES, EVENT_PORT_CHANNEL, type EventName } from '../shared/api/events';

const api = buildRawApi((channel, input) => ipcRenderer.invoke(`${IPC_PREFIX}${channel}`, input) as Promise<ApiResult<unknown>>);

const listeners = new Map<EventName, Set<(payload: unknown) => void>>();

// Main hands over one MessagePort per page load; every event arrives on it as { name, payload } (structured clone:
// sample blocks stay Float32Arrays). The port and the IPC event never reach the page: only payloads do.
let port: IpcRendererEvent['ports'][number] | null = null;
ipcRenderer.on(EVENT_PORT_CHANNEL, (event: IpcRendererEvent) => {
  port?.close();
  port = event.ports[0] ?? null;
  if (!port) return;
  port.onmessage = (message: { data: unknown }) => {
    const { name, payload } = message.data as { name: EventName; payload: unknown };
    listeners.get(name)?.forEach((listener) => listener(payload));
  };
  port.start();
});

const $events = {
  /** Subscribes to one contract event; returns the unsubscribe function. Unknown names are refused. */
  on(name: EventName, listener: (payload: unknown) => void): () => void {
    if (!EVENT_NAMES.includes(name) || typeof listener !== 'function') throw new Error(`unknown event ${String(name)}`);
    const set = listeners.get(name) ?? new Set();
    listeners.set(name, set);
    set.add(listener);
    return () => void set.delete(listener);
  },
};

contextBridge.exposeInMainWorld('api', { ...api, $events });
