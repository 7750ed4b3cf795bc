import type { Extension, ServiceRequest, Task } from '@medplum/fhirtypes';
import { chinaLocalDate } from '../../../shared/dates';
import { followupReferralChecks, followupReferrals } from '../../db/schema/followup';
import type { ResourceWithId } from '../outbox';
import { enrolmentConditionId } from './enrolment';
import { childId, referencedId, SNOMED, STATION, stationExtensions, stationString } from './codes';

type ReferralRow = typeof followupReferrals.$inferSelect;
type NewReferralRow = typeof followupReferrals.$inferInsert;
type CheckRow = typeof followupReferralChecks.$inferSelect;
type NewCheckRow = typeof followupReferralChecks.$inferInsert;
export type ServiceRequestWithId = ServiceRequest & ResourceWithId;
export type TaskWithId = Task & ResourceWithId;

/**
 * A referral out (双向转诊) as a ServiceRequest (the order: urgency, reason, where to) and a Task tracking it
 * (requested → in-progress once the 2-week check found the patient arrived → completed when they came back, due
 * by the check date). The 2-week checks ride on the ServiceRequest as station extensions, one per check, so the
 * ServiceRequest alone rebuilds the referral on another station; the Task is derived for readers of workflow.
 */

export function referralTaskId(referralId: string): string {
  return childId(referralId, 'task');
}

const CHECK = STATION.extension('referralCheck');

export function referralToFhir(row: ReferralRow, checks: readonly CheckRow[]): [ServiceRequestWithId, TaskWithId] {
  const subject = { reference: `Patient/${row.patientId}` };
  const arrived = checks.some((check) => check.outcome === 'completed');
  const request: ServiceRequestWithId = {
    resourceType: 'ServiceRequest',
    id: row.id,
    status: row.returnedOn ? 'completed' : 'active',
    intent: 'order',
    category: [{ coding: [{ system: SNOMED, code: '3457005', display: 'Patient referral' }] }],
    priority: row.urgency === 'urgent' ? 'urgent' : 'routine',
    code: { coding: [{ system: STATION.programme, code: `referral-${row.disease}` }], text: row.urgency === 'urgent' ? '紧急转诊' : '转诊' },
    subject,
    encounter: { reference: `Encounter/${row.recordId}` },
    authoredOn: row.referredOn,
    reasonReference: [{ reference: `Condition/${enrolmentConditionId(row.enrolmentId)}` }],
    ...(row.reason ? { reasonCode: [{ text: row.reason }] } : {}),
    ...(row.institution ? { performer: [{ display: [row.institution, row.department].filter(Boolean).join(' ') }] } : {}),
    extension: [
      ...stationExtensions({
        enrolmentId: row.enrolmentId,
        disease: row.disease,
        institution: row.institution,
        department: row.department,
        contactName: row.contactName,
        contactPhone: row.contactPhone,
        checkDue: row.checkDue,
        returnedOn: row.returnedOn,
        returnNote: row.returnNote,
        createdAt: row.createdAt,
      }),
      ...checks.map((check): Extension => ({
        url: CHECK,
        extension: stationExtensions({
          id: check.id,
          checkDate: check.checkDate,
          mode: check.mode,
          outcome: check.outcome,
          detail: check.detail,
          createdAt: check.createdAt,
        }),
      })),
    ],
  };
  const task: TaskWithId = {
    resourceType: 'Task',
    id: referralTaskId(row.id),
    // The receiving institution's answer, once pulled, is kept on every later push: ours never undoes theirs.
    status: row.returnedOn || row.countyStatus === 'completed' ? 'completed' : (row.countyStatus ?? (arrived ? 'in-progress' : 'requested')),
    intent: 'order',
    priority: request.priority,
    code: { text: '转诊随访' },
    focus: { reference: `ServiceRequest/${row.id}` },
    for: subject,
    authoredOn: row.createdAt,
    lastModified: row.updatedAt,
    restriction: { period: { end: row.checkDue } },
    ...(row.returnedOn ? { executionPeriod: { start: row.referredOn, end: row.returnedOn } } : {}),
    ...(row.countyInstitution ? { owner: { display: row.countyInstitution } } : {}),
    ...(row.countyDepartment ? { location: { display: row.countyDepartment } } : {}),
    ...(row.countyNote ? { note: [{ text: row.countyNote }] } : {}),
  };
  return [request, task];
}

/** The receiving institution's answer on a referral's Task (双向转诊: 接收 / 拒收 / 完成, with 回转). */
export interface CountyReferralAnswer {
  referralId: string;
  status: 'accepted' | 'rejected' | 'completed';
  institution: string;
  department: string | null;
  note: string | null;
  /** The day the patient came back (回转), on a completed Task that carries its execution period's end. */
  returnedOn: string | null;
  updatedAt: string;
}

const ANSWERS = ['accepted', 'rejected', 'completed'] as const;

/**
 * A referral Task as the county (or the receiving hospital through it) left it. Null for anything else: a consult
 * Task, or our own Task coming back — the answer names who answered (`owner`), ours never has one of its own.
 */
export function countyAnswerFromTask(task: Task, now: string): CountyReferralAnswer | null {
  const focus = task.focus?.reference;
  if (!focus?.startsWith('ServiceRequest/') || !task.id) return null;
  const referralId = focus.slice('ServiceRequest/'.length);
  if (task.id !== referralTaskId(referralId)) return null;
  const status = ANSWERS.find((each) => each === task.status);
  const institution = task.owner?.display;
  if (!status || !institution) return null;
  const returned = status === 'completed' ? task.executionPeriod?.end : undefined;
  return {
    referralId,
    status,
    institution,
    department: task.location?.display ?? null,
    note: task.statusReason?.text ?? task.note?.at(-1)?.text ?? null,
    // A dateTime is an instant: the clinic's day is China's, not UTC's.
    returnedOn: returned ? (returned.length > 10 ? chinaLocalDate(new Date(returned)) : returned) : null,
    updatedAt: task.lastModified ?? task.meta?.lastUpdated ?? now,
  };
}

export function isFollowupReferral(request: ServiceRequest): boolean {
  return request.code?.coding?.some((coding) => coding.system === STATION.programme) ?? false;
}

const DISEASES = ['hypertension', 't2dm'] as const;
const CHECK_MODES = ['phone', 'visit', 'return'] as const;
const OUTCOMES = ['completed', 'not_completed'] as const;

function oneOf<T extends string>(values: readonly T[], value: string | null, what: string): T {
  const found = values.find((each) => each === value);
  if (!found) throw new Error(`${what}: ${String(value)} is not one of ${values.join(', ')}`);
  return found;
}

function required(value: string | null, what: string): string {
  if (value === null) throw new Error(`${what} is missing`);
  return value;
}

/** The referral and its checks back; the creator is a user of the writing station (0 here). */
export function referralFromFhir(request: ServiceRequest, now: string): { referral: NewReferralRow; checks: NewCheckRow[] } {
  const what = `ServiceRequest/${request.id}`;
  if (!request.id) throw new Error('a ServiceRequest without an id cannot be stored');
  const ext = (name: string) => stationString(request.extension, name);
  const enrolmentId = required(ext('enrolmentId'), `${what} enrolmentId`);
  const patientId = referencedId(request.subject?.reference, 'Patient', what);
  const referral: NewReferralRow = {
    id: request.id,
    patientId,
    enrolmentId,
    recordId: referencedId(request.encounter?.reference, 'Encounter', what),
    disease: oneOf(DISEASES, ext('disease'), what),
    referredOn: required(request.authoredOn ?? null, `${what} authoredOn`),
    urgency: request.priority === 'urgent' || request.priority === 'stat' || request.priority === 'asap' ? 'urgent' : 'routine',
    reason: request.reasonCode?.[0]?.text ?? '',
    institution: ext('institution'),
    department: ext('department'),
    contactName: ext('contactName'),
    contactPhone: ext('contactPhone'),
    checkDue: required(ext('checkDue'), `${what} checkDue`),
    returnedOn: ext('returnedOn'),
    returnNote: ext('returnNote'),
    createdBy: 0,
    createdAt: ext('createdAt') ?? now,
    updatedAt: request.meta?.lastUpdated ?? now,
  };
  const checks = (request.extension ?? [])
    .filter((each) => each.url === CHECK)
    .map((each): NewCheckRow => {
      const field = (name: string) => stationString(each.extension, name);
      return {
        id: required(field('id'), `${what} check id`),
        referralId: request.id!,
        enrolmentId,
        patientId,
        checkDate: required(field('checkDate'), `${what} check date`),
        mode: oneOf(CHECK_MODES, field('mode'), what),
        outcome: oneOf(OUTCOMES, field('outcome'), what),
        detail: field('detail'),
        recordedBy: 0,
        createdAt: field('createdAt') ?? now,
      };
    });
  return { referral, checks };
}
