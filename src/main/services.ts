import path from 'node:path';
import { anchorAuditHead } from './audit/anchor';
import { appendAudit, searchAudit, verifyAuditChain } from './audit/audit-log';
import { AuthService } from './auth/auth-service';
import { BackupService } from './backup/backup-service';
import type { Clock } from './clock';
import { Store } from './db/store';
import type { OsKeystore } from './db/key-protection';
import { createDispatcher, type Dispatch } from './api/dispatcher';
import { buildImplementation } from './api/implementation';
import { ClinicService } from './clinic/clinic-service';
import { EcgService } from './ecg/ecg-service';
import type { EcgDeviceDriver } from './ecg/devices/driver';
import { SimulatorDriver } from './ecg/devices/simulator-driver';
import { EventHub } from './events/event-hub';
import { ReminderWorkerClient } from './followup/reminder-worker-client';
import { FollowupService } from './followup/followup-service';
import { onPatientsMerged } from './followup/indicator-years';
import { IdCardService } from './idcard/idcard-service';
import { nodeForkLauncher, type ReaderProcessLauncher } from './idcard/launcher';
import { PatientService } from './patients/patient-service';
import { Session } from './session/session';
import { readSettings } from './settings/settings-service';
import { enqueueResources, queuePatientRecords, recordChange } from './sync/outbox-writer';
import { applyPulledFollowup, applyPulledPatientMarks, applyPulledReferralTask, FOLLOWUP_PULLED_TYPES, referralTaskScope } from './followup/sync-apply';
import { stationInstitution } from './sync/institution';
import { SyncService, type SyncServiceOptions } from './sync/sync-service';
import { ConsultService } from './consult/consult-service';
import { CountyRecordService } from './county-record/county-record-service';
import { watchConsultReplies, type Scheduler } from './consult/reply-watch';
import { createFhirHttpClient } from './sync/http';
import type { RenderPdf } from './pdf/render-pdf';
import { FileHandleStore, NO_FILE_DIALOGS, type FileDialogs } from './files/file-handles';
import { consultReplyScope, consultTaskScope } from './consult/consult-pull';

export interface ServicesOptions {
  dataDir: string;
  /** The database file; `<dataDir>/workstation.db` when absent (the command line names its own). */
  dbFile?: string;
  migrationsFolder: string;
  clock: Clock;
  keystore?: OsKeystore;
  appVersion: string;
  /** Reports link state for the status bar (the sync engine fills this in later). */
  online?: () => boolean;
  /** ECG acquisition devices; by default the demo simulator (a synthetic 12-lead ECG in real time). */
  ecgDevices?: EcgDeviceDriver[];
  /** Route → PDF (Electron printToPDF in the app, Chromium in the harness); consults attach the ECG report with it. */
  renderPdf?: RenderPdf;
  /** Timer for the consult-reply poll (tests drive it by hand). */
  consultPollScheduler?: Scheduler;
  /** Main's open dialog (Electron); elsewhere none, and the harness's transport uploads the chosen file instead. */
  fileDialogs?: FileDialogs;
  /** Sync engine overrides (tests: short backoff, no watch timer). */
  sync?: Pick<SyncServiceOptions, 'backoff' | 'watchIntervalMs' | 'targetOverrides' | 'http'>;
  /**
   * Starts the process that loads the ID-card reader's vendor library (Electron: utilityProcess; harness and tests:
   * a Node fork of the TypeScript worker through tsx).
   */
  idcardLauncher?: ReaderProcessLauncher;
}

/** The reader worker run from source (harness, tests, CLI). */
export function sourceIdCardLauncher(): ReaderProcessLauncher {
  return nodeForkLauncher(path.join(__dirname, 'idcard', 'sdt-worker.ts'), ['--import', 'tsx']);
}

/**
 * The composition root shared by Electron main, the loopback harness and the CLI: the same store, services and
 * dispatcher everywhere, so what the tests exercise is what the app runs.
 */
export function createServices(opts: ServicesOptions) {
  const store = new Store({
    dbFile: opts.dbFile ?? path.join(opts.dataDir, 'workstation.db'),
    migrationsFolder: opts.migrationsFolder,
    keystore: opts.keystore,
  });
  const session = new Session(() => opts.clock.now().getTime());
  const db = () => store.current.db;
  const sqlite = () => store.current.sqlite;
  const auth = new AuthService(db, session, opts.clock);
  // The restore is written into the restored database's own chain, naming the backup and where the replaced one went.
  const backup = new BackupService(store, path.join(opts.dataDir, 'backups'), opts.clock, (restored, info) =>
    appendAudit(
      restored,
      { userId: null, username: null, action: 'backup.restored', kind: 'admin', outcome: 'ok', details: JSON.stringify(info) },
      opts.clock.now(),
      store.auditKey,
    ),
  );
  const audit = {
    append: (event: Parameters<typeof appendAudit>[1]) => void appendAudit(sqlite(), event, opts.clock.now(), store.auditKey),
    search: (q: Parameters<typeof searchAudit>[1]) => searchAudit(sqlite(), q),
    verify: () => verifyAuditChain(sqlite(), store.auditKey),
  };
  const patients = new PatientService(
    sqlite,
    opts.clock,
    () => readSettings(db()).villages,
    (patientId) => recordChange(sqlite(), 'patient', patientId),
    (keepId, mergeId) => {
      queuePatientRecords(sqlite(), keepId);
      // The kept indicator facts are per resident: the merge moved follow-ups and enrolments, so recompute both.
      onPatientsMerged(sqlite(), followup.rules, keepId, mergeId);
    },
  );
  const clinic = new ClinicService(sqlite, opts.clock, session, patients, db);
  const events = new EventHub();
  const devices = new Map((opts.ecgDevices ?? [new SimulatorDriver({ id: 'demo', label: 'Demo 12-lead (synthetic)' })]).map((d) => [d.id, d]));
  const ecg = new EcgService(sqlite, opts.clock, session, patients, events, devices);
  const followup = new FollowupService({ db, clock: opts.clock, patients, audit: (e) => audit.append(e), reminders: new ReminderWorkerClient(store) });
  const consult = new ConsultService({
    sqlite,
    clock: opts.clock,
    session,
    patients,
    clinic,
    ecg,
    enqueue: enqueueResources,
    audit: (e) => audit.append(e),
    ...(opts.renderPdf ? { renderPdf: opts.renderPdf } : {}),
  });
  const sync = new SyncService({
    sqlite,
    db,
    storeOpen: () => store.isOpen,
    events,
    // The back-fill runs in a worker thread on its own connection to the same file.
    backfillWorker: () => ({ dbFile: store.dbFile, key: new Uint8Array(store.current.key) }),
    // Each push to the county ends by anchoring the audit chain head there (issue 15.4), sent in that same sync.
    onDrained: (target) => {
      if (target === 'county') anchorAuditHead(sqlite(), { key: store.auditKey, at: opts.clock.now(), facilityName: readSettings(db()).facilityName });
    },
    ...opts.sync,
  });
  // The consult asks only for its own Task and reply records (named scopes), never the county's.
  sync.onPulled('Task', (_db, resource) => void consult.applyPulled(resource), { name: 'consult-tasks', params: consultTaskScope });
  sync.onPulled('DiagnosticReport', (_db, resource) => void consult.applyPulled(resource), { name: 'consult-replies', params: consultReplyScope });
  for (const type of FOLLOWUP_PULLED_TYPES)
    sync.onPulled(type, (pulledInto, resource) => void applyPulledFollowup(pulledInto, resource, opts.clock.now().toISOString()));
  sync.onPulled('Patient', (pulledInto, resource) => applyPulledPatientMarks(pulledInto, resource, opts.clock.now().toISOString()));
  // The county's answers to open referrals (accepted / rejected / completed with the return): only those Tasks.
  sync.onPulled('Task', (pulledInto, resource) => void applyPulledReferralTask(pulledInto, resource, opts.clock.now().toISOString()), {
    name: 'referral-tasks',
    params: referralTaskScope,
  });
  // A reply to an open consult (a critical read above all) comes in seconds while the link is up.
  const stopConsultWatch = watchConsultReplies({
    awaiting: () => store.isOpen && consult.awaitingReply(),
    poll: () => sync.pollSoon('county'),
    ...(opts.consultPollScheduler ? { scheduler: opts.consultPollScheduler } : {}),
  });
  const countyRecord = new CountyRecordService({
    db,
    clock: opts.clock,
    patients,
    countyTarget: () => sync.targetConfig('county'),
    http: opts.sync?.http ?? createFhirHttpClient(),
    institutionCode: () => stationInstitution(sqlite())?.code ?? null,
  });
  const idcard = new IdCardService({
    db,
    clock: opts.clock,
    launcher: opts.idcardLauncher ?? sourceIdCardLauncher(),
    onPatientChanged: (patientId) => recordChange(sqlite(), 'patient', patientId),
  });
  const files = new FileHandleStore(path.join(opts.dataDir, 'uploads'), () => opts.clock.now().getTime());
  const fileDialogs = opts.fileDialogs ?? NO_FILE_DIALOGS;
  const services = {
    store,
    session,
    auth,
    backup,
    audit,
    patients,
    clinic,
    ecg,
    files,
    fileDialogs,
    followup,
    consult,
    countyRecord,
    stopConsultWatch,
    sync,
    idcard,
    events,
    clock: opts.clock,
    appVersion: opts.appVersion,
    online: opts.online ?? (() => false),
  };
  const implementation = buildImplementation(services);
  const dispatch: Dispatch = createDispatcher({
    implementation,
    session,
    idleLockMinutes: () => (store.isOpen ? readSettings(db()).security.idleLockMinutes : 10),
    audit: (e) => audit.append(e),
    storeOpen: () => store.isOpen,
  });
  return { ...services, dispatch };
}

export type Services = ReturnType<typeof createServices>;
export type CoreServices = Omit<Services, 'dispatch'>;
