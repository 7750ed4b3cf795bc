/**
 * Test-only writer of GE MUSE RestingECG XML, so reader tests can build documents (and broken ones) without the
 * shared corpus. It follows the layout of MUSE 9 exports: Waveform blocks (Median, Rhythm) with one LeadData
 * per stored lead, base64 little-endian int16 samples and a CRC-32 of each lead's bytes.
 */
import { crc32 } from '../../../src/main/ecg/formats/ge-muse';

export interface MuseLeadSpec {
  id: string;
  /** Raw int16 sample values. */
  raw: number[];
  unitsPerBit?: number;
  units?: string;
  /** Overrides for broken documents. */
  sampleCount?: number;
  byteCount?: number;
  crc?: number | null;
  base64?: string;
}

export interface MuseSpec {
  rhythm?: MuseLeadSpec[];
  median?: MuseLeadSpec[];
  sampleBase?: number;
  sampleExponent?: number;
  encoding?: 'UTF-8' | 'ISO-8859-1';
  patient?: { id?: string; lastName?: string; firstName?: string; gender?: string; birthDate?: string; age?: string; ageUnits?: string };
  acquisition?: { date?: string; time?: string; device?: string };
  qrs?: { time: number; type: number }[];
}

function int16Bytes(values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 2);
  const view = new DataView(bytes.buffer);
  values.forEach((value, index) => view.setInt16(index * 2, value, true));
  return bytes;
}

function leadData(lead: MuseLeadSpec): string {
  const bytes = int16Bytes(lead.raw);
  const base64 =
    lead.base64 ??
    Buffer.from(bytes)
      .toString('base64')
      .replace(/(.{76})/g, '$1\n');
  const crc = lead.crc === undefined ? crc32(bytes) : lead.crc;
  return [
    '      <LeadData>',
    `         <LeadByteCountTotal>${lead.byteCount ?? bytes.length}</LeadByteCountTotal>`,
    '         <LeadTimeOffset>0</LeadTimeOffset>',
    `         <LeadSampleCountTotal>${lead.sampleCount ?? lead.raw.length}</LeadSampleCountTotal>`,
    `         <LeadAmplitudeUnitsPerBit>${lead.unitsPerBit ?? 4.88}</LeadAmplitudeUnitsPerBit>`,
    `         <LeadAmplitudeUnits>${lead.units ?? 'MICROVOLTS'}</LeadAmplitudeUnits>`,
    '         <LeadHighLimit>32767</LeadHighLimit>',
    '         <LeadLowLimit>-32768</LeadLowLimit>',
    `         <LeadID>${lead.id}</LeadID>`,
    '         <LeadOffsetFirstSample>0</LeadOffsetFirstSample>',
    '         <FirstSampleBaseline>0</FirstSampleBaseline>',
    '         <LeadSampleSize>2</LeadSampleSize>',
    '         <LeadOff>FALSE</LeadOff>',
    '         <BaselineSway>FALSE</BaselineSway>',
    ...(crc === null ? [] : [`         <LeadDataCRC32>${crc}</LeadDataCRC32>`]),
    `         <WaveFormData>${base64}</WaveFormData>`,
    '      </LeadData>',
  ].join('\n');
}

function waveform(type: string, leads: readonly MuseLeadSpec[], spec: MuseSpec): string {
  return [
    '   <Waveform>',
    `      <WaveformType>${type}</WaveformType>`,
    '      <WaveformStartTime>0</WaveformStartTime>',
    `      <NumberofLeads>${leads.length}</NumberofLeads>`,
    '      <SampleType>CONTINUOUS_SAMPLES</SampleType>',
    `      <SampleBase>${spec.sampleBase ?? 500}</SampleBase>`,
    `      <SampleExponent>${spec.sampleExponent ?? 0}</SampleExponent>`,
    ...leads.map(leadData),
    '   </Waveform>',
  ].join('\n');
}

const element = (name: string, value: string | undefined) => (value === undefined ? [] : [`      <${name}>${value}</${name}>`]);

/** The document as text; encode it with `museBytes` to honour the declared encoding. */
export function buildMuseXml(spec: MuseSpec): string {
  const { patient, acquisition } = spec;
  const lines = [
    `<?xml version="1.0" encoding="${spec.encoding ?? 'ISO-8859-1'}"?>`,
    '<!DOCTYPE RestingECG SYSTEM "restecg.dtd">',
    '<RestingECG>',
    '   <MuseInfo><MuseVersion>9.0.7.17363</MuseVersion></MuseInfo>',
  ];
  if (patient) {
    lines.push(
      '   <PatientDemographics>',
      ...element('PatientID', patient.id),
      ...element('PatientAge', patient.age),
      ...element('AgeUnits', patient.ageUnits),
      ...element('DateofBirth', patient.birthDate),
      ...element('Gender', patient.gender),
      ...element('PatientLastName', patient.lastName),
      ...element('PatientFirstName', patient.firstName),
      '   </PatientDemographics>',
    );
  }
  if (acquisition) {
    lines.push(
      '   <TestDemographics>',
      '      <DataType>RESTING</DataType>',
      ...element('AcquisitionDevice', acquisition.device),
      ...element('AcquisitionTime', acquisition.time),
      ...element('AcquisitionDate', acquisition.date),
      '   </TestDemographics>',
    );
  }
  if (spec.qrs) {
    lines.push(
      '   <QRSTimesTypes>',
      ...spec.qrs.map((qrs, index) => `      <QRS><Number>${index + 1}</Number><Type>${qrs.type}</Type><Time>${qrs.time}</Time></QRS>`),
      '   </QRSTimesTypes>',
    );
  }
  if (spec.median) lines.push(waveform('Median', spec.median, spec));
  if (spec.rhythm) lines.push(waveform('Rhythm', spec.rhythm, spec));
  lines.push('</RestingECG>', '');
  return lines.join('\n');
}

export function museBytes(spec: MuseSpec): Uint8Array {
  const text = buildMuseXml(spec);
  return spec.encoding === 'UTF-8' ? new TextEncoder().encode(text) : new Uint8Array(Buffer.from(text, 'latin1'));
}
