import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Patient as FhirPatient } from '@medplum/fhirtypes';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { NATIONAL_DOCUMENT_TYPES } from '../../../src/main/interop/cda-model';
import { loadCdaSchema } from '../../../src/main/interop/validate';
import type { SyncTargetId } from '../../../src/shared/sync';
import { startDocumentsPeer, type DocumentsPeer } from '../../support/documents-peer/peer';
import { generatePlatformPki, type PlatformPki } from '../../support/fhir-peer/certs';
import { startFhirPeer, type FhirPeer } from '../../support/fhir-peer/peer';
import { setInstitution, TEST_INSTITUTION, writeNationalRecords } from '../../support/national/records';
import { openTestStation, type TestStation } from '../../support/test-services';

const SCHEMA_DIR = path.resolve(__dirname, '../../../../shared/cda-schema');
const schema = existsSync(SCHEMA_DIR) ? loadCdaSchema(SCHEMA_DIR) : undefined;

/**
 * The documents adapter in a real station: one platform speaks FHIR, the other takes national documents through the
 * WS/T 790-style call, both over mutual TLS, through the same outbox. Waits poll the API; no timing is asserted.
 */
describe('national documents through the outbox to a documents platform', () => {
  let fhirPki: PlatformPki;
  let documentsPki: PlatformPki;
  let fhirPeer: FhirPeer;
  let documentsPeer: DocumentsPeer;
  let station: TestStation;

  beforeAll(async () => {
    fhirPki = generatePlatformPki({ name: 'fhir' });
    documentsPki = generatePlatformPki({ name: 'documents' });
    fhirPeer = await startFhirPeer({ ca: fhirPki.ca.certPem, serverCert: fhirPki.server.certPem, serverKey: fhirPki.server.keyPem });
    documentsPeer = await startDocumentsPeer({
      ca: documentsPki.ca.certPem,
      serverCert: documentsPki.server.certPem,
      serverKey: documentsPki.server.keyPem,
      ...(schema ? { schema } : {}),
    });
  });
  afterAll(async () => {
    await fhirPeer.stop();
    await documentsPeer.stop();
  });
  beforeEach(async () => {
    fhirPeer.repo.clear();
    documentsPeer.accepted.clear();
    documentsPeer.calls.length = 0;
    documentsPeer.refuseType(null);
    station = await openTestStation({ withAdmin: true });
    setInstitution(station);
  });
  afterEach(async () => {
    await station.services.sync.close();
    await station.services.ecg.close();
    station.dispose();
  });

  const d = () => station.services.dispatch;
  const other = (id: SyncTargetId): SyncTargetId => (id === 'county' ? 'provincial' : 'county');

  async function configure(documentsTarget: SyncTargetId, withSchema = true) {
    await call(d(), 'sync', 'configure', {
      id: other(documentsTarget),
      baseUrl: fhirPeer.url,
      caCertificatePath: fhirPki.ca.certPath,
      clientPkcs12Path: fhirPki.client.pfxPath,
      clientPassphrase: fhirPki.client.passphrase,
    });
    return call(d(), 'sync', 'configure', {
      id: documentsTarget,
      kind: 'documents',
      baseUrl: documentsPeer.url,
      caCertificatePath: documentsPki.ca.certPath,
      clientPkcs12Path: documentsPki.client.pfxPath,
      clientPassphrase: documentsPki.client.passphrase,
      ...(withSchema ? { cdaSchemaDir: SCHEMA_DIR } : {}),
    });
  }

  async function until<T>(read: () => Promise<T> | T, done: (value: T) => boolean, what: string): Promise<T> {
    const deadline = Date.now() + 45_000;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const outbox = () =>
    station.services.store.current.sqlite
      .prepare(`SELECT target, resource_type AS type, resource_id AS id, state, last_error AS lastError FROM sync_outbox ORDER BY seq`)
      .all() as { target: SyncTargetId; type: string; id: string; state: string; lastError: string | null }[];

  for (const documentsTarget of ['provincial', 'county'] as const) {
    it.skipIf(!schema)(
      `${documentsTarget} takes documents, ${other(documentsTarget)} FHIR: every record leaves as a schema-valid document, exactly once, with the same national codes as the FHIR copy`,
      async () => {
        const view = await configure(documentsTarget);
        expect(view.kind).toBe('documents');
        // The first answer is lost after the platform stored the document; two calls fail with 503: both are retried.
        documentsPeer.loseNextAnswers(1);
        documentsPeer.failNext(2);
        const records = await writeNationalRecords(station, { withConsult: true });
        await call(d(), 'sync', 'syncNow', {});
        const accepted = await until(
          () => documentsPeer.accepted,
          (map) => new Set([...map.values()].map((doc) => doc.documentType)).size === NATIONAL_DOCUMENT_TYPES.length,
          'one document of each type',
        );
        await until(
          () => outbox().filter((row) => row.target === documentsTarget && row.state !== 'sent'),
          (rows) => rows.length === 0,
          'the documents outbox to drain',
        );
        const documents = [...accepted.values()];
        expect(documents.every((doc) => doc.sender === TEST_INSTITUTION.code && doc.clientCn === 'township-station-001')).toBe(true);
        const recordIds = documents.map((doc) => doc.parsed.setId);
        for (const id of [records.hypertensionVisitId, records.diabetesVisitId, records.referralId, records.consultId, records.ecgId, records.patientId]) {
          expect(recordIds.some((setId) => setId.endsWith(id!))).toBe(true);
        }
        // Exactly once: every accepted document id arrived at least once, was stored once; the resend after the lost answer was acknowledged.
        const answered = documentsPeer.calls.filter((each) => each.answer === 'AA').map((each) => each.documentId);
        expect(answered.length).toBe(accepted.size + 1);
        expect(documentsPeer.calls.filter((each) => each.answer === 'AE')).toEqual([]);
        // The documents target got no FHIR resources, the FHIR target no documents.
        expect(
          outbox()
            .filter((row) => row.target === documentsTarget)
            .every((row) => row.type === 'Binary'),
        ).toBe(true);
        expect(outbox().some((row) => row.target === other(documentsTarget) && row.type === 'Binary')).toBe(false);
        // The same national codes on both sides.
        const fhirPatient = (await until(
          () => fhirPeer.repo.all('Patient'),
          (all) => all.length > 0,
          'the FHIR Patient',
        )) as FhirPatient[];
        const codings = (fhirPatient[0]!.extension ?? []).map((extension) => extension.valueCoding);
        const sd1 = documents.find((doc) => doc.documentType === 'EHR-SD-1')!;
        expect(sd1.xml).toContain('ethnicGroupCode code="01" codeSystem="2.16.156.10011.2.3.3.3"');
        expect(codings).toContainEqual(expect.objectContaining({ system: 'urn:oid:2.16.156.10011.2.3.3.3', code: '01' }));
        expect(fhirPatient[0]!.maritalStatus?.coding?.[0]).toMatchObject({ system: 'urn:oid:2.16.156.10011.2.3.3.5', code: '20' });
        expect(sd1.xml).toContain('maritalStatusCode code="20" codeSystem="2.16.156.10011.2.3.3.5"');
      },
      90_000,
    );
  }

  it.skipIf(!schema)(
    'a document the platform refuses is held with its reason, shown per record; the others go',
    async () => {
      await configure('provincial');
      documentsPeer.refuseType('EHR-SD-20', '转入机构代码缺失');
      const records = await writeNationalRecords(station, { withConsult: true });
      await call(d(), 'sync', 'syncNow', {});
      const held = await until(
        () => outbox().filter((row) => row.target === 'provincial' && row.state === 'held'),
        (rows) => rows.length > 0,
        'a held document',
      );
      expect(held).toHaveLength(1);
      expect(held[0]!.id).toContain(records.referralId.slice(0, 20));
      expect(JSON.parse(held[0]!.lastError!)).toMatchObject({ code: 'DOCUMENT_REFUSED', action: 'fix-record' });
      expect(JSON.parse(held[0]!.lastError!).message).toContain('转入机构代码缺失');
      const states = await call(d(), 'sync', 'recordStates', { patientId: records.patientId });
      expect(states).toContainEqual(
        expect.objectContaining({
          resourceType: 'Binary',
          target: 'provincial',
          state: 'failed',
          lastError: expect.objectContaining({ code: 'DOCUMENT_REFUSED' }),
        }),
      );
      await until(
        () => outbox().filter((row) => row.target === 'provincial' && row.state === 'pending'),
        (rows) => rows.length === 0,
        'the rest to go',
      );
      expect(new Set([...documentsPeer.accepted.values()].map((doc) => doc.documentType)).has('EHR-SD-20')).toBe(false);
      // The platform lifts its rule and the user retries: the held document goes.
      documentsPeer.refuseType(null);
      await call(d(), 'sync', 'retry', { id: 'provincial' });
      await until(() => [...documentsPeer.accepted.values()].some((doc) => doc.documentType === 'EHR-SD-20'), Boolean, 'the referral after retry');
    },
    90_000,
  );

  it('without a CDA schema folder nothing is sent: documents are held as not checked', async () => {
    const previous = process.env.TWS_CDA_SCHEMA_DIR;
    delete process.env.TWS_CDA_SCHEMA_DIR;
    try {
      await configure('provincial', false);
      await writeNationalRecords(station, { withConsult: false });
      await call(d(), 'sync', 'syncNow', {});
      const held = await until(
        () => outbox().filter((row) => row.target === 'provincial' && row.state === 'held'),
        (rows) => rows.length >= 4,
        'held documents',
      );
      expect(held.map((row) => JSON.parse(row.lastError!).code as string)).toEqual(held.map(() => 'DOCUMENT_INVALID'));
      expect(documentsPeer.calls).toEqual([]);
      await expect(call(d(), 'sync', 'configure', { id: 'provincial', baseUrl: documentsPeer.url, cdaSchemaDir: '/nonexistent/schema' })).rejects.toMatchObject(
        {
          details: { reason: 'CDA_SCHEMA_NOT_FOUND' },
        },
      );
    } finally {
      if (previous !== undefined) process.env.TWS_CDA_SCHEMA_DIR = previous;
    }
  }, 60_000);
});
