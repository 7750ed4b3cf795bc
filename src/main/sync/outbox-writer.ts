import type { Resource } from '@medplum/fhirtypes';
import type { Visit, VitalsRecord } from '../../shared/api/clinic';
import type { EcgSummary } from '../../shared/api/ecg';
import type { Patient } from '../../shared/api/patients';
import { DEFAULT_SYNC_ROUTING, syncRoutingSchema, type SyncFamily, type SyncRouting, type SyncTargetId } from '../../shared/sync';
import type { Sqlite } from '../db/open';
import * as schema from '../db/schema';
import { columnsExcept, columnsOf, orNull, readQuery, readRow, readRows, selectList, value } from '../db/read-sql';
import { drizzleOf } from './drizzle-of';
import { prepared } from './pulled/store';
import { eq, ne, sql } from 'drizzle-orm';
import * as followupRepo from '../followup/repository';
import { organizationResource, stationInstitution, type StationInstitution } from './institution';
import { appointmentToFhir } from './mapping/appointment';
import { ecgToFhir } from './mapping/ecg';
import { enrolmentToFhir } from './mapping/enrolment';
import { followupVisitToFhir } from './mapping/followup-visit';
import { healthCheckToFhir } from './mapping/health-check';
import { referralToFhir } from './mapping/referral';
import { patientToFhir } from './mapping/patient';
import { queueEntryToFhir, visitToFhir, type QueueEntryForFhir } from './mapping/visit';
import { vitalsToObservations } from './mapping/vitals';
import { queueNationalDocument, type DocumentChange } from '../interop/document-queue';
import type { ResourceWithId } from './outbox';
import { prepareOutboxEntry, SqlOutboxStore, type PreparedOutboxEntry } from './sql-outbox-store';

/**
 * The domain side of the transactional outbox: services call recordChange INSIDE their write transaction, so the
 * FHIR copy of the record is queued exactly when the record commits. It reads the record as just written, maps
 * it (mapping/*.ts) and queues each resource for the targets that take it.
 *
 * Only targets configured in 设置/同步 (rows of sync_targets, enabled or paused) get entries: a station that
 * never syncs keeps no queue.
 */

export type ChangeKind =
  /** Registration, edit or merge. */
  | 'patient'
  /** A vitals session; one taken inside an open visit goes with the visit when it is signed. */
  | 'vitals'
  /** A signed (closed) or corrected visit version: Encounter + ICD-10 Conditions + the visit's vitals. */
  | 'visit'
  /** An ECG stored for (or assigned to) a patient: DiagnosticReport + one Observation per lead. */
  | 'ecg'
  /** A new or changed interpretation: the DiagnosticReport only (the waveform did not change). */
  | 'ecgReport'
  /** The station's Organization (id = the institution code): when the code or name is set or changed. */
  | 'institution'
  /** A follow-up (随访服务记录表): Encounter + QuestionnaireResponse of the whole form + LOINC Observations. */
  | 'followupVisit'
  /** An enrolment in a programme, or its end: EpisodeOfCare + problem-list Condition. */
  | 'enrolment'
  /** A referral out with its 2-week checks and return: ServiceRequest + Task. */
  | 'referral'
  /** A follow-up booking (booked, moved, done, cancelled): Appointment. */
  | 'appointment'
  /** An annual / elderly health check: Encounter (+ self-care score Observation). */
  | 'healthCheck'
  /** A check-in or its change (status, priority, clinician): the day's queue the center's stations share. */
  | 'queue';

const FAMILY_OF: Record<ChangeKind, SyncFamily> = {
  patient: 'patient',
  vitals: 'vitals',
  visit: 'visit',
  ecg: 'ecg',
  ecgReport: 'ecg',
  institution: 'institution',
  followupVisit: 'followupVisit',
  enrolment: 'enrolment',
  referral: 'referral',
  appointment: 'appointment',
  healthCheck: 'healthCheck',
  queue: 'queue',
};

/** Where the routing configuration is kept (settings feature key); absent: DEFAULT_SYNC_ROUTING. */
export const ROUTING_SETTING = 'sync.routing';

/** Which families go to which target: the configured routing, or the default (src/shared/sync.ts). */
export function syncRouting(sqlite: Sqlite): SyncRouting {
  const row = drizzleOf(sqlite).select({ value: schema.settings.value }).from(schema.settings).where(eq(schema.settings.key, ROUTING_SETTING)).get();
  if (!row) return DEFAULT_SYNC_ROUTING;
  const parsed = syncRoutingSchema.safeParse(JSON.parse(row.value));
  return parsed.success ? parsed.data : DEFAULT_SYNC_ROUTING;
}

function targetsFor(sqlite: Sqlite, family: SyncFamily): SyncTargetId[] {
  const routing = syncRouting(sqlite);
  return (Object.keys(routing) as SyncTargetId[]).filter((target) => routing[target].includes(family));
}

/** The follow-up repository takes a drizzle Db over the connection the transaction is running on. */
const dbOf = drizzleOf;

/**
 * Resource types the provincial public-health platform takes from the station (基本公共卫生 reporting):
 * demographics, chronic-disease enrolment Conditions, follow-up Observations/Encounters and care plans.
 * Clinic Observations and visit Encounters are not in it: recordChange routes them to the county only.
 */
export const PROVINCIAL_TYPES: ReadonlySet<string> = new Set(['Patient', 'Condition', 'Observation', 'Encounter', 'CarePlan']);

type Listener = () => void;
const enqueueListeners = new WeakMap<Sqlite, Set<Listener>>();

/** Called after each enqueue (in a microtask, so after the surrounding transaction has committed). */
export function onEnqueued(sqlite: Sqlite, listener: Listener): () => void {
  let listeners = enqueueListeners.get(sqlite);
  if (!listeners) {
    listeners = new Set();
    enqueueListeners.set(sqlite, listeners);
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function announce(sqlite: Sqlite): void {
  const listeners = enqueueListeners.get(sqlite);
  if (!listeners || listeners.size === 0) return;
  queueMicrotask(() => {
    for (const listener of listeners) listener();
  });
}

/** Targets that take FHIR resources; a target of kind 'documents' takes national documents instead (recordDocumentChange). */
export function configuredTargets(sqlite: Sqlite): Set<SyncTargetId> {
  const rows = drizzleOf(sqlite).select({ id: schema.syncTargets.id }).from(schema.syncTargets).where(ne(schema.syncTargets.kind, 'documents')).all();
  return new Set(rows.map((row) => row.id));
}

/**
 * For the follow-up and consult features: queue their own FHIR resources (with client-assigned ids) for the
 * named target. Call it inside the write transaction. A target not configured on this station is skipped; the
 * provincial target only takes PROVINCIAL_TYPES. Returns how many entries were queued.
 */
export function enqueueResources(sqlite: Sqlite, resources: readonly { target: SyncTargetId; resource: ResourceWithId }[]): number {
  const configured = configuredTargets(sqlite);
  if (configured.size === 0) return 0;
  const store = new SqlOutboxStore(() => sqlite);
  let queued = 0;
  for (const { target, resource } of resources) {
    if (!configured.has(target)) continue;
    if (target === 'provincial' && !PROVINCIAL_TYPES.has(resource.resourceType)) continue;
    // The store stamps the institution (tag and standard element) on the way in and again on the way out.
    store.enqueue(resource, [target]);
    queued++;
  }
  if (queued > 0) announce(sqlite);
  return queued;
}

/** Maps the record as it now is and queues it. Throws (rolling the caller's transaction back) if it is missing. */
export function recordChange(sqlite: Sqlite, kind: ChangeKind, id: string): number {
  const configured = configuredTargets(sqlite);
  const targets = targetsFor(sqlite, FAMILY_OF[kind]).filter((target) => configured.has(target));
  let queued = 0;
  if (targets.length > 0) {
    const store = new SqlOutboxStore(() => sqlite);
    const resources = mapChange(sqlite, kind, id);
    for (const resource of resources) store.enqueue(resource, targets);
    queued = resources.length * targets.length;
    if (queued > 0) announce(sqlite);
  }
  // Targets that take national documents get the record's document instead (WS/T 483 / WS/T 500).
  if (kind === 'patient') return queued + recordDocumentChange(sqlite, { kind: 'patient', id });
  if (kind === 'ecg' || kind === 'ecgReport') return queued + recordDocumentChange(sqlite, { kind: 'ecg', id });
  return queued;
}

/**
 * Queues the national document of a changed record for the targets configured as "national documents" (WS/T 483 /
 * WS/T 500), in the caller's write transaction. Every documents target takes every document type. Returns how many
 * rows it queued.
 */
export function recordDocumentChange(sqlite: Sqlite, change: DocumentChange): number {
  const queued = queueNationalDocument(sqlite, change);
  if (queued > 0) announce(sqlite);
  return queued;
}

/**
 * For back-fill: queues the record for one target unless the newest entry already queued for it holds exactly
 * this content (so back-filling twice queues nothing new). Returns how many entries were queued.
 */
export function queueIfChanged(sqlite: Sqlite, target: SyncTargetId, kind: ChangeKind, id: string, settings: QueueSettings = queueSettings(sqlite)): number {
  if (!settings.routing[target].includes(FAMILY_OF[kind])) return 0;
  const store = new SqlOutboxStore(() => sqlite);
  let queued = 0;
  for (const resource of mapChange(sqlite, kind, id)) {
    if (store.latestQueued(target, resource, settings.institution) === 'same') continue;
    store.enqueue(resource, [target], settings.institution);
    queued++;
  }
  return queued;
}

/**
 * The back-fill's half of queueIfChanged that needs no write: the record's resources for `target` (when its routing
 * takes the family), stamped and validated, leaving out those whose newest queued entry is already the same. The
 * writer checks again against the outbox when it stores them (something may have been queued in between).
 */
export function prepareBackfillEntries(sqlite: Sqlite, target: SyncTargetId, kind: ChangeKind, id: string, settings: QueueSettings): PreparedOutboxEntry[] {
  if (!settings.routing[target].includes(FAMILY_OF[kind])) return [];
  const store = new SqlOutboxStore(() => sqlite);
  return mapChange(sqlite, kind, id)
    .map((resource) => prepareOutboxEntry(resource, settings.institution))
    .filter((entry) => !store.latestQueuedIs(target, entry));
}

/** What queueing reads from settings, read once per slice of a back-fill rather than once per record. */
export interface QueueSettings {
  routing: SyncRouting;
  institution: StationInstitution | null;
}

export function queueSettings(sqlite: Sqlite): QueueSettings {
  return { routing: syncRouting(sqlite), institution: stationInstitution(sqlite) };
}

/**
 * A duplicate resolution re-pointed rows to `patientId`: every record of the patient whose content changed
 * (its subject now names the kept record) is queued again for every configured target, in the merge's
 * transaction. Records that were already the kept patient's are unchanged and skipped.
 */
const idsOf = (source: string) => readQuery(source, { id: value.text });
const RECORDS_OF_PATIENT: [ChangeKind, ReturnType<typeof idsOf>][] = [
  ['enrolment', idsOf('SELECT id FROM followup_enrolments WHERE patient_id = ?')],
  ['followupVisit', idsOf('SELECT id FROM followup_records WHERE patient_id = ?')],
  ['referral', idsOf('SELECT id FROM followup_referrals WHERE patient_id = ?')],
  ['appointment', idsOf('SELECT id FROM followup_appointments WHERE patient_id = ?')],
  ['healthCheck', idsOf('SELECT id FROM followup_health_checks WHERE patient_id = ?')],
  ['visit', idsOf(`SELECT id FROM visits WHERE patient_id = ? AND status = 'closed'`)],
  ['vitals', idsOf('SELECT id FROM vitals WHERE patient_id = ? AND visit_id IS NULL')],
  ['ecg', idsOf('SELECT id FROM ecg_records WHERE patient_id = ?')],
];

export function queuePatientRecords(sqlite: Sqlite, patientId: string): number {
  const work: [ChangeKind, string[]][] = RECORDS_OF_PATIENT.map(([kind, query]) => [kind, readRows(sqlite, query, patientId).map((row) => row.id)]);
  let queued = 0;
  const settings = queueSettings(sqlite);
  for (const target of configuredTargets(sqlite)) {
    for (const [kind, list] of work) for (const id of list) queued += queueIfChanged(sqlite, target, kind, id, settings);
  }
  if (queued > 0) announce(sqlite);
  return queued;
}

/** The FHIR resources of one change, unrouted. */
function mapChange(sqlite: Sqlite, kind: ChangeKind, id: string): ResourceWithId[] {
  switch (kind) {
    case 'patient':
      return [patientToFhir(readPatient(sqlite, id))];
    case 'institution': {
      const institution = stationInstitution(sqlite);
      return institution ? [organizationResource(institution)] : [];
    }
    case 'followupVisit': {
      const row = followupRepo.recordById(dbOf(sqlite), id);
      if (!row) throw new Error(`recordChange: no follow-up ${id}`);
      return followupVisitToFhir(row);
    }
    case 'enrolment': {
      const row = followupRepo.enrolmentById(dbOf(sqlite), id);
      if (!row) throw new Error(`recordChange: no enrolment ${id}`);
      return enrolmentToFhir(row);
    }
    case 'referral': {
      const db = dbOf(sqlite);
      const row = followupRepo.referralById(db, id);
      if (!row) throw new Error(`recordChange: no referral ${id}`);
      return referralToFhir(row, followupRepo.checksOfReferral(db, id));
    }
    case 'appointment': {
      const row = followupRepo.appointmentById(dbOf(sqlite), id);
      if (!row) throw new Error(`recordChange: no appointment ${id}`);
      return [appointmentToFhir(row)];
    }
    case 'healthCheck': {
      const row = followupRepo.healthCheckById(dbOf(sqlite), id);
      if (!row) throw new Error(`recordChange: no health check ${id}`);
      return healthCheckToFhir(row);
    }
    case 'vitals': {
      const vitals = readVitals(sqlite, 'id', id)[0];
      if (!vitals) throw new Error(`recordChange: no vitals ${id}`);
      if (vitals.visitId && visitIsOpen(sqlite, vitals.visitId)) return [];
      return vitalsToObservations(vitals);
    }
    case 'visit': {
      const visit = readVisit(sqlite, id);
      if (visit.status === 'open') return [];
      const previous = visit.supersedes ? readVisit(sqlite, visit.supersedes).diagnoses : [];
      const versionIds = dbOf(sqlite)
        .select({ id: schema.visits.id })
        .from(schema.visits)
        .where(eq(schema.visits.recordId, visit.recordId))
        .all()
        .map((row) => row.id);
      const vitals = versionIds.flatMap((versionId) => readVitals(sqlite, 'visitId', versionId));
      return [...visitToFhir(visit, previous), ...vitals.flatMap((record) => vitalsToObservations(record))];
    }
    case 'queue':
      return [queueEntryToFhir(readQueueEntry(sqlite, id))];
    case 'ecg':
    case 'ecgReport': {
      const ecg = readEcg(sqlite, id);
      if (ecg.summary.patientId === null) return [];
      const [report, ...leads] = ecgToFhir({ ...ecg.summary, patientId: ecg.summary.patientId }, kind === 'ecg' ? ecg.leads() : []);
      if (kind === 'ecgReport') {
        // Keep the result references to the lead Observations already queued with the recording.
        report.result = ecgToFhir({ ...ecg.summary, patientId: ecg.summary.patientId }, ecg.leadStubs())[0].result;
      }
      return [report, ...leads];
    }
  }
}

// ---- reads of the record as the transaction sees it ------------------------------------------------------

const p = schema.patients;
/** The contract's Patient, column for column: every column but the search keys and the pulled-duplicate mark (local). */
const PATIENT_COLUMNS = columnsExcept(p, 'givenName', 'pinyinFull', 'pinyinInitials', 'pinyinAltFull', 'pinyinAltInitials', 'idSuffix', 'duplicateOf');

/** The patient as the transaction sees it, or undefined when there is none. */
export function readPatientIfAny(sqlite: Sqlite, id: string): Patient | undefined {
  const db = dbOf(sqlite);
  // Prepared once per connection: the back-fill and a first pull read every patient of the center through here.
  const statement = prepared(db, 'outbox.readPatient', () =>
    db
      .select(PATIENT_COLUMNS)
      .from(p)
      .where(eq(p.id, sql.placeholder('id')))
      .prepare(),
  );
  return statement.get({ id });
}

export function readPatient(sqlite: Sqlite, id: string): Patient {
  const row = readPatientIfAny(sqlite, id);
  if (!row) throw new Error(`recordChange: no patient ${id}`);
  return row;
}

const VITALS_SHAPE = columnsOf(schema.vitals, 'id', 'patientId', 'visitId', 'source', 'measuredAt', 'input', 'derived', 'flags', 'recordedBy');
const VITALS_BY = {
  id: readQuery(`SELECT ${selectList(VITALS_SHAPE)} FROM vitals WHERE id = ? ORDER BY measured_at`, VITALS_SHAPE),
  visitId: readQuery(`SELECT ${selectList(VITALS_SHAPE)} FROM vitals WHERE visit_id = ? ORDER BY measured_at`, VITALS_SHAPE),
};

function readVitals(sqlite: Sqlite, by: keyof typeof VITALS_BY, id: string): VitalsRecord[] {
  return readRows(sqlite, VITALS_BY[by], id).map((row) => ({
    ...row,
    input: JSON.parse(row.input) as VitalsRecord['input'],
    derived: JSON.parse(row.derived) as VitalsRecord['derived'],
    flags: JSON.parse(row.flags) as VitalsRecord['flags'],
  }));
}

const q = schema.queueEntries;
const QUEUE_ENTRY_SHAPE = {
  id: q.id,
  patientId: q.patientId,
  clinicDate: q.clinicDate,
  status: q.status,
  priority: q.priority,
  clinicianName: orNull(schema.users.displayName),
  checkedInAt: q.checkedInAt,
  startedAt: q.startedAt,
  finishedAt: q.finishedAt,
};
const queueEntryById = readQuery(
  `SELECT q.id, q.patient_id AS patientId, q.clinic_date AS clinicDate, q.status, q.priority, u.display_name AS clinicianName,
    q.checked_in_at AS checkedInAt, q.started_at AS startedAt, q.finished_at AS finishedAt
   FROM queue_entries q LEFT JOIN users u ON u.id = q.clinician_id WHERE q.id = ?`,
  QUEUE_ENTRY_SHAPE,
);

function readQueueEntry(sqlite: Sqlite, id: string): QueueEntryForFhir {
  const row = readRow(sqlite, queueEntryById, id);
  if (!row) throw new Error(`recordChange: no queue entry ${id}`);
  return row;
}

function visitIsOpen(sqlite: Sqlite, visitId: string): boolean {
  const row = dbOf(sqlite).select({ status: schema.visits.status }).from(schema.visits).where(eq(schema.visits.id, visitId)).get();
  return row?.status === 'open';
}

const VISIT_SHAPE = columnsExcept(schema.visits, 'clinicianId', 'updatedAt');
const visitById = readQuery(`SELECT ${selectList(VISIT_SHAPE)} FROM visits WHERE id = ?`, VISIT_SHAPE);

function readVisit(sqlite: Sqlite, id: string): Visit {
  const row = readRow(sqlite, visitById, id);
  if (!row) throw new Error(`recordChange: no visit ${id}`);
  return { ...row, diagnoses: JSON.parse(row.diagnoses) as Visit['diagnoses'] };
}

const ECG_SHAPE = columnsOf(
  schema.ecgRecords,
  'id',
  'patientId',
  'recordedAt',
  'source',
  'sourceName',
  'format',
  'sampleRateHz',
  'sampleCount',
  'leadNames',
  'annotationCount',
  'measurements',
  'interpretation',
  'interpretedBy',
  'signedAt',
  'samples',
);
const ecgById = readQuery(`SELECT ${selectList(ECG_SHAPE)} FROM ecg_records WHERE id = ?`, ECG_SHAPE);

function readEcg(sqlite: Sqlite, id: string) {
  const row = readRow(sqlite, ecgById, id);
  if (!row) throw new Error(`recordChange: no ECG ${id}`);
  const { samples, ...rest } = row;
  const leadNames = JSON.parse(rest.leadNames) as string[];
  const summary: EcgSummary = {
    ...rest,
    leadNames,
    measurements: JSON.parse(rest.measurements) as EcgSummary['measurements'],
    durationS: rest.sampleCount / rest.sampleRateHz,
  };
  const n = rest.sampleCount;
  return {
    summary,
    leads: () => {
      // Copy out of the row's buffer: a Float32Array view needs 4-byte alignment the Buffer may not have.
      const all = new Float32Array(samples.byteLength / 4);
      all.set(new Float32Array(samples.buffer.slice(samples.byteOffset, samples.byteOffset + samples.byteLength)));
      return leadNames.map((name, index) => ({ name, microvolts: all.subarray(index * n, (index + 1) * n) }));
    },
    leadStubs: () => leadNames.map((name) => ({ name, microvolts: new Float32Array(0) })),
  };
}

/** For tests and tools: every FHIR resource a change would queue, without queueing it. */
export function previewChange(sqlite: Sqlite, kind: ChangeKind, id: string): { resource: Resource; targets: readonly SyncTargetId[] }[] {
  const targets = targetsFor(sqlite, FAMILY_OF[kind]);
  return mapChange(sqlite, kind, id).map((resource) => ({ resource, targets }));
}
