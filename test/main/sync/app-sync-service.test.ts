import type { Observation, Patient as FhirPatient } from '@medplum/fhirtypes';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { SqlOutboxStore } from '../../../src/main/sync/sql-outbox-store';
import type { SyncTargetView } from '../../../src/shared/api/sync';
import { makeResidentId } from '../../../src/shared/resident-id';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import { generatePlatformPki, type PlatformPki } from '../../support/fhir-peer/certs';
import { startFhirPeer, type FhirPeer } from '../../support/fhir-peer/peer';
import { openTestStation, type TestStation } from '../../support/test-services';
import { until } from '../../support/until';

/**
 * The sync service in a real station (encrypted store, services, dispatcher) against two platform peers over
 * mutual TLS: county behind a fault proxy, provincial direct. Waits poll the API; no timing is asserted.
 */
describe('sync in the app against county and provincial peers', () => {
  let countyPki: PlatformPki;
  let provincialPki: PlatformPki;
  let county: FhirPeer;
  let provincial: FhirPeer;
  let proxy: FaultProxy;
  let station: TestStation;

  beforeAll(async () => {
    countyPki = generatePlatformPki({ name: 'county' });
    provincialPki = generatePlatformPki({ name: 'provincial' });
    county = await startFhirPeer({ ca: countyPki.ca.certPem, serverCert: countyPki.server.certPem, serverKey: countyPki.server.keyPem });
    provincial = await startFhirPeer({ ca: provincialPki.ca.certPem, serverCert: provincialPki.server.certPem, serverKey: provincialPki.server.keyPem });
    proxy = await startFaultProxy({ target: { host: county.host, port: county.port } });
  });
  afterAll(async () => {
    await proxy.close();
    await county.stop();
    await provincial.stop();
  });
  beforeEach(async () => {
    county.repo.clear();
    provincial.repo.clear();
    await proxy.setFault({ kind: 'pass' });
    station = await openTestStation({ withAdmin: true });
  });
  afterEach(async () => {
    await station.services.sync.close();
    station.dispose();
  });

  const d = () => station.services.dispatch;

  async function configureCounty(): Promise<SyncTargetView> {
    return call(d(), 'sync', 'configure', {
      id: 'county',
      baseUrl: proxy.urlFor('/fhir/R4/'),
      caCertificatePath: countyPki.ca.certPath,
      clientPkcs12Path: countyPki.client.pfxPath,
      clientPassphrase: countyPki.client.passphrase,
    });
  }

  async function configureProvincial(caPath = provincialPki.ca.certPath) {
    return call(d(), 'sync', 'configure', {
      id: 'provincial',
      baseUrl: provincial.url,
      caCertificatePath: caPath,
      clientPkcs12Path: provincialPki.client.pfxPath,
      clientPassphrase: provincialPki.client.passphrase,
    });
  }

  async function register(seq: number, name = '王小明') {
    const result = await call(d(), 'patients', 'register', { name, idNumber: makeResidentId('130321', '1960-05-06', seq) });
    if (result.status !== 'created') throw new Error('setup');
    return result.patient;
  }

  const view = async (id: 'county' | 'provincial') => (await call(d(), 'sync', 'targets', {})).find((each) => each.id === id)!;

  it('never returns the certificate or passphrase, and refuses a wrong passphrase at configuration', async () => {
    const configured = await configureCounty();
    expect(configured).toMatchObject({ configured: true, enabled: true, hasClientCertificate: true });
    expect(configured.caSubject).toContain('county platform test CA');
    expect(JSON.stringify(await call(d(), 'sync', 'targets', {}))).not.toContain(countyPki.client.passphrase);
    await expect(
      call(d(), 'sync', 'configure', {
        id: 'provincial',
        baseUrl: provincial.url,
        caCertificatePath: provincialPki.ca.certPath,
        clientPkcs12Path: provincialPki.client.pfxPath,
        clientPassphrase: 'wrong',
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION', details: { reason: 'TLS_BAD_PASSPHRASE' } });
  });

  it('a patient registered while the county is down is on the county exactly once after the link returns', async () => {
    await proxy.setFault({ kind: 'down' });
    await configureCounty();
    const patient = await register(11);
    const failing = await until(
      () => view('county'),
      (each) => each.lastError !== null,
      'the outage to show',
    );
    expect(failing).toMatchObject({ queued: 1, lastError: { code: 'SERVER_UNREACHABLE', action: 'check-network-or-address' } });
    expect((await call(d(), 'system', 'status', {})).sync).toMatchObject({ state: 'error', pending: 1 });
    expect(await call(d(), 'sync', 'recordStates', { patientId: patient.id })).toMatchObject([{ resourceType: 'Patient', target: 'county', state: 'pending' }]);

    await proxy.setFault({ kind: 'pass' });
    await call(d(), 'sync', 'syncNow', { id: 'county' });
    await until(
      () => view('county'),
      (each) => each.queued === 0 && each.lastError === null,
      'the queue to drain',
    );
    expect(county.repo.versionsOf('Patient', patient.id)).toHaveLength(1);
    const onServer = await county.repo.readResource<FhirPatient>('Patient', patient.id);
    expect(onServer.name?.[0].text).toBe('王小明');
    expect(onServer.identifier?.[0]).toMatchObject({ system: 'urn:oid:2.16.156.10011.1.1', value: patient.idNumber });
    expect((await call(d(), 'system', 'status', {})).sync).toMatchObject({ state: 'idle', pending: 0 });
    expect((await call(d(), 'system', 'status', {})).sync.lastSyncAt).not.toBeNull();
    expect(await call(d(), 'sync', 'recordStates', { patientId: patient.id })).toMatchObject([{ target: 'county', state: 'sent' }]);
  });

  it('an edit goes with If-Match on the known version; a change made on the county surfaces as a conflict and resolves', async () => {
    await configureCounty();
    const patient = await register(12);
    await until(
      () => view('county'),
      (each) => each.queued === 0 && each.lastSyncAt !== null,
      'the first push',
    );
    const store = new SqlOutboxStore(() => station.services.store.current.sqlite);
    const first = (await county.repo.readResource('Patient', patient.id)).meta?.versionId;
    expect(store.knownVersion('county', 'Patient', patient.id)).toBe(first);

    // Stop the engine so the queued edit can be inspected before it goes.
    await station.services.sync.stop();
    const edited = station.services.patients.update({ patientId: patient.id, version: patient.version, phone: '13912345678' });
    expect(store.pending('county', 10)).toMatchObject([{ baseVersion: first, resource: { telecom: [{ value: '13912345678' }] } }]);
    await station.services.sync.ensureStarted();
    await call(d(), 'sync', 'syncNow', { id: 'county' });
    await until(
      () => view('county'),
      (each) => each.queued === 0,
      'the edit to go',
    );
    expect(county.repo.versionsOf('Patient', patient.id)).toHaveLength(2);

    // The county corrects the name; the station, unaware, edits the address.
    const current = await county.repo.readResource<FhirPatient>('Patient', patient.id);
    await county.repo.updateResource<FhirPatient>({ ...current, name: [{ use: 'official', text: '王晓明' }] });
    station.services.patients.update({ patientId: patient.id, version: edited.version, address: '河口村 5 组' });
    const conflicted = await until(
      () => call(d(), 'sync', 'conflicts', {}),
      (list) => list.length === 1,
      'the conflict',
    );
    expect(conflicted[0]).toMatchObject({ target: 'county', resourceType: 'Patient', resourceId: patient.id });
    expect((conflicted[0].ours as unknown as FhirPatient).address?.[0].text).toBe('河口村 5 组');
    expect((conflicted[0].theirs as unknown as FhirPatient).name?.[0].text).toBe('王晓明');
    expect((await county.repo.readResource<FhirPatient>('Patient', patient.id)).address).toBeUndefined();
    expect((await view('county')).openConflicts).toBe(1);
    expect(await call(d(), 'sync', 'recordStates', { patientId: patient.id })).toMatchObject([{ state: 'conflict' }]);

    // Take theirs: the local record becomes the county's, nothing is re-sent.
    await call(d(), 'sync', 'resolve', { conflictId: conflicted[0].id, keep: 'theirs' });
    expect(station.services.patients.get(patient.id).name).toBe('王晓明');
    expect(await call(d(), 'sync', 'conflicts', {})).toEqual([]);
    const versionsBefore = county.repo.versionsOf('Patient', patient.id).length;
    await call(d(), 'sync', 'syncNow', { id: 'county' });
    await until(
      () => view('county'),
      (each) => each.queued === 0 && each.state === 'idle',
      'a quiet cycle',
    );
    expect(county.repo.versionsOf('Patient', patient.id)).toHaveLength(versionsBefore);
  });

  it('keep ours: the station version goes out on top of the county version', async () => {
    await configureCounty();
    const patient = await register(13);
    await until(
      () => view('county'),
      (each) => each.queued === 0 && each.lastSyncAt !== null,
      'the first push',
    );
    const current = await county.repo.readResource<FhirPatient>('Patient', patient.id);
    await county.repo.updateResource<FhirPatient>({ ...current, telecom: [{ system: 'phone', value: '13800000000' }] });
    station.services.patients.update({ patientId: patient.id, version: patient.version, address: '东村 1 组' });
    const [conflict] = await until(
      () => call(d(), 'sync', 'conflicts', {}),
      (list) => list.length === 1,
      'the conflict',
    );
    await call(d(), 'sync', 'resolve', { conflictId: conflict.id, keep: 'ours' });
    await until(
      () => county.repo.readResource<FhirPatient>('Patient', patient.id),
      (each) => each.address?.[0].text === '东村 1 组',
      'ours on the county',
    );
    expect(await call(d(), 'sync', 'conflicts', {})).toEqual([]);
  });

  it('a CA that did not sign the platform shows TLS_UNKNOWN_CA in the status', async () => {
    await configureProvincial(countyPki.ca.certPath);
    await register(14);
    const refused = await until(
      () => view('provincial'),
      (each) => each.lastError !== null,
      'the TLS refusal',
    );
    expect(refused.lastError).toMatchObject({ code: 'TLS_UNKNOWN_CA', action: 'check-ca-certificate' });
    expect(refused.queued).toBe(1);
  });

  it('the provincial platform gets only its public-health subset; the county gets the clinical records', async () => {
    await configureCounty();
    await configureProvincial();
    const patient = await register(15);
    await call(d(), 'vitals', 'record', { patientId: patient.id, input: { bloodPressure: [{ systolic: 150, diastolic: 95 }], heartRate: 70 } });
    await call(d(), 'sync', 'syncNow', {});
    await until(
      () => call(d(), 'sync', 'targets', {}),
      (views) => views.every((each) => each.queued === 0 && each.lastSyncAt !== null),
      'both queues to drain',
    );
    expect((await provincial.repo.all('Patient')).map((each) => each.id)).toEqual([patient.id]);
    expect(await provincial.repo.all('Observation')).toEqual([]);
    expect((await county.repo.all('Observation')).map((each) => (each as Observation).code?.coding?.[0].code).sort()).toEqual(['85354-9', '8867-4']);
    const states = await call(d(), 'sync', 'recordStates', { patientId: patient.id });
    expect(states.filter((each) => each.resourceType === 'Patient').map((each) => each.target)).toEqual(['county', 'provincial']);
    expect(states.every((each) => each.state === 'sent')).toBe(true);
  });
});
