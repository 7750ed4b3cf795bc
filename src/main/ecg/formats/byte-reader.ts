import { EcgFormatError } from './errors';

/**
 * Bounds-checked little-endian reads over a file's bytes. Every read past the end throws TRUNCATED naming what was
 * being read, so a decoder never sees `undefined` from an out-of-range index or a RangeError from DataView.
 */
export class ByteReader {
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  has(offset: number, byteCount: number): boolean {
    return Number.isInteger(offset) && offset >= 0 && byteCount >= 0 && offset + byteCount <= this.bytes.length;
  }

  require(offset: number, byteCount: number, what: string): void {
    if (!this.has(offset, byteCount)) {
      throw new EcgFormatError('TRUNCATED', `${what}: needs ${byteCount} bytes at offset ${offset}, the data ends at ${this.bytes.length}`);
    }
  }

  u8(offset: number, what: string): number {
    this.require(offset, 1, what);
    return this.bytes[offset];
  }

  u16(offset: number, what: string): number {
    this.require(offset, 2, what);
    return this.view.getUint16(offset, true);
  }

  i16(offset: number, what: string): number {
    this.require(offset, 2, what);
    return this.view.getInt16(offset, true);
  }

  u32(offset: number, what: string): number {
    this.require(offset, 4, what);
    return this.view.getUint32(offset, true);
  }

  /** A view (not a copy) of `byteCount` bytes. */
  slice(offset: number, byteCount: number, what: string): Uint8Array {
    this.require(offset, byteCount, what);
    return this.bytes.subarray(offset, offset + byteCount);
  }

  /** Fixed-width ASCII field, trailing spaces and NULs removed (EDF headers, SCP short strings). */
  ascii(offset: number, byteCount: number, what: string): string {
    const field = this.slice(offset, byteCount, what);
    let text = '';
    for (const byte of field) text += String.fromCharCode(byte);
    return text.replace(/[\s\0]+$/, '');
  }
}
