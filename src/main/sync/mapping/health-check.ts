import type { Encounter, Observation } from '@medplum/fhirtypes';
import { followupHealthChecks } from '../../db/schema/followup';
import type { ResourceWithId } from '../outbox';
import { childId, referencedId, STATION, stationExtension, stationExtensions, stationString, SYSTEMS } from './codes';

type HealthCheckRow = typeof followupHealthChecks.$inferSelect;
type NewHealthCheckRow = typeof followupHealthChecks.$inferInsert;
export type EncounterWithId = Encounter & ResourceWithId;
export type ObservationWithId = Observation & ResourceWithId;

/**
 * The annual health check (健康体检) or elderly health management check (老年人健康管理) as an Encounter typed by
 * kind, partOf the follow-up Encounter when it was done with one; the elderly self-care score (老年人生活自理能力
 * 评估, 0–18+) as an Observation in it (no LOINC code exists for this national scale). The Encounter carries the
 * score and note too and is the authority on pull.
 */

const KIND_DISPLAY = { annual: '健康体检', elderly: '老年人健康管理' } as const;

export function healthCheckToFhir(row: HealthCheckRow): [EncounterWithId, ...ObservationWithId[]] {
  const subject = { reference: `Patient/${row.patientId}` };
  const encounter: EncounterWithId = {
    resourceType: 'Encounter',
    id: row.id,
    status: 'finished',
    class: { system: SYSTEMS.actCode, code: 'AMB', display: 'ambulatory' },
    type: [{ coding: [{ system: STATION.programme, code: `health-check-${row.kind}`, display: KIND_DISPLAY[row.kind] }] }],
    subject,
    period: { start: row.checkDate, end: row.checkDate },
    ...(row.recordId ? { partOf: { reference: `Encounter/${row.recordId}` } } : {}),
    extension: stationExtensions({ selfCareScore: row.selfCareScore, note: row.note, createdAt: row.createdAt }),
  };
  if (row.selfCareScore === null) return [encounter];
  const score: ObservationWithId = {
    resourceType: 'Observation',
    id: childId(row.id, 'selfcare'),
    status: 'final',
    category: [{ coding: [{ system: SYSTEMS.observationCategory, code: 'survey' }] }],
    code: { coding: [{ system: STATION.programme, code: 'elderly-self-care-score' }], text: '老年人生活自理能力评估' },
    subject,
    encounter: { reference: `Encounter/${row.id}` },
    effectiveDateTime: row.checkDate,
    valueInteger: row.selfCareScore,
  };
  return [encounter, score];
}

const KINDS = ['annual', 'elderly'] as const;

/** The kind of a health-check Encounter, or null for any other Encounter. */
export function healthCheckKind(encounter: Encounter): (typeof KINDS)[number] | null {
  const code = encounter.type?.flatMap((type) => type.coding ?? []).find((coding) => coding.system === STATION.programme)?.code;
  return KINDS.find((kind) => code === `health-check-${kind}`) ?? null;
}

export function healthCheckFromFhir(encounter: Encounter, now: string): NewHealthCheckRow {
  const what = `Encounter/${encounter.id}`;
  const kind = healthCheckKind(encounter);
  const checkDate = encounter.period?.start?.slice(0, 10);
  if (!encounter.id || !kind || !checkDate) throw new Error(`${what} is not a health check this station can read`);
  const score = stationExtension(encounter.extension, 'selfCareScore');
  return {
    id: encounter.id,
    patientId: referencedId(encounter.subject?.reference, 'Patient', what),
    checkDate,
    kind,
    selfCareScore: typeof score === 'number' ? score : null,
    recordId: encounter.partOf?.reference ? referencedId(encounter.partOf.reference, 'Encounter', what) : null,
    note: stationString(encounter.extension, 'note'),
    recordedBy: 0,
    createdAt: stationString(encounter.extension, 'createdAt') ?? now,
  };
}
