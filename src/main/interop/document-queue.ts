import type { Binary } from '@medplum/fhirtypes';
import type { SyncTargetId } from '../../shared/sync';
import { drizzleOf, type Sqlite } from '../db/open';
import type { Reader } from '../db/handles';
import { readQuery, readRow, readRows } from '../db/read-sql';
import { followupRecords } from '../db/schema/followup';
import { syncTargets } from '../db/schema/sync';
import type { ResourceWithId } from '../sync/outbox';
import { SqlOutboxStore } from '../sync/sql-outbox-store';
import { writeCda } from './cda-writer';
import type { NationalDocumentType } from './cda-model';
import { buildDocument, DocumentSourceMissing, type DocumentRef } from './document-sources';

/**
 * The documents side of the transactional outbox. A platform configured as "national documents" (sync_targets.kind)
 * gets, instead of FHIR resources, one outbox row per document version: the CDA XML as it was when the record was
 * saved, wrapped as a FHIR Binary so the outbox, its states, backoff and the 同步 screen treat it like any entry. The
 * engine sends it as a WS/T 790-style call (documents-push.ts). Called inside the record's write transaction.
 */

export const CDA_CONTENT_TYPE = 'application/hl7-cda+xml';

/** What in the store changed, in the words of the features that call this. */
export type DocumentChange =
  | { kind: 'patient'; id: string }
  | { kind: 'followupVisit'; id: string }
  | { kind: 'referral'; id: string }
  | { kind: 'consult'; id: string }
  | { kind: 'ecg'; id: string };

const recordDisease = readQuery(`SELECT disease FROM followup_records WHERE id = ?`, { disease: followupRecords.disease });
const documentsTargets = readQuery(`SELECT id FROM sync_targets WHERE kind = 'documents' ORDER BY id`, { id: syncTargets.id });

export function documentRefFor(db: Reader, change: DocumentChange): DocumentRef {
  switch (change.kind) {
    case 'patient':
      return { type: 'EHR-SD-1', recordId: change.id };
    case 'followupVisit': {
      const row = readRow(db, recordDisease, change.id);
      if (!row) throw new DocumentSourceMissing(`no follow-up ${change.id}`);
      return { type: row.disease === 't2dm' ? 'EHR-SD-13' : 'EHR-SD-12', recordId: change.id };
    }
    case 'referral':
      return { type: 'EHR-SD-20', recordId: change.id };
    case 'consult':
      return { type: 'EHR-SD-19', recordId: change.id };
    case 'ecg':
      return { type: 'C0006', recordId: change.id };
  }
}

export function documentTargets(db: Reader): SyncTargetId[] {
  return readRows(db, documentsTargets).map((row) => row.id);
}

/** The outbox row's resource: FHIR ids allow [A-Za-z0-9.-]{1,64}, which the set id (type + UUID) fits. */
export function documentResource(ref: DocumentRef, xml: string, patientId: string, documentId: string): ResourceWithId & Binary {
  return {
    resourceType: 'Binary',
    id: `${ref.type}-${ref.recordId}`.replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 64),
    meta: { tag: [{ system: 'urn:township-workstation:national-document', code: documentId }] },
    contentType: CDA_CONTENT_TYPE,
    securityContext: { reference: `Patient/${patientId}` },
    data: Buffer.from(xml, 'utf8').toString('base64'),
  };
}

export function documentOfResource(resource: ResourceWithId): { xml: string; documentId: string; type: NationalDocumentType } | undefined {
  if (resource.resourceType !== 'Binary') return undefined;
  const binary: Binary = resource;
  if (binary.contentType !== CDA_CONTENT_TYPE || !binary.data) return undefined;
  const documentId = binary.meta?.tag?.find((tag) => tag.system === 'urn:township-workstation:national-document')?.code;
  const type = /^(EHR-SD-\d+|C\d{4})-/.exec(binary.id ?? '')?.[1] as NationalDocumentType | undefined;
  if (!documentId || !type) return undefined;
  return { xml: Buffer.from(binary.data, 'base64').toString('utf8'), documentId, type };
}

/**
 * Builds the document for a changed record and queues it for every documents target. Returns how many rows it
 * queued. A record that makes no document (an ECG not yet assigned to a patient) queues nothing.
 */
export function queueNationalDocument(sqlite: Sqlite, change: DocumentChange, targets: readonly SyncTargetId[] = documentTargets(sqlite)): number {
  if (targets.length === 0) return 0;
  if (!sqlite.inTransaction) throw new Error('queueNationalDocument must run inside the write transaction');
  const ref = documentRefFor(sqlite, change);
  let doc;
  try {
    doc = buildDocument(drizzleOf(sqlite), ref);
  } catch (error) {
    if (error instanceof DocumentSourceMissing && ref.type === 'C0006') return 0;
    throw error;
  }
  const resource = documentResource(ref, writeCda(doc), doc.patient.recordNumber, doc.id);
  new SqlOutboxStore(() => sqlite).enqueue(resource, targets);
  return targets.length;
}
