import { connect, createSecureContext } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncError } from '../../../src/main/sync/errors';
import { createFhirHttpClient } from '../../../src/main/sync/http';
import { buildClientTls, classifySyncError, probeClientCertificate } from '../../../src/main/sync/tls';
import { SYNC_ERROR_POLICY, type SyncErrorCode, type SyncTargetConfig } from '../../../src/shared/sync';
import { generatePlatformPki, generateRefusalFixtures, type PemPair, type PlatformPki, type RefusalFixtures } from '../../support/fhir-peer/certs';
import { startFhirPeer, type FhirPeer } from '../../support/fhir-peer/peer';
import { targetFor } from './setup';

type Outcome = SyncErrorCode | 'ok' | `HTTP ${number}`;

/** What the station's client gets from `send`, as a code (or 'ok' when the server answered). */
async function outcome(target: SyncTargetConfig): Promise<Outcome> {
  const http = createFhirHttpClient();
  try {
    const response = await http.send(target, { method: 'GET', path: 'metadata' });
    return response.status === 200 ? 'ok' : `HTTP ${response.status}`;
  } catch (error) {
    expect(error).toBeInstanceOf(SyncError);
    return (error as SyncError).code;
  } finally {
    http.close();
  }
}

describe('mutual TLS between the station and a platform peer', () => {
  let pki: PlatformPki;
  let fixtures: RefusalFixtures;
  let peer: FhirPeer;
  const others: FhirPeer[] = [];

  async function peerWith(cert: PemPair): Promise<FhirPeer> {
    const started = await startFhirPeer({ ca: pki.ca.certPem, serverCert: cert.certPem, serverKey: cert.keyPem });
    others.push(started);
    return started;
  }

  beforeAll(async () => {
    pki = generatePlatformPki({ name: 'county' });
    fixtures = generateRefusalFixtures(pki);
    peer = await startFhirPeer({ ca: pki.ca.certPem, serverCert: pki.server.certPem, serverKey: pki.server.keyPem });
  });

  afterAll(async () => {
    await Promise.all([peer.stop(), ...others.map((other) => other.stop())]);
  });

  it('connects with the platform CA and the station certificate, by IP and by name', async () => {
    expect(await outcome(targetFor(pki, peer.url))).toBe('ok');
    expect(await outcome(targetFor(pki, peer.url.replace('127.0.0.1', 'localhost')))).toBe('ok');
  });

  it('is refused by the server when the station sends no certificate', async () => {
    const before = peer.stats.refusedHandshakes;
    // The settings cannot express "no certificate", so a bare TLS client with the right CA stands in.
    const code = await new Promise<Outcome>((resolve) => {
      const socket = connect({
        host: '127.0.0.1',
        port: peer.port,
        secureContext: createSecureContext({ ca: pki.ca.certPem }),
        minVersion: 'TLSv1.2',
      });
      socket.on('secureConnect', () => socket.write('GET /fhir/R4/metadata HTTP/1.1\r\nHost: x\r\n\r\n'));
      socket.on('data', () => resolve('ok'));
      socket.on('error', (error) => resolve(classifySyncError(error)));
    });
    expect(code).toBe('TLS_CLIENT_CERT_REJECTED');
    expect(peer.stats.refusedHandshakes).toBeGreaterThan(before);
  });

  it('is refused by the server when the station certificate comes from another CA', async () => {
    const target = targetFor(pki, peer.url, { clientPkcs12: new Uint8Array(fixtures.clientFromOtherCa.pfx) });
    expect(await outcome(target)).toBe('TLS_CLIENT_CERT_REJECTED');
    expect(await probeClientCertificate(target)).toBe('TLS_CLIENT_CERT_REJECTED');
    expect(await probeClientCertificate(targetFor(pki, peer.url))).toBe('accepted');
  });

  it('refuses a server whose certificate comes from another CA', async () => {
    const impostor = await peerWith(fixtures.serverFromOtherCa);
    expect(await outcome(targetFor(pki, impostor.url))).toBe('TLS_UNKNOWN_CA');
  });

  it('refuses an expired server certificate', async () => {
    const expired = await peerWith(fixtures.expiredServer);
    expect(await outcome(targetFor(pki, expired.url))).toBe('TLS_CERT_EXPIRED');
  });

  it('refuses a server certificate that names another host', async () => {
    const wrongHost = await peerWith(fixtures.wrongHostServer);
    expect(await outcome(targetFor(pki, wrongHost.url))).toBe('TLS_HOSTNAME_MISMATCH');
    // ...and accepts it when the configured server name is the one it carries (connecting by IP).
    expect(await outcome(targetFor(pki, wrongHost.url, { serverName: 'fhir.other-county.example' }))).toBe('ok');
  });

  it('reports a wrong PKCS#12 passphrase as such, before any connection', async () => {
    const target = targetFor(pki, peer.url, { clientPassphrase: fixtures.wrongPassphrase });
    expect(() => buildClientTls(target)).toThrowError(SyncError);
    expect(await outcome(target)).toBe('TLS_BAD_PASSPHRASE');
    expect(await outcome(targetFor(pki, peer.url, { clientPkcs12: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x03]) }))).toBe('TLS_BAD_PASSPHRASE');
  });

  it('reports an unreadable CA certificate as a CA problem', async () => {
    expect(await outcome(targetFor(pki, peer.url, { caCertificatePem: 'not a certificate' }))).toBe('TLS_UNKNOWN_CA');
  });

  it('reports nothing listening as unreachable', async () => {
    const stopped = await peerWith(pki.server);
    const url = stopped.url;
    await stopped.stop();
    expect(await outcome(targetFor(pki, url))).toBe('SERVER_UNREACHABLE');
  });

  it('pins trust to the configured CA: the platform CA of another county does not do', async () => {
    const province = generatePlatformPki({ name: 'provincial' });
    // The county server, but the station configured with the provincial CA (and a valid provincial cert).
    expect(await outcome(targetFor(province, peer.url))).toBe('TLS_UNKNOWN_CA');
  });
});

describe('classifySyncError', () => {
  const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });
  const cases: [string, unknown, SyncErrorCode][] = [
    ['connection refused', withCode('ECONNREFUSED'), 'SERVER_UNREACHABLE'],
    ['DNS failure', withCode('ENOTFOUND'), 'SERVER_UNREACHABLE'],
    ['no route', withCode('EHOSTUNREACH'), 'SERVER_UNREACHABLE'],
    ['TLS to a plain http port', withCode('ERR_SSL_WRONG_VERSION_NUMBER'), 'SERVER_UNREACHABLE'],
    ['kernel timeout', withCode('ETIMEDOUT'), 'TIMEOUT'],
    ['AbortSignal.timeout', Object.assign(new Error('t'), { name: 'TimeoutError' }), 'TIMEOUT'],
    ['reset', withCode('ECONNRESET'), 'CONNECTION_RESET'],
    ['broken pipe', withCode('EPIPE'), 'CONNECTION_RESET'],
    ['hang up', new Error('socket hang up'), 'CONNECTION_RESET'],
    ['unknown issuer', withCode('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'TLS_UNKNOWN_CA'],
    ['self-signed', withCode('DEPTH_ZERO_SELF_SIGNED_CERT'), 'TLS_UNKNOWN_CA'],
    ['self-signed root in chain', withCode('SELF_SIGNED_CERT_IN_CHAIN'), 'TLS_UNKNOWN_CA'],
    ['expired', withCode('CERT_HAS_EXPIRED'), 'TLS_CERT_EXPIRED'],
    ['not yet valid (clock behind)', withCode('CERT_NOT_YET_VALID'), 'TLS_CERT_EXPIRED'],
    ['altname', withCode('ERR_TLS_CERT_ALTNAME_INVALID'), 'TLS_HOSTNAME_MISMATCH'],
    ['TLS 1.3 certificate_required', withCode('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'), 'TLS_CLIENT_CERT_REJECTED'],
    ['unknown_ca alert', withCode('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'), 'TLS_CLIENT_CERT_REJECTED'],
    ['bad_certificate alert', withCode('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE'), 'TLS_CLIENT_CERT_REJECTED'],
    [
      'TLS 1.2 handshake_failure (no client certificate)',
      withCode('EPROTO', 'write EPROTO ...:ssl3_read_bytes:sslv3 alert handshake failure:...'),
      'TLS_CLIENT_CERT_REJECTED',
    ],
    ['wrong passphrase', new Error('mac verify failure'), 'TLS_BAD_PASSPHRASE'],
    ['legacy PKCS#12', new Error('Unsupported PKCS12 PFX data'), 'TLS_BAD_PASSPHRASE'],
    ['our own', new SyncError('CONFLICT', 'x'), 'CONFLICT'],
    ['wrapped', new Error('outer', { cause: withCode('CERT_HAS_EXPIRED') }), 'TLS_CERT_EXPIRED'],
  ];
  it.each(cases)('%s → %s', (_name, error, code) => {
    expect(classifySyncError(error)).toBe(code);
  });

  it('gives every code an action and a retry rule', () => {
    for (const [, , code] of cases) {
      expect(SYNC_ERROR_POLICY[code].action).toBeTruthy();
    }
    expect(SYNC_ERROR_POLICY.TLS_CLIENT_CERT_REJECTED.retry).toBe('after-change');
    expect(SYNC_ERROR_POLICY.HTTP_5XX.retry).toBe('backoff');
    expect(SYNC_ERROR_POLICY.CONFLICT.retry).toBe('never');
  });
});
