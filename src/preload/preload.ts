/**
 * Exposes exactly one object, window.api, built from the shared contract. No ipcRenderer, no Node, nothing else.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildRawApi, IPC_PREFIX } from '../shared/api/contract';
import type { ApiResult } from '../shared/api/errors';

const api = buildRawApi((channel, input) => ipcRenderer.invoke(`${IPC_PREFIX}${channel}`, input) as Promise<ApiResult<unknown>>);
contextBridge.exposeInMainWorld('api', api);
