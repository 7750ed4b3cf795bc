/**
 * The second-generation resident ID card (二代身份证) as the desk readers hand it over, and the typed input of
 * readers and QR scanners in keyboard mode. Pure: no Node, no DOM.
 *
 * Card text layout (the SDT_ReadBaseMsg text buffer, 256 bytes, UCS-2 little-endian, fields padded with spaces,
 * see docs/idcard.md for the sources): name 30 bytes, sex 2, ethnicity 4, birth date 16, address 70, ID number 36,
 * issuing authority 30, valid from 16, valid to 16, reserved 36.
 */

import { isIsoDate } from './dates';
import { lookupCode } from './value-sets';
import { normalizeResidentIdInput, parseResidentId } from './resident-id';

export const CARD_TEXT_FIELDS = [
  ['name', 30],
  ['sex', 2],
  ['ethnicity', 4],
  ['birth', 16],
  ['address', 70],
  ['idNumber', 36],
  ['authority', 30],
  ['validFrom', 16],
  ['validTo', 16],
] as const;
export const CARD_TEXT_LENGTH = 256;
/** The photo the chip holds is a 1024-byte WLT (a proprietary wavelet format) that only the vendor's library decodes. */
export const CARD_PHOTO_LENGTH = 1024;

type FieldName = (typeof CARD_TEXT_FIELDS)[number][0];

export type CardPhotoFormat = 'wlt' | 'bmp' | 'jpeg';

export interface IdCardData {
  name: string;
  sex: 'M' | 'F' | 'U';
  /** GB 3304 two-digit code as printed on the chip, null when the card gives none or an unknown code. */
  ethnicCode: string | null;
  birthDate: string;
  address: string;
  idNumber: string;
  authority: string;
  validFrom: string;
  /** yyyy-MM-dd, or 'long-term' (长期) for cards that do not expire. */
  validTo: string;
  photo: { format: CardPhotoFormat; bytes: Uint8Array } | null;
}

export type CardDecodeError = 'IDCARD_BAD_TEXT';

function ucs2le(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const unit = bytes[i]! | (bytes[i + 1]! << 8);
    if (unit === 0) break;
    out += String.fromCharCode(unit);
  }
  return out.replace(/[\s\u3000]+$/u, '').trim();
}

/** yyyyMMdd → yyyy-MM-dd; 长期 → 'long-term'; null if neither. */
export function cardDate(raw: string): string | null {
  if (raw === '长期') return 'long-term';
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(raw);
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  return isIsoDate(iso) ? iso : null;
}

/** GB/T 2261.1 sex code on the card: 1 male, 2 female, anything else not stated. */
export function cardSex(code: string): 'M' | 'F' | 'U' {
  return code === '1' ? 'M' : code === '2' ? 'F' : 'U';
}

export function cardEthnicCode(raw: string): string | null {
  const code = raw.padStart(2, '0');
  return lookupCode('ethnicGroup', code) ? code : null;
}

/** Decodes the fixed-width text buffer; a buffer too short or with an impossible birth date or ID is refused. */
export function decodeCardText(text: Uint8Array, photo: IdCardData['photo']): { ok: true; card: IdCardData } | { ok: false; error: CardDecodeError } {
  if (text.length < CARD_TEXT_LENGTH - 36) return { ok: false, error: 'IDCARD_BAD_TEXT' };
  const f = {} as Record<FieldName, string>;
  let at = 0;
  for (const [name, width] of CARD_TEXT_FIELDS) {
    f[name] = ucs2le(text.subarray(at, at + width));
    at += width;
  }
  const birthDate = cardDate(f.birth);
  const validFrom = cardDate(f.validFrom);
  const validTo = cardDate(f.validTo);
  const idNumber = normalizeResidentIdInput(f.idNumber);
  if (!f.name || !birthDate || birthDate === 'long-term' || !validFrom || !validTo || !/^\d{17}[\dX]$/.test(idNumber))
    return { ok: false, error: 'IDCARD_BAD_TEXT' };
  return {
    ok: true,
    card: {
      name: f.name,
      sex: cardSex(f.sex),
      ethnicCode: cardEthnicCode(f.ethnicity),
      birthDate,
      address: f.address,
      idNumber,
      authority: f.authority,
      validFrom,
      validTo,
      photo,
    },
  };
}

/** Encodes card fields into the reader's layout (used by the stand-in library's tests and the bench, not by the app). */
export function encodeCardText(fields: Record<FieldName, string>): Uint8Array {
  const out = new Uint8Array(CARD_TEXT_LENGTH).fill(0);
  let at = 0;
  for (const [name, width] of CARD_TEXT_FIELDS) {
    const value = fields[name].padEnd(width / 2, ' ');
    for (let i = 0; i < width / 2; i++) {
      const unit = value.charCodeAt(i);
      out[at + i * 2] = unit & 0xff;
      out[at + i * 2 + 1] = unit >> 8;
    }
    at += width;
  }
  return out;
}

/** Tells a WLT from a decoded picture by its first bytes (BMP 'BM', JPEG FF D8). */
export function photoFormatOf(bytes: Uint8Array): CardPhotoFormat {
  if (bytes[0] === 0x42 && bytes[1] === 0x4d) return 'bmp';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'jpeg';
  return 'wlt';
}

// ----- keyboard-mode readers and QR scanners -----

/**
 * What a keyboard-mode device typed. Recognised (documented in docs/idcard.md):
 * - an 18-character resident ID number (a reader in keyboard mode types it, then Enter), with a valid check character;
 * - an ID number inside a plain QR payload: `key=value` pairs separated by & ; | or newlines where the key is one of
 *   idNo/idNumber/idCard/sfzh/zjhm/证件号码/身份证号 (names and birth date alongside are taken when present), or a JSON
 *   object with the same keys;
 * - the payload of a 电子健康卡 QR when it carries the plain `ehc` form with the ID inside (`…:ID:…`).
 * The real 电子健康卡 QR is provincial and encrypted (decrypted only by the province's platform): such payloads are
 * reported as `unrecognised`, never guessed at.
 */
export type ScannedInput =
  | { kind: 'residentId'; idNumber: string }
  | { kind: 'qr'; idNumber: string; name: string | null; phone: string | null; source: 'keyValue' | 'json' | 'healthCard' }
  | { kind: 'unrecognised' };

const ID_KEYS = ['idno', 'idnumber', 'idcard', 'idcardno', 'sfzh', 'zjhm', '证件号码', '身份证号', '身份证号码'];
const NAME_KEYS = ['name', 'xm', '姓名'];
const PHONE_KEYS = ['phone', 'mobile', 'sjhm', '手机号', '电话'];

function validId(raw: string, today: string): string | null {
  const id = normalizeResidentIdInput(raw);
  if (!/^\d{17}[\dX]$/.test(id)) return null;
  const parsed = parseResidentId(id, today);
  return parsed.ok ? parsed.normalized : null;
}

function pick(map: Map<string, string>, keys: string[]): string | null {
  for (const k of keys) {
    const v = map.get(k);
    if (v) return v;
  }
  return null;
}

function fromPairs(map: Map<string, string>, today: string, source: 'keyValue' | 'json'): ScannedInput | null {
  const raw = pick(map, ID_KEYS);
  const id = raw ? validId(raw, today) : null;
  if (!id) return null;
  return { kind: 'qr', idNumber: id, name: pick(map, NAME_KEYS), phone: pick(map, PHONE_KEYS), source };
}

export function parseScannedInput(typed: string, today: string): ScannedInput {
  const text = typed.replace(/[\r\n]+$/u, '').trim();
  if (!text) return { kind: 'unrecognised' };
  const id = validId(text, today);
  if (id && normalizeResidentIdInput(text).length === 18 && !/[=:{]/.test(text)) return { kind: 'residentId', idNumber: id };
  if (text.startsWith('{')) {
    try {
      const obj: unknown = JSON.parse(text);
      if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
        const map = new Map<string, string>();
        for (const [k, v] of Object.entries(obj)) if (typeof v === 'string' || typeof v === 'number') map.set(k.toLowerCase(), String(v).trim());
        return fromPairs(map, today, 'json') ?? { kind: 'unrecognised' };
      }
    } catch {
      return { kind: 'unrecognised' };
    }
    return { kind: 'unrecognised' };
  }
  const ehc = /^ehc:(?:[^:]*:)*?id:([0-9xX]{18})(?::|$)/iu.exec(text);
  if (ehc) {
    const found = validId(ehc[1]!, today);
    return found ? { kind: 'qr', idNumber: found, name: null, phone: null, source: 'healthCard' } : { kind: 'unrecognised' };
  }
  if (text.includes('=')) {
    const map = new Map<string, string>();
    for (const part of text.split(/[&;|\n]/u)) {
      const eq = part.indexOf('=');
      if (eq > 0) map.set(part.slice(0, eq).trim().toLowerCase(), decodeURIComponentSafe(part.slice(eq + 1).trim()));
    }
    return fromPairs(map, today, 'keyValue') ?? { kind: 'unrecognised' };
  }
  return { kind: 'unrecognised' };
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * A keyboard wedge types a whole code in a burst: tells a scan from a person typing by the keystroke gaps. A scan is
 * at least 15 characters with every gap at most `maxGapMs` (people rarely sustain under ~50 ms between keys).
 */
export function looksScanned(keyTimesMs: readonly number[], maxGapMs = 35): boolean {
  if (keyTimesMs.length < 15) return false;
  for (let i = 1; i < keyTimesMs.length; i++) if (keyTimesMs[i]! - keyTimesMs[i - 1]! > maxGapMs) return false;
  return true;
}
