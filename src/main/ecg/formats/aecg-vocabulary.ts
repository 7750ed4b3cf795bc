/**
 * HL7 v3 Annotated ECG (aECG, ANSI/HL7 V3 ECG R1-2004) codes shared by the reader and the writer.
 * Lead and annotation codes are from the MDC nomenclature (ISO/IEEE 11073-10102, code system 2.16.840.1.113883.6.24).
 */

export const HL7_NAMESPACE = 'urn:hl7-org:v3';
export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
export const MDC_CODE_SYSTEM = '2.16.840.1.113883.6.24';
export const ACT_CODE_SYSTEM = '2.16.840.1.113883.5.4';
export const CPT4_CODE_SYSTEM = '2.16.840.1.113883.6.12';
export const LOINC_CODE_SYSTEM = '2.16.840.1.113883.6.1';
export const GENDER_CODE_SYSTEM = '2.16.840.1.113883.5.1';
/** CPT-4 93000 (routine 12-lead ECG) is what the aECG implementation guide puts on every AnnotatedECG. */
export const AECG_DOCUMENT_CODE = '93000';
/** LOINC 21612-7 "Reported Age". */
export const LOINC_REPORTED_AGE = '21612-7';

export const RHYTHM_SERIES = 'RHYTHM';
export const REPRESENTATIVE_BEAT_SERIES = 'REPRESENTATIVE_BEAT';
export const TIME_ABSOLUTE = 'TIME_ABSOLUTE';
export const TIME_RELATIVE = 'TIME_RELATIVE';

export const LEAD_CODE_PREFIX = 'MDC_ECG_LEAD_';
export const BEAT_CODE = 'MDC_ECG_BEAT';
export const WAVE_CODE = 'MDC_ECG_WAVC';
export const QRS_WAVE_CODE = 'MDC_ECG_WAVC_QRSWAVE';
const NORMAL_BEAT_CODE = 'MDC_ECG_BEAT_NORMAL';

/** MDC suffixes whose standard display name differs in case. */
const AUGMENTED_LEADS: Readonly<Record<string, string>> = { AVR: 'aVR', AVL: 'aVL', AVF: 'aVF' };

/**
 * Lead name for a sequence code: MDC_ECG_LEAD_AVR → aVR, MDC_ECG_LEAD_V4R → V4R. A code outside the MDC lead
 * family is kept as the file wrote it (it is the file's own label).
 */
export function leadNameFromCode(code: string): string {
  if (!code.startsWith(LEAD_CODE_PREFIX) || code.length === LEAD_CODE_PREFIX.length) return code;
  const suffix = code.slice(LEAD_CODE_PREFIX.length);
  return AUGMENTED_LEADS[suffix.toUpperCase()] ?? suffix;
}

/**
 * Sequence code for a lead name: the MDC code when the name is an MDC lead (I, aVR, V4R, …) and reads back as
 * itself, otherwise the name itself, so that any lead survives a round trip.
 */
export function leadCodeFromName(name: string): string {
  if (/^[A-Za-z0-9]+$/.test(name)) {
    const code = LEAD_CODE_PREFIX + (AUGMENTED_LEADS[name.toUpperCase()] === name ? name.toUpperCase() : name);
    if (leadNameFromCode(code) === name) return code;
  }
  return name;
}

/** MIT symbol for an MDC beat code; other codes are kept as the file's own label. */
export function beatSymbolFromCode(code: string | undefined): string {
  if (code === NORMAL_BEAT_CODE) return 'N';
  return code ?? BEAT_CODE;
}

export function beatCodeFromSymbol(symbol: string): string {
  return symbol === 'N' ? NORMAL_BEAT_CODE : symbol;
}

/** Factors from aECG amplitude units (UCUM) to microvolts. */
const MICROVOLTS_PER_UNIT: Readonly<Record<string, number>> = { uV: 1, µV: 1, mV: 1000, V: 1_000_000, nV: 0.001 };

export function microvoltsPerUnit(unit: string): number | undefined {
  return MICROVOLTS_PER_UNIT[unit];
}

/** Factors from aECG time units (UCUM) to seconds. */
const SECONDS_PER_UNIT: Readonly<Record<string, number>> = { s: 1, ms: 0.001, us: 0.000001 };

export function secondsPerUnit(unit: string): number | undefined {
  return SECONDS_PER_UNIT[unit];
}

/**
 * The physical value of one digit, as the reader computes it: value = origin + scale × digit (aECG SLIST_PQ).
 * The writer uses the same function to prove that the digits it chooses read back exactly.
 */
export function aecgSampleValue(originMicrovolts: number, scaleMicrovolts: number, digit: number): number {
  return Math.fround(originMicrovolts + scaleMicrovolts * digit);
}
