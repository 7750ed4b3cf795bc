import type { z } from 'zod';
import { authContract, usersContract } from './auth';
import { channelOf, type MethodDef } from './define';
import type { ApiResult } from './errors';
import { clinicContract, visitsContract, vitalsContract } from './clinic';
import { ecgContract } from './ecg';
import { filesContract } from './files';
import { followupContract } from './followup';
import { idcardContract } from './idcard';
import { consultContract } from './consult';
import { countyRecordContract } from './county-record';
import { interopContract } from './interop';
import { patientsContract } from './patients';
import { syncContract } from './sync';
import { auditContract, backupContract, settingsContract, storeContract, systemContract } from './system';

/**
 * Every call the renderer can make, once. Preload, main, the loopback harness and the renderer's types are all
 * derived from this object; adding a method here is the only place its name and shapes are written.
 */
export const contract = {
  system: systemContract,
  store: storeContract,
  auth: authContract,
  users: usersContract,
  settings: settingsContract,
  audit: auditContract,
  backup: backupContract,
  patients: patientsContract,
  clinic: clinicContract,
  vitals: vitalsContract,
  visits: visitsContract,
  ecg: ecgContract,
  files: filesContract,
  followup: followupContract,
  sync: syncContract,
  consult: consultContract,
  countyRecord: countyRecordContract,
  interop: interopContract,
  idcard: idcardContract,
} as const;

export type Contract = typeof contract;
export type NamespaceName = keyof Contract;
export type MethodName<N extends NamespaceName> = keyof Contract[N] & string;

type Def<N extends NamespaceName, M extends MethodName<N>> = Contract[N][M] extends MethodDef ? Contract[N][M] : never;
export type InputOf<N extends NamespaceName, M extends MethodName<N>> = z.input<Def<N, M>['input']>;
export type OutputOf<N extends NamespaceName, M extends MethodName<N>> = z.output<Def<N, M>['output']>;

/** What preload exposes as `window.api`: envelopes, because class instances do not cross contextBridge. */
export type RawApi = {
  [N in NamespaceName]: { [M in MethodName<N>]: (input: InputOf<N, M>) => Promise<ApiResult<OutputOf<N, M>>> };
};

/** What renderer code calls: resolves with the value or throws ApiError. */
export type Api = {
  [N in NamespaceName]: { [M in MethodName<N>]: (input: InputOf<N, M>) => Promise<OutputOf<N, M>> };
};

export interface ContractEntry {
  namespace: string;
  name: string;
  channel: string;
  def: MethodDef;
}

/** Every method of the contract, flat: used to register handlers, build clients and enumerate in tests. */
export function contractEntries(): ContractEntry[] {
  const entries: ContractEntry[] = [];
  for (const [namespace, methods] of Object.entries(contract)) {
    for (const [name, def] of Object.entries(methods)) {
      entries.push({ namespace, name, channel: channelOf(namespace, name), def: def as MethodDef });
    }
  }
  return entries;
}

/** The IPC channel prefix, so main can tell our channels from anything else. */
export const IPC_PREFIX = 'api:';

/** Builds a RawApi from one transport function (ipcRenderer.invoke in preload, fetch in the harness client). */
export function buildRawApi(transport: (channel: string, input: unknown) => Promise<ApiResult<unknown>>): RawApi {
  const api: Record<string, Record<string, (input: unknown) => Promise<ApiResult<unknown>>>> = {};
  for (const { namespace, name, channel } of contractEntries()) {
    api[namespace] ??= {};
    api[namespace][name] = (input: unknown) => transport(channel, input ?? {});
  }
  return api as unknown as RawApi;
}
