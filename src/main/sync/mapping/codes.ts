import type { CodeableConcept, Extension, Quantity } from '@medplum/fhirtypes';

/**
 * Code systems and codes the station writes. LOINC codes are those of ARCHITECTURE §7; units are UCUM.
 */
export const SYSTEMS = {
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
  /**
   * 居民身份证号 (GB 11643). The OID 2.16.156.10011.1.1 is the one the national health-information standards
   * (WS 363/WS 364 family, 卫生信息数据元) give the resident identity card; a platform using another system
   * for the same number maps it on its side.
   */
  residentId: 'urn:oid:2.16.156.10011.1.1',
  /** 居民健康卡号: the township's local card number; no national URI is fixed, so a station-scoped one. */
  healthCard: 'urn:township-workstation:health-card',
  /** WHO ICD-10 URI; Chinese codes (GB/T 14396, 国家临床版) extend it with sub-codes after the dot. */
  icd10: 'http://hl7.org/fhir/sid/icd-10',
  /** IEEE 11073-10101 (MDC) for ECG leads, as in HL7's own FHIR ECG example. */
  mdc: 'urn:oid:2.16.840.1.113883.6.24',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  diagnosticService: 'http://terminology.hl7.org/CodeSystem/v2-0074',
} as const;

/**
 * The station's own extensions (same namespace as the consult's): what a record holds that FHIR's core elements do
 * not, carried so a record written on one station is the same record on the center's others (pulled/*.ts).
 */
export const STATION_NS = 'https://township-workstation.cn/fhir';
export const EXT = {
  visitVersion: `${STATION_NS}/StructureDefinition/visit-version`,
  visitVersionId: `${STATION_NS}/StructureDefinition/visit-version-id`,
  visitSupersedes: `${STATION_NS}/StructureDefinition/visit-supersedes`,
  visitCorrectionReason: `${STATION_NS}/StructureDefinition/visit-correction-reason`,
  visitHistory: `${STATION_NS}/StructureDefinition/visit-history`,
  visitExamination: `${STATION_NS}/StructureDefinition/visit-examination`,
  visitPlan: `${STATION_NS}/StructureDefinition/visit-plan`,
  visitPrescription: `${STATION_NS}/StructureDefinition/visit-prescription`,
  vitalsSession: `${STATION_NS}/StructureDefinition/vitals-session`,
  queueClinicDate: `${STATION_NS}/StructureDefinition/queue-clinic-date`,
  queueStartedAt: `${STATION_NS}/StructureDefinition/queue-started-at`,
  /** Complex: one per typed blood-pressure reading, sub-extensions `systolic` / `diastolic` (valueQuantity). */
  bpReading: `${STATION_NS}/StructureDefinition/bp-reading`,
  ecgSource: `${STATION_NS}/StructureDefinition/ecg-source`,
  ecgSourceName: `${STATION_NS}/StructureDefinition/ecg-source-name`,
  ecgFormat: `${STATION_NS}/StructureDefinition/ecg-format`,
  ecgSampleCount: `${STATION_NS}/StructureDefinition/ecg-sample-count`,
  ecgSampleRateHz: `${STATION_NS}/StructureDefinition/ecg-sample-rate-hz`,
  ecgAnnotationCount: `${STATION_NS}/StructureDefinition/ecg-annotation-count`,
  /** The station's measurement set as JSON (HR, PR, QRS, QT/QTc, axis…): one value, read back whole. */
  ecgMeasurements: `${STATION_NS}/StructureDefinition/ecg-measurements`,
  ecgRecord: `${STATION_NS}/StructureDefinition/ecg-record`,
  ecgLeadIndex: `${STATION_NS}/StructureDefinition/ecg-lead-index`,
} as const;

export function loinc(code: string, display: string, text?: string): CodeableConcept {
  return { coding: [{ system: SYSTEMS.loinc, code, display }], ...(text ? { text } : {}) };
}

export function ucum(value: number, code: string, unit: string = code): Quantity {
  return { value, unit, system: SYSTEMS.ucum, code };
}

/** FHIR ids are [A-Za-z0-9.-]{1,64}: our UUIDs plus a short suffix stay inside. */
export function childId(parentId: string, suffix: string): string {
  return `${parentId}-${suffix}`.replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 64);
}

export const LOINC = {
  bpPanel: ['85354-9', 'Blood pressure panel with all children optional'],
  systolic: ['8480-6', 'Systolic blood pressure'],
  diastolic: ['8462-4', 'Diastolic blood pressure'],
  heartRate: ['8867-4', 'Heart rate'],
  weight: ['29463-7', 'Body weight'],
  height: ['8302-2', 'Body height'],
  bmi: ['39156-5', 'Body mass index (BMI) [Ratio]'],
  fastingGlucose: ['14771-0', 'Fasting glucose [Moles/volume] in Serum or Plasma'],
  /** Not in §7: a random (non-fasting) glucose must not be reported as fasting. */
  glucose: ['15074-8', 'Glucose [Moles/volume] in Blood'],
  hba1c: ['4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood'],
  temperature: ['8310-5', 'Body temperature'],
  spo2: ['59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry'],
  respiratoryRate: ['9279-1', 'Respiratory rate'],
  waist: ['8280-0', 'Waist Circumference at umbilicus by Tape measure'],
  ecgReport: ['45033-8', 'EKG study'],
} as const satisfies Record<string, readonly [string, string]>;

/** The station's own code systems and extensions, where no standard one holds the national form's concept. */
export const STATION = {
  /** Programmes, follow-up kinds and health-check kinds (高血压/2型糖尿病患者健康管理, 健康体检). */
  programme: 'urn:township-workstation:bphs-programme',
  /** The follow-up form (随访服务记录表) as a Questionnaire: one item per field of the form. */
  followupQuestionnaire: 'urn:township-workstation:Questionnaire:bphs-followup',
  extension: (name: string) => `urn:township-workstation:extension:${name}`,
} as const;

export const SNOMED = 'http://snomed.info/sct';

type ExtensionValue = string | number | boolean | null | undefined;

/** Station extensions for the values a standard element cannot hold; null/undefined values are left out. */
export function stationExtensions(values: Record<string, ExtensionValue>): Extension[] {
  const out: Extension[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (value === null || value === undefined || value === '') continue;
    const url = STATION.extension(name);
    if (typeof value === 'boolean') out.push({ url, valueBoolean: value });
    else if (typeof value === 'number') out.push(Number.isInteger(value) ? { url, valueInteger: value } : { url, valueDecimal: value });
    else out.push({ url, valueString: value });
  }
  return out;
}

/** Reads one station extension back (absent: null). */
export function stationExtension(extensions: readonly Extension[] | undefined, name: string): string | number | boolean | null {
  const found = extensions?.find((each) => each.url === STATION.extension(name));
  if (!found) return null;
  return found.valueString ?? found.valueInteger ?? found.valueDecimal ?? found.valueBoolean ?? null;
}

export function stationString(extensions: readonly Extension[] | undefined, name: string): string | null {
  const value = stationExtension(extensions, name);
  return value === null ? null : String(value);
}

/** "Patient/<id>" → id; throws for a missing or foreign reference (the record cannot be stored without it). */
export function referencedId(reference: string | undefined, type: string, what: string): string {
  const prefix = `${type}/`;
  if (!reference?.startsWith(prefix)) throw new Error(`${what}: no ${type} reference`);
  return reference.slice(prefix.length);
}
