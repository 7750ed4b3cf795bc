import { randomUUID } from 'node:crypto';
import type { EcgAnnotation, EcgLead, EcgPatientInfo, EcgRecord } from '../../../shared/ecg';
import {
  ACT_CODE_SYSTEM,
  AECG_DOCUMENT_CODE,
  BEAT_CODE,
  CPT4_CODE_SYSTEM,
  GENDER_CODE_SYSTEM,
  HL7_NAMESPACE,
  LOINC_CODE_SYSTEM,
  LOINC_REPORTED_AGE,
  MDC_CODE_SYSTEM,
  QRS_WAVE_CODE,
  RHYTHM_SERIES,
  TIME_ABSOLUTE,
  TIME_RELATIVE,
  WAVE_CODE,
  XSI_NAMESPACE,
  aecgSampleValue,
  beatCodeFromSymbol,
  beatSymbolFromCode,
  leadCodeFromName,
  leadNameFromCode,
} from './aecg-vocabulary';
import { formatHl7Timestamp, isoToHl7Timestamp, type Hl7Timestamp } from './aecg-time';
import { escapeXmlAttribute as attr, escapeXmlText as text } from './xml';

/**
 * Writes an EcgRecord as an HL7 v3 Annotated ECG document, the exchange format for remote consults.
 *
 * The document follows the HL7 schema PORT_MT020001 (2003-12 ballot, as the FDA accepts it): required elements are
 * present (null-flavored when a consult has no value, e.g. the clinical-trial context) and in schema order.
 *
 * Guarantee: `readAecg(writeAecg(record))` gives back the record (same rate, lead names and order, every sample
 * bit-identical as Float32, annotations, patient, device, recordedAt). Each lead is written with origin 0 µV and
 * a decimal scale 10^-k µV, k the smallest number of decimals that reproduces every sample exactly; values from
 * any reader (multiples of a decimal resolution) need k ≤ 3. Text is UTF-8, so Chinese names survive.
 */

export interface AecgWriteMeta {
  /** AnnotatedECG id (a UUID); random when absent. */
  documentId?: string;
  /** Rhythm series id (a UUID); random when absent. */
  seriesId?: string;
  /** Organisation that produced the file (the health center), written as the ECG collection site. */
  organizationName?: string;
  /** Program that wrote the file. */
  softwareName?: string;
}

const MAX_DECIMALS = 12;

/** Decimal text without exponent notation (HL7 REAL literals are plain decimals). */
function decimal(value: number): string {
  const plain = String(value);
  if (!/e/i.test(plain)) return plain;
  return value.toFixed(20).replace(/\.?0+$/, '');
}

function scaleText(decimals: number): string {
  return decimals === 0 ? '1' : `0.${'0'.repeat(decimals - 1)}1`;
}

/** Digits and scale that reproduce every sample of a lead exactly (see the module comment). */
export function quantizeLead(lead: EcgLead): { scale: string; digits: Float64Array } {
  const samples = lead.microvolts;
  for (let i = 0; i < samples.length; i++) {
    if (!Number.isFinite(samples[i])) {
      throw new RangeError(`aECG digits cannot carry ${samples[i]} (lead ${lead.name}, sample ${i}); mark gaps before writing`);
    }
  }
  let best: { scale: string; digits: Float64Array; error: number } | undefined;
  for (let decimals = 0; decimals <= MAX_DECIMALS; decimals++) {
    const scale = scaleText(decimals);
    const scaleValue = Number(scale);
    const digits = new Float64Array(samples.length);
    let error = 0;
    for (let i = 0; i < samples.length; i++) {
      const digit = Math.round(samples[i] / scaleValue);
      if (!Number.isSafeInteger(digit)) {
        error = Infinity;
        break;
      }
      digits[i] = digit;
      const back = aecgSampleValue(0, scaleValue, digit);
      if (back !== samples[i]) error = Math.max(error, Math.abs(back - samples[i]));
    }
    if (error === 0) return { scale, digits };
    if (!best || error < best.error) best = { scale, digits, error };
  }
  // Only reached for samples that no decimal grid within 2^53 holds (sub-nanovolt detail beside large values).
  if (!best || best.error === Infinity) throw new RangeError(`lead ${lead.name} has values too large for aECG digits`);
  return best;
}

function digitsText(digits: Float64Array): string {
  const lines: string[] = [];
  for (let i = 0; i < digits.length; i += 20) lines.push(digits.subarray(i, i + 20).join(' '));
  return lines.join('\n');
}

function checkRecord(record: EcgRecord): number {
  if (!(record.sampleRateHz > 0) || !Number.isFinite(record.sampleRateHz)) {
    throw new RangeError(`sample rate ${record.sampleRateHz} Hz cannot be written`);
  }
  if (record.leads.length === 0) throw new RangeError('a record without leads cannot be written');
  const count = record.leads[0].microvolts.length;
  if (count === 0) throw new RangeError('a record without samples cannot be written');
  for (const lead of record.leads) {
    if (lead.microvolts.length !== count) throw new RangeError(`lead ${lead.name} length differs from the others`);
    if (lead.name === '' || leadNameFromCode(leadCodeFromName(lead.name)) !== lead.name) {
      throw new RangeError(`lead name "${lead.name}" cannot be written as an aECG sequence code`);
    }
  }
  for (const annotation of record.annotations ?? []) {
    if (beatSymbolFromCode(beatCodeFromSymbol(annotation.symbol)) !== annotation.symbol) {
      throw new RangeError(`annotation symbol "${annotation.symbol}" cannot be written as an aECG beat code`);
    }
  }
  return count;
}

function timestampOf(recordedAt: string | undefined): Hl7Timestamp | undefined {
  if (recordedAt === undefined) return undefined;
  const ts = isoToHl7Timestamp(recordedAt);
  if (!ts) throw new RangeError(`recordedAt "${recordedAt}" is not an ISO 8601 date-time`);
  return ts;
}

// ---------------------------------------------------------------------------------------------------------------
// Document parts

function patientPart(patient: EcgPatientInfo | undefined, indent: string): string {
  const lines = [`${indent}<trialSubject>`];
  lines.push(patient?.id !== undefined ? `${indent}  <id extension="${attr(patient.id)}"/>` : `${indent}  <id nullFlavor="UNK"/>`);
  lines.push(`${indent}  <subjectDemographicPerson>`);
  if (patient?.name !== undefined) lines.push(`${indent}    <name>${text(patient.name)}</name>`);
  if (patient?.sex !== undefined) {
    const code = patient.sex === 'U' ? 'UN' : patient.sex;
    lines.push(`${indent}    <administrativeGenderCode code="${code}" codeSystem="${GENDER_CODE_SYSTEM}"/>`);
  }
  if (patient?.birthDate !== undefined) {
    const birth = isoToHl7Timestamp(patient.birthDate);
    if (!birth || birth.day === undefined) throw new RangeError(`birthDate "${patient.birthDate}" is not yyyy-mm-dd`);
    lines.push(`${indent}    <birthTime value="${formatHl7Timestamp(birth)}"/>`);
  }
  lines.push(`${indent}  </subjectDemographicPerson>`, `${indent}</trialSubject>`);
  return lines.join('\n');
}

/** aECG puts the subject inside a clinical-trial context; a consult has none, so the context is marked unknown. */
function contextPart(patient: EcgPatientInfo | undefined): string {
  return [
    '  <componentOf>',
    '    <timepointEvent>',
    '      <code nullFlavor="NA"/>',
    '      <componentOf>',
    '        <subjectAssignment>',
    '          <subject>',
    patientPart(patient, '            '),
    '          </subject>',
    '          <componentOf>',
    '            <clinicalTrial>',
    '              <id nullFlavor="NA"/>',
    '            </clinicalTrial>',
    '          </componentOf>',
    '        </subjectAssignment>',
    '      </componentOf>',
    '    </timepointEvent>',
    '  </componentOf>',
  ].join('\n');
}

function agePart(ageYears: number | undefined): string[] {
  if (ageYears === undefined) return [];
  if (!(ageYears >= 0 && ageYears < 200)) throw new RangeError(`ageYears ${ageYears} is out of range`);
  return [
    '  <controlVariable>',
    '    <relatedObservation>',
    `      <code code="${LOINC_REPORTED_AGE}" codeSystem="${LOINC_CODE_SYSTEM}" codeSystemName="LOINC" displayName="Reported Age"/>`,
    `      <value xsi:type="PQ" value="${decimal(ageYears)}" unit="a"/>`,
    '    </relatedObservation>',
    '  </controlVariable>',
  ];
}

function authorPart(record: EcgRecord, meta: AecgWriteMeta): string[] {
  const { device } = record;
  const organization = device?.manufacturer;
  if (!device && !meta.softwareName) return [];
  const lines = ['      <author>', '        <seriesAuthor>', '          <manufacturedSeriesDevice>'];
  if (device?.serial !== undefined) lines.push(`            <id extension="${attr(device.serial)}"/>`);
  if (device?.model !== undefined) lines.push(`            <manufacturerModelName>${text(device.model)}</manufacturerModelName>`);
  if (meta.softwareName !== undefined) lines.push(`            <softwareName>${text(meta.softwareName)}</softwareName>`);
  lines.push('          </manufacturedSeriesDevice>');
  if (organization !== undefined) {
    lines.push('          <manufacturerOrganization>', `            <name>${text(organization)}</name>`, '          </manufacturerOrganization>');
  }
  lines.push('        </seriesAuthor>', '      </author>');
  return lines;
}

/** The producing health center, as the ECG collection site (AnnotatedECG/location/testingSite). */
function locationPart(organizationName: string | undefined): string[] {
  if (organizationName === undefined) return [];
  return [
    '  <location>',
    '    <testingSite>',
    '      <id nullFlavor="UNK"/>',
    `      <location><name>${text(organizationName)}</name></location>`,
    '    </testingSite>',
    '  </location>',
  ];
}

function timeSequencePart(start: Hl7Timestamp | undefined, sampleRateHz: number): string {
  const increment = `<increment value="${decimal(1 / sampleRateHz)}" unit="s"/>`;
  const value = start
    ? `<value xsi:type="GLIST_TS"><head value="${formatHl7Timestamp(start)}"/>${increment}</value>`
    : `<value xsi:type="GLIST_PQ"><head value="0" unit="s"/>${increment}</value>`;
  return [
    '          <component>',
    '            <sequence>',
    `              <code code="${start ? TIME_ABSOLUTE : TIME_RELATIVE}" codeSystem="${ACT_CODE_SYSTEM}" codeSystemName="ActCode"/>`,
    `              ${value}`,
    '            </sequence>',
    '          </component>',
  ].join('\n');
}

function leadSequencePart(lead: EcgLead): string {
  const { scale, digits } = quantizeLead(lead);
  const code = leadCodeFromName(lead.name);
  const codeSystem = code === lead.name ? '' : ` codeSystem="${MDC_CODE_SYSTEM}" codeSystemName="MDC"`;
  return [
    '          <component>',
    '            <sequence>',
    `              <code code="${attr(code)}"${codeSystem}/>`,
    '              <value xsi:type="SLIST_PQ">',
    '                <origin value="0" unit="uV"/>',
    `                <scale value="${scale}" unit="uV"/>`,
    `                <digits>${digitsText(digits)}</digits>`,
    '              </value>',
    '            </sequence>',
    '          </component>',
  ].join('\n');
}

/** One MDC_ECG_BEAT annotation, placed by its QRS wave's onset relative to the start of the series. */
function beatPart(annotation: EcgAnnotation, sampleRateHz: number): string {
  const seconds = decimal(annotation.sample / sampleRateHz);
  return [
    '          <component>',
    '            <annotation>',
    `              <code code="${BEAT_CODE}" codeSystem="${MDC_CODE_SYSTEM}" codeSystemName="MDC"/>`,
    `              <value xsi:type="CE" code="${attr(beatCodeFromSymbol(annotation.symbol))}" codeSystem="${MDC_CODE_SYSTEM}"/>`,
    '              <component>',
    '                <annotation>',
    `                  <code code="${WAVE_CODE}" codeSystem="${MDC_CODE_SYSTEM}" codeSystemName="MDC"/>`,
    `                  <value xsi:type="CE" code="${QRS_WAVE_CODE}" codeSystem="${MDC_CODE_SYSTEM}"/>`,
    '                  <support>',
    '                    <supportingROI classCode="ROIBND">',
    `                      <code code="ROIPS" codeSystem="${ACT_CODE_SYSTEM}"/>`,
    '                      <component>',
    '                        <boundary>',
    `                          <code code="${TIME_RELATIVE}" codeSystem="${ACT_CODE_SYSTEM}"/>`,
    `                          <value xsi:type="IVL_PQ"><low value="${seconds}" unit="s"/></value>`,
    '                        </boundary>',
    '                      </component>',
    '                    </supportingROI>',
    '                  </support>',
    '                </annotation>',
    '              </component>',
    '            </annotation>',
    '          </component>',
  ].join('\n');
}

function annotationSetPart(annotations: readonly EcgAnnotation[] | undefined, sampleRateHz: number): string[] {
  if (!annotations || annotations.length === 0) return [];
  return [
    '      <subjectOf>',
    '        <annotationSet>',
    ...annotations.map((annotation) => beatPart(annotation, sampleRateHz)),
    '        </annotationSet>',
    '      </subjectOf>',
  ];
}

/** PORT_MT020001 requires effectiveTime on the AnnotatedECG and on each series; unknown is said with a null flavor. */
function effectiveTimePart(start: Hl7Timestamp | undefined, indent: string): string[] {
  if (!start) return [`${indent}<effectiveTime nullFlavor="UNK"/>`];
  return [`${indent}<effectiveTime>`, `${indent}  <low value="${formatHl7Timestamp(start)}" inclusive="true"/>`, `${indent}</effectiveTime>`];
}

/** Serialises a record as an aECG document (UTF-8 text; write it with `Buffer.from(text, 'utf8')`). */
export function writeAecg(record: EcgRecord, meta: AecgWriteMeta = {}): string {
  const start = timestampOf(record.recordedAt);
  const sampleCount = checkRecord(record);
  // An annotation outside the signal has nothing to point at; the reader would drop it too.
  const annotations = (record.annotations ?? []).filter((a) => Number.isInteger(a.sample) && a.sample >= 0 && a.sample < sampleCount);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<AnnotatedECG xmlns="${HL7_NAMESPACE}" xmlns:xsi="${XSI_NAMESPACE}" classCode="OBS" moodCode="EVN">`,
    `  <id root="${attr(meta.documentId ?? randomUUID())}"/>`,
    `  <code code="${AECG_DOCUMENT_CODE}" codeSystem="${CPT4_CODE_SYSTEM}" codeSystemName="CPT-4"/>`,
    ...effectiveTimePart(start, '  '),
    contextPart(record.patient),
    ...locationPart(meta.organizationName),
    ...agePart(record.patient?.ageYears),
    '  <component>',
    '    <series classCode="OBSSER" moodCode="EVN">',
    `      <id root="${attr(meta.seriesId ?? randomUUID())}"/>`,
    `      <code code="${RHYTHM_SERIES}" codeSystem="${ACT_CODE_SYSTEM}" codeSystemName="ActCode"/>`,
    ...effectiveTimePart(start, '      '),
    ...authorPart(record, meta),
    '      <component>',
    '        <sequenceSet>',
    timeSequencePart(start, record.sampleRateHz),
    ...record.leads.map(leadSequencePart),
    '        </sequenceSet>',
    '      </component>',
    ...annotationSetPart(annotations, record.sampleRateHz),
    '    </series>',
    '  </component>',
    '</AnnotatedECG>',
    '',
  ].join('\n');
}
