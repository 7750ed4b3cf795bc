/**
 * Test-only writer of DICOM waveform objects (PS3.5 data-set encoding, PS3.10 file format), so reader tests can
 * build Part 10 files and bare data sets in explicit or implicit VR little endian, with defined or undefined
 * sequence lengths, without the shared corpus.
 */

export const TRANSFER_SYNTAX = {
  implicitLittle: '1.2.840.10008.1.2',
  explicitLittle: '1.2.840.10008.1.2.1',
  explicitBig: '1.2.840.10008.1.2.2',
  deflated: '1.2.840.10008.1.2.1.99',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
} as const;

export const SOP_CLASS = {
  twelveLead: '1.2.840.10008.5.1.4.1.1.9.1.1',
  generalEcg: '1.2.840.10008.5.1.4.1.1.9.1.2',
  hemodynamic: '1.2.840.10008.5.1.4.1.1.9.2.1',
  ctImage: '1.2.840.10008.5.1.4.1.1.2',
} as const;

export interface DicomChannelSpec {
  /** Channel Source Sequence code; SCPECG 5.6.3-9-n by default. */
  code?: { value: string; scheme: string; meaning: string } | null;
  label?: string;
  sensitivity?: string | null;
  unit?: string;
  correction?: string;
  baseline?: string;
  raw: number[];
}

export interface DicomGroupSpec {
  originality?: 'ORIGINAL' | 'DERIVED';
  label?: string;
  sampleRate?: string;
  bits?: 8 | 16;
  interpretation?: string;
  padding?: number;
  /** ECG Toolkit writes the padding value big-endian inside little-endian files. */
  paddingByteOrder?: 'little' | 'big';
  channels: DicomChannelSpec[];
  channelCount?: number;
  sampleCount?: number;
  /** Replaces the interleaved samples (for short or long data). */
  data?: Uint8Array;
}

export interface DicomSpec {
  preamble?: boolean;
  transferSyntax?: string;
  /** Forces the data-set VR encoding (defaults from the transfer syntax). */
  explicitVr?: boolean;
  undefinedLengths?: boolean;
  sopClass?: string;
  characterSet?: string;
  /** Patient name, already encoded in the declared character set when given as bytes. */
  patientName?: string | Uint8Array;
  patientId?: string;
  patientSex?: string;
  birthDate?: string;
  age?: string;
  manufacturer?: string;
  model?: string;
  serial?: string;
  acquisitionDateTime?: string;
  contentDate?: string;
  contentTime?: string;
  timezoneOffset?: string;
  groups?: DicomGroupSpec[];
}

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const UNDEFINED = 0xffffffff;

interface Encoded {
  tag: number;
  bytes: Uint8Array;
}

const ascii = (text: string) => Uint8Array.from(text, (ch) => ch.charCodeAt(0) & 0xff);

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function header(group: number, element: number, vr: string, length: number, explicit: boolean): Uint8Array {
  const long = LONG_VRS.has(vr);
  const bytes = new Uint8Array(explicit ? (long ? 12 : 8) : 8);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, group, true);
  view.setUint16(2, element, true);
  if (!explicit) {
    view.setUint32(4, length, true);
  } else {
    bytes[4] = vr.charCodeAt(0);
    bytes[5] = vr.charCodeAt(1);
    if (long) view.setUint32(8, length, true);
    else view.setUint16(6, length, true);
  }
  return bytes;
}

function element(group: number, elementNumber: number, vr: string, value: Uint8Array, explicit: boolean): Encoded {
  const padByte = vr === 'UI' || LONG_VRS.has(vr) || vr === 'US' || vr === 'UL' ? 0 : 0x20;
  const padded = value.length % 2 === 0 ? value : concat([value, Uint8Array.of(padByte)]);
  return { tag: ((group << 16) | elementNumber) >>> 0, bytes: concat([header(group, elementNumber, vr, padded.length, explicit), padded]) };
}

const text = (group: number, elementNumber: number, vr: string, value: string | Uint8Array, explicit: boolean) =>
  element(group, elementNumber, vr, typeof value === 'string' ? ascii(value) : value, explicit);

function uint(group: number, elementNumber: number, vr: 'US' | 'UL', value: number, explicit: boolean): Encoded {
  const bytes = new Uint8Array(vr === 'US' ? 2 : 4);
  const view = new DataView(bytes.buffer);
  if (vr === 'US') view.setUint16(0, value, true);
  else view.setUint32(0, value, true);
  return element(group, elementNumber, vr, bytes, explicit);
}

function dataset(elements: readonly (Encoded | undefined)[]): Uint8Array {
  return concat(
    elements
      .filter((entry): entry is Encoded => entry !== undefined)
      .sort((a, b) => a.tag - b.tag)
      .map((entry) => entry.bytes),
  );
}

function sequence(group: number, elementNumber: number, items: readonly Uint8Array[], explicit: boolean, undefinedLength: boolean): Encoded {
  const itemTag = (elementNo: number, length: number) => {
    const bytes = new Uint8Array(8);
    const view = new DataView(bytes.buffer);
    view.setUint16(0, 0xfffe, true);
    view.setUint16(2, elementNo, true);
    view.setUint32(4, length, true);
    return bytes;
  };
  const encodedItems = items.map((item) =>
    undefinedLength ? concat([itemTag(0xe000, UNDEFINED), item, itemTag(0xe00d, 0)]) : concat([itemTag(0xe000, item.length), item]),
  );
  const body = concat(undefinedLength ? [...encodedItems, itemTag(0xe0dd, 0)] : encodedItems);
  return {
    tag: ((group << 16) | elementNumber) >>> 0,
    bytes: concat([header(group, elementNumber, 'SQ', undefinedLength ? UNDEFINED : body.length, explicit), body]),
  };
}

function codeItem(value: string, scheme: string, meaning: string, explicit: boolean): Uint8Array {
  return dataset([text(0x0008, 0x0100, 'SH', value, explicit), text(0x0008, 0x0102, 'SH', scheme, explicit), text(0x0008, 0x0104, 'LO', meaning, explicit)]);
}

const SCP_NUMBERS: Readonly<Record<string, number>> = { I: 1, II: 2, V1: 3, V2: 4, V3: 5, V4: 6, V5: 7, V6: 8, III: 61, aVR: 62, aVL: 63, aVF: 64 };

/** A channel for a standard lead, coded as DICOM CID 3001 does (SCPECG 5.6.3-9-n). */
export function leadChannel(name: string, raw: number[], extra: Partial<DicomChannelSpec> = {}): DicomChannelSpec {
  return { code: { value: `5.6.3-9-${SCP_NUMBERS[name]}`, scheme: 'SCPECG', meaning: `Lead ${name}` }, sensitivity: '1.25', unit: 'uV', raw, ...extra };
}

function channelItem(channel: DicomChannelSpec, index: number, explicit: boolean, undefinedLength: boolean): Uint8Array {
  const code = channel.code === undefined ? { value: '5.6.3-9-1', scheme: 'SCPECG', meaning: 'Lead I (Einthoven)' } : channel.code;
  return dataset([
    text(0x003a, 0x0202, 'IS', String(index + 1), explicit),
    channel.label !== undefined ? text(0x003a, 0x0203, 'SH', channel.label, explicit) : undefined,
    code ? sequence(0x003a, 0x0208, [codeItem(code.value, code.scheme, code.meaning, explicit)], explicit, undefinedLength) : undefined,
    channel.sensitivity === null ? undefined : text(0x003a, 0x0210, 'DS', channel.sensitivity ?? '1', explicit),
    sequence(0x003a, 0x0211, [codeItem(channel.unit ?? 'uV', 'UCUM', channel.unit ?? 'microvolt', explicit)], explicit, undefinedLength),
    channel.correction !== undefined ? text(0x003a, 0x0212, 'DS', channel.correction, explicit) : undefined,
    channel.baseline !== undefined ? text(0x003a, 0x0213, 'DS', channel.baseline, explicit) : undefined,
    uint(0x003a, 0x021a, 'US', 16, explicit),
  ]);
}

/** One sample in the group's width and signedness (SB/UB, SS/US), in the given byte order. */
function setSample(view: DataView, offset: number, bits: 8 | 16, unsigned: boolean, value: number, littleEndian = true): void {
  if (bits === 8) {
    if (unsigned) view.setUint8(offset, value);
    else view.setInt8(offset, value);
  } else if (unsigned) view.setUint16(offset, value, littleEndian);
  else view.setInt16(offset, value, littleEndian);
}

const isUnsigned = (group: DicomGroupSpec) => group.interpretation === 'UB' || group.interpretation === 'US';

function interleave(group: DicomGroupSpec): Uint8Array {
  const bits = group.bits ?? 16;
  const bytesPerSample = bits / 8;
  const samples = group.channels[0]?.raw.length ?? 0;
  const bytes = new Uint8Array(samples * group.channels.length * bytesPerSample);
  const view = new DataView(bytes.buffer);
  for (let s = 0; s < samples; s++) {
    group.channels.forEach((channel, c) => {
      setSample(view, (s * group.channels.length + c) * bytesPerSample, bits, isUnsigned(group), channel.raw[s]);
    });
  }
  return bytes;
}

function groupItem(group: DicomGroupSpec, explicit: boolean, undefinedLength: boolean): Uint8Array {
  const bits = group.bits ?? 16;
  const dataVr = bits === 8 ? 'OB' : 'OW';
  const padding = group.padding === undefined ? undefined : new Uint8Array(bits / 8);
  if (padding && group.padding !== undefined) {
    setSample(new DataView(padding.buffer), 0, bits, isUnsigned(group), group.padding, group.paddingByteOrder !== 'big');
  }
  return dataset([
    text(0x003a, 0x0004, 'CS', group.originality ?? 'ORIGINAL', explicit),
    uint(0x003a, 0x0005, 'US', group.channelCount ?? group.channels.length, explicit),
    uint(0x003a, 0x0010, 'UL', group.sampleCount ?? group.channels[0]?.raw.length ?? 0, explicit),
    text(0x003a, 0x001a, 'DS', group.sampleRate ?? '500', explicit),
    text(0x003a, 0x0020, 'SH', group.label ?? (group.originality === 'DERIVED' ? 'MEDIAN BEAT' : 'RHYTHM'), explicit),
    sequence(
      0x003a,
      0x0200,
      group.channels.map((channel, index) => channelItem(channel, index, explicit, undefinedLength)),
      explicit,
      undefinedLength,
    ),
    uint(0x5400, 0x1004, 'US', bits, explicit),
    text(0x5400, 0x1006, 'CS', group.interpretation ?? (bits === 8 ? 'SB' : 'SS'), explicit),
    padding ? element(0x5400, 0x100a, dataVr, padding, explicit) : undefined,
    element(0x5400, 0x1010, dataVr, group.data ?? interleave(group), explicit),
  ]);
}

function metaGroup(sopClass: string, transferSyntax: string): Uint8Array {
  const body = dataset([
    element(0x0002, 0x0001, 'OB', Uint8Array.of(0, 1), true),
    text(0x0002, 0x0002, 'UI', sopClass, true),
    text(0x0002, 0x0003, 'UI', '1.2.826.0.1.3680043.8.498.1', true),
    text(0x0002, 0x0010, 'UI', transferSyntax, true),
    text(0x0002, 0x0012, 'UI', '1.2.826.0.1.3680043.8.498.99', true),
  ]);
  return concat([uint(0x0002, 0x0000, 'UL', body.length, true).bytes, body]);
}

/** A DICOM waveform object as bytes. */
export function buildDicom(spec: DicomSpec): Uint8Array {
  const transferSyntax = spec.transferSyntax ?? TRANSFER_SYNTAX.explicitLittle;
  const explicit = spec.explicitVr ?? transferSyntax !== TRANSFER_SYNTAX.implicitLittle;
  const sopClass = spec.sopClass ?? SOP_CLASS.twelveLead;
  const undefinedLength = spec.undefinedLengths ?? false;
  const optional = (value: string | Uint8Array | undefined, build: (v: string | Uint8Array) => Encoded) => (value === undefined ? undefined : build(value));
  const body = dataset([
    optional(spec.characterSet, (v) => text(0x0008, 0x0005, 'CS', v, explicit)),
    text(0x0008, 0x0016, 'UI', sopClass, explicit),
    text(0x0008, 0x0018, 'UI', '1.2.826.0.1.3680043.8.498.1', explicit),
    optional(spec.contentDate, (v) => text(0x0008, 0x0023, 'DA', v, explicit)),
    optional(spec.acquisitionDateTime, (v) => text(0x0008, 0x002a, 'DT', v, explicit)),
    optional(spec.contentTime, (v) => text(0x0008, 0x0033, 'TM', v, explicit)),
    text(0x0008, 0x0060, 'CS', 'ECG', explicit),
    optional(spec.manufacturer, (v) => text(0x0008, 0x0070, 'LO', v, explicit)),
    optional(spec.timezoneOffset, (v) => text(0x0008, 0x0201, 'SH', v, explicit)),
    optional(spec.model, (v) => text(0x0008, 0x1090, 'LO', v, explicit)),
    optional(spec.patientName, (v) => text(0x0010, 0x0010, 'PN', v, explicit)),
    optional(spec.patientId, (v) => text(0x0010, 0x0020, 'LO', v, explicit)),
    optional(spec.birthDate, (v) => text(0x0010, 0x0030, 'DA', v, explicit)),
    optional(spec.patientSex, (v) => text(0x0010, 0x0040, 'CS', v, explicit)),
    optional(spec.age, (v) => text(0x0010, 0x1010, 'AS', v, explicit)),
    optional(spec.serial, (v) => text(0x0018, 0x1000, 'LO', v, explicit)),
    spec.groups
      ? sequence(
          0x5400,
          0x0100,
          spec.groups.map((group) => groupItem(group, explicit, undefinedLength)),
          explicit,
          undefinedLength,
        )
      : undefined,
  ]);
  const preamble = spec.preamble ?? true;
  return concat(preamble ? [new Uint8Array(128), ascii('DICM'), metaGroup(sopClass, transferSyntax), body] : [body]);
}
