import { EcgFormatError } from './errors';

/**
 * A minimal DICOM data-set parser (PS3.5 §7): little-endian, explicit or implicit VR, nested sequences with
 * defined or undefined lengths. It keeps every element's bytes as a view into the file; interpreting values is
 * left to the caller, which knows the tags it needs. Bounds are checked on every read, so a cut or lying file
 * ends in TRUNCATED or CORRUPT, never in an out-of-range read or a loop.
 */

export interface DicomElement {
  tag: number;
  /** From the file in explicit VR; undefined in implicit VR (the caller knows the tags it reads). */
  vr: string | undefined;
  value: Uint8Array;
  /** Items of a sequence. */
  items?: DicomDataset[];
}

export type DicomDataset = Map<number, DicomElement>;

export const tag = (group: number, element: number) => ((group << 16) | element) >>> 0;

const ITEM = tag(0xfffe, 0xe000);
const ITEM_DELIMITER = tag(0xfffe, 0xe00d);
const SEQUENCE_DELIMITER = tag(0xfffe, 0xe0dd);
const UNDEFINED_LENGTH = 0xffffffff;
const MAX_SEQUENCE_DEPTH = 16;

/** PS3.5 Table 7.1-1: VRs with a 2-byte reserved field and a 4-byte length. */
export const LONG_VRS: ReadonlySet<string> = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
export const KNOWN_VRS: ReadonlySet<string> = new Set([
  'AE',
  'AS',
  'AT',
  'CS',
  'DA',
  'DS',
  'DT',
  'FD',
  'FL',
  'IS',
  'LO',
  'LT',
  'OB',
  'OD',
  'OF',
  'OL',
  'OV',
  'OW',
  'PN',
  'SH',
  'SL',
  'SQ',
  'SS',
  'ST',
  'SV',
  'TM',
  'UC',
  'UI',
  'UL',
  'UN',
  'UR',
  'US',
  'UT',
  'UV',
]);

/** Sequences this project descends into when the VR is implicit (undefined-length sequences are found anyway). */
const IMPLICIT_SEQUENCES = new Set([
  tag(0x5400, 0x0100), // Waveform Sequence
  tag(0x003a, 0x0200), // Channel Definition Sequence
  tag(0x003a, 0x0208), // Channel Source Sequence
  tag(0x003a, 0x0211), // Channel Sensitivity Units Sequence
]);

const truncated = (what: string) => new EcgFormatError('TRUNCATED', `DICOM: the file ends inside ${what}`);
const corrupt = (message: string) => new EcgFormatError('CORRUPT', `DICOM: ${message}`);

export class DicomParser {
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly explicitVr: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(pos: number, count: number, what: string): void {
    if (pos + count > this.bytes.length) throw truncated(what);
  }

  private readTag(pos: number): number {
    this.need(pos, 4, 'a tag');
    return tag(this.view.getUint16(pos, true), this.view.getUint16(pos + 2, true));
  }

  /** Parses elements from `pos` to `end`, or up to an item delimiter when `end` is undefined. */
  parseDataset(pos: number, end: number | undefined, depth: number): { dataset: DicomDataset; pos: number } {
    const dataset: DicomDataset = new Map();
    const limit = end ?? this.bytes.length;
    while (pos < limit) {
      const elementTag = this.readTag(pos);
      if (elementTag === ITEM_DELIMITER) {
        if (end !== undefined) throw corrupt('item delimiter inside a defined-length item');
        return { dataset, pos: pos + 8 };
      }
      const { element, next } = this.parseElement(pos, elementTag, depth);
      dataset.set(elementTag, element);
      pos = next;
    }
    if (end === undefined) throw truncated('an item without its delimiter');
    if (pos !== end) throw corrupt('an element runs past the end of its item');
    return { dataset, pos };
  }

  private parseElement(pos: number, elementTag: number, depth: number): { element: DicomElement; next: number } {
    let vr: string | undefined;
    let length: number;
    let valueStart: number;
    if (this.explicitVr && elementTag >>> 16 !== 0xfffe) {
      this.need(pos, 8, 'an element header');
      vr = String.fromCharCode(this.bytes[pos + 4], this.bytes[pos + 5]);
      if (!KNOWN_VRS.has(vr)) throw corrupt(`unknown value representation "${vr}" at byte ${pos}`);
      if (LONG_VRS.has(vr)) {
        this.need(pos, 12, 'an element header');
        length = this.view.getUint32(pos + 8, true);
        valueStart = pos + 12;
      } else {
        length = this.view.getUint16(pos + 6, true);
        valueStart = pos + 8;
      }
    } else {
      this.need(pos, 8, 'an element header');
      length = this.view.getUint32(pos + 4, true);
      valueStart = pos + 8;
    }
    const isSequence = vr === 'SQ' || (vr === undefined && IMPLICIT_SEQUENCES.has(elementTag)) || length === UNDEFINED_LENGTH;
    if (isSequence) {
      if (vr !== undefined && vr !== 'SQ' && vr !== 'UN') {
        throw new EcgFormatError('UNSUPPORTED_VARIANT', `DICOM: encapsulated (compressed) ${vr} data`);
      }
      // PS3.5 §6.2.2: UN with undefined length is a sequence in implicit VR little endian.
      const parser = vr === 'UN' ? new DicomParser(this.bytes, false) : this;
      const { items, next } = parser.parseSequence(valueStart, length, depth + 1);
      return { element: { tag: elementTag, vr, value: new Uint8Array(0), items }, next };
    }
    // The tag is formatted only for the error: building the message for every element was a string per element.
    if (valueStart + length > this.bytes.length) throw truncated(`element (${hex(elementTag)})`);
    return { element: { tag: elementTag, vr, value: this.bytes.subarray(valueStart, valueStart + length) }, next: valueStart + length };
  }

  private parseSequence(start: number, length: number, depth: number): { items: DicomDataset[]; next: number } {
    if (depth > MAX_SEQUENCE_DEPTH) throw corrupt(`sequences nested deeper than ${MAX_SEQUENCE_DEPTH} levels`);
    const end = length === UNDEFINED_LENGTH ? undefined : start + length;
    if (end !== undefined) this.need(start, length, 'a sequence');
    const items: DicomDataset[] = [];
    let pos = start;
    for (;;) {
      if (end !== undefined && pos >= end) {
        if (pos !== end) throw corrupt('an item runs past the end of its sequence');
        return { items, next: pos };
      }
      const itemTag = this.readTag(pos);
      this.need(pos, 8, 'an item header');
      const itemLength = this.view.getUint32(pos + 4, true);
      if (itemTag === SEQUENCE_DELIMITER) {
        if (end !== undefined) throw corrupt('sequence delimiter inside a defined-length sequence');
        return { items, next: pos + 8 };
      }
      if (itemTag !== ITEM) throw corrupt(`expected a sequence item, found (${hex(itemTag)})`);
      const itemStart = pos + 8;
      if (itemLength === UNDEFINED_LENGTH) {
        const parsed = this.parseDataset(itemStart, undefined, depth);
        items.push(parsed.dataset);
        pos = parsed.pos;
      } else {
        this.need(itemStart, itemLength, 'a sequence item');
        items.push(this.parseDataset(itemStart, itemStart + itemLength, depth).dataset);
        pos = itemStart + itemLength;
      }
    }
  }
}

export function hex(value: number): string {
  return `${(value >>> 16).toString(16).padStart(4, '0')},${(value & 0xffff).toString(16).padStart(4, '0')}`.toUpperCase();
}
