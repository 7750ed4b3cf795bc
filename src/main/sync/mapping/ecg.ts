import type { DiagnosticReport, Observation } from '@medplum/fhirtypes';
import type { EcgSummary } from '../../../shared/api/ecg';
import type { ResourceWithId } from '../outbox';
import { childId, LOINC, loinc, SYSTEMS } from './codes';

export type DiagnosticReportWithId = DiagnosticReport & ResourceWithId;
export type ObservationWithId = Observation & ResourceWithId;

/** MDC_ECG_ELEC_POTL_<lead> (IEEE 11073-10101, partition 2): the codes HL7's FHIR ECG example uses per lead. */
const MDC_LEAD: Record<string, [string, string]> = {
  I: ['131329', 'MDC_ECG_ELEC_POTL_I'],
  II: ['131330', 'MDC_ECG_ELEC_POTL_II'],
  III: ['131389', 'MDC_ECG_ELEC_POTL_III'],
  aVR: ['131390', 'MDC_ECG_ELEC_POTL_AVR'],
  aVL: ['131391', 'MDC_ECG_ELEC_POTL_AVL'],
  aVF: ['131392', 'MDC_ECG_ELEC_POTL_AVF'],
  V1: ['131331', 'MDC_ECG_ELEC_POTL_V1'],
  V2: ['131332', 'MDC_ECG_ELEC_POTL_V2'],
  V3: ['131333', 'MDC_ECG_ELEC_POTL_V3'],
  V4: ['131334', 'MDC_ECG_ELEC_POTL_V4'],
  V5: ['131335', 'MDC_ECG_ELEC_POTL_V5'],
  V6: ['131336', 'MDC_ECG_ELEC_POTL_V6'],
};

export interface EcgLeadSamples {
  name: string;
  microvolts: Float32Array;
}

/**
 * An ECG as DiagnosticReport 45033-8 (conclusion = the clinician's interpretation, final once signed) with one
 * Observation per lead carrying the waveform as valueSampledData: whole µV, period in ms, "E" where a sample
 * was lost (SampledData's own error marker).
 */
export function ecgToFhir(summary: EcgSummary & { patientId: string }, leads: readonly EcgLeadSamples[]): [DiagnosticReportWithId, ...ObservationWithId[]] {
  const subject = { reference: `Patient/${summary.patientId}` };
  const periodMs = 1000 / summary.sampleRateHz;
  const observations = leads.map((lead, index): ObservationWithId => {
    const mdc = MDC_LEAD[lead.name];
    return {
      resourceType: 'Observation',
      id: childId(summary.id, `lead${index}`),
      status: 'final',
      category: [{ coding: [{ system: SYSTEMS.observationCategory, code: 'procedure' }] }],
      code: { ...(mdc ? { coding: [{ system: SYSTEMS.mdc, code: mdc[0], display: mdc[1] }] } : {}), text: `ECG lead ${lead.name}` },
      subject,
      effectiveDateTime: summary.recordedAt,
      valueSampledData: {
        origin: { value: 0, unit: 'uV', system: SYSTEMS.ucum, code: 'uV' },
        period: Number(periodMs.toFixed(6)),
        factor: 1,
        dimensions: 1,
        data: sampledDataText(lead.microvolts),
      },
    };
  });
  const signed = summary.interpretation !== null && summary.signedAt !== null;
  const report: DiagnosticReportWithId = {
    resourceType: 'DiagnosticReport',
    id: summary.id,
    status: signed ? 'final' : 'preliminary',
    category: [{ coding: [{ system: SYSTEMS.diagnosticService, code: 'EC', display: 'Electrocardiac (e.g., EKG, EEC, Holter)' }] }],
    code: loinc(LOINC.ecgReport[0], LOINC.ecgReport[1], '心电图'),
    subject,
    effectiveDateTime: summary.recordedAt,
    ...(summary.signedAt ? { issued: summary.signedAt } : {}),
    ...(summary.interpretedBy ? { resultsInterpreter: [{ display: summary.interpretedBy }] } : {}),
    ...(summary.interpretation ? { conclusion: summary.interpretation } : {}),
    result: observations.map((observation) => ({ reference: `Observation/${observation.id}`, display: observation.code.text })),
  };
  return [report, ...observations];
}

export function sampledDataText(microvolts: Float32Array): string {
  const parts = new Array<string>(microvolts.length);
  for (let index = 0; index < microvolts.length; index++) {
    const value = microvolts[index];
    parts[index] = Number.isFinite(value) ? String(Math.round(value)) : 'E';
  }
  return parts.join(' ');
}
