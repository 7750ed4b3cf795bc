/**
 * The follow-up feature as the rest of main sees it: its context (database, clock, the patients feature, audit,
 * rule set) and the use cases bound to it. The rules live in the use-case modules (enrol.ts, record-visit.ts,
 * reminder-list.ts, appointments.ts, referral.ts, indicator-report.ts), the queries in repository.ts; handlers.ts
 * binds the contract to these with the caller from the call context.
 */

import type { RuleSet } from '../../shared/followup';
import type { AuditEvent } from '../audit/audit-log';
import type { Clock } from '../clock';
import type { Db } from '../db/open';
import type { PatientService } from '../patients/patient-service';
import * as appointments from './appointments';
import { today, type FollowupContext } from './context';
import * as enrolment from './enrol';
import type * as indicators from './indicator-report';
import * as visits from './record-visit';
import * as referrals from './referral';
import type { ReminderAnswers, ReminderRequest } from './reminder-requests';
import { runReminderRequest } from './reminder-requests';
import { BPHS_2017 } from './rule-packs/bphs-2017';
import type { ReminderFilter } from '../../shared/api/followup';
import type { CsvLocale } from './call-list';

/** Where township-wide reminder lists are swept: the worker thread (reminder-worker-client.ts) or, without one, here. */
export interface ReminderRunner {
  ask<K extends ReminderRequest['op']>(request: Extract<ReminderRequest, { op: K }>): Promise<ReminderAnswers[K]>;
}

export { PROGRAMME_MIN_AGE } from './enrol';
export { elderlyBornBy } from './reminder-list';

type Scope = { filter: Pick<ReminderFilter, 'village' | 'familyDoctor'>; kind?: ReminderFilter['kind'] };

export class FollowupService {
  readonly ctx: FollowupContext;
  private readonly runner: ReminderRunner;

  constructor(deps: { db: () => Db; clock: Clock; patients: PatientService; audit: (event: AuditEvent) => void; rules?: RuleSet; reminders?: ReminderRunner }) {
    this.ctx = { db: deps.db, clock: deps.clock, patients: deps.patients, audit: deps.audit, rules: deps.rules ?? BPHS_2017 };
    // Without a worker (a tool with no store) the same requests run on this thread.
    this.runner = deps.reminders ?? { ask: async (request) => runReminderRequest(this.ctx.db(), request) as never };
  }

  get rules(): RuleSet {
    return this.ctx.rules;
  }

  /** The station's date in China (the clinic's calendar day). */
  today(): string {
    return today(this.ctx);
  }

  /** The engine's history of one enrolment (tests and tools compare it with the kept due state). */
  historyOf(enrolmentId: string, patientId: string) {
    return visits.historyOf(this.ctx.db(), { enrolmentId, patientId });
  }

  private scope(p: Scope) {
    return { asOf: today(this.ctx), rules: this.ctx.rules, filter: { village: p.filter.village, familyDoctor: p.filter.familyDoctor }, kind: p.kind };
  }

  /** Every row of the reminder list as of today (exports, tools, tests): swept off the main thread. */
  reminderRows(filter: ReminderFilter = {}) {
    return this.runner.ask({ op: 'rows', ...this.scope({ filter, kind: filter.kind }) });
  }

  // The use cases, each `(params)` with named fields; the handlers pass the caller in.
  readonly enrolments = (p: { patientId: string }) => enrolment.listEnrolments(this.ctx, p);
  readonly enrolmentStates = (p: { patientId: string }) => enrolment.enrolmentStates(this.ctx, p);
  readonly enrol = (p: enrolment.EnrolParams) => enrolment.enrol(this.ctx, p);
  readonly endEnrolment = (p: enrolment.EndEnrolmentParams) => enrolment.endEnrolment(this.ctx, p);
  readonly evaluate = (p: Parameters<typeof visits.previewVisit>[1]) => visits.previewVisit(this.ctx, p);
  readonly save = (p: visits.RecordVisitParams) => visits.recordVisit(this.ctx, p);
  readonly phoneContact = (p: visits.PhoneContactParams) => visits.recordPhoneContact(this.ctx, p);
  readonly recordHealthCheck = (p: Parameters<typeof visits.recordHealthCheck>[1]) => visits.recordHealthCheck(this.ctx, p);
  readonly history = (p: { patientId: string }) => visits.patientHistory(this.ctx, p);
  readonly reminders = (p: { filter: ReminderFilter; limit: number; offset: number }) =>
    this.runner.ask({ op: 'page', ...this.scope({ filter: p.filter, kind: p.filter.kind }), limit: p.limit, offset: p.offset });
  readonly callListCsv = (p: { filter: ReminderFilter; locale: CsvLocale }) =>
    this.runner.ask({ op: 'callList', ...this.scope({ filter: p.filter, kind: p.filter.kind }), locale: p.locale });
  readonly familyDoctors = () => this.runner.ask({ op: 'familyDoctors' });
  readonly referrals = (p: { patientId?: string; open: boolean }) => referrals.referralsOf(this.ctx, p);
  readonly updateReferral = (p: Parameters<typeof referrals.updateReferral>[1]) => referrals.updateReferral(this.ctx, p);
  readonly checkReferral = (p: referrals.CheckReferralParams) => referrals.checkReferral(this.ctx, p);
  readonly recordReturn = (p: Parameters<typeof referrals.recordReturn>[1]) => referrals.recordReturn(this.ctx, p);
  readonly calendar = (p: { from: string; to: string }) => appointments.calendar(this.ctx, p);
  readonly missedAppointments = () => appointments.missedAppointments(this.ctx);
  readonly setCapacity = (p: Parameters<typeof appointments.setCapacity>[1]) => appointments.setCapacity(this.ctx, p);
  readonly reschedule = (p: Parameters<typeof appointments.reschedule>[1]) => appointments.reschedule(this.ctx, p);
  readonly indicators = (p: { year: number }) => this.runner.ask({ op: 'indicators', year: p.year, rules: this.ctx.rules });
  readonly indicatorPatients = (p: indicators.IndicatorPatientsParams) => this.runner.ask({ op: 'indicatorPatients', ...p, rules: this.ctx.rules });
}
