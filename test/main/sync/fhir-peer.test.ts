import { parseSearchRequest } from '@medplum/core';
import type { Bundle, Patient, Task } from '@medplum/fhirtypes';
import { MemoryRepository } from '@medplum/fhir-router';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { transactionBundle, groupByResource } from '../../../src/main/sync/bundles';
import { createFhirHttpClient, type FhirHttpClient } from '../../../src/main/sync/http';
import type { ResourceWithId } from '../../../src/main/sync/outbox';
import type { SyncTargetConfig } from '../../../src/shared/sync';
import { generatePlatformPki } from '../../support/fhir-peer/certs';
import { startFhirPeer, type FhirPeer } from '../../support/fhir-peer/peer';
import { patient, targetFor } from './setup';

/** The test peer itself, driven over mutual TLS by the station's own HTTP client. */
describe('FHIR test peer (fhir-router + MemoryRepository behind https with client certificates)', () => {
  let peer: FhirPeer;
  let http: FhirHttpClient;
  let target: SyncTargetConfig;

  beforeAll(async () => {
    const pki = generatePlatformPki({ name: 'county' });
    peer = await startFhirPeer({ ca: pki.ca.certPem, serverCert: pki.server.certPem, serverKey: pki.server.keyPem });
    http = createFhirHttpClient();
    target = targetFor(pki, peer.url);
  });

  afterAll(async () => {
    http.close();
    await peer.stop();
  });

  beforeEach(() => peer.repo.clear());

  const put = (resources: ResourceWithId[], baseVersions: (string | null)[] = []) =>
    transactionBundle(
      groupByResource(
        resources.map((resource, index) => ({
          id: `e${index}`,
          seq: index,
          target: 'county' as const,
          resource,
          baseVersion: baseVersions[index] ?? null,
          attempts: 0,
        })),
      ),
      peer.url,
    );
  const post = (body: Bundle) => http.send(target, { method: 'POST', path: '', body });
  const get = (path: string) => http.send(target, { method: 'GET', path });

  it('stores a transaction of PUTs under the client-assigned ids and answers each entry', async () => {
    const people = [patient(1), patient(2), patient(3)];
    const response = await post(put(people));
    expect(response.status).toBe(200);
    const bundle = response.body as Bundle;
    expect(bundle.type).toBe('transaction-response');
    expect(bundle.entry?.map((entry) => entry.response?.status)).toEqual(['200', '200', '200']);
    for (const person of people) {
      const read = await get(`Patient/${person.id}`);
      expect(read.status).toBe(200);
      expect((read.body as Patient).identifier).toEqual(person.identifier);
      expect(read.headers.etag).toBe(`W/"${(read.body as Patient).meta?.versionId}"`);
    }
  });

  it('makes a repeated PUT transaction idempotent: same ids, one resource each, only versions grow', async () => {
    const people = [patient(1), patient(2)];
    const bundle = put(people);
    await post(bundle);
    await post(bundle);
    await post(bundle);
    const stored = await peer.repo.all('Patient');
    expect(stored.map((each) => each.id).sort()).toEqual(people.map((each) => each.id).sort());
    for (const person of people) expect(peer.repo.versionsOf('Patient', person.id)).toHaveLength(3);
  });

  it('answers a stale If-Match with 412 and (not atomic) keeps the entries before it', async () => {
    const [first, second] = [patient(1), patient(2)];
    await post(put([first, second]));
    const secondVersion = (await peer.repo.readResource<Patient>('Patient', second.id)).meta?.versionId ?? null;
    const firstChanged = { ...first, gender: 'female' as const };
    const secondChanged = { ...second, gender: 'other' as const };
    const response = await post(put([firstChanged, secondChanged], [null, 'not-the-current-version']));
    expect(response.status).toBe(412);
    // The first entry committed even though the transaction failed: the peer's documented non-atomicity.
    expect((await peer.repo.readResource<Patient>('Patient', first.id)).gender).toBe('female');
    expect((await peer.repo.readResource<Patient>('Patient', second.id)).meta?.versionId).toBe(secondVersion);
    // The right version passes.
    const retry = await post(put([secondChanged], [secondVersion]));
    expect(retry.status).toBe(200);
  });

  it('refuses more than 50 updates in one transaction, as Medplum does', async () => {
    const many = Array.from({ length: 51 }, (_, index) => patient(index));
    expect((await post(put(many))).status).toBe(400);
    expect((await post(put(many.slice(0, 50)))).status).toBe(200);
  });

  it('searches by _lastUpdated, sorted oldest first', async () => {
    const people = Array.from({ length: 5 }, (_, index) => patient(index));
    for (const person of people) {
      await post(put([person]));
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    const third = await peer.repo.readResource<Patient>('Patient', people[2].id);
    const response = await get(`Patient?_lastUpdated=ge${encodeURIComponent(third.meta?.lastUpdated ?? '')}&_sort=_lastUpdated`);
    const ids = ((response.body as Bundle).entry ?? []).map((entry) => entry.resource?.id);
    expect(ids).toEqual(people.slice(2).map((person) => person.id));
  });

  it('serves system and type history newest first, paged by stable next links', async () => {
    const people = Array.from({ length: 7 }, (_, index) => patient(index));
    for (const person of people) await post(put([person]));
    await peer.county.createDiagnosticReport({
      serviceRequest: { reference: 'ServiceRequest/sr-1' },
      subject: { reference: `Patient/${people[0].id}` },
      conclusion: '窦性心律，正常心电图',
      signer: '县医院 心电图室 王医生',
    });
    const collected: string[] = [];
    let next: string | undefined = 'Patient/_history?_count=3';
    let pages = 0;
    while (next) {
      const page = (await get(next.replace(peer.url, ''))).body as Bundle;
      pages++;
      collected.push(...(page.entry ?? []).map((entry) => entry.resource?.id ?? ''));
      // A write between pages must not shift the pages of the walk already under way.
      if (pages === 1) await post(put([patient(99)]));
      next = page.link?.find((link) => link.relation === 'next')?.url;
    }
    expect(pages).toBe(3);
    expect(collected).toEqual(people.map((person) => person.id).reverse());
    const system = (await get('_history?_count=100')).body as Bundle;
    expect(system.entry?.[0]?.resource?.resourceType).toBe('Patient');
    expect(system.entry?.some((entry) => entry.resource?.resourceType === 'DiagnosticReport')).toBe(true);
    expect(system.entry?.[system.entry.length - 1]?.request).toEqual({ method: 'POST', url: 'Patient' });
  });

  it('keeps its data and its port across a restart', async () => {
    const person = patient(1);
    await post(put([person]));
    const port = peer.port;
    await peer.restart();
    expect(peer.port).toBe(port);
    expect((await get(`Patient/${person.id}`)).status).toBe(200);
  });

  it('acts as the county: moves a Task along and signs a DiagnosticReport', async () => {
    const task: Task & ResourceWithId = {
      resourceType: 'Task',
      id: 'consult-task-1',
      status: 'requested',
      intent: 'order',
      focus: { reference: 'ServiceRequest/sr-1' },
    };
    await post(put([task]));
    await peer.county.setTaskStatus(task.id, 'accepted');
    const inProgress = await peer.county.setTaskStatus(task.id, 'in-progress', '已收到心电图');
    expect(inProgress.status).toBe('in-progress');
    expect(peer.repo.versionsOf('Task', task.id)).toHaveLength(3);
    const report = await peer.county.createDiagnosticReport({
      serviceRequest: { reference: 'ServiceRequest/sr-1' },
      subject: { reference: 'Patient/p-1' },
      conclusion: '窦性心动过速',
      signer: '王医生',
    });
    expect((await get(`DiagnosticReport/${report.id}`)).status).toBe(200);
  });

  it('answers _lastUpdated pages from its index exactly as MemoryRepository would (property)', async () => {
    const operation = fc.record({
      kind: fc.constantFrom('create', 'update', 'delete'),
      which: fc.nat({ max: 12 }),
      pause: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(operation, { minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.constantFrom('ge', 'gt'),
        fc.integer({ min: 1, max: 7 }),
        async (operations, pick, comparator, pageSize) => {
          peer.repo.clear();
          for (const { kind, which, pause } of operations) {
            const id = `p${which}`;
            const exists = (await peer.repo.all('Patient')).some((each) => each.id === id);
            if (kind === 'delete' && exists) await peer.repo.deleteResource('Patient', id);
            else if (kind !== 'delete') await peer.repo.updateResource({ ...patient(which, id), active: kind === 'update' });
            if (pause) await new Promise((resolve) => setTimeout(resolve, 1));
          }
          const instants = peer.repo.changes.map((change) => change.lastUpdated);
          if (instants.length === 0) return;
          const since = instants[pick % instants.length];
          const query = { _lastUpdated: `${comparator}${since}`, _sort: '_lastUpdated' };
          const indexed = await peer.repo.search(parseSearchRequest<Patient>('Patient', query));
          const scanned = await MemoryRepository.prototype.search.call(peer.repo, parseSearchRequest<Patient>('Patient', query));
          const order = (bundle: Bundle) =>
            (bundle.entry ?? []).map((entry) => `${entry.resource?.meta?.lastUpdated} ${entry.resource?.id} ${entry.resource?.meta?.versionId}`).sort();
          expect(order(indexed)).toEqual(order(scanned));
          expect(indexed.total).toBe(scanned.total);
          // Pages of the index partition its full answer, in order.
          const paged: string[] = [];
          for (let offset = 0; offset < (indexed.total ?? 0); offset += pageSize) {
            const page = await peer.repo.search(parseSearchRequest<Patient>('Patient', { ...query, _count: String(pageSize), _offset: String(offset) }));
            paged.push(...(page.entry ?? []).map((entry) => entry.resource?.id ?? ''));
          }
          expect(paged).toEqual((indexed.entry ?? []).map((entry) => entry.resource?.id ?? ''));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('answers injected failures without processing the request', async () => {
    peer.failNextRequests(1, 503);
    const person = patient(1);
    expect((await post(put([person]))).status).toBe(503);
    expect(await peer.repo.all('Patient')).toHaveLength(0);
    expect((await post(put([person]))).status).toBe(200);
  });
});
