import type { Observation, Patient } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import type { ResourceWithId } from '../../../src/main/sync/outbox';
import type { SyncTargetConfig, SyncTargetId } from '../../../src/shared/sync';
import type { PlatformPki } from '../../support/fhir-peer/certs';
import type { PeerRepository } from '../../support/fhir-peer/repository';

/** Shared fixtures for the sync tests: target settings over a test PKI, and clinical-looking resources. */

export function targetFor(
  pki: PlatformPki,
  baseUrl: string,
  overrides: Partial<SyncTargetConfig> = {},
  id: SyncTargetId = 'county',
): SyncTargetConfig {
  return {
    id,
    baseUrl,
    caCertificatePem: pki.ca.certPem,
    clientPkcs12: new Uint8Array(pki.client.pfx),
    clientPassphrase: pki.client.passphrase,
    pullResourceTypes: [],
    requestTimeoutMs: 5_000,
    ...overrides,
  };
}

export function patient(index: number, id: string = randomUUID()): ResourceWithId & Patient {
  return {
    resourceType: 'Patient',
    id,
    identifier: [{ system: 'urn:oid:2.16.156.10011.1.1', value: `11010519491231${String(index).padStart(4, '0')}` }],
    name: [{ text: `测试患者${index}`, family: '测试', given: [`患者${index}`] }],
    gender: index % 2 === 0 ? 'female' : 'male',
    birthDate: `19${String(40 + (index % 60)).padStart(2, '0')}-01-15`,
  };
}

export function heartRate(subject: { id: string }, bpm: number, id: string = randomUUID()): ResourceWithId & Observation {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] },
    ],
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
    subject: { reference: `Patient/${subject.id}` },
    effectiveDateTime: '2025-03-01T08:30:00+08:00',
    valueQuantity: { value: bpm, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  };
}

/** A set of patients with one heart rate each, in the order a clinic would save them. */
export function clinicDay(patients: number, startIndex = 0): ResourceWithId[] {
  const resources: ResourceWithId[] = [];
  for (let index = startIndex; index < startIndex + patients; index++) {
    const person = patient(index);
    resources.push(person, heartRate(person, 60 + (index % 40)));
  }
  return resources;
}

export interface ServerCensus {
  /** Resources on the server per id (a duplicate would need two ids for one local record). */
  byId: Map<string, number>;
  /** How many current server resources carry each local record's content. */
  byContent: Map<string, number>;
}

/**
 * Counts what the server holds for the given local records: each must be there exactly once by id and
 * exactly once by content (a resent record under a new id would show as twice by content).
 */
export async function census(repo: PeerRepository, local: readonly ResourceWithId[]): Promise<ServerCensus> {
  const byId = new Map<string, number>();
  const byContent = new Map<string, number>();
  const types = [...new Set(local.map((resource) => resource.resourceType))];
  const server = (await Promise.all(types.map((type) => repo.all(type as 'Patient')))).flat();
  const contentOf = (resource: ResourceWithId) => {
    const { meta: _meta, ...rest } = resource;
    return JSON.stringify(sortKeys(rest));
  };
  const serverContent = new Map<string, number>();
  for (const resource of server) {
    const idKey = `${resource.resourceType}/${resource.id}`;
    byId.set(idKey, (byId.get(idKey) ?? 0) + 1);
    const content = contentOf(resource as ResourceWithId);
    serverContent.set(content, (serverContent.get(content) ?? 0) + 1);
  }
  for (const resource of local) byContent.set(`${resource.resourceType}/${resource.id}`, serverContent.get(contentOf(resource)) ?? 0);
  return { byId, byContent };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** Every local record on the server exactly once, by id and by content; returns the offenders. */
export async function deliveryErrors(repo: PeerRepository, local: readonly ResourceWithId[]): Promise<string[]> {
  const { byId, byContent } = await census(repo, local);
  const errors: string[] = [];
  for (const resource of local) {
    const key = `${resource.resourceType}/${resource.id}`;
    if ((byId.get(key) ?? 0) !== 1) errors.push(`${key}: ${byId.get(key) ?? 0} on the server by id`);
    if ((byContent.get(key) ?? 0) !== 1) errors.push(`${key}: ${byContent.get(key) ?? 0} on the server by content`);
  }
  const expected = new Set(local.map((resource) => `${resource.resourceType}/${resource.id}`));
  for (const key of byId.keys()) if (!expected.has(key)) errors.push(`${key}: on the server but never saved locally`);
  return errors;
}
