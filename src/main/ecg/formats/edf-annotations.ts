import { EcgFormatError } from './errors';

/**
 * EDF+ Time-stamped Annotation Lists (TALs), EDF+ spec §2.2.2: each TAL is
 * `onset [0x15 duration] 0x14 (text 0x14)* 0x00`, onsets are seconds relative to the file's start time with an
 * explicit sign, texts are UTF-8. The first TAL of every data record is the time-keeping TAL (no text) whose onset
 * is that record's start, which is what places EDF+D records on the time axis.
 */
export interface Tal {
  onsetS: number;
  durationS?: number;
  texts: string[];
}

const TAL_END = 0x00;
const TEXT_END = 0x14;
const DURATION_MARK = 0x15;
const ONSET_PATTERN = /^[+-]\d+(\.\d*)?$/;
const DURATION_PATTERN = /^\d+(\.\d*)?$/;
const utf8 = new TextDecoder('utf-8');
/** Longest ASCII run turned into a string by String.fromCharCode (one argument per byte). */
const ASCII_DIRECT_MAX = 1024;

/**
 * UTF-8 text of a TAL part. TextDecoder's fixed cost per call was most of a TAL's parse (two calls per beat
 * annotation); ASCII bytes, which every onset and nearly every text are, decode to the same string directly.
 */
function decodeText(bytes: Uint8Array): string {
  if (bytes.length > ASCII_DIRECT_MAX) return utf8.decode(bytes);
  for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80) return utf8.decode(bytes);
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

function parseOne(tal: Uint8Array, where: string): Tal {
  const firstTextEnd = tal.indexOf(TEXT_END);
  if (firstTextEnd < 0) throw new EcgFormatError('CORRUPT', `EDF+ annotation in ${where} has no onset terminator`);
  const timing = decodeText(tal.subarray(0, firstTextEnd));
  const [onsetText, durationText] = timing.split(String.fromCharCode(DURATION_MARK));
  if (!ONSET_PATTERN.test(onsetText)) {
    throw new EcgFormatError('CORRUPT', `EDF+ annotation in ${where} has an invalid onset "${onsetText}"`);
  }
  if (durationText !== undefined && !DURATION_PATTERN.test(durationText)) {
    throw new EcgFormatError('CORRUPT', `EDF+ annotation in ${where} has an invalid duration "${durationText}"`);
  }
  const texts = decodeText(tal.subarray(firstTextEnd + 1))
    .split(String.fromCharCode(TEXT_END))
    .filter((text) => text.length > 0);
  return {
    onsetS: Number(onsetText),
    ...(durationText !== undefined ? { durationS: Number(durationText) } : {}),
    texts,
  };
}

/** All TALs in one annotation signal's bytes of one data record (trailing NUL padding ignored). */
export function parseTals(bytes: Uint8Array, where: string): Tal[] {
  const tals: Tal[] = [];
  let position = 0;
  while (position < bytes.length) {
    if (bytes[position] === TAL_END) {
      position++;
      continue;
    }
    const end = bytes.indexOf(TAL_END, position);
    if (end < 0) throw new EcgFormatError('CORRUPT', `EDF+ annotation in ${where} is not terminated`);
    tals.push(parseOne(bytes.subarray(position, end), where));
    position = end + 1;
  }
  return tals;
}
