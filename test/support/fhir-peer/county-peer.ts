import { generatePlatformPki, type PlatformPki } from './certs';
import { startFhirPeer, type FhirPeer } from './peer';

/** The county platform for a test: its own PKI and the peer serving it over mutual TLS on a free port. */
export async function startCountyPeer(): Promise<{ pki: PlatformPki; peer: FhirPeer }> {
  const pki = generatePlatformPki({ name: 'county' });
  const peer = await startFhirPeer({ ca: pki.ca.certPem, serverCert: pki.server.certPem, serverKey: pki.server.keyPem });
  return { pki, peer };
}

/** What 设置 → 同步 sends to point the county target at the peer (`baseUrl` to aim it elsewhere, e.g. a proxy). */
export function countyTargetInput(pki: PlatformPki, baseUrl: string) {
  return {
    id: 'county' as const,
    baseUrl,
    caCertificatePath: pki.ca.certPath,
    clientPkcs12Path: pki.client.pfxPath,
    clientPassphrase: pki.client.passphrase,
  };
}
