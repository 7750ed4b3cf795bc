import type { Condition, Encounter } from '@medplum/fhirtypes';
import type { Visit } from '../../../shared/api/clinic';
import type { ResourceWithId } from '../outbox';
import { childId, EXT, STATION_NS, SYSTEMS } from './codes';

export type EncounterWithId = Encounter & ResourceWithId;
export type ConditionWithId = Condition & ResourceWithId;

/**
 * A signed visit as an ambulatory Encounter plus one Condition per ICD-10 diagnosis. The Encounter's id is the
 * visit's record id (shared by all its versions), so a correction updates the same Encounter on the platform;
 * Condition ids are the record id plus the code, so a corrected visit updates them in place, and a diagnosis the
 * correction dropped is sent as entered-in-error (pass the previous version's diagnoses).
 */
export function visitToFhir(visit: Visit, previousDiagnoses: Visit['diagnoses'] = []): [EncounterWithId, ...ConditionWithId[]] {
  const encounterRef = { reference: `Encounter/${visit.recordId}` };
  const subject = { reference: `Patient/${visit.patientId}` };
  const recordedDate = visit.closedAt ?? visit.openedAt;
  const condition = (diagnosis: Visit['diagnoses'][number], inError: boolean): ConditionWithId => ({
    resourceType: 'Condition',
    id: conditionId(visit.recordId, diagnosis.code),
    // con-5: an entered-in-error Condition carries no clinical status.
    ...(inError ? {} : { clinicalStatus: { coding: [{ system: SYSTEMS.conditionClinical, code: 'active' }] } }),
    verificationStatus: { coding: [{ system: SYSTEMS.conditionVerification, code: inError ? 'entered-in-error' : 'confirmed' }] },
    category: [{ coding: [{ system: SYSTEMS.conditionCategory, code: 'encounter-diagnosis', display: 'Encounter Diagnosis' }] }],
    code: { coding: [{ system: SYSTEMS.icd10, code: diagnosis.code, display: diagnosis.name }], text: diagnosis.name },
    subject,
    encounter: encounterRef,
    recordedDate,
    ...(visit.clinicianName ? { recorder: { display: visit.clinicianName } } : {}),
  });
  const current = visit.diagnoses.map((diagnosis) => condition(diagnosis, false));
  const currentCodes = new Set(visit.diagnoses.map((diagnosis) => diagnosis.code));
  const dropped = previousDiagnoses.filter((diagnosis) => !currentCodes.has(diagnosis.code)).map((diagnosis) => condition(diagnosis, true));
  const encounter: EncounterWithId = {
    resourceType: 'Encounter',
    id: visit.recordId,
    status: visit.status === 'open' ? 'in-progress' : 'finished',
    class: { system: SYSTEMS.actCode, code: 'AMB', display: 'ambulatory' },
    subject,
    period: { start: visit.openedAt, ...(visit.closedAt ? { end: visit.closedAt } : {}) },
    participant: [{ individual: { display: visit.clinicianName } }],
    // The attendance (queue entry) the visit happened in.
    ...(visit.queueEntryId ? { partOf: { reference: `Encounter/${visit.queueEntryId}` } } : {}),
    ...(visit.chiefComplaint ? { reasonCode: [{ text: visit.chiefComplaint }] } : {}),
    // The code and name ride on the reference too, so the visit reads back whole from the Encounter alone.
    diagnosis: visit.diagnoses.map((diagnosis, index) => ({
      condition: { reference: `Condition/${current[index].id}`, identifier: { system: SYSTEMS.icd10, value: diagnosis.code }, display: diagnosis.name },
      rank: index + 1,
    })),
    extension: [
      { url: EXT.visitVersion, valueInteger: visit.version },
      { url: EXT.visitVersionId, valueString: visit.id },
      ...(visit.supersedes ? [{ url: EXT.visitSupersedes, valueString: visit.supersedes }] : []),
      ...(visit.correctionReason ? [{ url: EXT.visitCorrectionReason, valueString: visit.correctionReason }] : []),
      ...(visit.history ? [{ url: EXT.visitHistory, valueString: visit.history }] : []),
      ...(visit.examination ? [{ url: EXT.visitExamination, valueString: visit.examination }] : []),
      ...(visit.plan ? [{ url: EXT.visitPlan, valueString: visit.plan }] : []),
      ...(visit.prescription ? [{ url: EXT.visitPrescription, valueString: visit.prescription }] : []),
    ],
  };
  if (encounter.diagnosis?.length === 0) delete encounter.diagnosis;
  return [encounter, ...current, ...dropped];
}

export function conditionId(recordId: string, icd10: string): string {
  return childId(recordId, `dx-${icd10}`);
}

/** A visit as a pulled Encounter carries it: the signed version, whole (pulled/visit.ts stores it). */
export type VisitFromFhir = Omit<Visit, 'status'> & { status: 'closed' };

/**
 * The station's signed visit back from its Encounter, or null for an Encounter that is not one (another
 * system's, or without the version the station writes). Diagnoses come from Encounter.diagnosis in rank order.
 */
export function visitFromFhir(encounter: Encounter): VisitFromFhir | null {
  const ext = (url: string) => encounter.extension?.find((each) => each.url === url);
  const version = ext(EXT.visitVersion)?.valueInteger;
  const versionId = ext(EXT.visitVersionId)?.valueString;
  const patientId = referencedId(encounter.subject?.reference, 'Patient');
  if (!encounter.id || version === undefined || !versionId || !patientId || encounter.status !== 'finished' || !encounter.period?.start) return null;
  const diagnoses = [...(encounter.diagnosis ?? [])]
    .sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0))
    .map((each) => ({ code: each.condition.identifier?.value ?? '', name: each.condition.display ?? '' }))
    .filter((each) => each.code !== '' && each.name !== '');
  const text = (url: string) => ext(url)?.valueString ?? '';
  return {
    id: versionId,
    recordId: encounter.id,
    version,
    supersedes: ext(EXT.visitSupersedes)?.valueString ?? null,
    patientId,
    queueEntryId: referencedId(encounter.partOf?.reference, 'Encounter'),
    status: 'closed',
    chiefComplaint: encounter.reasonCode?.[0]?.text ?? '',
    history: text(EXT.visitHistory),
    examination: text(EXT.visitExamination),
    diagnoses,
    plan: text(EXT.visitPlan),
    prescription: text(EXT.visitPrescription),
    correctionReason: ext(EXT.visitCorrectionReason)?.valueString ?? null,
    clinicianName: encounter.participant?.[0]?.individual?.display ?? '',
    openedAt: encounter.period.start,
    closedAt: encounter.period.end ?? null,
  };
}

/** `Type/id` → id, for a reference to the given type only. */
export function referencedId(reference: string | undefined, type: string): string | null {
  if (!reference) return null;
  const parts = reference.split('/');
  const at = parts.lastIndexOf(type);
  return at >= 0 && parts[at + 1] ? parts[at + 1] : null;
}

/** The day's queue entry as FHIR: the attendance Encounter a visit happens in (arrived → in-progress → finished / cancelled). */
export interface QueueEntryForFhir {
  id: string;
  patientId: string;
  clinicDate: string;
  status: 'waiting' | 'inConsultation' | 'done' | 'left';
  priority: boolean;
  /** The clinician's name (user ids are per station); null while unassigned. */
  clinicianName: string | null;
  checkedInAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

const QUEUE_STATUS = { waiting: 'arrived', inConsultation: 'in-progress', done: 'finished', left: 'cancelled' } as const;
const QUEUE_KIND = { system: `${STATION_NS}/CodeSystem/encounter-kind`, code: 'queue-entry', display: '候诊' };
const URGENT = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActPriority', code: 'UR', display: 'urgent' };

export function queueEntryToFhir(entry: QueueEntryForFhir): EncounterWithId {
  return {
    resourceType: 'Encounter',
    id: entry.id,
    status: QUEUE_STATUS[entry.status],
    class: { system: SYSTEMS.actCode, code: 'AMB', display: 'ambulatory' },
    type: [{ coding: [QUEUE_KIND] }],
    ...(entry.priority ? { priority: { coding: [URGENT] } } : {}),
    subject: { reference: `Patient/${entry.patientId}` },
    ...(entry.clinicianName ? { participant: [{ individual: { display: entry.clinicianName } }] } : {}),
    period: { start: entry.checkedInAt, ...(entry.finishedAt ? { end: entry.finishedAt } : {}) },
    extension: [
      { url: EXT.queueClinicDate, valueDate: entry.clinicDate },
      ...(entry.startedAt ? [{ url: EXT.queueStartedAt, valueDateTime: entry.startedAt }] : []),
    ],
  };
}

export function queueEntryFromFhir(encounter: Encounter): QueueEntryForFhir | null {
  const isQueue = encounter.type?.some((type) => type.coding?.some((coding) => coding.system === QUEUE_KIND.system && coding.code === QUEUE_KIND.code));
  const patientId = referencedId(encounter.subject?.reference, 'Patient');
  const clinicDate = encounter.extension?.find((each) => each.url === EXT.queueClinicDate)?.valueDate;
  const status = (Object.keys(QUEUE_STATUS) as QueueEntryForFhir['status'][]).find((key) => QUEUE_STATUS[key] === encounter.status);
  if (!isQueue || !encounter.id || !patientId || !clinicDate || !status || !encounter.period?.start) return null;
  return {
    id: encounter.id,
    patientId,
    clinicDate,
    status,
    priority: encounter.priority?.coding?.some((coding) => coding.system === URGENT.system && coding.code === URGENT.code) ?? false,
    clinicianName: encounter.participant?.[0]?.individual?.display ?? null,
    checkedInAt: encounter.period.start,
    startedAt: encounter.extension?.find((each) => each.url === EXT.queueStartedAt)?.valueDateTime ?? null,
    finishedAt: encounter.period.end ?? null,
  };
}
