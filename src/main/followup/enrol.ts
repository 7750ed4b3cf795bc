/** Use case: enrol a patient in a programme, end an enrolment, list them. One enrolment state per disease. */

import { randomUUID } from 'node:crypto';
import { ApiError } from '../../shared/api/errors';
import { DISEASES, type Enrolment, type EnrolmentStateData } from '../../shared/api/followup';
import { completedYears } from '../../shared/dates';
import type { Disease } from '../../shared/followup';
import type { Caller } from '../api/dispatcher';
import type { Db } from '../db/open';
import { inTransaction, notInFuture, nowIso, patientOf, refuse, signedIn, today, type FollowupContext } from './context';
import { refreshDueState } from './due-state';
import * as repo from './repository';
import { queueFollowupChange } from './sync-hook';

/** 国家基本公共卫生服务规范: the hypertension and diabetes programmes are for residents aged 35 and over. */
export const PROGRAMME_MIN_AGE = 35;

export function enrolmentOf(row: repo.EnrolmentRow): Enrolment {
  return {
    id: row.id,
    patientId: row.patientId,
    disease: row.disease,
    diagnosedOn: row.diagnosedOn,
    howFound: row.howFound,
    enrolledOn: row.enrolledOn,
    enrolledAt: row.enrolledAt,
    enrolledByName: row.enrolledByName,
    endedOn: row.endedOn,
    endReason: row.endReason,
    endNote: row.endNote,
  };
}

export function listEnrolments(ctx: FollowupContext, p: { patientId: string }): Enrolment[] {
  patientOf(ctx, p.patientId);
  return repo.enrolmentsOfPatient(ctx.db(), p.patientId).map(enrolmentOf);
}

/**
 * The one enrolment state per disease (issue 14.1): an open enrolment, else the latest ended one, else the
 * registration's 慢病标记 as a proposal, else none. Registration's flag never makes a second state of its own.
 */
export function enrolmentStates(ctx: FollowupContext, p: { patientId: string }): EnrolmentStateData[] {
  const patient = ctx.patients.get(p.patientId);
  const enrolments = repo.enrolmentsOfPatient(ctx.db(), p.patientId); // newest first
  return DISEASES.map((disease) => {
    const mine = enrolments.filter((e) => e.disease === disease);
    const open = mine.find((e) => e.endedOn === null);
    if (open) return { disease, state: 'enrolled' as const, enrolledOn: open.enrolledOn, endedOn: null };
    const ended = mine[0];
    if (ended) return { disease, state: 'ended' as const, enrolledOn: ended.enrolledOn, endedOn: ended.endedOn };
    const flagged = disease === 'hypertension' ? patient.hypertension : patient.diabetes;
    return { disease, state: flagged ? ('proposed' as const) : ('none' as const), enrolledOn: null, endedOn: null };
  });
}

export function enrolmentFor(db: Db, p: { patientId: string; enrolmentId: string }): repo.EnrolmentRow {
  const row = repo.enrolmentById(db, p.enrolmentId);
  if (!row || row.patientId !== p.patientId) throw new ApiError('NOT_FOUND', `no enrolment ${p.enrolmentId} for this patient`);
  return row;
}

/** The open enrolment a follow-up on `date` belongs to. */
export function openEnrolmentOn(db: Db, p: { patientId: string; disease: Disease; date: string }): repo.EnrolmentRow {
  const enrolment = repo.openEnrolment(db, p.patientId, p.disease);
  if (!enrolment) refuse('FOLLOWUP_NOT_ENROLLED', `the patient is not enrolled for ${p.disease}`, { disease: p.disease });
  if (p.date < enrolment.enrolledOn)
    refuse('FOLLOWUP_BEFORE_ENROLMENT', 'the follow-up is dated before the enrolment', { field: 'date', enrolledOn: enrolment.enrolledOn });
  return enrolment;
}

export interface EnrolParams {
  caller: Caller | null;
  patientId: string;
  disease: Disease;
  howFound: repo.EnrolmentRow['howFound'];
  diagnosedOn?: string;
  enrolledOn?: string;
}

export function enrol(ctx: FollowupContext, p: EnrolParams): Enrolment {
  const user = signedIn(p.caller);
  const patient = patientOf(ctx, p.patientId);
  const enrolledOn = p.enrolledOn ?? today(ctx);
  notInFuture(ctx, enrolledOn, 'enrolledOn');
  if (p.diagnosedOn && p.diagnosedOn > enrolledOn) refuse('FOLLOWUP_DIAGNOSIS_AFTER_ENROLMENT', 'diagnosis date after the enrolment', { field: 'diagnosedOn' });
  const age = completedYears(patient.birthDate, enrolledOn);
  if (age < PROGRAMME_MIN_AGE)
    refuse('FOLLOWUP_UNDER_PROGRAMME_AGE', `the programme is for residents aged ${PROGRAMME_MIN_AGE} and over`, { age, minAge: PROGRAMME_MIN_AGE });
  const id = randomUUID();
  const now = nowIso(ctx);
  inTransaction(ctx, (db) => {
    if (repo.openEnrolment(db, patient.id, p.disease)) {
      throw new ApiError('DUPLICATE', 'already enrolled in this programme', { reason: 'FOLLOWUP_ALREADY_ENROLLED', disease: p.disease });
    }
    repo.insertEnrolment(db, {
      id,
      patientId: patient.id,
      disease: p.disease,
      diagnosedOn: p.diagnosedOn ?? null,
      howFound: p.howFound,
      enrolledOn,
      enrolledAt: now,
      enrolledBy: user.id,
      enrolledByName: user.displayName,
      createdAt: now,
      updatedAt: now,
    });
    refreshDueState(db, ctx.rules, id);
    // Registration's 慢病标记 (the disease on the resident's record, which documents carry) follows enrolment;
    // through the patient service so the change is synced. The enrolment state itself is enrolmentStates'.
    const flag = p.disease === 'hypertension' ? 'hypertension' : 'diabetes';
    if (!patient[flag]) ctx.patients.update({ patientId: patient.id, version: patient.version, [flag]: true });
    queueFollowupChange(db.$client, 'enrolment', id);
  });
  return enrolmentOf(enrolmentFor(ctx.db(), { patientId: patient.id, enrolmentId: id }));
}

export interface EndEnrolmentParams {
  caller: Caller | null;
  patientId: string;
  enrolmentId: string;
  endedOn: string;
  reason: NonNullable<repo.EnrolmentRow['endReason']>;
  note?: string;
}

export function endEnrolment(ctx: FollowupContext, p: EndEnrolmentParams): Enrolment {
  const user = signedIn(p.caller);
  const enrolment = enrolmentFor(ctx.db(), p);
  if (enrolment.endedOn) throw new ApiError('CONFLICT', 'this enrolment has already ended', { reason: 'FOLLOWUP_ENROLMENT_ENDED' });
  notInFuture(ctx, p.endedOn, 'endedOn');
  if (p.endedOn < enrolment.enrolledOn) refuse('FOLLOWUP_END_BEFORE_START', 'the end date is before the enrolment', { field: 'endedOn' });
  if (p.reason === 'other' && !p.note) refuse('FOLLOWUP_END_NOTE_REQUIRED', 'say why the management ended', { field: 'note' });
  const now = nowIso(ctx);
  inTransaction(ctx, (db) => {
    repo.endEnrolmentRow(db, { id: p.enrolmentId, endedOn: p.endedOn, endReason: p.reason, endNote: p.note ?? null, endedBy: user.id, now });
    const cancelled = repo.closeScheduledAppointments(db, { enrolmentId: p.enrolmentId, status: 'cancelled', now });
    refreshDueState(db, ctx.rules, p.enrolmentId);
    queueFollowupChange(db.$client, 'enrolment', p.enrolmentId);
    for (const appointmentId of cancelled) queueFollowupChange(db.$client, 'appointment', appointmentId);
  });
  return enrolmentOf(enrolmentFor(ctx.db(), p));
}
