/** Use case: a referral (双向转诊) decided by the engine, its details, the 2-week checks and the return. */

import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { ApiError } from '../../shared/api/errors';
import type { OutcomeData, Referral, referralDetailsSchema } from '../../shared/api/followup';
import { addDays, daysBetween } from '../../shared/dates';
import type { Disease } from '../../shared/followup';
import type { Caller } from '../api/dispatcher';
import type { Db } from '../db/open';
import { inTransaction, notInFuture, nowIso, refuse, signedIn, today, type FollowupContext } from './context';
import { refreshDueState } from './due-state';
import * as repo from './repository';
import { queueFollowupChange } from './sync-hook';

export type ReferralDetails = Partial<z.output<typeof referralDetailsSchema>>;

export function createReferral(
  ctx: FollowupContext,
  db: Db,
  p: {
    patientId: string;
    enrolmentId: string;
    recordId: string;
    disease: Disease;
    date: string;
    outcome: OutcomeData;
    details: ReferralDetails;
    createdBy: number;
    now: string;
  },
): string {
  const id = randomUUID();
  repo.insertReferral(db, {
    id,
    patientId: p.patientId,
    enrolmentId: p.enrolmentId,
    recordId: p.recordId,
    disease: p.disease,
    referredOn: p.date,
    urgency: p.outcome.action === 'urgent_refer' ? 'urgent' : 'routine',
    reason: p.outcome.referralReason ?? '',
    institution: p.details.institution ?? null,
    department: p.details.department ?? null,
    contactName: p.details.contactName ?? null,
    contactPhone: p.details.contactPhone ?? null,
    checkDue: addDays(p.date, ctx.rules.recheckDays),
    createdBy: p.createdBy,
    createdAt: p.now,
    updatedAt: p.now,
  });
  queueFollowupChange(db.$client, 'referral', id);
  return id;
}

/** State and next check date of a referral, as the engine reads them (pendingReferralCheckDue). */
function referralOf(ctx: FollowupContext, row: repo.ReferralRow, checks: repo.ReferralCheckRow[], latest: boolean, asOf: string): Referral {
  const patient = ctx.patients.get(row.patientId);
  const lastCheck = checks.at(-1);
  const arrived = checks.some((c) => c.outcome === 'completed');
  const state: Referral['state'] = row.returnedOn ? 'returned' : arrived ? 'arrived' : latest ? 'awaiting_check' : 'superseded';
  const checkDue = state !== 'awaiting_check' ? null : lastCheck ? addDays(lastCheck.checkDate, ctx.rules.recheckDays) : row.checkDue;
  return {
    id: row.id,
    patientId: row.patientId,
    patientName: patient.name,
    phone: patient.phone,
    village: patient.village,
    disease: row.disease,
    recordId: row.recordId,
    referredOn: row.referredOn,
    urgency: row.urgency,
    reason: row.reason,
    institution: row.institution,
    department: row.department,
    contactName: row.contactName,
    contactPhone: row.contactPhone,
    checkDue,
    daysLate: checkDue ? Math.max(0, daysBetween(checkDue, asOf)) : 0,
    state,
    returnedOn: row.returnedOn,
    returnNote: row.returnNote,
    checks: checks.map((c) => ({ id: c.id, checkDate: c.checkDate, mode: c.mode, outcome: c.outcome, detail: c.detail })),
    county: row.countyStatus
      ? { status: row.countyStatus, institution: row.countyInstitution, department: row.countyDepartment, note: row.countyNote, updatedAt: row.countyUpdatedAt }
      : null,
  };
}

export function referralsOf(ctx: FollowupContext, p: { patientId?: string; open: boolean }): Referral[] {
  const db = ctx.db();
  const rows = p.patientId ? repo.referralsOfPatient(db, p.patientId) : repo.referralsNotReturned(db, !p.open);
  const latest = repo.latestReferralIds(
    db,
    rows.map((r) => r.enrolmentId),
  );
  const asOf = today(ctx);
  const referrals = rows.map((row) => referralOf(ctx, row, repo.checksOfReferral(db, row.id), latest.has(row.id), asOf));
  return p.open ? referrals.filter((r) => r.state === 'awaiting_check') : referrals;
}

export function referralFor(ctx: FollowupContext, db: Db, p: { patientId: string; referralId: string }): Referral {
  const row = repo.referralById(db, p.referralId);
  if (!row || row.patientId !== p.patientId) throw new ApiError('NOT_FOUND', `no referral ${p.referralId} for this patient`);
  const latest = repo.latestReferralIds(db, [row.enrolmentId]);
  return referralOf(ctx, row, repo.checksOfReferral(db, row.id), latest.has(row.id), today(ctx));
}

export function updateReferral(ctx: FollowupContext, p: { caller: Caller | null; patientId: string; referralId: string; details: ReferralDetails }): Referral {
  signedIn(p.caller);
  referralFor(ctx, ctx.db(), p);
  inTransaction(ctx, (db) => {
    repo.updateReferralRow(db, p.referralId, {
      institution: p.details.institution ?? null,
      department: p.details.department ?? null,
      contactName: p.details.contactName ?? null,
      contactPhone: p.details.contactPhone ?? null,
      updatedAt: nowIso(ctx),
    });
    queueFollowupChange(db.$client, 'referral', p.referralId);
  });
  return referralFor(ctx, ctx.db(), p);
}

/** A referral check, and the enrolment's due state recomputed with it (inside the caller's transaction). */
function insertCheck(
  ctx: FollowupContext,
  db: Db,
  p: {
    referral: repo.ReferralRow;
    date: string;
    mode: repo.ReferralCheckRow['mode'];
    outcome: repo.ReferralCheckRow['outcome'];
    detail: string | null;
    recordedBy: number;
  },
): void {
  repo.insertReferralCheck(db, {
    id: randomUUID(),
    referralId: p.referral.id,
    enrolmentId: p.referral.enrolmentId,
    patientId: p.referral.patientId,
    checkDate: p.date,
    mode: p.mode,
    outcome: p.outcome,
    detail: p.detail,
    recordedBy: p.recordedBy,
    createdAt: nowIso(ctx),
  });
  refreshDueState(db, ctx.rules, p.referral.enrolmentId);
  queueFollowupChange(db.$client, 'referral', p.referral.id);
}

export interface CheckReferralParams {
  caller: Caller | null;
  patientId: string;
  referralId: string;
  date: string;
  mode: 'phone' | 'visit';
  outcome: 'completed' | 'not_completed';
  detail?: string;
}

export function checkReferral(ctx: FollowupContext, p: CheckReferralParams): Referral {
  const user = signedIn(p.caller);
  const referral = referralFor(ctx, ctx.db(), p);
  notInFuture(ctx, p.date, 'date');
  if (p.date < referral.referredOn) refuse('FOLLOWUP_CHECK_BEFORE_REFERRAL', 'the check is dated before the referral', { field: 'date' });
  if (referral.state === 'returned')
    throw new ApiError('CONFLICT', 'the patient has already come back from this referral', { reason: 'FOLLOWUP_REFERRAL_RETURNED' });
  inTransaction(ctx, (db) => {
    const row = repo.referralById(db, p.referralId)!;
    insertCheck(ctx, db, { referral: row, date: p.date, mode: p.mode, outcome: p.outcome, detail: p.detail ?? null, recordedBy: user.id });
  });
  return referralFor(ctx, ctx.db(), p);
}

export function recordReturn(ctx: FollowupContext, p: { caller: Caller | null; patientId: string; referralId: string; date: string; note: string }): Referral {
  const user = signedIn(p.caller);
  const referral = referralFor(ctx, ctx.db(), p);
  notInFuture(ctx, p.date, 'date');
  if (p.date < referral.referredOn) refuse('FOLLOWUP_CHECK_BEFORE_REFERRAL', 'the return is dated before the referral', { field: 'date' });
  if (referral.state === 'returned') throw new ApiError('CONFLICT', 'the return is already recorded', { reason: 'FOLLOWUP_REFERRAL_RETURNED' });
  inTransaction(ctx, (db) => {
    const row = repo.referralById(db, p.referralId)!;
    // Coming back with the result proves the patient got there (到位), which the 2-week check asks.
    if (referral.state !== 'arrived')
      insertCheck(ctx, db, { referral: row, date: p.date, mode: 'return', outcome: 'completed', detail: p.note, recordedBy: user.id });
    repo.updateReferralRow(db, p.referralId, { returnedOn: p.date, returnNote: p.note, updatedAt: nowIso(ctx) });
    queueFollowupChange(db.$client, 'referral', p.referralId);
  });
  return referralFor(ctx, ctx.db(), p);
}
