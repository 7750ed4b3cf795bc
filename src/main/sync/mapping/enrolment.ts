import type { Condition, EpisodeOfCare } from '@medplum/fhirtypes';
import { followupEnrolments } from '../../db/schema/followup';
import type { ResourceWithId } from '../outbox';
import { childId, referencedId, STATION, stationExtensions, stationString, SYSTEMS } from './codes';

type EnrolmentRow = typeof followupEnrolments.$inferSelect;
type NewEnrolmentRow = typeof followupEnrolments.$inferInsert;
export type ConditionWithId = Condition & ResourceWithId;
export type EpisodeOfCareWithId = EpisodeOfCare & ResourceWithId;

/**
 * An enrolment in a BPHS programme (高血压/2型糖尿病患者健康管理) as an EpisodeOfCare — FHIR's "period of care for
 * a condition under an organisation's responsibility" — plus the problem-list Condition it is for (I10 / E11).
 * Its end is the episode finishing (period.end, the reason in a station extension: FHIR has no element for why an
 * episode ended); the disease itself stays active: a patient who moved away still has hypertension.
 * The EpisodeOfCare is the authority on pull; the Condition is derived.
 */

const DISEASE_CODE = {
  hypertension: { code: 'I10', display: '特发性（原发性）高血压', programme: '高血压患者健康管理' },
  t2dm: { code: 'E11', display: '2型糖尿病', programme: '2型糖尿病患者健康管理' },
} as const;

export function enrolmentConditionId(enrolmentId: string): string {
  return childId(enrolmentId, 'dx');
}

export function enrolmentToFhir(row: EnrolmentRow): [EpisodeOfCareWithId, ConditionWithId] {
  const disease = DISEASE_CODE[row.disease];
  const patient = { reference: `Patient/${row.patientId}` };
  const condition: ConditionWithId = {
    resourceType: 'Condition',
    id: enrolmentConditionId(row.id),
    clinicalStatus: { coding: [{ system: SYSTEMS.conditionClinical, code: 'active' }] },
    verificationStatus: { coding: [{ system: SYSTEMS.conditionVerification, code: 'confirmed' }] },
    category: [{ coding: [{ system: SYSTEMS.conditionCategory, code: 'problem-list-item', display: 'Problem List Item' }] }],
    code: { coding: [{ system: SYSTEMS.icd10, code: disease.code, display: disease.display }], text: disease.display },
    subject: patient,
    ...(row.diagnosedOn ? { onsetDateTime: row.diagnosedOn } : {}),
    recordedDate: row.enrolledOn,
    recorder: { display: row.enrolledByName },
  };
  const episode: EpisodeOfCareWithId = {
    resourceType: 'EpisodeOfCare',
    id: row.id,
    status: row.endedOn ? 'finished' : 'active',
    type: [{ coding: [{ system: STATION.programme, code: row.disease, display: disease.programme }] }],
    diagnosis: [{ condition: { reference: `Condition/${condition.id}` }, rank: 1 }],
    patient,
    period: { start: row.enrolledOn, ...(row.endedOn ? { end: row.endedOn } : {}) },
    careManager: { display: row.enrolledByName },
    extension: stationExtensions({
      howFound: row.howFound,
      diagnosedOn: row.diagnosedOn,
      enrolledAt: row.enrolledAt,
      endReason: row.endReason,
      endNote: row.endNote,
    }),
  };
  return [episode, condition];
}

export function isEnrolmentEpisode(episode: EpisodeOfCare): boolean {
  return episode.type?.some((type) => type.coding?.some((coding) => coding.system === STATION.programme)) ?? false;
}

const DISEASES = ['hypertension', 't2dm'] as const;
/** The end note of an enrolment the platform marked entered-in-error (kept in both languages: it is data). */
export const ENTERED_IN_ERROR_NOTE = '录入错误 (entered in error)';
const HOW_FOUND = ['clinic_visit', 'health_check', 'screening', 'referral_in', 'other'] as const;
const END_REASONS = ['died', 'moved', 'refused', 'other'] as const;

function oneOf<T extends string>(values: readonly T[], value: string | null | undefined, what: string): T {
  const found = values.find((each) => each === value);
  if (!found) throw new Error(`${what}: ${String(value)} is not one of ${values.join(', ')}`);
  return found;
}

/**
 * The enrolment row back. Who enrolled/ended it are users of the writing station: 0 here (the name travels);
 * the kept due state (last_*) is recomputed by the caller from the records, never taken from the wire.
 */
export function enrolmentFromFhir(episode: EpisodeOfCare, now: string): NewEnrolmentRow {
  const what = `EpisodeOfCare/${episode.id}`;
  if (!episode.id) throw new Error('an EpisodeOfCare without an id cannot be stored');
  const disease = oneOf(DISEASES, episode.type?.flatMap((type) => type.coding ?? []).find((coding) => coding.system === STATION.programme)?.code, what);
  const enrolledOn = episode.period?.start;
  if (!enrolledOn) throw new Error(`${what} has no start`);
  // An enrolment made in error ends on the day it began (its follow-ups, if any, stay readable), marked as such.
  const inError = episode.status === 'entered-in-error';
  const endedOn = inError
    ? (episode.period?.end ?? enrolledOn)
    : episode.status === 'finished' || episode.status === 'cancelled'
      ? (episode.period?.end ?? null)
      : null;
  const endReason = inError ? 'other' : stationString(episode.extension, 'endReason');
  return {
    id: episode.id,
    patientId: referencedId(episode.patient?.reference, 'Patient', what),
    disease,
    diagnosedOn: stationString(episode.extension, 'diagnosedOn'),
    howFound: oneOf(HOW_FOUND, stationString(episode.extension, 'howFound'), what),
    enrolledOn,
    enrolledAt: stationString(episode.extension, 'enrolledAt') ?? enrolledOn,
    enrolledBy: 0,
    enrolledByName: episode.careManager?.display ?? '',
    endedOn,
    endReason: endedOn ? oneOf(END_REASONS, endReason ?? 'other', what) : null,
    endNote: endedOn ? (inError ? ENTERED_IN_ERROR_NOTE : stationString(episode.extension, 'endNote')) : null,
    endedBy: endedOn ? 0 : null,
    createdAt: stationString(episode.extension, 'enrolledAt') ?? now,
    updatedAt: episode.meta?.lastUpdated ?? now,
  };
}
