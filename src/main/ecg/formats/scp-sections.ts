import { ByteReader } from './byte-reader';
import { crcCcitt } from './crc';
import { EcgFormatError } from './errors';

/**
 * SCP-ECG record framing (EN 1064 §5.2–5.3): a 6-byte record header (CRC over everything after it, then the record
 * length), then sections, each with a 16-byte header (CRC over the rest of the section, section ID, section length
 * including the header, section version, protocol version, 6 reserved bytes — "SCPECG" in section 0 from v2.0).
 * Section 0 lists every section as (ID, length, index) where index is 1-based from the record's first byte and a
 * length of 0 means "absent".
 */

export interface ScpSection {
  id: number;
  /** Bytes after the 16-byte section header. */
  body: Uint8Array;
  sectionVersion: number;
  protocolVersion: number;
}

export interface ScpRecord {
  sections: Map<number, ScpSection>;
}

const RECORD_HEADER_BYTES = 6;
const SECTION_HEADER_BYTES = 16;
const POINTER_BYTES = 10;
const SCPECG_TAG = 'SCPECG';

function hasAscii(bytes: Uint8Array, offset: number, text: string): boolean {
  if (bytes.length < offset + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * Cheap content check: section 0 sits right after the record header with ID 0, and either carries the "SCPECG" tag
 * (v2.0 and later) or its first pointer names itself at index 7 (v1.x, which leaves the tag bytes empty).
 */
export function looksLikeScp(head: Uint8Array): boolean {
  if (head.length < RECORD_HEADER_BYTES + SECTION_HEADER_BYTES + POINTER_BYTES) return false;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (view.getUint16(8, true) !== 0) return false;
  if (hasAscii(head, 16, SCPECG_TAG)) return true;
  return view.getUint16(22, true) === 0 && view.getUint32(28, true) === RECORD_HEADER_BYTES + 1;
}

/** Record length: a 32-bit field. Healforce writes a 16-bit length at offset 4 instead, which we call out by name. */
function recordLength(reader: ByteReader): number {
  const declared = reader.u32(2, 'SCP record length');
  if (declared <= reader.length) {
    if (declared < RECORD_HEADER_BYTES + SECTION_HEADER_BYTES) {
      throw new EcgFormatError('CORRUPT', `SCP record length ${declared} is shorter than its own headers`);
    }
    return declared;
  }
  if (reader.u16(4, 'SCP record length') === reader.length) {
    throw new EcgFormatError(
      'NON_COMPLIANT',
      'file claims SCP-ECG but stores its length in 16 bits at the wrong place (a known vendor deviation, not EN 1064)',
    );
  }
  throw new EcgFormatError('TRUNCATED', `SCP record declares ${declared} bytes, the file has ${reader.length}`);
}

function checkCrc(bytes: Uint8Array, start: number, end: number, stored: number, what: string): void {
  const computed = crcCcitt(bytes, start, end);
  if (computed !== stored) {
    throw new EcgFormatError(
      'CORRUPT',
      `${what}: CRC-CCITT is 0x${computed.toString(16).padStart(4, '0')}, the file says 0x${stored.toString(16).padStart(4, '0')}`,
    );
  }
}

function readSection(record: ByteReader, id: number, length: number, index: number): ScpSection {
  const start = index - 1;
  const where = `SCP section ${id}`;
  if (length < SECTION_HEADER_BYTES) throw new EcgFormatError('CORRUPT', `${where}: length ${length} is shorter than its header`);
  if (index < 1 || !record.has(start, length)) {
    throw new EcgFormatError('CORRUPT', `${where}: bytes ${index}..${index + length - 1} lie outside the ${record.length}-byte record`);
  }
  checkCrc(record.bytes, start + 2, start + length, record.u16(start, where), where);
  const idInHeader = record.u16(start + 2, where);
  const lengthInHeader = record.u32(start + 4, where);
  if (idInHeader !== id || lengthInHeader !== length) {
    throw new EcgFormatError(
      'CORRUPT',
      `${where}: section 0 points at a section that calls itself ${idInHeader} with length ${lengthInHeader} (expected ${length})`,
    );
  }
  return {
    id,
    body: record.bytes.subarray(start + SECTION_HEADER_BYTES, start + length),
    sectionVersion: record.u8(start + 8, where),
    protocolVersion: record.u8(start + 9, where),
  };
}

export function parseScpRecord(bytes: Uint8Array): ScpRecord {
  const file = new ByteReader(bytes);
  const length = recordLength(file);
  const record = new ByteReader(bytes.subarray(0, length));
  checkCrc(record.bytes, 2, length, record.u16(0, 'SCP record CRC'), 'SCP record');
  const section0Length = record.u32(RECORD_HEADER_BYTES + 4, 'SCP section 0 length');
  const section0 = readSection(record, 0, section0Length, RECORD_HEADER_BYTES + 1);
  const sections = new Map<number, ScpSection>([[0, section0]]);
  const pointers = new ByteReader(section0.body);
  for (let offset = 0; offset + POINTER_BYTES <= pointers.length; offset += POINTER_BYTES) {
    const id = pointers.u16(offset, 'SCP section pointer');
    const sectionLength = pointers.u32(offset + 2, 'SCP section pointer');
    const index = pointers.u32(offset + 6, 'SCP section pointer');
    if (id === 0 || sectionLength === 0) continue;
    if (sections.has(id)) throw new EcgFormatError('CORRUPT', `SCP section ${id} is listed twice in section 0`);
    sections.set(id, readSection(record, id, sectionLength, index));
  }
  return { sections };
}
