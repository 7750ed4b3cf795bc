import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Patient as FhirPatient } from '@medplum/fhirtypes';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NATIONAL_DOCUMENT_TYPES } from '../../src/main/interop/cda-model';
import { loadCdaSchema } from '../../src/main/interop/validate';
import { startDocumentsPeer, type DocumentsPeer } from '../support/documents-peer/peer';
import { generatePlatformPki, type PlatformPki } from '../support/fhir-peer/certs';
import { startFhirPeer, type FhirPeer } from '../support/fhir-peer/peer';
import { setInstitution, TEST_INSTITUTION, writeNationalRecords } from '../support/national/records';
import { configurePlatform, createAdmin, launch, type E2eContext } from './browser';

const SCHEMA_DIR = path.resolve(__dirname, '../../../shared/cda-schema');
const schema = existsSync(SCHEMA_DIR) ? loadCdaSchema(SCHEMA_DIR) : undefined;

let ctx: E2eContext | undefined;
let countyPki: PlatformPki;
let provincePki: PlatformPki;
let county: FhirPeer;
let province: DocumentsPeer;

beforeAll(async () => {
  countyPki = generatePlatformPki({ name: 'county' });
  provincePki = generatePlatformPki({ name: 'province' });
  county = await startFhirPeer({ ca: countyPki.ca.certPem, serverCert: countyPki.server.certPem, serverKey: countyPki.server.keyPem });
  province = await startDocumentsPeer({
    ca: provincePki.ca.certPem,
    serverCert: provincePki.server.certPem,
    serverKey: provincePki.server.keyPem,
    ...(schema ? { schema } : {}),
  });
});
afterAll(async () => {
  await county.stop();
  await province.stop();
});
afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

describe('national documents end to end (harness + Chromium + mTLS peers)', () => {
  it.skipIf(!schema)(
    'county FHIR + province documents set up on 同步; each record leaves as a schema-valid national document; a refusal is worded on 同步',
    async () => {
      ctx = await launch();
      await createAdmin(ctx.page);
      const { page, harness } = ctx;
      setInstitution({ services: harness.services, clock: harness.clock, dataDir: ctx.dataDir, dispose: () => undefined });
      await page.getByRole('navigation').getByRole('link', { name: '同步' }).click();
      await page.getByRole('heading', { name: '同步', level: 1 }).waitFor();
      await configurePlatform(ctx, '县级平台', { baseUrl: county.url, pki: countyPki });
      await configurePlatform(ctx, '省级平台', { baseUrl: province.url, pki: provincePki, documents: { schemaDir: SCHEMA_DIR } });
      await expect.poll(() => page.getByRole('article', { name: '省级平台' }).textContent()).toContain('国家共享文档');

      // The province's rule refuses referrals: that one is held and worded; the others go.
      province.refuseType('EHR-SD-20', '转入机构未在平台注册');
      // The records of one enrolled resident, written through the API the screens use (the browser's session).
      const records = await writeNationalRecords(
        { services: harness.services, clock: harness.clock, dataDir: ctx.dataDir, dispose: () => undefined },
        { withConsult: true },
      );
      await page.getByRole('button', { name: '立即同步' }).first().click();

      await expect
        .poll(() => [...new Set([...province.accepted.values()].map((doc) => doc.documentType))].sort(), { timeout: 60_000 })
        .toEqual(NATIONAL_DOCUMENT_TYPES.filter((type) => type !== 'EHR-SD-20').sort());
      const held = page.getByTestId('sync-held-provincial');
      await expect.poll(() => held.textContent(), { timeout: 30_000 }).toContain('平台拒收该共享文档');
      expect(await held.textContent()).toContain('转入机构未在平台注册');

      // Rule lifted, 重试: the referral goes too, so all six document types have left the station.
      province.refuseType(null);
      await page.getByRole('article', { name: '省级平台' }).getByRole('button', { name: '重试' }).click();
      await expect.poll(() => [...province.accepted.values()].some((doc) => doc.documentType === 'EHR-SD-20'), { timeout: 60_000 }).toBe(true);
      for (const doc of province.accepted.values()) {
        expect(doc.sender).toBe(TEST_INSTITUTION.code);
        expect(doc.parsed.custodian.code).toBe(TEST_INSTITUTION.code);
      }
      const setIds = [...province.accepted.values()].map((doc) => doc.parsed.setId);
      for (const id of [records.patientId, records.hypertensionVisitId, records.diabetesVisitId, records.referralId, records.consultId!, records.ecgId]) {
        expect(setIds.some((setId) => setId.endsWith(id))).toBe(true);
      }
      // The county took FHIR with the same national codes.
      await expect.poll(async () => (await county.repo.all('Patient')).length, { timeout: 30_000 }).toBeGreaterThan(0);
      const patient = (await county.repo.all('Patient'))[0] as FhirPatient;
      expect(patient.maritalStatus?.coding?.[0]).toMatchObject({ system: 'urn:oid:2.16.156.10011.2.3.3.5', code: '20' });
      const sd1 = [...province.accepted.values()].find((doc) => doc.documentType === 'EHR-SD-1')!;
      expect(sd1.xml).toContain('maritalStatusCode code="20" codeSystem="2.16.156.10011.2.3.3.5"');
      await expect.poll(() => page.getByTestId('sync-held-provincial').count(), { timeout: 20_000 }).toBe(0);
    },
    180_000,
  );
});
