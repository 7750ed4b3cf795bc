import { EcgFormatError } from './errors';

/**
 * Philips XLI waveform compression (Sierra ECG XML 1.03/1.04), as documented by the sierra-ecg-tools project
 * (C. Watford, MIT) and checked here against its output on the shared sample.
 *
 * The decoded base64 is a series of chunks, one per lead:
 *   int32 LE  size of the LZW data that follows
 *   int16 LE  (unknown, 1 in every known file)
 *   int16 LE  first delta code (signed)
 *   size bytes of LZW codes, 10 bits each, most significant bit first.
 * LZW: codes 0–255 are literal bytes, new strings take codes from 256 up to 1022, the dictionary is never reset,
 * and code 1023 ends the stream. The bytes are 16-bit delta codes split into planes: the high bytes of all codes,
 * then the low bytes. The delta codes predict each sample from the previous two (second-order, bias 64).
 */

const CODE_BITS = 10;
const LAST_DICTIONARY_CODE = (1 << CODE_BITS) - 2; // 1022
const END_OF_STREAM_CODE = LAST_DICTIONARY_CODE + 1; // 1023
const CHUNK_HEADER_BYTES = 8;
const DELTA_BIAS = 64;

const corrupt = (message: string) => new EcgFormatError('CORRUPT', `Philips XLI: ${message}`);

/**
 * LZW decoder with 10-bit codes. `maxOutput` bounds the output so a hostile stream cannot expand without limit
 * (10-bit LZW can grow a chunk ~800-fold).
 */
export function lzwDecode(input: Uint8Array, maxOutput: number): Uint8Array {
  // Every dictionary string was once written out whole: code c's string is the `length[c]` bytes at `start[c]` of
  // the output (the previous code's output plus the next output's first byte, which follows it). Emitting a code is
  // then a forward copy from earlier output, instead of a walk back through prefix links twice per byte.
  const start = new Int32Array(LAST_DICTIONARY_CODE + 1);
  const length = new Int32Array(LAST_DICTIONARY_CODE + 1);
  for (let code = 0; code < 256; code++) length[code] = 1;
  let nextCode = 256;
  let output = new Uint8Array(Math.min(maxOutput, Math.max(4096, input.length * 8)));
  let outLength = 0;
  let previous = -1;
  let previousStart = 0;
  let bitBuffer = 0;
  let bitCount = 0;
  let inPos = 0;
  const inLength = input.length;

  for (;;) {
    while (bitCount < CODE_BITS && inPos < inLength) {
      bitBuffer = ((bitBuffer << 8) | input[inPos++]) & 0xffffff;
      bitCount += 8;
    }
    if (bitCount < CODE_BITS) break;
    const code = (bitBuffer >>> (bitCount - CODE_BITS)) & 0x3ff;
    bitCount -= CODE_BITS;
    if (code === END_OF_STREAM_CODE) break;
    if (code < nextCode || (code === nextCode && previous !== -1 && nextCode <= LAST_DICTIONARY_CODE)) {
      // New entry: the previous string plus this output's first byte. For code === nextCode (the string is the
      // previous one plus its own first byte) the forward copy below reads that byte just after writing it.
      if (previous !== -1 && nextCode <= LAST_DICTIONARY_CODE) {
        start[nextCode] = previousStart;
        length[nextCode] = length[previous] + 1;
        nextCode++;
      }
    } else {
      throw corrupt(`LZW code ${code} is not defined yet (next is ${nextCode})`);
    }
    const n = length[code];
    if (outLength + n > output.length) {
      if (outLength + n > maxOutput) throw corrupt(`a lead expands beyond ${maxOutput} bytes`);
      const grown = new Uint8Array(Math.min(maxOutput, Math.max(output.length * 2, outLength + n)));
      grown.set(output.subarray(0, outLength));
      output = grown;
    }
    if (code < 256) output[outLength] = code;
    else for (let i = 0, from = start[code]; i < n; i++) output[outLength + i] = output[from + i];
    previousStart = outLength;
    outLength += n;
    previous = code;
  }
  return output.subarray(0, outLength);
}

/** Rebuilds 16-bit delta codes from the high-byte plane followed by the low-byte plane (odd length: low byte 0). */
export function unpackPlanes(bytes: Uint8Array): Int16Array {
  const count = Math.ceil(bytes.length / 2);
  const codes = new Int16Array(count);
  // Every code but an odd length's last has its low byte: that test stays out of the loop.
  const withLow = bytes.length - count;
  for (let i = 0; i < withLow; i++) codes[i] = (bytes[i] << 8) | bytes[count + i];
  if (withLow < count) codes[withLow] = bytes[withLow] << 8;
  return codes;
}

/**
 * Second-order delta decoding: sample[i] = 2·sample[i−1] − sample[i−2] − (code[i−1] − 64), with the chunk
 * header's first code standing in for code[1]. The first two samples are stored as they are.
 */
export function decodeDeltas(codes: Int16Array, firstCode: number): Int32Array {
  const samples = new Int32Array(codes);
  let last = firstCode;
  for (let i = 2; i < samples.length; i++) {
    const predicted = 2 * samples[i - 1] - samples[i - 2] - last;
    last = codes[i] - DELTA_BIAS;
    samples[i] = predicted;
  }
  return samples;
}

/**
 * Decodes up to `leadCount` XLI chunks, each to exactly `samplesPerLead` samples (the DXL algorithm may append
 * unused channels; they are not read).
 */
export function decodeXli(data: Uint8Array, leadCount: number, samplesPerLead: number): Int32Array[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const leads: Int32Array[] = [];
  // Each delta code is two bytes; known files decode to exactly that, the slack tolerates a writer that pads.
  const maxOutput = samplesPerLead * 2 + 4096;
  let offset = 0;
  while (leads.length < leadCount) {
    if (offset + CHUNK_HEADER_BYTES > data.length) {
      throw new EcgFormatError('TRUNCATED', `Philips XLI: ${leads.length} of ${leadCount} leads present`);
    }
    const size = view.getInt32(offset, true);
    const firstCode = view.getInt16(offset + 6, true);
    offset += CHUNK_HEADER_BYTES;
    if (size < 0) throw corrupt(`chunk ${leads.length + 1} declares ${size} bytes`);
    if (offset + size > data.length) throw new EcgFormatError('TRUNCATED', `Philips XLI: chunk ${leads.length + 1} is cut short`);
    const decompressed = lzwDecode(data.subarray(offset, offset + size), maxOutput);
    offset += size;
    const samples = decodeDeltas(unpackPlanes(decompressed), firstCode);
    if (samples.length < samplesPerLead) {
      throw new EcgFormatError('TRUNCATED', `Philips XLI: lead ${leads.length + 1} has ${samples.length} of ${samplesPerLead} samples`);
    }
    leads.push(samples.length === samplesPerLead ? samples : samples.slice(0, samplesPerLead));
  }
  return leads;
}
