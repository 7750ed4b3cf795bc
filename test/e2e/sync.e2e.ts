import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeResidentId } from '../../src/shared/resident-id';
import { generatePlatformPki, type PlatformPki } from '../support/fhir-peer/certs';
import { startFhirPeer, type FhirPeer } from '../support/fhir-peer/peer';
import { configurePlatform, createAdmin, launch, type E2eContext } from './browser';

let ctx: E2eContext | undefined;
let county: FhirPeer;
let countyPki: PlatformPki;
let provincialPki: PlatformPki;
let provincial: FhirPeer;

beforeAll(async () => {
  countyPki = generatePlatformPki({ name: 'county' });
  provincialPki = generatePlatformPki({ name: 'provincial' });
  county = await startFhirPeer({ ca: countyPki.ca.certPem, serverCert: countyPki.server.certPem, serverKey: countyPki.server.keyPem });
  provincial = await startFhirPeer({ ca: provincialPki.ca.certPem, serverCert: provincialPki.server.certPem, serverKey: provincialPki.server.keyPem });
});
afterAll(async () => {
  await county.stop();
  await provincial.stop();
});
afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

describe('sync end to end (harness + Chromium + mTLS peers)', () => {
  it('configures the county, sends a registered patient with 立即同步, and words a wrong CA', async () => {
    ctx = await launch();
    await createAdmin(ctx.page);
    const { page } = ctx;
    await page.getByRole('navigation').getByRole('link', { name: '同步' }).click();
    await page.getByRole('heading', { name: '同步', level: 1 }).waitFor();

    await configurePlatform(ctx, '县级平台', { baseUrl: county.url, caPath: countyPki.ca.certPath, pki: countyPki });
    // A patient registered through the same API the registration screen uses.
    const idNumber = makeResidentId('130321', '1962-07-08', 31);
    const patientId = await page.evaluate(async (id) => {
      const res = await fetch('/api/patients.register', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: '赵同步', idNumber: id }),
      });
      const body = (await res.json()) as { ok: boolean; value: { patient: { id: string } } };
      return body.value.patient.id;
    }, idNumber);

    await page.getByRole('button', { name: '立即同步' }).first().click();
    await expect.poll(() => page.getByTestId('sync-queued-county').textContent(), { timeout: 20_000 }).toBe('0');
    await expect.poll(async () => (await county.repo.all('Patient')).map((each) => each.id), { timeout: 20_000 }).toEqual([patientId]);

    // The provincial target configured with the county's CA: the platform's certificate is not trusted.
    await configurePlatform(ctx, '省级平台', { baseUrl: provincial.url, caPath: countyPki.ca.certPath, pki: provincialPki });
    await page.getByRole('button', { name: '立即同步' }).first().click();
    const alert = page.getByRole('article', { name: '省级平台' }).getByRole('alert');
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toContain('平台证书不是由配置的 CA 证书签发');
    expect(await alert.textContent()).toContain('请检查平台 CA 证书是否正确。');
  });
});
