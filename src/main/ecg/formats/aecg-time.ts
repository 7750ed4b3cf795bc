/**
 * HL7 v3 TS (point in time) literals, `YYYY[MM[DD[HH[MM[SS[.S…]]]]]][±ZZZZ]`, to and from the ISO 8601 form the
 * ECG model uses (`2002-11-22T09:10:00.000`, offset only when the source gives one). Precision is kept as
 * written, so a timestamp survives aECG write → read unchanged.
 */

export interface Hl7Timestamp {
  year: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  /** Fraction digits as written, with the dot (".270"). */
  fraction?: string;
  /** Offset as written in HL7 form ("+0800"). */
  offset?: string;
}

const TS_RE = /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(\.\d+)?)?)?)?)?)?([+-]\d{4})?$/;
const ISO_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

const optionalNumber = (text: string | undefined) => (text === undefined ? undefined : Number(text));

function isPlausible(ts: Hl7Timestamp): boolean {
  const { month, day, hour, minute, second } = ts;
  if (month !== undefined && (month < 1 || month > 12)) return false;
  if (day !== undefined && (day < 1 || day > 31)) return false;
  if (hour !== undefined && hour > 23) return false;
  if (minute !== undefined && minute > 59) return false;
  // 60 allows a leap second.
  return second === undefined || second <= 60;
}

/** Both patterns capture year … fraction in groups 1-7; only the offset is written differently. */
function plausibleTimestamp(match: RegExpExecArray, offset: string | undefined): Hl7Timestamp | undefined {
  const ts: Hl7Timestamp = {
    year: Number(match[1]),
    month: optionalNumber(match[2]),
    day: optionalNumber(match[3]),
    hour: optionalNumber(match[4]),
    minute: optionalNumber(match[5]),
    second: optionalNumber(match[6]),
    fraction: match[7],
    offset,
  };
  return isPlausible(ts) ? ts : undefined;
}

export function parseHl7Timestamp(text: string | undefined): Hl7Timestamp | undefined {
  const match = text === undefined ? null : TS_RE.exec(text.trim());
  if (!match) return undefined;
  return plausibleTimestamp(match, match[8]);
}

const two = (value: number) => String(value).padStart(2, '0');

/** ISO 8601 text at the precision the timestamp has; an offset of +0000 is written "Z". */
export function hl7TimestampToIso(ts: Hl7Timestamp): string {
  let iso = String(ts.year).padStart(4, '0');
  if (ts.month !== undefined) iso += `-${two(ts.month)}`;
  if (ts.day !== undefined) iso += `-${two(ts.day)}`;
  if (ts.hour !== undefined) iso += `T${two(ts.hour)}:${two(ts.minute ?? 0)}`;
  if (ts.second !== undefined) iso += `:${two(ts.second)}${ts.fraction ?? ''}`;
  if (ts.offset !== undefined && ts.hour !== undefined) {
    iso += ts.offset === '+0000' ? 'Z' : `${ts.offset.slice(0, 3)}:${ts.offset.slice(3)}`;
  }
  return iso;
}

/** Parses the ISO 8601 forms this project writes; undefined for anything else. */
export function isoToHl7Timestamp(iso: string): Hl7Timestamp | undefined {
  const match = ISO_RE.exec(iso);
  if (!match) return undefined;
  const zone = match[8];
  return plausibleTimestamp(match, zone === undefined ? undefined : zone === 'Z' ? '+0000' : zone.replace(':', ''));
}

export function formatHl7Timestamp(ts: Hl7Timestamp): string {
  let text = String(ts.year).padStart(4, '0');
  const parts = [ts.month, ts.day, ts.hour, ts.minute, ts.second];
  for (const part of parts) {
    if (part === undefined) break;
    text += two(part);
  }
  if (ts.second !== undefined && ts.fraction) text += ts.fraction;
  return text + (ts.offset ?? '');
}

/** Seconds since the Unix epoch (as if UTC when no offset is given), for time differences inside one file. */
export function hl7TimestampSeconds(ts: Hl7Timestamp): number {
  const wholeMs = Date.UTC(ts.year, (ts.month ?? 1) - 1, ts.day ?? 1, ts.hour ?? 0, ts.minute ?? 0, ts.second ?? 0);
  let seconds = wholeMs / 1000 + (ts.fraction ? Number(`0${ts.fraction}`) : 0);
  if (ts.offset) {
    const sign = ts.offset.startsWith('-') ? -1 : 1;
    seconds -= sign * (Number(ts.offset.slice(1, 3)) * 3600 + Number(ts.offset.slice(3, 5)) * 60);
  }
  return seconds;
}
