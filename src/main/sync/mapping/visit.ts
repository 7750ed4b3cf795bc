import type { Condition, Encounter } from '@medplum/fhirtypes';
import type { Visit } from '../../../shared/api/clinic';
import type { ResourceWithId } from '../outbox';
import { childId, EXT, SYSTEMS } from './codes';

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
export type VisitFromFhir = Omit<Visit, 'queueEntryId' | 'status'> & { status: 'closed' };

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
