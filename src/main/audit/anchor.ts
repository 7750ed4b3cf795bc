import type { AuditEvent as FhirAuditEvent } from '@medplum/fhirtypes';
import type { Reader } from '../db/handles';
import type { Sqlite } from '../db/open';
import { SqlOutboxStore } from '../sync/sql-outbox-store';
import { ANCHOR_ACTION, anchorMac, appendAudit, auditChainId, parseAnchor, type AnchorDetails } from './audit-log';
import { auditHead, lastAuditRowOf, syncTargetKind } from './repository';

/**
 * Anchoring the audit chain outside the station (issue 15.4). Whoever holds the station's keys can rewrite its own
 * log, HMAC or not; what they cannot rewrite is a copy of the chain head already held by the county platform. At
 * the end of each push to the county the head is written into the chain as an anchor row and sent there as a FHIR
 * AuditEvent (queued in the same transaction, delivered in that push by the outbox like every record); `audit-verify` then says how far the chain
 * still matches the last anchor, and the county's copies say whether that anchor is genuine.
 */

/** The identifier system of anchors at the platform: one value per station chain and head. */
export const ANCHOR_IDENTIFIER_SYSTEM = 'urn:township-workstation:audit-chain-anchor';
/** DICOM audit event type 110100 Application Activity; subtype ours. */
const EVENT_TYPE = { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110100', display: 'Application Activity' };
const EVENT_SUBTYPE = { system: 'urn:township-workstation:audit', code: 'chain-anchor', display: '审计链锚点' };

/** A new anchor at most this often: each anchor is itself an audit row, and a busy clinic syncs every few seconds. */
export const MIN_ANCHOR_INTERVAL_MS = 60_000;

export interface AnchorRecord extends AnchorDetails {
  /** The anchor row's own id and time. */
  id: number;
  at: string;
}

export function lastAnchor(sqlite: Reader): AnchorRecord | null {
  const row = lastAuditRowOf(sqlite, ANCHOR_ACTION);
  const details = row ? parseAnchor(row.details) : null;
  return row && details ? { ...details, id: row.id, at: row.at } : null;
}

export function anchorToFhir(anchor: AnchorRecord, facilityName: string): FhirAuditEvent & { id: string } {
  return {
    resourceType: 'AuditEvent',
    id: `audit-anchor-${anchor.chainId}-${anchor.through}`,
    type: EVENT_TYPE,
    subtype: [EVENT_SUBTYPE],
    action: 'E',
    recorded: anchor.at,
    outcome: '0',
    agent: [{ requestor: false, who: { display: facilityName || '乡镇卫生院工作站' } }],
    source: { observer: { display: `${facilityName || '乡镇卫生院工作站'} · ${anchor.chainId}` } },
    entity: [
      {
        what: { identifier: { system: ANCHOR_IDENTIFIER_SYSTEM, value: `${anchor.chainId}/${anchor.through}` } },
        detail: [
          { type: 'chainId', valueString: anchor.chainId },
          { type: 'through', valueString: String(anchor.through) },
          { type: 'headHash', valueString: anchor.headHash },
          { type: 'mac', valueString: anchor.mac },
          { type: 'macAlgorithm', valueString: 'HMAC-SHA256' },
        ],
      },
    ],
  };
}

/**
 * Anchors the current head when there is something new to anchor (the last row is not itself an anchor) and the
 * last anchor is old enough. The anchor row and the outbox entry commit together. Returns the anchor, or null.
 */
export function anchorAuditHead(
  sqlite: Sqlite,
  opts: { key: Buffer; at: Date; facilityName: string; target?: 'county'; force?: boolean },
): AnchorRecord | null {
  const target = opts.target ?? 'county';
  // A platform of kind 'documents' takes national CDA documents only; the anchor is a FHIR AuditEvent.
  const kind = syncTargetKind(sqlite, target);
  if (kind === 'documents') return null;
  const tx = sqlite.transaction((): AnchorRecord | null => {
    const head = auditHead(sqlite);
    if (!head || head.action === ANCHOR_ACTION) return null;
    const previous = lastAnchor(sqlite);
    if (!opts.force && previous && opts.at.getTime() - Date.parse(previous.at) < MIN_ANCHOR_INTERVAL_MS) return null;
    const chainId = auditChainId(sqlite, opts.at);
    const details: AnchorDetails = {
      chainId,
      target,
      through: head.id,
      headHash: head.hash,
      mac: anchorMac(opts.key, { chainId, through: head.id, headHash: head.hash }),
    };
    const row = appendAudit(
      sqlite,
      { userId: null, username: null, action: ANCHOR_ACTION, kind: 'admin', outcome: 'ok', details: JSON.stringify(details) },
      opts.at,
      opts.key,
    );
    const anchor: AnchorRecord = { ...details, id: row.id, at: row.at };
    // Queued without nudging the engine: this runs as a push has drained the queue, and that push takes it along.
    new SqlOutboxStore(() => sqlite).enqueue(anchorToFhir(anchor, opts.facilityName), [target]);
    return anchor;
  });
  return tx.immediate();
}
