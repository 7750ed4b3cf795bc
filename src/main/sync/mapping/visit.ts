import type { Condition, Encounter } from '@medplum/fhirtypes';
import type { Visit } from '../../../shared/api/clinic';
import type { ResourceWithId } from '../outbox';
import { childId, SYSTEMS } from './codes';

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
    diagnosis: current.map((each, index) => ({ condition: { reference: `Condition/${each.id}` }, rank: index + 1 })),
  };
  if (encounter.diagnosis?.length === 0) delete encounter.diagnosis;
  return [encounter, ...current, ...dropped];
}

export function conditionId(recordId: string, icd10: string): string {
  return childId(recordId, `dx-${icd10}`);
}
