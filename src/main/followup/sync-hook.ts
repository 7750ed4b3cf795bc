/**
 * The one place follow-up writes tell sync about a change. Every write use case calls it inside its write
 * transaction, so the outbox row commits (or rolls back) with the change (ARCHITECTURE §7). The mapping of each
 * kind to FHIR resources belongs to the sync feature (src/main/sync); kinds it does not map yet queue nothing.
 */

import type { Sqlite } from '../db/open';
import { recordChange, recordDocumentChange, type ChangeKind } from '../sync/outbox-writer';

export const FOLLOWUP_CHANGE_KINDS = ['followupVisit', 'enrolment', 'referral', 'appointment', 'healthCheck'] as const;
export type FollowupChangeKind = (typeof FOLLOWUP_CHANGE_KINDS)[number];

/** The follow-up kinds the sync feature's recordChange knows today (it grows as sync maps them). */
const KNOWN_TO_SYNC: ReadonlySet<string> = new Set<ChangeKind>(['followupVisit', 'enrolment', 'referral', 'appointment', 'healthCheck']);

function knownToSync(kind: FollowupChangeKind): kind is FollowupChangeKind & ChangeKind {
  return KNOWN_TO_SYNC.has(kind);
}

export function queueFollowupChange(sqlite: Sqlite, kind: FollowupChangeKind, id: string): void {
  if (!sqlite.inTransaction) throw new Error('queueFollowupChange must run inside the write transaction');
  if (knownToSync(kind)) recordChange(sqlite, kind, id);
  // The national documents (EHR-SD-12/13 per visit, EHR-SD-20 per referral) for platforms that take documents.
  if (kind === 'followupVisit' || kind === 'referral') recordDocumentChange(sqlite, { kind, id });
}
