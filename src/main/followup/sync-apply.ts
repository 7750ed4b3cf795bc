/**
 * The pull side of the follow-up feature (issue 10 item 5): a follow-up, enrolment, referral, booking or health
 * check written on another station of the center and pulled from the platform lands in this station's tables
 * field for field (same ids: every station names a record by the UUID it was created with), and the enrolment's
 * kept due state is recomputed in the same transaction, exactly as a local write does (due-state.ts).
 *
 * Each applier runs inside the transaction in which the sync service records the pulled version, and only when
 * that version may be applied (no unsent local change to the same resource: that one goes out and meets the
 * platform's version as a conflict instead). Our own pushes coming back are the same content: the upserts leave
 * the row as it was. Nothing here queues an outbox entry, so a pulled record is never echoed back.
 */

import type { Appointment, Encounter, EpisodeOfCare, QuestionnaireResponse, Resource, ServiceRequest } from '@medplum/fhirtypes';
import { and, eq, exists, isNull, ne, sql } from 'drizzle-orm';
import type { Db, Sqlite } from '../db/open';
import { drizzleOf } from '../sync/drizzle-of';
import { followupEnrolments } from '../db/schema/followup';
import { patients } from '../db/schema/patients';
import type { Disease } from '../../shared/api/followup';
import { appointmentFromFhir, isFollowupAppointment } from '../sync/mapping/appointment';
import { enrolmentFromFhir, isEnrolmentEpisode } from '../sync/mapping/enrolment';
import { followupVisitFromFhir, isFollowupForm } from '../sync/mapping/followup-visit';
import { healthCheckFromFhir, healthCheckKind } from '../sync/mapping/health-check';
import { countyAnswerFromTask, isFollowupReferral, referralFromFhir, referralTaskId } from '../sync/mapping/referral';
import { refreshDueState } from './due-state';
import { BPHS_2017 } from './rule-packs/bphs-2017';
import * as repo from './repository';

/** The resource types the follow-up feature takes from the platform, in the order a first pull needs them. */
export const FOLLOWUP_PULLED_TYPES = ['EpisodeOfCare', 'QuestionnaireResponse', 'ServiceRequest', 'Appointment', 'Encounter'] as const;

const dbOf = drizzleOf;

/**
 * Applies one pulled resource if it is one of the follow-up feature's; others (a consult's Task, a clinic
 * Encounter) are left to their own features. Throws when the resource is ours but cannot be stored: the sync
 * engine then reports it and pulls that version again later.
 */
export function applyPulledFollowup(sqlite: Sqlite, resource: Resource, now: string = new Date().toISOString()): 'applied' | 'not-ours' {
  const db = dbOf(sqlite);
  switch (resource.resourceType) {
    case 'EpisodeOfCare':
      return applyEnrolment(db, resource, now);
    case 'QuestionnaireResponse':
      return applyFollowupVisit(db, resource);
    case 'ServiceRequest':
      return applyReferral(db, resource, now);
    case 'Appointment':
      return applyAppointment(db, resource, now);
    case 'Encounter':
      return applyHealthCheck(db, resource, now);
    default:
      return 'not-ours';
  }
}

function applyEnrolment(db: Db, episode: EpisodeOfCare, now: string): 'applied' | 'not-ours' {
  if (!isEnrolmentEpisode(episode)) return 'not-ours';
  const row = enrolmentFromFhir(episode, now);
  if (episode.status === 'entered-in-error' && !repo.enrolmentById(db, row.id)) return 'applied'; // never here: nothing to undo
  if (row.endedOn === null) {
    // Two stations enrolled the patient in the same programme while apart: the partial unique index allows one
    // open enrolment. Said plainly instead of as a constraint error; the platform's copy waits until one ends.
    const other = db
      .select({ id: followupEnrolments.id })
      .from(followupEnrolments)
      .where(
        and(
          eq(followupEnrolments.patientId, row.patientId),
          eq(followupEnrolments.disease, row.disease),
          isNull(followupEnrolments.endedOn),
          ne(followupEnrolments.id, row.id),
        ),
      )
      .get();
    if (other) throw new Error(`EpisodeOfCare/${row.id}: the patient already has another open ${row.disease} enrolment here (${other.id}); end one of them`);
  }
  const local = repo.enrolmentById(db, row.id);
  // Who enrolled or ended it is a user of the station that did it; an echo of our own keeps our user ids.
  repo.upsertEnrolment(db, local ? { ...row, enrolledBy: local.enrolledBy, endedBy: row.endedOn ? (local.endedBy ?? 0) : null } : row);
  refreshDueState(db, BPHS_2017, row.id);
  markEnrolledDiseases(db, row.patientId, now);
  return 'applied';
}

/**
 * Enrolling sets registration's 慢病标记 (docs/followup-rules.md, "One enrolment state"); an enrolment pulled from
 * another station does the same here, so the registration form, the chart and the follow-up page agree. Ending an
 * enrolment keeps the mark (the disease stays on the resident's record), as locally. Nothing is queued: the mark
 * is not on the wire, the enrolment is. Run for a pulled Patient too, since its enrolment may have come first.
 */
export function markEnrolledDiseases(db: Db, patientId: string, now: string): void {
  const enrolled = (disease: Disease) =>
    exists(
      db
        .select({ id: followupEnrolments.id })
        .from(followupEnrolments)
        .where(and(eq(followupEnrolments.patientId, patientId), eq(followupEnrolments.disease, disease))),
    );
  const bump = { version: sql`${patients.version} + 1`, updatedAt: now };
  db.update(patients)
    .set({ hypertension: true, ...bump })
    .where(and(eq(patients.id, patientId), eq(patients.hypertension, false), enrolled('hypertension')))
    .run();
  db.update(patients)
    .set({ diabetes: true, ...bump })
    .where(and(eq(patients.id, patientId), eq(patients.diabetes, false), enrolled('t2dm')))
    .run();
}

/** The pulled Patient's side of markEnrolledDiseases (an enrolment that arrived before its patient). */
export function applyPulledPatientMarks(sqlite: Sqlite, resource: Resource, now: string = new Date().toISOString()): void {
  if (resource.resourceType === 'Patient' && resource.id) markEnrolledDiseases(dbOf(sqlite), resource.id, now);
}

function applyFollowupVisit(db: Db, form: QuestionnaireResponse): 'applied' | 'not-ours' {
  if (!isFollowupForm(form)) return 'not-ours';
  const row = followupVisitFromFhir(form);
  if (form.status === 'entered-in-error') {
    // Recorded by mistake (wrong patient, a duplicate typed twice): gone from the history the rules read.
    repo.deleteRecord(db, row.id);
    refreshDueState(db, BPHS_2017, row.enrolmentId);
    return 'applied';
  }
  const local = repo.recordById(db, row.id);
  repo.upsertRecord(db, local ? { ...row, doctorId: local.doctorId } : row);
  refreshDueState(db, BPHS_2017, row.enrolmentId);
  return 'applied';
}

function applyReferral(db: Db, request: ServiceRequest, now: string): 'applied' | 'not-ours' {
  if (!isFollowupReferral(request)) return 'not-ours';
  const { referral, checks } = referralFromFhir(request, now);
  if (request.status === 'entered-in-error') {
    repo.deleteReferral(db, referral.id);
    refreshDueState(db, BPHS_2017, referral.enrolmentId);
    return 'applied';
  }
  const local = repo.referralById(db, referral.id);
  repo.upsertReferral(db, local ? { ...referral, createdBy: local.createdBy } : referral);
  const localChecks = new Map(repo.checksOfReferral(db, referral.id).map((check) => [check.id, check]));
  for (const check of checks) repo.upsertReferralCheck(db, { ...check, recordedBy: localChecks.get(check.id)?.recordedBy ?? check.recordedBy });
  refreshDueState(db, BPHS_2017, referral.enrolmentId);
  return 'applied';
}

/**
 * How many open referrals' Tasks one request asks for: the ids go in the query string (the consult scope does
 * the same), and a center has a few dozen open referrals at most.
 */
const REFERRAL_TASKS_PER_PULL = 100;

/** The named pull scope of referral Tasks: the county's answers to this station's open referrals, nothing else. */
export function referralTaskScope(sqlite: Sqlite): Record<string, string> | null {
  const ids = repo.referralsAwaitingCounty(dbOf(sqlite), REFERRAL_TASKS_PER_PULL);
  return ids.length === 0 ? null : { _id: ids.map(referralTaskId).join(',') };
}

/**
 * The receiving institution's answer on a referral's Task (accepted / rejected / completed, who, which
 * department, a note): shown on the referral list and the patient's follow-up page. A completed Task with the
 * return day records the return (回转) as the doctor would, and the due state is recomputed. Not queued: every
 * station of the center pulls the same Task; the answer rides on this station's next push of the referral.
 */
export function applyPulledReferralTask(sqlite: Sqlite, resource: Resource, now: string = new Date().toISOString()): 'applied' | 'not-ours' {
  if (resource.resourceType !== 'Task') return 'not-ours';
  const answer = countyAnswerFromTask(resource, now);
  if (!answer) return 'not-ours';
  const db = dbOf(sqlite);
  const row = repo.referralById(db, answer.referralId);
  if (!row) return 'not-ours';
  const returns = answer.returnedOn !== null && row.returnedOn === null;
  repo.updateReferralRow(db, row.id, {
    countyStatus: answer.status,
    countyInstitution: answer.institution,
    countyDepartment: answer.department,
    countyNote: answer.note,
    countyUpdatedAt: answer.updatedAt,
    ...(returns ? { returnedOn: answer.returnedOn, returnNote: answer.note } : {}),
    updatedAt: now,
  });
  if (returns) refreshDueState(db, BPHS_2017, row.enrolmentId);
  return 'applied';
}

function applyAppointment(db: Db, appointment: Appointment, now: string): 'applied' | 'not-ours' {
  if (!isFollowupAppointment(appointment)) return 'not-ours';
  repo.upsertAppointment(db, appointmentFromFhir(appointment, now));
  return 'applied';
}

function applyHealthCheck(db: Db, encounter: Encounter, now: string): 'applied' | 'not-ours' {
  if (healthCheckKind(encounter) === null) return 'not-ours';
  const row = healthCheckFromFhir(encounter, now);
  const local = repo.healthCheckById(db, row.id);
  repo.upsertHealthCheck(db, local ? { ...row, recordedBy: local.recordedBy } : row);
  return 'applied';
}
