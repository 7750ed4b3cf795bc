import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { validateXML } from 'xmllint-wasm';
import { parseCda } from '../../../src/main/interop/cda-parser';
import type { CdaDocument } from '../../../src/main/interop/cda-model';
import { checkRequiredElements, type SchemaFiles } from '../../../src/main/interop/validate';
import { answerEnvelope, faultEnvelope, readInvoke, SOAP_CONTENT_TYPE, Wst790FormatError } from '../../../src/main/interop/wst790';

/**
 * A provincial/county platform that takes national shared documents, for tests: an HTTPS server with mutual TLS
 * answering the WS/T 790-style `invoke` (src/main/interop/wst790.ts) as a platform does. Each document it receives is
 * checked against the HL7 CDA R2 schema (libxml2 via xmllint-wasm, on its own, not through the station's code) and
 * the documents' required elements; a failing one is answered AE with the reasons, a passing one AA and stored by its
 * document id (a resend of a stored id is answered AA again and not stored twice, as a platform's registry does).
 */

export const DOCUMENTS_PATH = '/platform/services';

export interface DocumentsPeerOptions {
  ca: string | string[];
  serverCert: string;
  serverKey: string;
  /** The schema the platform checks with; without it the peer checks only the required elements. */
  schema?: SchemaFiles;
  host?: string;
}

export interface ReceivedDocument {
  documentId: string;
  documentType: string;
  service: string;
  sender: string;
  xml: string;
  parsed: CdaDocument;
  /** The TLS client certificate's subject CN. */
  clientCn: string | undefined;
}

export interface DocumentsPeer {
  readonly url: string;
  /** Accepted documents by document id (stored once). */
  readonly accepted: Map<string, ReceivedDocument>;
  /** Every invoke that reached the handler, accepted or not, in order. */
  readonly calls: { documentId: string; answer: 'AA' | 'AE' | 'fault' | 'http'; reason?: string }[];
  /** Answers the next `count` calls with this HTTP status (nothing stored). */
  failNext(count: number, status?: number): void;
  /** Stores the next `count` accepted documents, then drops the connection instead of answering. */
  loseNextAnswers(count: number): void;
  /** Refuses (AE) documents of this type with a business reason, as a platform rule would. */
  refuseType(documentType: string | null, reason?: string): void;
  stop(): Promise<void>;
}

export async function startDocumentsPeer(options: DocumentsPeerOptions): Promise<DocumentsPeer> {
  const host = options.host ?? '127.0.0.1';
  const accepted = new Map<string, ReceivedDocument>();
  const calls: DocumentsPeer['calls'] = [];
  const sockets = new Set<Socket>();
  let failures = { remaining: 0, status: 503 };
  let lost = 0;
  let refusal: { type: string; reason: string } | null = null;

  async function check(xml: string): Promise<string[]> {
    const reasons = checkRequiredElements(xml).map((problem) => problem.message);
    if (options.schema) {
      const result = await validateXML({ xml: { fileName: 'received.xml', contents: xml }, schema: options.schema.entry, preload: options.schema.preload });
      if (!result.valid) reasons.unshift(...result.errors.map((error) => `schema: ${error.message.trim()}`));
    }
    return reasons;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const send = (status: number, body: string) => {
      if (response.destroyed) return;
      response.writeHead(status, { 'content-type': SOAP_CONTENT_TYPE });
      response.end(body);
    };
    if (request.method !== 'POST' || new URL(request.url ?? '/', 'https://peer').pathname.replace(/\/$/, '') !== DOCUMENTS_PATH) {
      send(404, faultEnvelope('Client', `no service at ${request.method} ${request.url}`));
      return;
    }
    if (failures.remaining > 0) {
      failures.remaining--;
      calls.push({ documentId: '', answer: 'http' });
      send(failures.status, faultEnvelope('Server', 'injected failure'));
      return;
    }
    let invoke;
    try {
      invoke = readInvoke(text);
    } catch (error) {
      if (!(error instanceof Wst790FormatError)) throw error;
      calls.push({ documentId: '', answer: 'fault', reason: error.message });
      send(500, faultEnvelope('Client', error.message));
      return;
    }
    const reasons = await check(invoke.document);
    let parsed: CdaDocument | undefined;
    if (reasons.length === 0) {
      try {
        parsed = parseCda(invoke.document);
        if (parsed.id !== invoke.documentId) reasons.push(`documentId ${invoke.documentId} is not the document's id ${parsed.id}`);
        if (parsed.type !== invoke.documentType) reasons.push(`documentType ${invoke.documentType} is not the document's type ${parsed.type}`);
      } catch (error) {
        reasons.push(error instanceof Error ? error.message : String(error));
      }
    }
    if (refusal && invoke.documentType === refusal.type) reasons.push(refusal.reason);
    if (reasons.length > 0 || !parsed) {
      const reason = reasons.join('; ');
      calls.push({ documentId: invoke.documentId, answer: 'AE', reason });
      send(200, answerEnvelope({ code: 'AE', documentId: invoke.documentId, reason }));
      return;
    }
    const socket = request.socket as Socket & { getPeerCertificate?: () => { subject?: { CN?: string } } };
    if (!accepted.has(invoke.documentId)) {
      accepted.set(invoke.documentId, {
        documentId: invoke.documentId,
        documentType: invoke.documentType,
        service: invoke.service,
        sender: invoke.senderCode,
        xml: invoke.document,
        parsed,
        clientCn: socket.getPeerCertificate?.().subject?.CN,
      });
    }
    calls.push({ documentId: invoke.documentId, answer: 'AA' });
    if (lost > 0) {
      lost--;
      request.socket.destroy();
      return;
    }
    send(200, answerEnvelope({ code: 'AA', documentId: invoke.documentId }));
  }

  const server: Server = createServer(
    { key: options.serverKey, cert: options.serverCert, ca: options.ca, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' },
    (request, response) => {
      handle(request, response).catch((error: unknown) => {
        if (!response.headersSent && !response.destroyed) {
          response.writeHead(500, { 'content-type': SOAP_CONTENT_TYPE });
          response.end(faultEnvelope('Server', error instanceof Error ? error.message : String(error)));
        }
      });
    },
  );
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `https://${host}:${port}${DOCUMENTS_PATH}`,
    accepted,
    calls,
    failNext(count, status = 503) {
      failures = { remaining: count, status };
    },
    loseNextAnswers(count) {
      lost = count;
    },
    refuseType(documentType, reason = '平台规则：该机构未开通此类文档上传') {
      refusal = documentType === null ? null : { type: documentType, reason };
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
