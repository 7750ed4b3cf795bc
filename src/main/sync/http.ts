import type { Agent } from 'node:https';
import { request as httpsRequest } from 'node:https';
import { SYNC_DEFAULTS, type SyncTargetConfig } from '../../shared/sync';
import { SyncError } from './errors';
import { classifySyncError, createTargetAgent, parseBaseUrl, probeClientCertificate } from './tls';

export interface FhirHttpRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Relative to the target's base URL, query included: `Task?_lastUpdated=ge...` or '' for the base. */
  path: string;
  body?: unknown;
  /** Sent as is instead of a JSON body: the national documents' SOAP call (interop/wst790.ts). */
  raw?: { contentType: string; text: string; headers?: Record<string, string> };
}

export interface FhirHttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  /** Parsed JSON, or undefined when the body was empty or not JSON (an HTML error page, say). */
  body: unknown;
  /** The body as text (for answers that are not JSON, e.g. a SOAP envelope). */
  text?: string;
}

/**
 * The engine's only way to the network. Resolves with any HTTP status (the engine decides what a 412 or a
 * 503 means); rejects with a SyncError for everything below HTTP: TLS refusals, resets, timeouts.
 */
export interface FhirHttpClient {
  send(target: SyncTargetConfig, request: FhirHttpRequest): Promise<FhirHttpResponse>;
  /** Drops pooled connections (after settings change, and on shutdown). */
  close(target?: SyncTargetConfig): void;
}

const FHIR_JSON = 'application/fhir+json';

export function createFhirHttpClient(options: { userAgent?: string; maxResponseBytes?: number } = {}): FhirHttpClient {
  const maxResponseBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const agents = new Map<string, { fingerprint: string; agent: Agent }>();

  function agentFor(target: SyncTargetConfig): Agent {
    const fingerprint = configFingerprint(target);
    const cached = agents.get(target.id);
    if (cached?.fingerprint === fingerprint) return cached.agent;
    cached?.agent.destroy();
    const agent = createTargetAgent(target);
    agents.set(target.id, { fingerprint, agent });
    return agent;
  }

  async function send(target: SyncTargetConfig, request: FhirHttpRequest): Promise<FhirHttpResponse> {
    const agent = agentFor(target);
    try {
      return await sendOnce(target, agent, request, options.userAgent, maxResponseBytes);
    } catch (error) {
      const failure = toFailure(error);
      // A pooled keep-alive connection the server had already closed: the request never reached it.
      // (Resending is safe even if it had: every write the engine sends is an idempotent PUT.)
      const { reusedSocket, gotResponse } = failure.connection;
      if (reusedSocket && !gotResponse && failure.syncError.code === 'CONNECTION_RESET') {
        try {
          return await sendOnce(target, agent, request, options.userAgent, maxResponseBytes);
        } catch (retryError) {
          throw await explain(target, toFailure(retryError));
        }
      }
      throw await explain(target, failure);
    }
  }

  return {
    send,
    close(target) {
      for (const [id, entry] of agents) {
        if (target && target.id !== id) continue;
        entry.agent.destroy();
        agents.delete(id);
      }
    },
  };
}

/** One failed attempt and what was known about its connection when it failed. */
class AttemptFailure extends Error {
  constructor(
    readonly syncError: SyncError,
    readonly connection: { reusedSocket: boolean; secureConnected: boolean; gotResponse: boolean },
  ) {
    super(syncError.message, { cause: syncError });
  }
}

function toFailure(error: unknown): AttemptFailure {
  if (error instanceof AttemptFailure) return error;
  return new AttemptFailure(toSyncError(error), { reusedSocket: false, secureConnected: false, gotResponse: false });
}

function toSyncError(error: unknown): SyncError {
  return error instanceof SyncError ? error : new SyncError(classifySyncError(error), describe(error), { cause: error });
}

/** A reset right after a fresh handshake may be the server refusing our certificate in silence: ask. */
async function explain(target: SyncTargetConfig, failure: AttemptFailure): Promise<SyncError> {
  const { reusedSocket, secureConnected, gotResponse } = failure.connection;
  const suspicious = failure.syncError.code === 'CONNECTION_RESET' && secureConnected && !reusedSocket && !gotResponse;
  if (!suspicious) return failure.syncError;
  const verdict = await probeClientCertificate(target);
  if (verdict === 'TLS_CLIENT_CERT_REJECTED') {
    return new SyncError('TLS_CLIENT_CERT_REJECTED', 'The server closed the connection after checking our certificate', {
      cause: failure.syncError,
    });
  }
  return failure.syncError;
}

function sendOnce(
  target: SyncTargetConfig,
  agent: Agent,
  request: FhirHttpRequest,
  userAgent: string | undefined,
  maxResponseBytes: number,
): Promise<FhirHttpResponse> {
  const base = parseBaseUrl(target.baseUrl.endsWith('/') ? target.baseUrl : `${target.baseUrl}/`);
  const url = new URL(request.path, base);
  const payload = request.raw
    ? Buffer.from(request.raw.text, 'utf8')
    : request.body === undefined
      ? undefined
      : Buffer.from(JSON.stringify(request.body), 'utf8');
  const timeoutMs = target.requestTimeoutMs ?? SYNC_DEFAULTS.requestTimeoutMs;
  const headers: Record<string, string> = { accept: request.raw ? request.raw.contentType : FHIR_JSON, ...request.raw?.headers };
  if (payload) {
    headers['content-type'] = request.raw ? request.raw.contentType : `${FHIR_JSON}; charset=utf-8`;
    headers['content-length'] = String(payload.length);
  }
  if (userAgent) headers['user-agent'] = userAgent;

  return new Promise((resolve, reject) => {
    let secureConnected = false;
    let gotResponse = false;
    let reusedSocket = false;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      reject(new AttemptFailure(toSyncError(error), { reusedSocket, secureConnected, gotResponse }));
    };
    let outgoing;
    try {
      // `timeout` here also covers connecting, which request.setTimeout() would not.
      outgoing = httpsRequest(url, { method: request.method, agent, headers, timeout: timeoutMs });
    } catch (error) {
      fail(error);
      return;
    }
    const req = outgoing;
    req.on('socket', (socket) => {
      reusedSocket = req.reusedSocket;
      if (reusedSocket) secureConnected = true;
      else socket.once('secureConnect', () => (secureConnected = true));
    });
    req.on('timeout', () => {
      req.destroy(new SyncError('TIMEOUT', `No data for ${timeoutMs} ms from ${url.host}`));
    });
    req.on('error', fail);
    req.on('response', (response) => {
      gotResponse = true;
      const chunks: Buffer[] = [];
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        // Checked as it arrives: a platform (or whoever sits in between) cannot make main buffer without end.
        if (received > maxResponseBytes) {
          fail(new SyncError('RESPONSE_TOO_LARGE', `${url.host} sent more than ${maxResponseBytes} bytes in one response`));
          chunks.length = 0;
          response.destroy();
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', fail);
      response.on('aborted', () => fail(new SyncError('CONNECTION_RESET', 'Response cut short')));
      response.on('end', () => {
        if (settled) return;
        if (!response.complete) {
          fail(new SyncError('CONNECTION_RESET', 'Response cut short'));
          return;
        }
        settled = true;
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, headers: flattenHeaders(response.headers), body: parseJson(text), text });
      });
    });
    req.end(payload);
  });
}

/**
 * The largest answer read from a platform (issue 15.13): a pulled page of ECG reports with their waveforms runs to
 * tens of MiB; anything far beyond that is refused, not buffered.
 */
export const MAX_RESPONSE_BYTES = 128 * 1024 * 1024;

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}

/** Certificates and passphrase changes must not reuse a pool built with the old ones. */
function configFingerprint(target: SyncTargetConfig): string {
  let hash = 2166136261;
  const mix = (text: string) => {
    for (let index = 0; index < text.length; index++) {
      hash ^= text.charCodeAt(index);
      hash = Math.imul(hash, 16777619) >>> 0;
    }
  };
  mix(target.baseUrl);
  mix(target.caCertificatePem);
  mix(target.clientPassphrase);
  mix(target.serverName ?? '');
  for (const byte of target.clientPkcs12) mix(String.fromCharCode(byte));
  return `${hash.toString(16)}:${target.clientPkcs12.length}`;
}
