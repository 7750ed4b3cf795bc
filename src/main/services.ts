import path from 'node:path';
import { appendAudit, searchAudit, verifyAuditChain } from './audit/audit-log';
import { AuthService } from './auth/auth-service';
import { BackupService } from './backup/backup-service';
import type { Clock } from './clock';
import { Store } from './db/store';
import type { OsKeystore } from './db/key-protection';
import { createDispatcher, type Dispatch } from './api/dispatcher';
import { buildImplementation } from './api/implementation';
import { ClinicService } from './clinic/clinic-service';
import { PatientService } from './patients/patient-service';
import { Session } from './session/session';
import { readSettings } from './settings/settings-service';

export interface ServicesOptions {
  dataDir: string;
  migrationsFolder: string;
  clock: Clock;
  keystore?: OsKeystore;
  appVersion: string;
  /** Reports link state for the status bar (the sync engine fills this in later). */
  online?: () => boolean;
}

/**
 * The composition root shared by Electron main, the loopback harness and the CLI: the same store, services and
 * dispatcher everywhere, so what the tests exercise is what the app runs.
 */
export function createServices(opts: ServicesOptions) {
  const store = new Store({ dbFile: path.join(opts.dataDir, 'workstation.db'), migrationsFolder: opts.migrationsFolder, keystore: opts.keystore });
  const session = new Session(() => opts.clock.now().getTime());
  const db = () => store.current.db;
  const sqlite = () => store.current.sqlite;
  const auth = new AuthService(db, session, opts.clock);
  const backup = new BackupService(store, path.join(opts.dataDir, 'backups'), opts.clock);
  const audit = {
    append: (event: Parameters<typeof appendAudit>[1]) => appendAudit(sqlite(), event, opts.clock.now()),
    search: (q: Parameters<typeof searchAudit>[1]) => searchAudit(sqlite(), q),
    verify: () => verifyAuditChain(sqlite()),
  };
  const patients = new PatientService(sqlite, opts.clock, () => readSettings(db()).villages);
  const clinic = new ClinicService(sqlite, opts.clock, session, patients);
  const services = { store, session, auth, backup, audit, patients, clinic, clock: opts.clock, appVersion: opts.appVersion, online: opts.online ?? (() => false) };
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
