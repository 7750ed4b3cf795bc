/**
 * Test-only writer of Philips Sierra ECG XML, including an XLI encoder (the inverse of the reader's decoder:
 * limb-lead residuals, second-order delta codes, high/low byte planes, 10-bit LZW). Version 1.03 is written as
 * UTF-8 with the 1.03 element names; 1.04 as UTF-16 LE with a BOM and the 1.04 attributes, as PageWriters do.
 */

const LAST_DICTIONARY_CODE = 1022;
const END_OF_STREAM_CODE = 1023;
const DELTA_BIAS = 64;

/** 10-bit LZW, most significant bit first, dictionary frozen at 1022, 1023 ends the stream. */
export function lzwEncode(input: Uint8Array): Uint8Array {
  const dictionary = new Map<number, number>();
  let nextCode = 256;
  const codes: number[] = [];
  if (input.length > 0) {
    let current = input[0];
    for (let i = 1; i < input.length; i++) {
      const byte = input[i];
      const key = current * 256 + byte;
      const known = dictionary.get(key);
      if (known !== undefined) {
        current = known;
        continue;
      }
      codes.push(current);
      if (nextCode <= LAST_DICTIONARY_CODE) dictionary.set(key, nextCode++);
      current = byte;
    }
    codes.push(current);
  }
  codes.push(END_OF_STREAM_CODE);
  const out = new Uint8Array(Math.ceil((codes.length * 10) / 8));
  let bitPos = 0;
  for (const code of codes) {
    for (let bit = 9; bit >= 0; bit--, bitPos++) {
      if ((code >> bit) & 1) out[bitPos >> 3] |= 0x80 >> (bitPos & 7);
    }
  }
  return out;
}

/** Delta codes whose second-order decoding gives `samples`; returns the codes and the header's first code. */
export function encodeDeltas(samples: readonly number[]): { codes: Int16Array; firstCode: number } {
  const n = samples.length;
  const wide = new Array<number>(n).fill(DELTA_BIAS);
  if (n > 0) wide[0] = samples[0];
  if (n > 1) wide[1] = samples[1];
  const firstCode = n > 2 ? 2 * samples[1] - samples[0] - samples[2] : 0;
  for (let i = 3; i < n; i++) wide[i - 1] = 2 * samples[i - 1] - samples[i - 2] - samples[i] + DELTA_BIAS;
  if ([firstCode, ...wide].some((code) => code < -32768 || code > 32767)) {
    throw new RangeError('signal too steep for XLI: a second difference does not fit a 16-bit delta code');
  }
  return { codes: Int16Array.from(wide), firstCode };
}

function planes(codes: Int16Array): Uint8Array {
  const bytes = new Uint8Array(codes.length * 2);
  codes.forEach((code, i) => {
    bytes[i] = (code >> 8) & 0xff;
    bytes[codes.length + i] = code & 0xff;
  });
  return bytes;
}

/** One XLI chunk: int32 size, int16 1, int16 first delta code, LZW data. */
export function xliChunk(samples: readonly number[]): Uint8Array {
  const { codes, firstCode } = encodeDeltas(samples);
  const lzw = lzwEncode(planes(codes));
  const chunk = new Uint8Array(8 + lzw.length);
  const view = new DataView(chunk.buffer);
  view.setInt32(0, lzw.length, true);
  view.setInt16(4, 1, true);
  view.setInt16(6, firstCode, true);
  chunk.set(lzw, 8);
  return chunk;
}

/** The residuals stored for III, aVR, aVL, aVF, so that the reader's reconstruction gives the leads back. */
export function limbResiduals(leads: number[][]): number[][] {
  const [leadI, leadII, leadIII, aVR, aVL, aVF] = leads;
  return [
    leadI,
    leadII,
    leadIII.map((iii, k) => leadII[k] - leadI[k] - iii),
    aVR.map((avr, k) => -avr - Math.floor((leadI[k] + leadII[k]) / 2)),
    aVL.map((avl, k) => Math.floor((leadI[k] - leadIII[k]) / 2) - avl),
    aVF.map((avf, k) => Math.floor((leadII[k] + leadIII[k]) / 2) - avf),
    ...leads.slice(6),
  ];
}

export function xliPayload(leads: number[][], withResiduals: boolean): Uint8Array {
  const stored = withResiduals ? limbResiduals(leads) : leads;
  const chunks = stored.map(xliChunk);
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

export interface PhilipsSpec {
  version: '1.03' | '1.04';
  /** Raw sample values per lead, in resolution units. */
  leads: number[][];
  labels?: string[];
  sampleRateHz?: number;
  resolution?: number;
  durationMs?: number;
  encoding?: 'Base64' | 'Plain';
  compression?: 'XLI' | 'none' | string;
  /** Overrides the waveform text (for broken documents). */
  waveformText?: string;
  patient?: { id?: string; lastName?: string; firstName?: string; sex?: string; years?: string };
  acquisition?: { date: string; time: string; machine?: string; machineId?: string; detail?: string };
}

const TWELVE = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

function waveformText(spec: PhilipsSpec, labels: string[]): string {
  if (spec.waveformText !== undefined) return spec.waveformText;
  if (spec.encoding === 'Plain') return spec.leads.map((lead) => lead.join(' ')).join('\n');
  if (spec.compression === 'none') {
    const bytes = new Uint8Array(spec.leads.length * (spec.leads[0]?.length ?? 0) * 2);
    const view = new DataView(bytes.buffer);
    spec.leads.flat().forEach((value, index) => view.setInt16(index * 2, value, true));
    return Buffer.from(bytes).toString('base64');
  }
  const limbOrder = TWELVE.slice(0, 6).every((name, index) => labels[index] === name);
  return Buffer.from(xliPayload(spec.leads, limbOrder))
    .toString('base64')
    .replace(/(.{76})/g, '$1\n');
}

export function buildPhilipsXml(spec: PhilipsSpec): string {
  const labels = spec.labels ?? TWELVE.slice(0, spec.leads.length);
  const rate = spec.sampleRateHz ?? 500;
  const duration = spec.durationMs ?? ((spec.leads[0]?.length ?? 0) * 1000) / rate;
  const resolution = spec.resolution ?? 5;
  const compressed = spec.compression !== 'none' && spec.encoding !== 'Plain';
  const method = spec.compression === undefined || spec.compression === 'none' ? 'XLI' : spec.compression;
  const is104 = spec.version === '1.04';
  const { patient, acquisition } = spec;
  const waveformAttributes = is104
    ? `dataencoding="${spec.encoding ?? 'Base64'}"${compressed ? ` compression="${method}"` : ''} numberofleads="${labels.length}" ` +
      `leadlabels="${labels.join(' ')}" durationperchannel="${duration}" samplespersecond="${rate}" resolution="${resolution}" ` +
      'signaloffset="0" signalsigned="True" bitspersample="16" hipass="0.05" lowpass="150" notchfiltered="False"'
    : `compressflag="${compressed ? 'True' : 'False'}" compressmethod="${method}" filterflag="True" ` +
      `dataencoding="${spec.encoding ?? 'Base64'}" durationperchannel="${duration}" nbitspersample="16"`;
  return [
    `<?xml version="1.0" encoding="${is104 ? 'UTF-16' : 'UTF-8'}"?>`,
    '<restingecgdata xmlns="http://www3.medical.philips.com" status="Not yet determined" lang="en">',
    '  <documentinfo>',
    `    <documenttype>${is104 ? 'PhilipsECG' : 'SierraECG'}</documenttype>`,
    `    <documentversion>${spec.version}</documentversion>`,
    '  </documentinfo>',
    acquisition ? `  <dataacquisition date="${acquisition.date}" time="${acquisition.time}">` : '  <dataacquisition>',
    acquisition?.machine !== undefined
      ? `    <machine machineid="${acquisition.machineId ?? ''}" detaildescription="${acquisition.detail ?? ''}">${acquisition.machine}</machine>`
      : '',
    '    <signalcharacteristics>',
    `      <samplingrate>${rate}</samplingrate>`,
    is104 ? `      <resolution>${resolution}</resolution>` : `      <signalresolution>${resolution}</signalresolution>`,
    `      <acquisitiontype>${is104 ? '10-WIRE' : 'STD-12'}</acquisitiontype>`,
    '      <bitspersample>16</bitspersample>',
    '      <signaloffset>0</signaloffset>',
    `      <numberchannelsallocated>${labels.length}</numberchannelsallocated>`,
    '    </signalcharacteristics>',
    '  </dataacquisition>',
    '  <patient>',
    '    <generalpatientdata>',
    patient?.id !== undefined ? `      <patientid>${patient.id}</patientid>` : '',
    `      <name><lastname>${patient?.lastName ?? ''}</lastname><firstname>${patient?.firstName ?? ''}</firstname></name>`,
    patient?.years !== undefined ? `      <age><years>${patient.years}</years></age>` : '',
    patient?.sex !== undefined ? `      <sex>${patient.sex}</sex>` : '',
    '    </generalpatientdata>',
    '  </patient>',
    '  <waveforms>',
    `    <parsedwaveforms ${waveformAttributes}>${waveformText(spec, labels)}</parsedwaveforms>`,
    '  </waveforms>',
    '</restingecgdata>',
    '',
  ].join('\n');
}

/** 1.03 as UTF-8; 1.04 as UTF-16 LE with a BOM. */
export function philipsBytes(spec: PhilipsSpec): Uint8Array {
  const text = buildPhilipsXml(spec);
  if (spec.version === '1.03') return new TextEncoder().encode(text);
  return new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
}
