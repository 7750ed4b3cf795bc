import type { EcgDeviceInfo, EcgPatientInfo } from '../../../shared/ecg';
import type { EdfHeader } from './edf-header';

/**
 * EDF+ identification fields (EDF+ spec §2.1.3): the patient field is "code sex birthdate name ..." and the
 * recording field "Startdate dd-MMM-yyyy admincode technician equipment ...", space-separated, "X" for unknown,
 * spaces inside a subfield written as "_". Plain EDF leaves both as free text, so nothing is read from them there.
 */

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const UNKNOWN = 'X';

function subfields(field: string): string[] {
  return field.split(' ').filter((part) => part.length > 0);
}

function known(subfield: string | undefined): string | undefined {
  if (subfield === undefined || subfield === UNKNOWN) return undefined;
  return subfield.replace(/_/g, ' ');
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function isValidDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** "02-AUG-1951" → "1951-08-02"; undefined for "X" or anything malformed. */
export function parseEdfPlusDate(text: string | undefined): string | undefined {
  const match = /^(\d{2})-([A-Za-z]{3})-(\d{4})$/.exec(text ?? '');
  if (!match) return undefined;
  const day = Number(match[1]);
  const month = MONTHS.indexOf(match[2].toUpperCase()) + 1;
  const year = Number(match[3]);
  if (month === 0 || !isValidDate(year, month, day)) return undefined;
  return `${year}-${pad(month)}-${pad(day)}`;
}

export function edfPatient(header: EdfHeader): EcgPatientInfo | undefined {
  if (header.variant === 'EDF') return undefined;
  const [code, sex, birthDate, name] = subfields(header.patientField);
  const patient: EcgPatientInfo = {};
  const id = known(code);
  if (id) patient.id = id;
  if (sex === 'M' || sex === 'F') patient.sex = sex;
  const birth = parseEdfPlusDate(birthDate);
  if (birth) patient.birthDate = birth;
  const fullName = known(name);
  if (fullName) patient.name = fullName;
  return Object.keys(patient).length > 0 ? patient : undefined;
}

export function edfDevice(header: EdfHeader): EcgDeviceInfo | undefined {
  if (header.variant === 'EDF') return undefined;
  const [marker, , , , equipment] = subfields(header.recordingField);
  if (marker !== 'Startdate') return undefined;
  const model = known(equipment);
  return model ? { model } : undefined;
}

/**
 * Start of the recording as local ISO date-time (EDF carries no time zone). The header date has a two-digit year
 * read with the EDF clipping rule (85–99 → 1985–1999, 00–84 → 2000–2084); the EDF+ Startdate subfield, which has
 * four digits, wins when present.
 */
export function edfRecordedAt(header: EdfHeader): string | undefined {
  const date = /^(\d{2})\.(\d{2})\.(\d{2})$/.exec(header.startDate);
  const time = /^(\d{2})\.(\d{2})\.(\d{2})$/.exec(header.startTime);
  if (!date || !time) return undefined;
  const [hour, minute, second] = [Number(time[1]), Number(time[2]), Number(time[3])];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const shortYear = Number(date[3]);
  let isoDate: string | undefined;
  if (header.variant !== 'EDF') {
    const [marker, startDate] = subfields(header.recordingField);
    if (marker === 'Startdate') isoDate = parseEdfPlusDate(startDate);
  }
  if (!isoDate) {
    const [day, month, year] = [Number(date[1]), Number(date[2]), shortYear >= 85 ? 1900 + shortYear : 2000 + shortYear];
    if (!isValidDate(year, month, day)) return undefined;
    isoDate = `${year}-${pad(month)}-${pad(day)}`;
  }
  return `${isoDate}T${pad(hour)}:${pad(minute)}:${pad(second)}`;
}
