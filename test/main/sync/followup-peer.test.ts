import { parseSearchRequest } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { patientHistory } from '../../../src/main/followup/record-visit';
import { INSTITUTION_CODE_SYSTEM, institutionTagQuery } from '../../../src/shared/institution';
import { generatePlatformPki, type PlatformPki } from '../../support/fhir-peer/certs';
import { startFhirPeer, type FhirPeer } from '../../support/fhir-peer/peer';
import { openTestStation, type TestStation } from '../../support/test-services';
import { clinicVisit, dayFrom, resident } from '../followup/service-fixtures';

/**
 * Over the real transport: station A, used for months before the county link existed, is named and connected;
 * the back-fill sends its follow-up family through the engine to the @medplum/fhir-router peer over mutual TLS,
 * every resource tagged with the institution and selectable by `_tag`; station B connects to the same platform
 * and pulls them into its own tables, where the follow-up screens read exactly what A's read.
 */

const CODE = '12100000400000624D';

let pki: PlatformPki;
let county: FhirPeer;
const stations: TestStation[] = [];

beforeAll(async () => {
  pki = generatePlatformPki({ name: 'county' });
  county = await startFhirPeer({ ca: pki.ca.certPem, serverCert: pki.server.certPem, serverKey: pki.server.keyPem });
});
afterAll(async () => {
  for (const station of stations) {
    await station.services.sync.close();
    station.dispose();
  }
  await county?.stop();
});

async function until<T>(read: () => Promise<T> | T, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function connect(station: TestStation) {
  return call(station.services.dispatch, 'sync', 'configure', {
    id: 'county',
    baseUrl: county.url,
    caCertificatePath: pki.ca.certPath,
    clientPkcs12Path: pki.client.pfxPath,
    clientPassphrase: pki.client.passphrase,
  });
}

async function onPlatform(query: string): Promise<Resource[]> {
  return county.repo.searchResources(parseSearchRequest(query));
}

describe('follow-up family through the county platform', () => {
  it('back-filled from A over mutual TLS, tagged and scoped by institution, pulled into B field for field', async () => {
    const a = await openTestStation({ withAdmin: true });
    stations.push(a);
    const d = a.services.dispatch;
    await call(d, 'settings', 'update', { facilityName: '东湾镇卫生院', institutionCode: CODE });
    const patient = await resident(a, { name: '钱桂花', age: 67, village: '东湾村', doctor: '刘医生' });
    await call(d, 'followup', 'enrol', { patientId: patient.id, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: dayFrom(a, -200) });
    await call(d, 'followup', 'save', {
      patientId: patient.id,
      disease: 'hypertension',
      form: clinicVisit(dayFrom(a, -100), { sbp: 156, dbp: 97, heartRate: 80 }),
    });
    await call(d, 'followup', 'save', { patientId: patient.id, disease: 'hypertension', form: clinicVisit(dayFrom(a, -8), { sbp: 170, dbp: 104 }) });
    await call(d, 'followup', 'recordHealthCheck', { patientId: patient.id, date: dayFrom(a, -8), selfCareScore: 3 });
    expect(a.services.store.current.sqlite.prepare('SELECT count(*) AS n FROM sync_outbox').get()).toEqual({ n: 0 });

    await connect(a);
    await a.services.sync.whenBackfilled();
    await until(
      async () => (await call(d, 'sync', 'targets', {})).find((each) => each.id === 'county')!,
      (view) => view.queued === 0 && view.lastSyncAt !== null,
      'A pushed',
    );

    // Scope: every resource A wrote is found by the institution tag, type by type.
    const tagged = async (type: string) => onPlatform(`${type}?_tag=${encodeURIComponent(institutionTagQuery(CODE))}`);
    for (const [type, count] of [
      ['Organization', 1],
      ['Patient', 1],
      ['EpisodeOfCare', 1],
      ['QuestionnaireResponse', 2],
      ['ServiceRequest', 1],
      ['Task', 1],
    ] as const) {
      expect((await tagged(type)).length, type).toBe(count);
    }
    const everything = await Promise.all(['Encounter', 'Observation', 'Condition', 'Appointment'].map((type) => onPlatform(type)));
    for (const resource of everything.flat())
      expect(resource.meta?.tag, `${resource.resourceType}/${resource.id}`).toContainEqual(
        expect.objectContaining({ system: INSTITUTION_CODE_SYSTEM, code: CODE }),
      );

    const b = await openTestStation({ withAdmin: true });
    stations.push(b);
    // B is another station of the same center: it pulls by the center's institution code.
    await call(b.services.dispatch, 'settings', 'update', { facilityName: '东湾镇卫生院', institutionCode: CODE });
    await connect(b);
    const onA = patientHistory(a.services.followup.ctx, { patientId: patient.id });
    const read = () => {
      try {
        return patientHistory(b.services.followup.ctx, { patientId: patient.id });
      } catch {
        return null; // the patient has not arrived yet
      }
    };
    const onB = await until(read, (history) => history !== null && JSON.stringify(history) === JSON.stringify(onA), 'B to hold what A holds');
    expect(onB).toEqual(onA);
    expect(onB!.records).toHaveLength(2);
    expect(onB!.referrals).toHaveLength(1);
    // Nothing B pulled went back out (B sends only what is its own: the center's Organization, its audit anchor).
    expect(
      b.services.store.current.sqlite.prepare(`SELECT count(*) AS n FROM sync_outbox WHERE resource_type NOT IN ('Organization', 'AuditEvent')`).get(),
    ).toEqual({ n: 0 });
  });
});
