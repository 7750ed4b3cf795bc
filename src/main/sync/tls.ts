import { X509Certificate } from 'node:crypto';
import { Agent } from 'node:https';
import { isIP } from 'node:net';
import { checkServerIdentity, connect, createSecureContext, type ConnectionOptions, type PeerCertificate, type SecureContext } from 'node:tls';
import type { SyncErrorCode, SyncTargetConfig } from '../../shared/sync';
import { SyncError } from './errors';

/**
 * Client side of mutual TLS to a platform: the station's PKCS#12 certificate, the platform's CA as the only
 * trust anchor (Node's `ca` replaces the bundled Mozilla store rather than adding to it), TLS 1.2 at least,
 * and the server's name checked against the URL host (or the configured server name).
 */

export const MIN_TLS_VERSION = 'TLSv1.2';

export interface ClientTls {
  /** Options for https.request / tls.connect; the secure context is built once per target. */
  options: ConnectionOptions;
  host: string;
  port: number;
}

/**
 * Builds the TLS options for a target. Opening the PKCS#12 happens here, once, so a wrong passphrase is a
 * typed TLS_BAD_PASSPHRASE at configuration time instead of an uncoded throw from inside https.request.
 */
export function buildClientTls(target: SyncTargetConfig): ClientTls {
  const url = parseBaseUrl(target.baseUrl);
  const secureContext = openSecureContext(target);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port === '' ? 443 : Number(url.port);
  const expectedName = target.serverName ?? host;
  const options: ConnectionOptions = {
    secureContext,
    minVersion: MIN_TLS_VERSION,
    rejectUnauthorized: true,
    // RFC 6066 forbids an IP address in SNI; the identity check below still runs for IPs (against IP SANs).
    ...(isIP(expectedName) === 0 ? { servername: expectedName } : {}),
    checkServerIdentity: (_hostname: string, certificate: PeerCertificate) => checkServerIdentity(expectedName, certificate),
  };
  return { options, host, port };
}

export function parseBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (cause) {
    throw new SyncError('SERVER_UNREACHABLE', `Not a URL: ${baseUrl}`, { cause });
  }
  if (url.protocol !== 'https:') throw new SyncError('SERVER_UNREACHABLE', `Only https is allowed: ${baseUrl}`);
  return url;
}

function openSecureContext(target: SyncTargetConfig): SecureContext {
  const pfx = Buffer.from(target.clientPkcs12);
  try {
    createSecureContext({ pfx, passphrase: target.clientPassphrase });
  } catch (cause) {
    // OpenSSL 3 says "mac verify failure" for a wrong passphrase and "Unsupported PKCS12 PFX data" for files
    // protected with RC2-40/3DES (older Windows and CA tools); either way the user has to act on the file.
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new SyncError('TLS_BAD_PASSPHRASE', `Cannot open the client certificate: ${reason}`, { cause });
  }
  try {
    // Node skips unparsable PEM in `ca` silently, which would leave no trust anchor at all: parse it first.
    new X509Certificate(target.caCertificatePem);
    return createSecureContext({
      ca: target.caCertificatePem,
      pfx,
      passphrase: target.clientPassphrase,
      minVersion: MIN_TLS_VERSION,
    });
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new SyncError('TLS_UNKNOWN_CA', `Cannot load the CA certificate: ${reason}`, { cause });
  }
}

export function createTargetAgent(target: SyncTargetConfig): Agent {
  const { options } = buildClientTls(target);
  return new Agent({ ...options, keepAlive: true, maxSockets: 4, scheduling: 'lifo' });
}

// OpenSSL verify results for the server's chain (X509_V_ERR_* as Node names them).
const UNKNOWN_CA_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
]);
const EXPIRED_CODES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  // TLS spoken to a plain-http port: the address is wrong.
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ABORT_ERR']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

/**
 * TLS alerts the server sent about our certificate (RFC 8446 §6.2): received alerts arrive as
 * ERR_SSL_<VERSION>_ALERT_<NAME>. A server that checks client certificates answers with one of these
 * (116 certificate_required when none was sent, 48 unknown_ca, 42 bad_certificate, 45 expired, ...).
 */
const CLIENT_CERT_ALERT =
  /ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED|CERTIFICATE_UNKNOWN|UNSUPPORTED_CERTIFICATE|ACCESS_DENIED|HANDSHAKE_FAILURE)/;
const CLIENT_CERT_ALERT_TEXT =
  /alert (certificate required|bad certificate|unknown ca|certificate expired|certificate revoked|certificate unknown|unsupported certificate|access denied|handshake failure)/i;

/** Maps any error from a sync request (Node, OpenSSL, ours) to the closed set of codes. */
export function classifySyncError(error: unknown): SyncErrorCode {
  for (let current: unknown = error, depth = 0; current !== undefined && depth < 5; depth++) {
    const code = classifyOne(current);
    if (code) return code;
    current = current instanceof Error ? current.cause : undefined;
  }
  // Nothing recognisable: treat it as the network being in the way, which retries with backoff.
  return 'SERVER_UNREACHABLE';
}

function classifyOne(error: unknown): SyncErrorCode | undefined {
  if (error instanceof SyncError) return error.code;
  if (typeof error !== 'object' || error === null) return undefined;
  const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : '';
  const message = error instanceof Error ? error.message : '';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'TLS_HOSTNAME_MISMATCH';
  if (EXPIRED_CODES.has(code)) return 'TLS_CERT_EXPIRED';
  if (UNKNOWN_CA_CODES.has(code)) return 'TLS_UNKNOWN_CA';
  if (CLIENT_CERT_ALERT.test(code) || CLIENT_CERT_ALERT_TEXT.test(message)) return 'TLS_CLIENT_CERT_REJECTED';
  if (/mac verify failure|Unsupported PKCS12/i.test(message)) return 'TLS_BAD_PASSPHRASE';
  if (UNREACHABLE_CODES.has(code)) return 'SERVER_UNREACHABLE';
  if (TIMEOUT_CODES.has(code) || (error as { name?: unknown }).name === 'TimeoutError') return 'TIMEOUT';
  if (RESET_CODES.has(code) || /socket hang up/i.test(message)) return 'CONNECTION_RESET';
  return undefined;
}

export type ProbeResult = 'accepted' | SyncErrorCode;

/**
 * Tells a refused client certificate apart from a plain connection reset.
 *
 * Under TLS 1.3 the client finishes its handshake before the server has looked at the client certificate,
 * so a server that refuses it may just close the socket (Node's https server does exactly that, with no
 * alert) and the request fails as "socket hang up". Here we open a connection and send nothing: a server
 * that accepted us sends session tickets or stays quiet; one that refused us sends an alert or closes.
 */
export function probeClientCertificate(target: SyncTargetConfig, windowMs = 1_500): Promise<ProbeResult> {
  let tlsConfig: ClientTls;
  try {
    tlsConfig = buildClientTls(target);
  } catch (error) {
    return Promise.resolve(classifySyncError(error));
  }
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const socket = connect({ ...tlsConfig.options, host: tlsConfig.host, port: tlsConfig.port });
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(windowMs * 4, () => finish('TIMEOUT'));
    socket.once('secureConnect', () => {
      timer = setTimeout(() => finish('accepted'), windowMs);
    });
    socket.once('session', () => finish('accepted'));
    socket.once('error', (error) => finish(classifySyncError(error)));
    socket.once('close', () => finish(socket.authorized ? 'TLS_CLIENT_CERT_REJECTED' : 'CONNECTION_RESET'));
  });
}
