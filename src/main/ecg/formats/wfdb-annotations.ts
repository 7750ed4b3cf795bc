import type { EcgAnnotation } from '../../../shared/ecg';
import { EcgFormatError } from './errors';

/**
 * Decoder for the MIT annotation format (PhysioNet WFDB `annot(5)`): a stream of little-endian 16-bit words whose
 * top 6 bits are a type code and whose low 10 bits are a sample-interval increment or a data field. Codes 1–49 are
 * annotations; 59–63 are pseudo-annotations that widen the time step (SKIP) or decorate the annotation just
 * written (NUM, SUB, CHN, AUX). Used for WFDB `.atr`/`.qrs` files and for the `.qrs` files shipped beside EDF records.
 */

const CODE_SHIFT = 10;
const DATA_MASK = 0x3ff;
/** Highest code that is a real annotation; 50–58 are reserved and skipped, as the WFDB library does. */
const ANNOTATION_CODE_MAX = 49;
const SKIP = 59;
const NUM = 60;
const SUB = 61;
const CHN = 62;
const AUX = 63;
/** Code 0 (NOTQRS) is only a placeholder; WFDB writers use it to rewind the clock after header notes. */
const NOT_AN_ANNOTATION = 0;
const NOTE = 22;

/** WFDB `ecgcodes.h` mnemonic for each code 0–49; unassigned codes print as `[n]` like the WFDB tools do. */
const STANDARD_SYMBOLS: readonly string[] = [
  ' ',
  'N',
  'L',
  'R',
  'a',
  'V',
  'F',
  'J',
  'A',
  'S', // 0–9
  'E',
  'j',
  '/',
  'Q',
  '~',
  '[15]',
  '|',
  '[17]',
  's',
  'T', // 10–19
  '*',
  'D',
  '"',
  '=',
  'p',
  'B',
  '^',
  't',
  '+',
  'u', // 20–29
  '?',
  '!',
  '[',
  ']',
  'e',
  'n',
  '@',
  'x',
  'f',
  '(', // 30–39
  ')',
  'r',
  '[42]',
  '[43]',
  '[44]',
  '[45]',
  '[46]',
  '[47]',
  '[48]',
  '[49]', // 40–49
];

/**
 * Beat labels counted as QRS complexes (the set bxb/EC57 and the shared corpus's reference.json use):
 * normal, bundle-branch blocks, atrial/nodal/supraventricular premature, ventricular, fusion, escapes, paced,
 * fusion of paced and normal, unclassifiable and learning beats.
 */
const BEAT_SYMBOLS = new Set(['N', 'L', 'R', 'B', 'A', 'a', 'J', 'S', 'V', 'r', 'F', 'e', 'j', 'n', 'E', '/', 'f', 'Q', '?']);

export function isBeatSymbol(symbol: string): boolean {
  return BEAT_SYMBOLS.has(symbol);
}

/** One annotation with every field the MIT format carries. */
export interface MitAnnotation extends EcgAnnotation {
  code: number;
  subtype: number;
  /** Signal number the annotation refers to (persists until changed, per the format). */
  channel: number;
  /** Annotator-defined number (persists until changed, per the format). */
  num: number;
  /** Auxiliary text, e.g. a rhythm label "(AFIB" on a `+` annotation. */
  aux?: string;
}

export interface MitAnnotationFile {
  /** From the `## time resolution: <Hz>` header note when the writer recorded one (sample times are in this unit). */
  timeResolutionHz?: number;
  annotations: MitAnnotation[];
}

/** The common view: sample index and mnemonic only (header notes and placeholders removed). */
export function decodeMitAnnotations(bytes: Uint8Array): EcgAnnotation[] {
  return decodeMitAnnotationFile(bytes).annotations.map(({ sample, symbol }) => ({ sample, symbol }));
}

export function decodeMitAnnotationFile(bytes: Uint8Array): MitAnnotationFile {
  const raw = decodeWords(bytes);
  return interpretHeaderNotes(raw);
}

interface RawAnnotation {
  time: number;
  code: number;
  subtype: number;
  channel: number;
  num: number;
  aux?: string;
}

function decodeWords(bytes: Uint8Array): RawAnnotation[] {
  const out: RawAnnotation[] = [];
  let time = 0;
  let channel = 0;
  let num = 0;
  let current: RawAnnotation | undefined;
  let offset = 0;
  // A lone trailing byte cannot hold a word; writers never produce one, so it is ignored rather than fatal.
  while (offset + 1 < bytes.length) {
    const word = bytes[offset] | (bytes[offset + 1] << 8);
    offset += 2;
    if (word === 0) break; // logical end of file
    const code = word >> CODE_SHIFT;
    const data = word & DATA_MASK;
    switch (code) {
      case SKIP: {
        if (offset + 4 > bytes.length) throw truncated('SKIP interval');
        time += readPdp11Int32(bytes, offset);
        offset += 4;
        break;
      }
      case NUM:
        num = data;
        if (current) current.num = data;
        break;
      case SUB:
        if (current) current.subtype = data;
        break;
      case CHN:
        channel = data;
        if (current) current.channel = data;
        break;
      case AUX: {
        const paddedLength = data + (data & 1); // the text is padded to a whole word
        if (offset + data > bytes.length) throw truncated('AUX text');
        if (current) current.aux = decodeAux(bytes.subarray(offset, offset + data));
        offset = Math.min(bytes.length, offset + paddedLength);
        break;
      }
      default: {
        if (code > ANNOTATION_CODE_MAX) break; // reserved codes 50–58
        time += data;
        current = { time, code, subtype: 0, channel, num };
        out.push(current);
      }
    }
  }
  return out;
}

/** SKIP intervals are PDP-11 longs: the high 16-bit word first, each word little-endian. */
function readPdp11Int32(bytes: Uint8Array, offset: number): number {
  const high = bytes[offset] | (bytes[offset + 1] << 8);
  const low = bytes[offset + 2] | (bytes[offset + 3] << 8);
  return ((high << 16) | low) >> 0;
}

function decodeAux(bytes: Uint8Array): string {
  // WFDB writes a NUL-terminated C string inside the counted bytes on some annotators.
  const nul = bytes.indexOf(0);
  const text = nul >= 0 ? bytes.subarray(0, nul) : bytes;
  return new TextDecoder('latin1').decode(text);
}

const TIME_RESOLUTION_NOTE = /^## time resolution: *([0-9.eE+-]+)/;
const DEFINITIONS_START = '## annotation type definitions';
const DEFINITIONS_END = '## end of definitions';
const LABEL_DEFINITION = /^(\d+)\s+(\S+)/;

/**
 * WFDB writers put metadata in NOTE annotations at time 0 whose text starts with `##` (time resolution, custom
 * label definitions for the user codes 42–48). They describe the file, not the recording, so they are consumed here.
 */
function interpretHeaderNotes(raw: RawAnnotation[]): MitAnnotationFile {
  const symbols = [...STANDARD_SYMBOLS];
  let timeResolutionHz: number | undefined;
  let inDefinitions = false;
  const annotations: MitAnnotation[] = [];
  for (const item of raw) {
    const isHeaderNote = item.code === NOTE && item.time === 0 && item.aux !== undefined;
    if (isHeaderNote && item.aux!.startsWith('##')) {
      const resolution = TIME_RESOLUTION_NOTE.exec(item.aux!);
      if (resolution && Number(resolution[1]) > 0) timeResolutionHz = Number(resolution[1]);
      if (item.aux!.startsWith(DEFINITIONS_START)) inDefinitions = true;
      if (item.aux!.startsWith(DEFINITIONS_END)) inDefinitions = false;
      continue;
    }
    if (isHeaderNote && inDefinitions) {
      const definition = LABEL_DEFINITION.exec(item.aux!);
      const definedCode = definition ? Number(definition[1]) : -1;
      if (definedCode > 0 && definedCode <= ANNOTATION_CODE_MAX) symbols[definedCode] = definition![2];
      continue;
    }
    if (item.code === NOT_AN_ANNOTATION) continue;
    if (item.time < 0) throw new EcgFormatError('CORRUPT', `MIT annotation at negative sample ${item.time}`);
    const annotation: MitAnnotation = {
      sample: item.time,
      symbol: symbols[item.code],
      code: item.code,
      subtype: item.subtype,
      channel: item.channel,
      num: item.num,
    };
    if (item.aux !== undefined) annotation.aux = item.aux;
    annotations.push(annotation);
  }
  return timeResolutionHz === undefined ? { annotations } : { timeResolutionHz, annotations };
}

function truncated(what: string): EcgFormatError {
  return new EcgFormatError('TRUNCATED', `MIT annotation file ends inside a ${what}`);
}
