import type { Resource } from '@medplum/fhirtypes';
import { eq, sql } from 'drizzle-orm';
import { DEFAULT_CLINICAL_RANGES } from '../../../shared/clinical-ranges';
import { chinaLocalDate, completedYears } from '../../../shared/dates';
import { assessVitals } from '../../../shared/vitals';
import type { Sqlite } from '../../db/open';
import { ecgRecords, vitals } from '../../db/schema';
import { ecgLeadFromFhir, ecgReportFromFhir } from '../mapping/ecg';
import { mergeVitalsInput, vitalsPartFromFhir } from '../mapping/vitals';
import { dbOf, MissingDependency, param, prepared, requirePatient } from './store';

/**
 * Observations from the center's other stations: vitals (one Observation per quantity, merged back into their
 * session; derived values and flags recomputed by the same shared rules from what was typed) and ECG leads
 * (written into the recording's sample block). Anything else is not the clinic's and is left to other handlers.
 */
export function applyPulledObservation(sqlite: Sqlite, resource: Resource): void {
  if (resource.resourceType !== 'Observation') return;
  const observation = resource;
  const lead = ecgLeadFromFhir(observation);
  if (lead) {
    applyLead(sqlite, lead);
    return;
  }
  const part = vitalsPartFromFhir(observation);
  if (!part) return;
  const db = dbOf(sqlite);
  const patient = requirePatient(db, part.patientId);
  const row = prepared(db, 'vitals', () =>
    db
      .select({ input: vitals.input })
      .from(vitals)
      .where(eq(vitals.id, sql.placeholder('id')))
      .prepare(),
  ).get({ id: part.sessionId });
  const current = row ? (JSON.parse(row.input) as typeof part.input) : {};
  const input = mergeVitalsInput(current, part.input);
  if (row && JSON.stringify(input) === JSON.stringify(current)) return;
  const assessment = assessVitals(
    { ...input, sex: patient.sex === 'U' ? undefined : patient.sex, ageYears: completedYears(patient.birthDate, chinaLocalDate(new Date(part.measuredAt))) },
    DEFAULT_CLINICAL_RANGES,
  );
  if (!assessment.ok) throw new Error(`vitals ${part.sessionId}: ${assessment.errors.map((each) => each.code).join(', ')}`);
  const values = {
    input: JSON.stringify(input),
    derived: JSON.stringify(assessment.derived),
    flags: JSON.stringify(assessment.flags),
    systolic: assessment.derived.systolic ?? null,
    diastolic: assessment.derived.diastolic ?? null,
  };
  if (row) {
    prepared(db, 'vitals-update', () =>
      db
        .update(vitals)
        .set({
          input: param('input'),
          derived: param('derived'),
          flags: param('flags'),
          systolic: param('systolic'),
          diastolic: param('diastolic'),
        })
        .where(eq(vitals.id, sql.placeholder('id')))
        .prepare(),
    ).run({ id: part.sessionId, ...values });
    return;
  }
  prepared(db, 'vitals-insert', () =>
    db
      .insert(vitals)
      .values({
        id: sql.placeholder('id'),
        patientId: sql.placeholder('patientId'),
        visitId: sql.placeholder('visitId'),
        measuredAt: sql.placeholder('measuredAt'),
        input: sql.placeholder('input'),
        derived: sql.placeholder('derived'),
        flags: sql.placeholder('flags'),
        systolic: sql.placeholder('systolic'),
        diastolic: sql.placeholder('diastolic'),
        // Users are per station; who measured is not carried (the station's own id would name someone else here).
        recordedBy: 0,
        createdAt: sql.placeholder('createdAt'),
      })
      .prepare(),
  ).run({
    id: part.sessionId,
    patientId: part.patientId,
    visitId: part.visitId,
    measuredAt: part.measuredAt,
    ...values,
    createdAt: new Date().toISOString(),
  } satisfies Omit<typeof vitals.$inferInsert, 'recordedBy'>);
}

function applyLead(sqlite: Sqlite, lead: NonNullable<ReturnType<typeof ecgLeadFromFhir>>): void {
  const db = dbOf(sqlite);
  const row = prepared(db, 'ecg-samples', () =>
    db
      .select({ samples: ecgRecords.samples, sampleCount: ecgRecords.sampleCount, leadNames: ecgRecords.leadNames })
      .from(ecgRecords)
      .where(eq(ecgRecords.id, sql.placeholder('id')))
      .prepare(),
  ).get({ id: lead.ecgId });
  if (!row) throw new MissingDependency('DiagnosticReport', lead.ecgId);
  const leadCount = (JSON.parse(row.leadNames) as string[]).length;
  if (lead.index >= leadCount || lead.microvolts.length !== row.sampleCount) {
    throw new Error(`ECG ${lead.ecgId} lead ${lead.index}: ${lead.microvolts.length} samples for a recording of ${leadCount} × ${row.sampleCount}`);
  }
  const samples = Buffer.from(row.samples);
  Buffer.from(lead.microvolts.buffer, lead.microvolts.byteOffset, lead.microvolts.byteLength).copy(samples, lead.index * row.sampleCount * 4);
  if (samples.equals(row.samples)) return;
  db.update(ecgRecords).set({ samples }).where(eq(ecgRecords.id, lead.ecgId)).run();
}

/**
 * The station's ECG report: creates the recording (samples "lost" until its leads arrive) or updates its
 * interpretation. A county read (another code, based on a consult) is not ours and is left to the consult.
 */
export function applyPulledEcgReport(sqlite: Sqlite, resource: Resource): void {
  if (resource.resourceType !== 'DiagnosticReport') return;
  const report = ecgReportFromFhir(resource);
  if (!report) return;
  const db = dbOf(sqlite);
  requirePatient(db, report.patientId);
  const existing = prepared(db, 'ecg', () =>
    db
      .select({ id: ecgRecords.id })
      .from(ecgRecords)
      .where(eq(ecgRecords.id, sql.placeholder('id')))
      .prepare(),
  ).get({ id: report.id });
  const reading = {
    patientId: report.patientId,
    measurements: report.measurements,
    interpretation: report.interpretation,
    interpretedBy: report.interpretedBy,
    signedAt: report.signedAt,
  };
  if (existing) {
    db.update(ecgRecords).set(reading).where(eq(ecgRecords.id, report.id)).run();
    return;
  }
  const samples = Buffer.alloc(report.leadNames.length * report.sampleCount * 4);
  new Float32Array(samples.buffer, samples.byteOffset, samples.byteLength / 4).fill(Number.NaN);
  db.insert(ecgRecords)
    .values({
      id: report.id,
      recordedAt: report.recordedAt,
      source: report.source,
      sourceName: report.sourceName,
      format: report.format,
      sampleRateHz: report.sampleRateHz,
      sampleCount: report.sampleCount,
      leadNames: JSON.stringify(report.leadNames),
      samples,
      annotationCount: report.annotationCount,
      createdAt: new Date().toISOString(),
      ...reading,
    })
    .run();
}
