import type { SyncFamily } from '../../shared/sync';

/**
 * Every table of the store, and what becomes of its rows on the county network (ARCHITECTURE §10: every
 * clinical table has a sync mapping or a written reason to stay local). `sent`: the families (outbox-writer's
 * ChangeKind, routed by src/shared/sync.ts) whose FHIR resources carry the table's rows. `local`: why not.
 * test/main/sync/coverage.test.ts reads the tables from sqlite_master after all migrations and fails on a table
 * missing here (a new table must say which it is) or an entry naming no table.
 */
export type TableSync = { sent: readonly SyncFamily[] } | { local: string };

export const TABLE_SYNC: Readonly<Record<string, TableSync>> = {
  patients: { sent: ['patient'] },
  visits: { sent: ['visit'] },
  vitals: { sent: ['vitals', 'visit'] },
  ecg_records: { sent: ['ecg'] },
  followup_enrolments: { sent: ['enrolment'] },
  followup_records: { sent: ['followupVisit'] },
  followup_referrals: { sent: ['referral'] },
  followup_referral_checks: { sent: ['referral'] },
  followup_appointments: { sent: ['appointment'] },
  followup_health_checks: { sent: ['healthCheck'] },
  consult_requests: { sent: ['consult'] },
  consult_attachments: { sent: ['consult'] },
  settings: {
    local: "the station's own configuration; the part others need — the institution's name and code — goes as its Organization (family 'institution')",
  },
  followup_day_capacity: { local: "this station's booking capacity per day: a working arrangement, not a record about a patient" },
  queue_entries: { sent: ['queue'] },
  consult_replies: { local: "the county's signed DiagnosticReports as pulled: theirs, never pushed back (issue 10 item 4)" },
  critical_alerts: { local: "this station's acknowledgement state of alerts raised from pulled consult replies; the replies themselves are on the platform" },
  users: { local: "accounts and password hashes of this PC's users; the platform authenticates the station by its certificate, not by our users" },
  audit_log: {
    local:
      "this PC's append-only, HMAC-chained record of who read and wrote what (kept for the station's life); its head goes to the county as an AuditEvent anchor at each sync (issue 15.4), the rows stay here",
  },
  sync_outbox: { local: 'the sync machinery itself: what is queued for which target' },
  sync_known_versions: { local: 'the sync machinery itself: the server version each record was last seen at' },
  sync_conflicts: { local: 'the sync machinery itself: conflicts waiting for a user' },
  sync_cursors: { local: 'the sync machinery itself: pull positions' },
  sync_targets: { local: "the platforms' addresses and this station's certificates and key" },
  followup_due_state: {
    local:
      "derived: each open enrolment's due state, recomputed from the follow-up records in every write transaction (and on pull), so it is rebuilt wherever those records arrive",
  },
  followup_indicator_years: {
    local:
      'derived: per resident, programme and year, the follow-ups the yearly indicators count, recomputed with the due state in every write transaction (and on pull)',
  },
  followup_list_changes: {
    local:
      "derived: which residents' due state or health checks this database wrote last, logged by triggers for the reminder list's in-memory mirror; another station keeps its own",
  },
  sync_pulled_parts: { local: 'the sync machinery itself: pulled records waiting for the record they belong to (a lead before its report)' },
  patient_id_cards: {
    local:
      'the resident ID card as read at the desk (photo, issuing authority, validity): personal data the platform has no use for; the identity it proves goes as the Patient',
  },
  county_record_fetches: { local: "a read-only cache of other institutions' records fetched from the county on demand (调阅县域档案): theirs, never pushed" },
  county_record_items: { local: "a read-only cache of other institutions' records fetched from the county on demand (调阅县域档案): theirs, never pushed" },
};
