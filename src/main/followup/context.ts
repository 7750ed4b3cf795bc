/**
 * What every follow-up use case is given, and the few checks they share. Use cases are plain functions
 * `(ctx, { named parameters })`; the caller comes from the dispatcher's call context, never from the session.
 */

import { ApiError } from '../../shared/api/errors';
import type { Patient } from '../../shared/api/patients';
import { chinaLocalDate } from '../../shared/dates';
import type { RuleSet } from '../../shared/followup';
import type { AuditEvent } from '../audit/audit-log';
import type { Caller } from '../api/dispatcher';
import type { Clock } from '../clock';
import type { Db } from '../db/open';
import type { PatientService } from '../patients/patient-service';
import type { FollowupReason } from '../../shared/api/followup';

export interface FollowupContext {
  db: () => Db;
  clock: Clock;
  patients: PatientService;
  audit: (event: AuditEvent) => void;
  rules: RuleSet;
}

export function today(ctx: FollowupContext): string {
  return chinaLocalDate(ctx.clock.now());
}

export function nowIso(ctx: FollowupContext): string {
  return ctx.clock.now().toISOString();
}

export function refuse(reason: FollowupReason, message: string, details: Record<string, string | number> = {}): never {
  throw new ApiError('VALIDATION', message, { ...details, reason });
}

export function signedIn(caller: Caller | null): Caller {
  if (!caller) throw new ApiError('UNAUTHENTICATED', 'sign in first');
  return caller;
}

/** The patient through the patients feature; a merged-away record takes no new follow-up data. */
export function patientOf(ctx: FollowupContext, patientId: string): Patient {
  const patient = ctx.patients.get(patientId);
  if (patient.mergedInto) throw new ApiError('CONFLICT', 'this record was merged into another', { reason: 'FOLLOWUP_PATIENT_MERGED' });
  return patient;
}

export function notInFuture(ctx: FollowupContext, date: string, field: string): void {
  if (date > today(ctx)) refuse('FOLLOWUP_DATE_IN_FUTURE', `${field} is after today`, { field });
}

/** One transaction per user action (BEGIN IMMEDIATE: a writer takes the lock before it reads what it decides on). */
export function inTransaction<T>(ctx: FollowupContext, work: (db: Db) => T): T {
  const db = ctx.db();
  return db.$client.transaction(() => work(db)).immediate();
}
