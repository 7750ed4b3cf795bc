/**
 * Exposes exactly one object, window.api, built from the shared contract: one function per contract method, plus
 * `$events.on(name, listener)` for the typed events of the contract. No ipcRenderer, no Node, nothing else.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildRawApi, IPC_PREFIX } from '../shared/api/contract';
import type { ApiResult } from '../shared/api/errors';
import { EVENT_NAMES, EVENT_PREFIX, type EventName } from '../shared/api/events';

const api = buildRawApi((channel, input) => ipcRenderer.invoke(`${IPC_PREFIX}${channel}`, input) as Promise<ApiResult<unknown>>);

const $events = {
  /** Subscribes to one contract event; returns the unsubscribe function. Unknown names are refused. */
  on(name: EventName, listener: (payload: unknown) => void): () => void {
    if (!EVENT_NAMES.includes(name) || typeof listener !== 'function') throw new Error(`unknown event ${String(name)}`);
    // The IPC event object (with its sender) never reaches the page: only the payload does.
    const handler = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(`${EVENT_PREFIX}${name}`, handler);
    return () => void ipcRenderer.removeListener(`${EVENT_PREFIX}${name}`, handler);
  },
};

contextBridge.exposeInMainWorld('api', { ...api, $events });
