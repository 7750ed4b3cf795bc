/**
 * What the device simulator sends, as pure functions of its options: the signal (synthetic ECG quantised to ADC
 * codes), each frame's bytes, and each frame's fate (sent, dropped, corrupted, paused). Tests import this to know
 * exactly which samples must come out of the driver.
 */
import { encodeFrame, HEADER_LENGTH, microvoltsToCounts, type SampleEncoding } from '../../../src/main/ecg/devices/frame-protocol';
import { synthesizeEcg } from '../../../src/main/ecg/devices/synthetic-ecg';
import { STANDARD_LEADS } from '../../../src/shared/ecg';

export interface DeviceSimOptions {
  /** The pty (or serial device) to write to. */
  tty: string;
  durationS: number;
  sampleRateHz: number;
  /** The first N standard leads (12 = I … V6). */
  leadCount: number;
  frameMs: number;
  encoding: SampleEncoding;
  microvoltsPerLsb: number;
  /** Every n-th frame (n, 2n, …; 1-based) is not sent at all; 0 = never. */
  dropEvery: number;
  /** Every n-th frame has one body byte flipped (its CRC-32 then fails); 0 = never. Dropping wins over corrupting. */
  corruptEvery: number;
  /** Before every n-th frame, GARBAGE_BYTES random bytes are written; 0 = never. */
  garbageEvery: number;
  /** Frames due in [pauseAtS, pauseAtS + pauseForS) are not sent (the device keeps counting: they are lost). */
  pauseAtS?: number;
  pauseForS: number;
  /** Device sequence of the first sample (to exercise wrap-around at 2^32). */
  startSequence: number;
  seed: number;
}

export const GARBAGE_BYTES = 17;

export const DEFAULT_SIM_OPTIONS: Omit<DeviceSimOptions, 'tty'> = {
  durationS: 60,
  sampleRateHz: 1000,
  leadCount: 12,
  frameMs: 40,
  encoding: 'int16',
  microvoltsPerLsb: 1,
  dropEvery: 0,
  corruptEvery: 0,
  garbageEvery: 0,
  pauseForS: 0,
  startSequence: 0,
  seed: 1,
};

export type FrameFate = 'send' | 'drop' | 'corrupt' | 'pause';

export function samplesPerFrame(options: Omit<DeviceSimOptions, 'tty'>): number {
  return Math.round((options.sampleRateHz * options.frameMs) / 1000);
}

export function frameCount(options: Omit<DeviceSimOptions, 'tty'>): number {
  return Math.floor((options.durationS * options.sampleRateHz) / samplesPerFrame(options));
}

/** Seconds after start at which frame k is complete (its last sample acquired) and sent. */
export function frameDueS(k: number, options: Omit<DeviceSimOptions, 'tty'>): number {
  return ((k + 1) * samplesPerFrame(options)) / options.sampleRateHz;
}

export function frameFate(k: number, options: Omit<DeviceSimOptions, 'tty'>): FrameFate {
  const due = frameDueS(k, options);
  if (options.pauseAtS !== undefined && due >= options.pauseAtS && due < options.pauseAtS + options.pauseForS) return 'pause';
  if (options.dropEvery > 0 && (k + 1) % options.dropEvery === 0) return 'drop';
  if (options.corruptEvery > 0 && (k + 1) % options.corruptEvery === 0) return 'corrupt';
  return 'send';
}

export interface SimSignal {
  leadNames: string[];
  /** ADC codes per lead over one loop of the synthetic recording. */
  counts: Float64Array[];
}

export function simSignal(options: Omit<DeviceSimOptions, 'tty'>): SimSignal {
  const record = synthesizeEcg({ seed: options.seed, durationS: 20, sampleRateHz: options.sampleRateHz });
  const leads = record.leads.slice(0, options.leadCount);
  if (leads.length !== options.leadCount || options.leadCount < 1) {
    throw new RangeError(`lead count must be 1–${STANDARD_LEADS.length}`);
  }
  return {
    leadNames: leads.map((lead) => lead.name),
    counts: leads.map((lead) => microvoltsToCounts(lead.microvolts, options.microvoltsPerLsb, options.encoding)),
  };
}

/** The codes of stream samples [from, from + length) of one lead, looping over the signal. */
export function signalSlice(signal: SimSignal, lead: number, from: number, length: number): Float64Array {
  const source = signal.counts[lead];
  return Float64Array.from({ length }, (_, i) => source[(from + i) % source.length]);
}

/** The bytes written for frame k (garbage first, when due), or undefined when its fate is not to be sent. */
export function frameBytes(k: number, options: Omit<DeviceSimOptions, 'tty'>, signal: SimSignal, startUtcUs: number): Uint8Array | undefined {
  const fate = frameFate(k, options);
  if (fate === 'drop' || fate === 'pause') return undefined;
  const perFrame = samplesPerFrame(options);
  const frame = encodeFrame({
    encoding: options.encoding,
    leadNames: signal.leadNames,
    sampleRateHz: options.sampleRateHz,
    sequence: (options.startSequence + k * perFrame) >>> 0,
    deviceTimestampUs: Math.round(startUtcUs + (k * perFrame * 1e6) / options.sampleRateHz),
    timestampIsUtc: true,
    microvoltsPerLsb: options.microvoltsPerLsb,
    counts: signal.leadNames.map((_, lead) => signalSlice(signal, lead, k * perFrame, perFrame)),
  });
  if (fate === 'corrupt') {
    const bodyLength = frame.length - HEADER_LENGTH;
    frame[HEADER_LENGTH + ((k * 7919) % bodyLength)] ^= 0x5a;
  }
  if (options.garbageEvery > 0 && (k + 1) % options.garbageEvery === 0) {
    const garbage = Uint8Array.from({ length: GARBAGE_BYTES }, (_, i) => (k * 131 + i * 29 + options.seed) & 0xff);
    return Buffer.concat([garbage, frame]);
  }
  return frame;
}

/** Parses `--name value` pairs (names as in DeviceSimOptions, kebab-case) over the defaults. */
export function parseSimArgs(argv: readonly string[]): DeviceSimOptions {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    if (!flag.startsWith('--') || argv[i + 1] === undefined) throw new Error(`expected --name value, got ${flag}`);
    values.set(flag.slice(2), argv[i + 1]);
  }
  const number = (name: string, fallback: number) => (values.has(name) ? Number(values.get(name)) : fallback);
  const tty = values.get('tty');
  if (!tty) throw new Error('--tty <path> is required');
  const encoding = (values.get('encoding') ?? DEFAULT_SIM_OPTIONS.encoding) as SampleEncoding;
  if (encoding !== 'int16' && encoding !== 'int24') throw new Error('--encoding is int16 or int24');
  const d = DEFAULT_SIM_OPTIONS;
  const options: DeviceSimOptions = {
    tty,
    durationS: number('duration', d.durationS),
    sampleRateHz: number('rate', d.sampleRateHz),
    leadCount: number('leads', d.leadCount),
    frameMs: number('frame-ms', d.frameMs),
    encoding,
    microvoltsPerLsb: number('lsb', d.microvoltsPerLsb),
    dropEvery: number('drop-every', d.dropEvery),
    corruptEvery: number('corrupt-every', d.corruptEvery),
    garbageEvery: number('garbage-every', d.garbageEvery),
    pauseAtS: values.has('pause-at') ? Number(values.get('pause-at')) : undefined,
    pauseForS: number('pause-for', d.pauseForS),
    startSequence: number('start-seq', d.startSequence),
    seed: number('seed', d.seed),
  };
  const bad = Object.entries(options).filter(([, v]) => typeof v === 'number' && !Number.isFinite(v));
  if (bad.length > 0) throw new Error(`not a number: ${bad.map(([k]) => k).join(', ')}`);
  return options;
}
