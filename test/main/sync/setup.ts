import type { Observation, Patient, Resource } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import type { ResourceWithId } from '../../../src/main/sync/outbox';
import type { SyncTargetConfig, SyncTargetId } from '../../../src/shared/sync';
import type { PlatformPki } from '../../support/fhir-peer/certs';
import { deliveryReport } from '../../support/fhir-peer/census';
import type { PeerRepository } from '../../support/fhir-peer/repository';

/** Shared fixtures for the sync tests: target settings over a test PKI, and clinical-looking resources. */

export function targetFor(pki: PlatformPki, baseUrl: string, overrides: Partial<SyncTargetConfig> = {}, id: SyncTargetId = 'county'): SyncTargetConfig {
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
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
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

/**
 * Every local record on the server exactly once, by id and by content, and nothing else of those types;
 * returns the offenders (empty when delivery was exact).
 */
export async function deliveryErrors(repo: PeerRepository, local: readonly ResourceWithId[]): Promise<string[]> {
  const types = [...new Set(local.map((resource) => resource.resourceType))];
  const server = (await Promise.all(types.map((type) => repo.all(type as Resource['resourceType'])))).flat();
  const report = deliveryReport(local, server);
  return [
    ...report.lost.map((id) => `${id}: lost`),
    ...report.duplicated.map((id) => `${id}: duplicated`),
    ...report.unexpected.map((id) => `${id}: on the server but never saved locally`),
  ];
}
