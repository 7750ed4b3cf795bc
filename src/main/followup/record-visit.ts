/**
 * Use case: record a follow-up (face-to-face or phone) and an annual health check; the engine's preview; a
 * patient's follow-up history. The engine decides from the stored history inside the write (the renderer's preview
 * is only a preview).
 */

import { randomUUID } from 'node:crypto';
import { ApiError } from '../../shared/api/errors';
import {
  followUpFormSchema,
  type Appointment,
  type FollowUpForm,
  type FollowUpRecord,
  type HealthCheck,
  type OutcomeData,
  type Referral,
} from '../../shared/api/followup';
import type { Patient } from '../../shared/api/patients';
import { completedYears } from '../../shared/dates';
import type { Disease, FollowUpInput, FollowUpOutcome, HistoryEntry } from '../../shared/followup';
import type { Caller } from '../api/dispatcher';
import type { Db } from '../db/open';
import { inTransaction, notInFuture, nowIso, patientOf, refuse, signedIn, type FollowupContext } from './context';
import { evaluateFollowUp, FollowUpInputError } from './engine';
import { enrolmentOf, listEnrolments, openEnrolmentOn } from './enrol';
import { refreshDueState } from './due-state';
import { checkFormValues, formToVisit, mergeHistory, storedToEntry } from './followup-form';
import { recordOf, recordRowOf, storedOf } from './record-mapping';
import { createReferral, referralFor, referralsOf, type ReferralDetails } from './referral';
import * as repo from './repository';
import { appointmentFor, appointmentOf, bookNext } from './appointments';
import { queueFollowupChange } from './sync-hook';
import { appliedNextDate, refuseClosedDay, workingCalendarOf } from './working-days';

function isReferral(action: OutcomeData['action']): boolean {
  return action === 'refer' || action === 'urgent_refer';
}

/**
 * The engine's history for an enrolment: its follow-ups and referral checks, and the patient's health checks.
 * A new enrolment (after moving away and back) starts a new history: its "first uncontrolled" is its own.
 */
export function historyOf(db: Db, p: { enrolmentId: string; patientId: string }): HistoryEntry[] {
  const records = repo.recordsOfEnrolment(db, p.enrolmentId);
  const checks = repo.checksOfEnrolment(db, p.enrolmentId);
  const healthChecks = [...repo.healthChecksOfPatient(db, p.patientId)].reverse();
  return mergeHistory([
    ...healthChecks.map((h) => ({ entry: { type: 'health_check' as const, date: h.checkDate }, writtenAt: h.createdAt })),
    ...records.map((r) => ({ entry: storedToEntry(storedOf(r)), writtenAt: r.createdAt })),
    ...checks.map((c) => ({
      entry: { type: 'referral_tracking' as const, date: c.checkDate, outcome: c.outcome, ...(c.detail ? { detail: c.detail } : {}) },
      writtenAt: c.createdAt,
    })),
  ]);
}

function outcomeData(ctx: FollowupContext, outcome: FollowUpOutcome): OutcomeData {
  return {
    classification: outcome.classification,
    action: outcome.action,
    nextDueDate: outcome.nextDueDate,
    referralReason: outcome.referralReason,
    reason: outcome.reason,
    reminders: outcome.reminders,
    advisories: outcome.advisories,
    ruleSet: { id: ctx.rules.id, version: ctx.rules.version },
  };
}

/** Checks the form against the patient and the enrolment and runs the engine on the stored history. */
function decide(ctx: FollowupContext, db: Db, p: { patientId: string; disease: Disease; form: FollowUpForm }) {
  const patient = patientOf(ctx, p.patientId);
  notInFuture(ctx, p.form.date, 'date');
  const enrolment = openEnrolmentOn(db, { patientId: p.patientId, disease: p.disease, date: p.form.date });
  if (patient.sex === 'M' && (p.form.pregnant || p.form.lactating))
    refuse('FOLLOWUP_PREGNANCY_MALE', 'pregnancy or lactation recorded for a male patient', { field: 'pregnant' });
  const { bmi } = checkFormValues(p.form);
  const input: FollowUpInput = {
    disease: p.disease,
    // The 2017 rules do not depend on sex; the engine's patient type wants one, and 'U' has none to give.
    patient: { sex: patient.sex === 'F' ? 'F' : 'M', birthDate: patient.birthDate },
    history: historyOf(db, { enrolmentId: enrolment.id, patientId: p.patientId }),
    visit: formToVisit(p.form, bmi),
  };
  let outcome: FollowUpOutcome;
  try {
    outcome = evaluateFollowUp(input, ctx.rules);
  } catch (err) {
    if (err instanceof FollowUpInputError) refuse('FOLLOWUP_INPUT_INVALID', err.message);
    throw err;
  }
  return { patient, enrolment, bmi, outcome: outcomeData(ctx, outcome) };
}

/** Preview for the form: what saving this would decide. Writes nothing. */
export function previewVisit(ctx: FollowupContext, p: { patientId: string; disease: Disease; form: FollowUpForm }): OutcomeData {
  return decide(ctx, ctx.db(), p).outcome;
}

function recordFor(db: Db, id: string): FollowUpRecord {
  const row = repo.recordById(db, id);
  if (!row) throw new ApiError('NOT_FOUND', `no follow-up ${id}`);
  return recordOf(row);
}

export interface RecordVisitParams {
  caller: Caller | null;
  patientId: string;
  disease: Disease;
  form: FollowUpForm;
  overrideNextDate?: string;
  overrideReason?: string;
  referral?: ReferralDetails;
  confirmSameDay?: boolean;
}

/** A second follow-up of the patient in one programme on one day is asked about first (issue 14.6). */
function askBeforeSameDay(db: Db, p: { patientId: string; disease: Disease; date: string; confirmed: boolean | undefined }): void {
  if (p.confirmed) return;
  if (repo.recordsOnDay(db, p.patientId, p.disease, p.date).length > 0)
    refuse('FOLLOWUP_SAME_DAY', 'there is already a follow-up on this day; confirm to record another', { date: p.date });
}

/**
 * Stores a follow-up with the engine's decision. A face-to-face visit closes the enrolment's open appointments and
 * books the next date; a referral creates the referral to track; a next date other than the engine's needs a
 * reason and is audited.
 */
export function recordVisit(
  ctx: FollowupContext,
  p: RecordVisitParams,
): { record: FollowUpRecord; outcome: OutcomeData; appointment: Appointment | null; referral: Referral | null } {
  const user = signedIn(p.caller);
  const form = p.form;
  const faceToFace = form.mode !== 'phone';
  const id = randomUUID();
  const now = nowIso(ctx);
  const result = inTransaction(ctx, (db) => {
    const { patient, enrolment, bmi, outcome } = decide(ctx, db, p);
    askBeforeSameDay(db, { patientId: patient.id, disease: p.disease, date: form.date, confirmed: p.confirmSameDay });
    const overridden = p.overrideNextDate !== undefined && p.overrideNextDate !== outcome.nextDueDate;
    if (overridden) {
      if (!faceToFace) refuse('FOLLOWUP_OVERRIDE_PHONE', 'a phone contact does not set the next face-to-face date', { field: 'overrideNextDate' });
      if (!p.overrideReason || p.overrideReason.length < 2)
        refuse('FOLLOWUP_OVERRIDE_REASON_REQUIRED', 'a next date other than the rules’ needs a reason', { field: 'overrideReason' });
      if (p.overrideNextDate! <= form.date) refuse('FOLLOWUP_OVERRIDE_DATE_INVALID', 'the next date must be after the visit', { field: 'overrideNextDate' });
    }
    // The clinic's calendar (issue 14.6): a date the clinician chose must be a working day; the engine's date moves
    // to the next one and the record says why. Only face-to-face visits set the schedule.
    const calendar = workingCalendarOf(db);
    if (overridden) refuseClosedDay(calendar, p.overrideNextDate!, 'overrideNextDate');
    const applied = !overridden && faceToFace && outcome.nextDueDate ? appliedNextDate(calendar, outcome.nextDueDate) : null;
    const nextDue = overridden ? p.overrideNextDate! : (applied?.date ?? outcome.nextDueDate);
    repo.insertRecord(
      db,
      recordRowOf({
        id,
        patientId: patient.id,
        enrolmentId: enrolment.id,
        disease: p.disease,
        form,
        bmi,
        outcome,
        nextDueDate: nextDue,
        overrideReason: overridden ? p.overrideReason! : null,
        shift: applied?.shift ?? null,
        doctor: user,
        createdAt: now,
      }),
    );
    queueFollowupChange(db.$client, 'followupVisit', id);
    if (faceToFace && form.withHealthCheck)
      insertHealthCheck(ctx, db, { patient, date: form.date, selfCareScore: null, note: null, recordId: id, recordedBy: user.id, now });
    let appointmentId: string | null = null;
    let referralId: string | null = null;
    // A paper form typed in late (an earlier date than a visit already stored) changes no booking: the later
    // visit decided the schedule.
    if (faceToFace && !repo.hasLaterFaceToFace(db, enrolment.id, form.date)) {
      for (const done of repo.closeScheduledAppointments(db, { enrolmentId: enrolment.id, status: 'done', doneRecordId: id, now })) {
        queueFollowupChange(db.$client, 'appointment', done);
      }
      if (nextDue) {
        appointmentId = bookNext(ctx, db, {
          patientId: patient.id,
          enrolmentId: enrolment.id,
          disease: p.disease,
          visitDate: form.date,
          due: nextDue,
          kind: isReferral(outcome.action) ? 'referral_check' : 'followup',
          recordId: id,
          now,
        });
      }
    }
    if (faceToFace && isReferral(outcome.action)) {
      referralId = createReferral(ctx, db, {
        patientId: patient.id,
        enrolmentId: enrolment.id,
        recordId: id,
        disease: p.disease,
        date: form.date,
        outcome,
        details: p.referral ?? {},
        createdBy: user.id,
        now,
      });
    }
    refreshDueState(db, ctx.rules, enrolment.id);
    if (overridden) {
      ctx.audit({
        userId: user.id,
        username: user.username,
        action: 'followup.overrideNextDate',
        kind: 'write',
        patientId: patient.id,
        outcome: 'ok',
        details: JSON.stringify({ recordId: id, engine: outcome.nextDueDate, chosen: nextDue, reason: p.overrideReason }).slice(0, 500),
      });
    }
    return { patientId: patient.id, outcome, appointmentId, referralId };
  });
  const db = ctx.db();
  return {
    record: recordFor(db, id),
    outcome: result.outcome,
    appointment: result.appointmentId ? appointmentFor(ctx, db, result.appointmentId) : null,
    referral: result.referralId ? referralFor(ctx, db, { patientId: result.patientId, referralId: result.referralId }) : null,
  };
}

export interface PhoneContactParams {
  caller: Caller | null;
  patientId: string;
  disease: Disease;
  date: string;
  symptoms?: string[];
  adherence?: FollowUpForm['adherence'];
  adr?: boolean;
  adrDesc?: string;
  notes?: string;
  confirmSameDay?: boolean;
}

/** A phone contact recorded by any staff member: the engine's phone row (never classified, A3). */
export function recordPhoneContact(ctx: FollowupContext, p: PhoneContactParams): { record: FollowUpRecord; outcome: OutcomeData } {
  const user = signedIn(p.caller);
  const form = followUpFormSchema.parse({
    date: p.date,
    mode: 'phone',
    symptoms: p.symptoms,
    adherence: p.adherence,
    adr: p.adr,
    adrDesc: p.adrDesc,
    notes: p.notes,
  });
  const id = randomUUID();
  const now = nowIso(ctx);
  const outcome = inTransaction(ctx, (db) => {
    const decided = decide(ctx, db, { patientId: p.patientId, disease: p.disease, form });
    askBeforeSameDay(db, { patientId: decided.patient.id, disease: p.disease, date: p.date, confirmed: p.confirmSameDay });
    repo.insertRecord(
      db,
      recordRowOf({
        id,
        patientId: decided.patient.id,
        enrolmentId: decided.enrolment.id,
        disease: p.disease,
        form,
        bmi: null,
        outcome: decided.outcome,
        nextDueDate: decided.outcome.nextDueDate,
        overrideReason: null,
        shift: null,
        doctor: user,
        createdAt: now,
      }),
    );
    refreshDueState(db, ctx.rules, decided.enrolment.id);
    queueFollowupChange(db.$client, 'followupVisit', id);
    return decided.outcome;
  });
  return { record: recordFor(ctx.db(), id), outcome };
}

function healthCheckOf(row: repo.HealthCheckRow): HealthCheck {
  return {
    id: row.id,
    patientId: row.patientId,
    checkDate: row.checkDate,
    kind: row.kind,
    selfCareScore: row.selfCareScore,
    recordId: row.recordId,
    note: row.note,
  };
}

function insertHealthCheck(
  ctx: FollowupContext,
  db: Db,
  p: { patient: Patient; date: string; selfCareScore: number | null; note: string | null; recordId: string | null; recordedBy: number; now: string },
): string {
  const id = randomUUID();
  const kind = completedYears(p.patient.birthDate, p.date) >= ctx.rules.elderlyFromAge ? 'elderly' : 'annual';
  repo.insertHealthCheck(db, {
    id,
    patientId: p.patient.id,
    checkDate: p.date,
    kind,
    selfCareScore: p.selfCareScore,
    recordId: p.recordId,
    note: p.note,
    recordedBy: p.recordedBy,
    createdAt: p.now,
  });
  queueFollowupChange(db.$client, 'healthCheck', id);
  return id;
}

export function recordHealthCheck(
  ctx: FollowupContext,
  p: { caller: Caller | null; patientId: string; date: string; selfCareScore?: number; note?: string },
): HealthCheck {
  const user = signedIn(p.caller);
  const patient = patientOf(ctx, p.patientId);
  notInFuture(ctx, p.date, 'date');
  if (p.date < patient.birthDate) refuse('FOLLOWUP_DATE_BEFORE_BIRTH', 'the health check is dated before the patient was born', { field: 'date' });
  const id = inTransaction(ctx, (db) =>
    insertHealthCheck(ctx, db, {
      patient,
      date: p.date,
      selfCareScore: p.selfCareScore ?? null,
      note: p.note ?? null,
      recordId: null,
      recordedBy: user.id,
      now: nowIso(ctx),
    }),
  );
  return healthCheckOf(repo.healthCheckById(ctx.db(), id)!);
}

/** Everything the patient's follow-up page shows. */
export function patientHistory(ctx: FollowupContext, p: { patientId: string }) {
  const db = ctx.db();
  const enrolments = listEnrolments(ctx, p);
  return {
    enrolments,
    records: repo.recordsOfPatient(db, p.patientId).map(recordOf),
    healthChecks: repo.healthChecksOfPatient(db, p.patientId).map(healthCheckOf),
    referrals: referralsOf(ctx, { patientId: p.patientId, open: false }),
    appointments: repo.appointmentsOfPatient(db, p.patientId).map((row) => appointmentOf(ctx, row)),
  };
}

export { enrolmentOf };
