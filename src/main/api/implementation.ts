import { ApiError } from '../../shared/api/errors';
import type { AuthService } from '../auth/auth-service';
import type { BackupService } from '../backup/backup-service';
import type { AuditQuery } from '../audit/audit-log';
import type { Clock } from '../clock';
import type { Store } from '../db/store';
import type { ClinicService } from '../clinic/clinic-service';
import type { EcgService } from '../ecg/ecg-service';
import type { FollowupService } from '../followup/followup-service';
import type { ConsultService } from '../consult/consult-service';
import type { PatientService } from '../patients/patient-service';
import type { SyncService } from '../sync/sync-service';
import type { Session } from '../session/session';
import { readSettings, writeSettings } from '../settings/settings-service';
import type { AuditEntry, AuditVerifyResult } from '../../shared/api/system';
import type { Implementation } from './dispatcher';

export interface ImplementationDeps {
  store: Store;
  session: Session;
  auth: AuthService;
  backup: BackupService;
  patients: PatientService;
  clinic: ClinicService;
  ecg: EcgService;
  followup: FollowupService;
  sync: SyncService;
  consult: ConsultService;
  audit: { search(q: AuditQuery): AuditEntry[]; verify(): AuditVerifyResult };
  clock: Clock;
  appVersion: string;
  online(): boolean;
}

/** Binds every contract method to its service. Adding a method to the contract without a binding fails tsc. */
export function buildImplementation(s: ImplementationDeps): Implementation {
  const db = () => s.store.current.db;
  const storeStatus = () => ({ state: s.store.state(), keyProtection: s.store.keyProtection });
  return {
    system: {
      status: () => ({
        online: s.online(),
        sync: s.sync.systemStatus(),
        appVersion: s.appVersion,
        schemaVersion: s.store.isOpen ? s.store.current.schemaVersion : 0,
      }),
    },
    store: {
      status: storeStatus,
      unlock: async ({ passphrase }) => {
        await s.store.openWithPassphrase(passphrase);
        return storeStatus();
      },
    },
    auth: {
      status: () => s.auth.status(s.store.isOpen),
      setupAdmin: (input) => s.auth.setupAdmin(input),
      signIn: ({ username, password }) => s.auth.signIn(username, password),
      signOut: () => {
        s.session.signOut();
        return {};
      },
      unlock: ({ password }) => s.auth.unlock(password),
      heartbeat: () => {
        const locked = s.store.isOpen && s.session.isLocked(readSettings(db()).security.idleLockMinutes);
        if (!locked) s.session.touch();
        return { locked };
      },
      changePassword: async ({ currentPassword, newPassword }) => {
        await s.auth.changePassword(currentPassword, newPassword);
        return {};
      },
    },
    users: {
      list: () => s.auth.listUsers(),
      create: (input) => s.auth.createUser(input),
      update: (input) => s.auth.updateUser(input),
    },
    settings: {
      get: () => readSettings(db()),
      update: (patch) => writeSettings(db(), patch, s.clock),
      setLocale: ({ locale }) => {
        if (!s.store.isOpen) throw new ApiError('DB_LOCKED', 'the database is not open yet');
        return writeSettings(db(), { locale }, s.clock);
      },
    },
    audit: {
      search: (q) => s.audit.search(q),
      verify: () => s.audit.verify(),
    },
    backup: {
      create: ({ passphrase }) => s.backup.create(passphrase),
      list: () => s.backup.list(),
      restore: ({ path, passphrase }) => s.backup.restore(path, passphrase),
    },
    patients: {
      search: ({ query, limit }) => s.patients.search(query, limit),
      get: ({ patientId }) => s.patients.get(patientId),
      register: (input) => s.patients.register(input),
      update: (input) => s.patients.update(input),
      merge: ({ patientId, mergeId }) => s.patients.merge(patientId, mergeId),
      villages: () => readSettings(db()).villages,
    },
    clinic: {
      queue: (q) => s.clinic.queue(q),
      checkIn: (input) => s.clinic.checkIn(input),
      setStatus: ({ entryId, status }) => s.clinic.setStatus(entryId, status),
      setPriority: ({ entryId, priority }) => s.clinic.setPriority(entryId, priority),
      clinicians: () => s.clinic.clinicians(),
    },
    vitals: {
      record: ({ patientId, visitId, input }) => s.clinic.recordVitals(patientId, visitId, input),
      list: ({ patientId, limit }) => s.clinic.listVitals(patientId, limit),
    },
    visits: {
      open: ({ patientId, queueEntryId }) => s.clinic.openVisit(patientId, queueEntryId),
      save: ({ patientId, visitId, ...fields }) => s.clinic.saveVisit(patientId, visitId, fields),
      close: ({ patientId, visitId }) => s.clinic.closeVisit(patientId, visitId),
      correct: ({ patientId, visitId, reason, ...fields }) => s.clinic.correctVisit(patientId, visitId, fields, reason),
      list: ({ patientId, includeSuperseded }) => s.clinic.listVisits(patientId, includeSuperseded),
      get: ({ patientId, visitId }) => s.clinic.getVisit(patientId, visitId),
    },
    ecg: {
      devices: () => s.ecg.deviceList(),
      startLive: ({ deviceId }) => s.ecg.startLive(deviceId),
      stopLive: ({ deviceId }) => s.ecg.stopLive(deviceId),
      capture: ({ patientId, deviceId, seconds }) => s.ecg.capture(patientId, deviceId, seconds),
      importFile: ({ patientId, path }) => s.ecg.importFile(patientId, path),
      list: ({ patientId }) => s.ecg.list(patientId),
      unassigned: () => s.ecg.unassigned(),
      assign: ({ patientId, ecgId }) => s.ecg.assign(patientId, ecgId),
      get: ({ patientId, ecgId, fromSample, count }) => s.ecg.get(patientId, ecgId, fromSample, count),
      interpret: ({ patientId, ecgId, interpretation }) => s.ecg.interpret(patientId, ecgId, interpretation),
      exportAecg: ({ patientId, ecgId }) => s.ecg.exportAecg(patientId, ecgId),
    },
    followup: {
      enrolments: ({ patientId }) => s.followup.enrolments(patientId),
      enrol: (input) => s.followup.enrol(input),
      endEnrolment: ({ patientId, enrolmentId, endedOn, reason, note }) => s.followup.endEnrolment(patientId, enrolmentId, endedOn, reason, note),
      evaluate: ({ patientId, disease, form }) => s.followup.evaluate(patientId, disease, form),
      save: (input) => s.followup.save(input),
      phoneContact: (input) => s.followup.phoneContact(input),
      history: ({ patientId }) => s.followup.history(patientId),
      recordHealthCheck: ({ patientId, date, selfCareScore, note }) => s.followup.recordHealthCheck(patientId, date, selfCareScore, note),
      reminders: ({ limit, offset, ...filter }) => s.followup.reminders(filter, limit, offset),
      callListCsv: ({ locale, ...filter }) => s.followup.callListCsv(filter, locale),
      familyDoctors: () => s.followup.familyDoctors(),
      referrals: (q) => s.followup.referrals(q),
      updateReferral: ({ patientId, referralId, ...details }) => s.followup.updateReferral(patientId, referralId, details),
      checkReferral: ({ patientId, referralId, date, mode, outcome, detail }) => s.followup.checkReferral(patientId, referralId, date, mode, outcome, detail),
      recordReturn: ({ patientId, referralId, date, note }) => s.followup.recordReturn(patientId, referralId, date, note),
      calendar: ({ from, to }) => s.followup.calendar(from, to),
      setCapacity: ({ date, capacity }) => s.followup.setCapacity(date, capacity),
      reschedule: ({ patientId, appointmentId, date, acceptLate }) => s.followup.reschedule(patientId, appointmentId, date, acceptLate),
      indicators: ({ year }) => s.followup.indicators(year),
      indicatorPatients: ({ year, disease, indicator, part }) => s.followup.indicatorPatients(year, disease, indicator, part),
    },
    sync: {
      targets: () => s.sync.targets(),
      configure: (input) => s.sync.configure(input),
      setEnabled: ({ id, enabled }) => s.sync.setEnabled(id, enabled),
      syncNow: ({ id }) => s.sync.syncNow(id),
      retry: ({ id }) => s.sync.retry(id),
      conflicts: ({ id }) => s.sync.conflicts(id),
      resolve: ({ conflictId, keep }) => s.sync.resolve(conflictId, keep),
      recordStates: ({ patientId }) => s.sync.recordStates(patientId),
    },
    consult: {
      create: (input) => s.consult.create(input),
      list: ({ patientId }) => s.consult.list(patientId),
      open: () => s.consult.open(),
      get: ({ patientId, consultId }) => s.consult.get(patientId, consultId),
      cancel: ({ patientId, consultId }) => s.consult.cancel(patientId, consultId),
      replyPdf: ({ patientId, replyId }) => s.consult.replyPdf(patientId, replyId),
      replyForEcg: ({ patientId, ecgId }) => s.consult.replyForEcg(patientId, ecgId),
      alerts: () => s.consult.alerts(),
      acknowledge: ({ patientId, alertId }) => s.consult.acknowledge(patientId, alertId),
    },
  };
}
