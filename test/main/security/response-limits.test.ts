import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFhirHttpClient, MAX_RESPONSE_BYTES } from '../../../src/main/sync/http';
import { SyncError } from '../../../src/main/sync/errors';
import { generatePlatformPki, type PlatformPki } from '../../support/fhir-peer/certs';
import { startFhirPeer, type FhirPeer } from '../../support/fhir-peer/peer';
import { targetFor } from '../sync/setup';

/** Issue 15.13: an answer from a platform is read only up to a cap, then refused with its own code. */
describe('platform answers are capped', () => {
  let pki: PlatformPki;
  let peer: FhirPeer;
  beforeAll(async () => {
    pki = generatePlatformPki({ name: 'limits' });
    peer = await startFhirPeer({ ca: pki.ca.certPem, serverCert: pki.server.certPem, serverKey: pki.server.keyPem });
    for (let i = 0; i < 40; i++) {
      await peer.repo.createResource({ resourceType: 'Patient', name: [{ text: `测试患者${i}`, family: '测', given: ['试'.repeat(20)] }] });
    }
  });
  afterAll(async () => {
    await peer.stop();
  });

  it('a page within the cap is read; the same page over a small cap is refused as RESPONSE_TOO_LARGE, not buffered', async () => {
    const target = targetFor(pki, peer.url);
    const request = { method: 'GET' as const, path: 'Patient?_count=40' };
    const whole = await createFhirHttpClient().send(target, request);
    expect(whole.status).toBe(200);
    const small = createFhirHttpClient({ maxResponseBytes: 2_000 });
    const refused = await small.send(target, request).then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(SyncError);
    expect(refused).toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
    small.close();
  });

  it('the app-wide cap leaves room for a page of ECG waveforms and stays bounded', () => {
    expect(MAX_RESPONSE_BYTES).toBeGreaterThanOrEqual(64 * 1024 * 1024);
    expect(MAX_RESPONSE_BYTES).toBeLessThanOrEqual(256 * 1024 * 1024);
  });
});

describe('certificate paths from the API (issue 15.8)', () => {
  it('a network or device path is refused before it is opened; the screens send file handles instead', async () => {
    const { openTestStation } = await import('../../support/test-services');
    const { call } = await import('../../../src/main/api/dispatcher');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const station = await openTestStation({ withAdmin: true });
    try {
      // On Linux //tmp/… is an ordinary local path that reads fine: refused all the same, by its form alone.
      const dir = mkdtempSync(path.join(tmpdir(), 'tws-unc-'));
      const local = path.join(dir, 'ca.pem');
      writeFileSync(local, 'not read');
      for (const caCertificatePath of [`/${local}`, '\\\\attacker.example\\share\\ca.pem', '\\\\?\\C:\\ca.pem']) {
        await expect(
          call(station.services.dispatch, 'sync', 'configure', {
            id: 'county',
            baseUrl: 'https://127.0.0.1:9/fhir/R4/',
            caCertificatePath,
            clientPassphrase: 'x',
          }),
        ).rejects.toMatchObject({ code: 'VALIDATION', details: { reason: 'FILE_UNREADABLE', field: 'caCertificatePath' } });
      }
    } finally {
      station.dispose();
    }
  });
});
