import type { SyncTargetConfig } from '../../shared/sync';
import { classifyHttpStatus, SyncError } from '../sync/errors';
import type { FhirHttpClient } from '../sync/http';
import type { ResourceWithId } from '../sync/outbox';
import { documentOfResource } from './document-queue';
import { checkRequiredElements, validateManyAgainstSchema, type DocumentProblem, type SchemaFiles } from './validate';
import { invokeEnvelope, readAnswer, serviceFor, SOAP_ACTION, SOAP_CONTENT_TYPE, Wst790FormatError } from './wst790';
import { attribute, firstChild, parseXmlText } from '../ecg/formats/xml';

/**
 * Sends one queued national document to a documents target: checks it (CDA R2 schema + the document's own required
 * elements) and, if it passes, makes the WS/T 790-style invoke over the target's mutual TLS. The engine owns the
 * outbox bookkeeping (sent / held / retry with backoff); this says which of those the answer means:
 *
 * - accepted: the platform acknowledged it (AA). A resend of the same document id (after a lost answer) is answered
 *   AA again by a conforming platform, which is what makes the outbox's at-least-once sending exactly-once there.
 * - refused: this document will not pass as it is (our own check, AE/AR, a SOAP Client fault, a 400/422): held
 *   with the reason, shown on the 同步 screen, until the record changes or the user retries.
 * - a thrown SyncError: nothing is the document's fault (network, TLS, 401/403, 5xx, a Server fault): retried.
 */

export type DocumentOutcome = { kind: 'accepted' } | { kind: 'refused'; error: SyncError };

export interface DocumentsPushDeps {
  http: FhirHttpClient;
  /** The CDA R2 schema (from the configured folder); undefined when none is configured. */
  schema: () => SchemaFiles | undefined;
}

/**
 * The pre-send check of a batch (one schema compilation for all of it): per resource, the refusal it earns, or
 * undefined when it may be sent.
 */
export async function checkBatch(deps: DocumentsPushDeps, resources: readonly ResourceWithId[]): Promise<(SyncError | undefined)[]> {
  const schema = deps.schema();
  const documents = resources.map((resource, index) => ({ index, resource, document: documentOfResource(resource) }));
  const readable = documents.flatMap(({ index, document }) => (document ? [{ name: `document-${index}.xml`, xml: document.xml }] : []));
  const schemaProblems = schema ? await validateManyAgainstSchema(readable, schema) : new Map<string, DocumentProblem[]>();
  return documents.map(({ index, resource, document }) => {
    if (!document) return new SyncError('DOCUMENT_INVALID', `${resource.resourceType}/${resource.id} is not a national document`);
    if (!schema)
      return new SyncError('DOCUMENT_INVALID', 'no CDA R2 schema folder is configured (设置/同步), so the document cannot be checked before sending');
    const problems = [...(schemaProblems.get(`document-${index}.xml`) ?? []), ...checkRequiredElements(document.xml)];
    return problems.length > 0
      ? new SyncError('DOCUMENT_INVALID', `${document.documentId}: ${problems.map((problem) => problem.message).join('; ')}`)
      : undefined;
  });
}

/** Sends one document that passed checkBatch. */
export async function sendDocument(deps: DocumentsPushDeps, target: SyncTargetConfig, resource: ResourceWithId): Promise<DocumentOutcome> {
  const document = documentOfResource(resource);
  if (!document) return { kind: 'refused', error: new SyncError('DOCUMENT_INVALID', `${resource.resourceType}/${resource.id} is not a national document`) };
  const response = await deps.http.send(target, {
    method: 'POST',
    path: '',
    raw: {
      contentType: SOAP_CONTENT_TYPE,
      headers: { soapaction: SOAP_ACTION },
      text: invokeEnvelope({
        service: serviceFor(document.type),
        senderCode: senderOf(document.xml),
        documentType: document.type,
        documentId: document.documentId,
        document: document.xml,
      }),
    },
  });
  const text = response.text ?? '';
  let answer;
  try {
    answer = text.trim() === '' ? undefined : readAnswer(text);
  } catch (error) {
    if (!(error instanceof Wst790FormatError)) throw error;
    answer = undefined;
  }
  if (answer?.outcome === 'accepted' && response.status < 300) {
    if (answer.documentId !== '' && answer.documentId !== document.documentId) {
      throw new SyncError('HTTP_5XX', `the platform acknowledged ${answer.documentId}, not ${document.documentId}`, { status: response.status });
    }
    return { kind: 'accepted' };
  }
  if (answer?.outcome === 'refused') {
    return {
      kind: 'refused',
      error: new SyncError('DOCUMENT_REFUSED', `${document.documentId}: ${answer.code} ${answer.reason}`, { status: response.status }),
    };
  }
  if (answer?.outcome === 'failed') throw new SyncError('HTTP_5XX', `platform fault: ${answer.reason}`, { status: response.status });
  const code = classifyHttpStatus(response.status) ?? 'HTTP_5XX';
  if (response.status === 400 || response.status === 422) {
    return { kind: 'refused', error: new SyncError('DOCUMENT_REFUSED', `${document.documentId}: HTTP ${response.status}`, { status: response.status }) };
  }
  // A success status without a readable acknowledgement: the outcome is unknown, so send again later.
  throw new SyncError(code, `HTTP ${response.status}${answer ? '' : ' without a readable acknowledgement'}`, { status: response.status });
}

function senderOf(xml: string): string {
  const root = parseXmlText(xml);
  const organisation = firstChild(firstChild(firstChild(root, 'custodian'), 'assignedCustodian'), 'representedCustodianOrganization');
  return attribute(firstChild(organisation, 'id'), 'extension') ?? '';
}
