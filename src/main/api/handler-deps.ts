import type { AuditQuery } from '../audit/audit-log';
import type { AuthService } from '../auth/auth-service';
import type { BackupService } from '../backup/backup-service';
import type { Clock } from '../clock';
import type { ClinicService } from '../clinic/clinic-service';
import type { ConsultService } from '../consult/consult-service';
import type { CountyRecordService } from '../county-record/county-record-service';
import type { Store } from '../db/store';
import type { EcgService } from '../ecg/ecg-service';
import type { FileDialogs, FileHandleStore } from '../files/file-handles';
import type { FollowupService } from '../followup/followup-service';
import type { IdCardService } from '../idcard/idcard-service';
import type { PatientService } from '../patients/patient-service';
import type { Session } from '../session/session';
import type { SyncService } from '../sync/sync-service';
import type { AuditEntry, AuditVerifyResult } from '../../shared/api/system';
import type { NamespaceName } from '../../shared/api/contract';
import type { Implementation } from './dispatcher';

/**
 * Everything a feature's handlers may be given. Each feature's `handlers.ts` takes a `Pick` of this, naming only
 * the services it really calls, so a handler file says at its top what it depends on.
 */
export interface HandlerDeps {
  store: Store;
  session: Session;
  auth: AuthService;
  backup: BackupService;
  patients: PatientService;
  clinic: ClinicService;
  ecg: EcgService;
  files: FileHandleStore;
  fileDialogs: FileDialogs;
  followup: FollowupService;
  sync: SyncService;
  consult: ConsultService;
  countyRecord: CountyRecordService;
  idcard: IdCardService;
  audit: { search(q: AuditQuery): AuditEntry[]; verify(): AuditVerifyResult };
  clock: Clock;
  appVersion: string;
  online(): boolean;
}

/** The handlers of some contract namespaces: a feature's slice of the implementation. */
export type Handlers<N extends NamespaceName> = Pick<Implementation, N>;
