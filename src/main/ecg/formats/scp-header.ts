import type { EcgDeviceInfo, EcgPatientInfo } from '../../../shared/ecg';

/**
 * SCP-ECG section 1 (EN 1064 §5.4): a list of (tag u8, length u16, value) ending with tag 255. Dates are
 * year u16 + month u8 + day u8, times hour/minute/second u8. Text is NUL-terminated in the character set that tag 14
 * (acquiring device) declares in its language support byte.
 */

const TAG = {
  lastName: 0,
  firstName: 1,
  patientId: 2,
  age: 4,
  birthDate: 5,
  sex: 8,
  acquiringDevice: 14,
  acquisitionDate: 25,
  acquisitionTime: 26,
  timeZone: 34,
  end: 255,
} as const;

/** Tag 14 layout: fixed fields, then NUL-terminated strings from byte 36. */
const DEVICE = { manufacturerCode: 7, model: 8, modelBytes: 6, languageSupport: 16, firstString: 36 } as const;

/** EN 1064 manufacturer codes, used only when the manufacturer string is absent. */
const MANUFACTURERS: Record<number, string> = {
  1: 'Burdick',
  2: 'Cambridge',
  3: 'Compumed',
  4: 'Datamed',
  5: 'Fukuda',
  6: 'Hewlett-Packard',
  7: 'Marquette Electronics',
  8: 'Mortara Instruments',
  9: 'Nihon Kohden',
  10: 'Okin',
  11: 'Quinton',
  12: 'Siemens',
  13: 'Spacelabs',
  14: 'Telemed',
  15: 'Hellige',
  16: 'ESA-OTE',
  17: 'Schiller',
  18: 'Picker-Schwarzer',
  19: 'et medical devices',
  20: 'Zwönitz',
};

/** Language support byte → WHATWG encoding label (EN 1064:2005+A1 table of character sets). */
const ENCODINGS: Record<number, string> = {
  0x01: 'iso-8859-1',
  0x03: 'iso-8859-2',
  0x0b: 'iso-8859-4',
  0x13: 'iso-8859-5',
  0x1b: 'iso-8859-6',
  0x23: 'iso-8859-7',
  0x2b: 'iso-8859-8',
  0x33: 'windows-874',
  0x3b: 'iso-8859-15',
  0x07: 'utf-8',
  0x0f: 'euc-jp',
  0x17: 'euc-jp',
  0x1f: 'euc-jp',
  0x27: 'gb18030',
  0x2f: 'euc-kr',
};

type Tags = Map<number, Uint8Array>;

/** Tags in order of appearance (first occurrence wins); a tag running past the section ends the list. */
export function readTags(body: Uint8Array): Tags {
  const tags: Tags = new Map();
  let offset = 0;
  while (offset + 3 <= body.length) {
    const tag = body[offset];
    const length = body[offset + 1] | (body[offset + 2] << 8);
    if (tag === TAG.end || offset + 3 + length > body.length) break;
    if (!tags.has(tag)) tags.set(tag, body.subarray(offset + 3, offset + 3 + length));
    offset += 3 + length;
  }
  return tags;
}

function decoderFor(label: string): InstanceType<typeof TextDecoder> {
  try {
    return new TextDecoder(label, { fatal: false });
  } catch {
    return new TextDecoder('utf-8');
  }
}

/**
 * Text decoder for this record. A field declared ASCII that holds bytes above 0x7F is read as UTF-8 when valid and
 * as GB18030 (superset of GB2312/GBK, the likeliest on carts sold in China) otherwise, instead of showing mojibake.
 */
export function textDecoderFor(tags: Tags): (bytes: Uint8Array) => string {
  const device = tags.get(TAG.acquiringDevice);
  const declared = device && device.length > DEVICE.languageSupport ? ENCODINGS[device[DEVICE.languageSupport]] : undefined;
  const declaredDecoder = declared ? decoderFor(declared) : undefined;
  // ASCII is valid UTF-8, so it takes the first path unchanged.
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const gb = decoderFor('gb18030');
  return (bytes) => {
    const end = bytes.indexOf(0);
    const text = end < 0 ? bytes : bytes.subarray(0, end);
    if (declaredDecoder) return declaredDecoder.decode(text).trim();
    try {
      return utf8.decode(text).trim();
    } catch {
      return gb.decode(text).trim();
    }
  };
}

function u16(bytes: Uint8Array, offset: number): number {
  return bytes[offset] | (bytes[offset + 1] << 8);
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function isoDate(bytes: Uint8Array | undefined): string | undefined {
  if (!bytes || bytes.length < 4) return undefined;
  const [year, month, day] = [u16(bytes, 0), bytes[2], bytes[3]];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year === 0 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** Chinese names are written family name first without a space; others "last first" with one. */
function joinName(last: string, first: string): string | undefined {
  const parts = [last, first].filter((part) => part.length > 0);
  if (parts.length === 0) return undefined;
  const cjk = /^[\u3400-\u9fff\uf900-\ufaff]+$/u;
  return parts.every((part) => cjk.test(part)) ? parts.join('') : parts.join(' ');
}

/** Absent-value words that writers put into string fields. */
function meaningful(text: string | undefined): string | undefined {
  return text && text.length > 0 && text.toLowerCase() !== 'unknown' ? text : undefined;
}

function ageInYears(bytes: Uint8Array | undefined): number | undefined {
  if (!bytes || bytes.length < 3) return undefined;
  const [value, unit] = [u16(bytes, 0), bytes[2]];
  if (unit === 1) return value;
  if (unit === 2) return Math.floor(value / 12);
  return undefined;
}

const SEX: Record<number, EcgPatientInfo['sex']> = { 0: 'U', 1: 'M', 2: 'F', 9: 'U' };

export function scpPatient(tags: Tags, text: (bytes: Uint8Array) => string): EcgPatientInfo | undefined {
  const patient: EcgPatientInfo = {};
  const id = meaningful(tags.has(TAG.patientId) ? text(tags.get(TAG.patientId)!) : undefined);
  if (id) patient.id = id;
  const name = joinName(text(tags.get(TAG.lastName) ?? new Uint8Array()), text(tags.get(TAG.firstName) ?? new Uint8Array()));
  if (name) patient.name = name;
  const sexByte = tags.get(TAG.sex)?.[0];
  const sex = sexByte === undefined ? undefined : SEX[sexByte];
  if (sex) patient.sex = sex;
  const birthDate = isoDate(tags.get(TAG.birthDate));
  if (birthDate) patient.birthDate = birthDate;
  const age = ageInYears(tags.get(TAG.age));
  if (age !== undefined && age > 0) patient.ageYears = age;
  return Object.keys(patient).length > 0 ? patient : undefined;
}

/** NUL-terminated strings of tag 14 from byte 36: analysing program revision, serial, system software, SCP software, manufacturer. */
function deviceStrings(device: Uint8Array, text: (bytes: Uint8Array) => string): string[] {
  const strings: string[] = [];
  let offset = DEVICE.firstString;
  while (offset < device.length && strings.length < 5) {
    const end = device.indexOf(0, offset);
    const stop = end < 0 ? device.length : end;
    strings.push(text(device.subarray(offset, stop)));
    offset = stop + 1;
  }
  return strings;
}

export function scpDevice(tags: Tags, text: (bytes: Uint8Array) => string): EcgDeviceInfo | undefined {
  const device = tags.get(TAG.acquiringDevice);
  if (!device || device.length < DEVICE.model + DEVICE.modelBytes) return undefined;
  const [, serial, , , manufacturerName] = deviceStrings(device, text);
  const info: EcgDeviceInfo = {};
  const manufacturer = meaningful(manufacturerName) ?? MANUFACTURERS[device[DEVICE.manufacturerCode]];
  if (manufacturer) info.manufacturer = manufacturer;
  const model = meaningful(text(device.subarray(DEVICE.model, DEVICE.model + DEVICE.modelBytes)));
  if (model) info.model = model;
  if (meaningful(serial)) info.serial = serial;
  return Object.keys(info).length > 0 ? info : undefined;
}

/** Acquisition date and time as ISO 8601; with the tag 34 offset (minutes east of UTC) when the file gives one. */
export function scpRecordedAt(tags: Tags): string | undefined {
  const date = isoDate(tags.get(TAG.acquisitionDate));
  const time = tags.get(TAG.acquisitionTime);
  if (!date || !time || time.length < 3 || time[0] > 23 || time[1] > 59 || time[2] > 59) return undefined;
  let result = `${date}T${pad(time[0])}:${pad(time[1])}:${pad(time[2])}`;
  const zone = tags.get(TAG.timeZone);
  if (zone && zone.length >= 2) {
    const minutes = (u16(zone, 0) << 16) >> 16;
    // 0x7FFF means "not specified"; real offsets stay within ±14 h.
    if (minutes !== 0x7fff && Math.abs(minutes) <= 14 * 60) {
      const sign = minutes < 0 ? '-' : '+';
      result += `${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
    }
  }
  return result;
}
