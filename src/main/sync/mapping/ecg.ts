import type { DiagnosticReport, Observation } from '@medplum/fhirtypes';
import type { EcgSummary } from '../../../shared/api/ecg';
import type { ResourceWithId } from '../outbox';
import { childId, EXT, LOINC, loinc, SYSTEMS } from './codes';

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
      extension: [
        { url: EXT.ecgRecord, valueString: summary.id },
        { url: EXT.ecgLeadIndex, valueInteger: index },
      ],
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
    extension: [
      { url: EXT.ecgSource, valueString: summary.source },
      { url: EXT.ecgSourceName, valueString: summary.sourceName },
      { url: EXT.ecgFormat, valueString: summary.format },
      { url: EXT.ecgSampleCount, valueInteger: summary.sampleCount },
      { url: EXT.ecgSampleRateHz, valueDecimal: summary.sampleRateHz },
      { url: EXT.ecgAnnotationCount, valueInteger: summary.annotationCount },
      { url: EXT.ecgMeasurements, valueString: JSON.stringify(summary.measurements) },
    ],
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

/** The station's ECG report back from its DiagnosticReport (null for a report that is not one: a county read, say). */
export interface EcgReportFromFhir {
  id: string;
  patientId: string;
  recordedAt: string;
  source: EcgSummary['source'];
  sourceName: string;
  format: string;
  sampleRateHz: number;
  sampleCount: number;
  annotationCount: number;
  measurements: string;
  leadNames: string[];
  interpretation: string | null;
  interpretedBy: string | null;
  signedAt: string | null;
}

const SOURCES: readonly EcgSummary['source'][] = ['file', 'device', 'folder'];

export function ecgReportFromFhir(report: DiagnosticReport): EcgReportFromFhir | null {
  const ext = (url: string) => report.extension?.find((each) => each.url === url);
  const isEcg = report.code.coding?.some((each) => each.system === SYSTEMS.loinc && each.code === LOINC.ecgReport[0]);
  const patientRef = report.subject?.reference;
  const source = ext(EXT.ecgSource)?.valueString as EcgSummary['source'] | undefined;
  const sampleCount = ext(EXT.ecgSampleCount)?.valueInteger;
  const sampleRateHz = ext(EXT.ecgSampleRateHz)?.valueDecimal;
  if (!isEcg || !report.id || !patientRef?.startsWith('Patient/') || !report.effectiveDateTime) return null;
  if (!source || !SOURCES.includes(source) || sampleCount === undefined || sampleRateHz === undefined) return null;
  const leadNames = (report.result ?? []).map((each) => (each.display ?? '').replace(/^ECG lead /, ''));
  return {
    id: report.id,
    patientId: patientRef.slice('Patient/'.length),
    recordedAt: report.effectiveDateTime,
    source,
    sourceName: ext(EXT.ecgSourceName)?.valueString ?? '',
    format: ext(EXT.ecgFormat)?.valueString ?? '',
    sampleRateHz,
    sampleCount,
    annotationCount: ext(EXT.ecgAnnotationCount)?.valueInteger ?? 0,
    measurements: ext(EXT.ecgMeasurements)?.valueString ?? '{}',
    leadNames,
    interpretation: report.conclusion ?? null,
    interpretedBy: report.resultsInterpreter?.[0]?.display ?? null,
    signedAt: report.issued ?? null,
  };
}

/** One lead's samples back from its Observation (null when it is not a lead of a station ECG). */
export function ecgLeadFromFhir(observation: Observation): { ecgId: string; index: number; microvolts: Float32Array } | null {
  const ecgId = observation.extension?.find((each) => each.url === EXT.ecgRecord)?.valueString;
  const index = observation.extension?.find((each) => each.url === EXT.ecgLeadIndex)?.valueInteger;
  const data = observation.valueSampledData?.data;
  if (!ecgId || index === undefined || data === undefined) return null;
  const origin = observation.valueSampledData?.origin.value ?? 0;
  const factor = observation.valueSampledData?.factor ?? 1;
  return { ecgId, index, microvolts: parseSampledData(data, origin, factor) };
}

/** SampledData.data: decimals separated by single spaces; "E" (error), "L"/"U" (out of range) become NaN. */
export function parseSampledData(data: string, origin = 0, factor = 1): Float32Array {
  const parts = data.trim() === '' ? [] : data.trim().split(' ');
  const values = new Float32Array(parts.length);
  for (let index = 0; index < parts.length; index++) {
    const value = Number(parts[index]);
    values[index] = Number.isFinite(value) ? origin + value * factor : Number.NaN;
  }
  return values;
}
