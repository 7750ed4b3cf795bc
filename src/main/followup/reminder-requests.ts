/** What the reminder worker can be asked (the township-wide reads: reminder lists and indicators), shared by the worker (reminder-worker.ts) and its client. */

import type { IndicatorPatientRow, ReminderFilter, ReminderRow, YearIndicatorsData } from '../../shared/api/followup';
import type { RuleSet } from '../../shared/followup';
import type { ReadDb } from '../db/handles';
import type { CsvLocale } from './call-list';
import { indicatorPatients, indicatorReport, type IndicatorPatientsParams } from './indicator-report';
import { callListAsOf, familyDoctorsOf, reminderPageAsOf, reminderRowsAsOf, type ReminderPage } from './reminder-list';

export interface ReminderWorkerData {
  dbFile: string;
  /** The raw database key; the worker is a thread of this process, so it never leaves main's memory. */
  key: Uint8Array;
}

type Scope = { asOf: string; rules: RuleSet; filter: Pick<ReminderFilter, 'village' | 'familyDoctor'>; kind?: ReminderFilter['kind'] };

export type ReminderRequest =
  | ({ op: 'page'; limit: number; offset: number } & Scope)
  | ({ op: 'rows' } & Scope)
  | ({ op: 'callList'; locale: CsvLocale } & Scope)
  | { op: 'familyDoctors' }
  | { op: 'indicators'; year: number; rules: RuleSet }
  | ({ op: 'indicatorPatients'; rules: RuleSet } & IndicatorPatientsParams);

export interface ReminderAnswers {
  page: ReminderPage;
  rows: ReminderRow[];
  callList: { fileName: string; content: string; rows: number };
  familyDoctors: string[];
  indicators: YearIndicatorsData;
  indicatorPatients: IndicatorPatientRow[];
}

export function runReminderRequest(db: ReadDb, request: ReminderRequest): ReminderAnswers[ReminderRequest['op']] {
  switch (request.op) {
    case 'page':
      return reminderPageAsOf(db, request);
    case 'rows':
      return reminderRowsAsOf(db, request);
    case 'callList':
      return callListAsOf(db, request);
    case 'familyDoctors':
      return familyDoctorsOf(db);
    case 'indicators':
      return indicatorReport(db, request);
    case 'indicatorPatients':
      return indicatorPatients(db, request);
  }
}
