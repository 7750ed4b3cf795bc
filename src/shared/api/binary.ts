import { z } from 'zod';

/**
 * Binary envelopes for values that carry sample arrays (ARCHITECTURE §5: samples cross main → renderer as typed
 * arrays, never as JSON number lists). Electron's IPC and MessagePorts carry typed arrays natively (structured
 * clone); the loopback harness carries the same values in this framing:
 *
 *   [u32 LE header length][header: UTF-8 JSON][zero padding to a multiple of 4][segment bytes, each 4-aligned]
 *
 * The header is `{ value, segments }`: `value` is the JSON of the value with every Float32Array replaced by
 * `{ "$f32": i }`, `segments[i]` its `[byteOffset, length]` after the header. NaN (a lost or invalid sample) stays
 * NaN: it never becomes null or 0 on the way.
 */

/** A Float32Array in the contract: what crosses is the array itself, checked for its type. */
export const float32Schema = z.custom<Float32Array>((value) => value instanceof Float32Array, { message: 'expected a Float32Array' });

/** Content type of a binary envelope on the harness's HTTP transport. */
export const BINARY_CONTENT_TYPE = 'application/x-workstation-frame';

const MARKER = '$f32';

// Both runtimes (Node and Chromium) have these; the shared layer compiles without Node's or the DOM's types.
declare const TextEncoder: new () => { encode(text: string): Uint8Array };
declare const TextDecoder: new () => { decode(bytes: Uint8Array): string };

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** True when the value holds at least one Float32Array (then it needs the binary framing over HTTP). */
export function hasTypedArrays(value: unknown): boolean {
  if (value instanceof Float32Array) return true;
  if (Array.isArray(value)) return value.some(hasTypedArrays);
  if (value && typeof value === 'object') return Object.values(value).some(hasTypedArrays);
  return false;
}

export function encodeFrame(value: unknown): Uint8Array {
  const arrays: Float32Array[] = [];
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Float32Array) {
      arrays.push(v);
      return { [MARKER]: arrays.length - 1 };
    }
    return v;
  });
  const segments: [number, number][] = [];
  let offset = 0;
  for (const a of arrays) {
    segments.push([offset, a.length]);
    offset += a.byteLength;
  }
  const header = new TextEncoder().encode(JSON.stringify({ value: json === undefined ? null : (JSON.parse(json) as unknown), segments }));
  const dataStart = align4(4 + header.length);
  const out = new Uint8Array(dataStart + offset);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  for (let i = 0; i < arrays.length; i++) {
    const a = arrays[i];
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), dataStart + segments[i][0]);
  }
  return out;
}

export class FrameError extends Error {}

/**
 * Decodes a frame. The arrays returned are copies aligned in their own buffers, so the caller may keep them after
 * the frame's buffer is reused. A frame whose header or segments do not fit its length is refused, not guessed.
 */
export function decodeFrame(bytes: Uint8Array): unknown {
  if (bytes.length < 4) throw new FrameError('frame shorter than its length field');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + headerLength > bytes.length) throw new FrameError('frame header runs past the frame');
  const { value, segments } = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as { value: unknown; segments: [number, number][] };
  const dataStart = align4(4 + headerLength);
  const arrays = segments.map(([offset, length]) => {
    const from = dataStart + offset;
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || from + length * 4 > bytes.length) {
      throw new FrameError('frame segment runs past the frame');
    }
    const out = new Float32Array(length);
    new Uint8Array(out.buffer).set(bytes.subarray(from, from + length * 4));
    return out;
  });
  const revive = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(revive);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1 && keys[0] === MARKER && typeof o[MARKER] === 'number') {
        const array = arrays[o[MARKER]];
        if (!array) throw new FrameError('frame refers to a missing segment');
        return array;
      }
      return Object.fromEntries(keys.map((k) => [k, revive(o[k])]));
    }
    return v;
  };
  return revive(value);
}

/**
 * Splits a byte stream of length-prefixed frames ([u32 LE frame length][frame]) as chunks arrive: the harness's
 * event stream. Returns the complete frames; keeps the rest for the next chunk.
 */
export class FrameStreamReader {
  private pending = new Uint8Array(0);

  push(chunk: Uint8Array): Uint8Array[] {
    const joined = new Uint8Array(this.pending.length + chunk.length);
    joined.set(this.pending);
    joined.set(chunk, this.pending.length);
    const frames: Uint8Array[] = [];
    let at = 0;
    while (joined.length - at >= 4) {
      const length = new DataView(joined.buffer, at, 4).getUint32(0, true);
      if (joined.length - at - 4 < length) break;
      frames.push(joined.slice(at + 4, at + 4 + length));
      at += 4 + length;
    }
    this.pending = joined.slice(at);
    return frames;
  }
}

/** One frame of a stream: its length, then the frame. */
export function streamFrame(frame: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + frame.length);
  new DataView(out.buffer).setUint32(0, frame.length, true);
  out.set(frame, 4);
  return out;
}
