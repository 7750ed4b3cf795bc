/**
 * The demo device: replays a recording in real time, in fixed blocks, looping forever. By default it plays a
 * synthetic 12-lead ECG (no files needed); it can also replay a file the user picks (any format readEcgFile reads).
 */
import type { EcgLead, EcgRecord } from '../../../shared/ecg';
import { readEcgFile } from '../formats/index';
import { EcgDriverBase, wallClockMs } from './driver';
import { synthesizeEcg } from './synthetic-ecg';

export type ReplaySource = Pick<EcgRecord, 'sampleRateHz' | 'leads'>;

export interface SimulatorDriverOptions {
  id?: string;
  label?: string;
  /** Default: 60 s of synthetic 12-lead ECG at 500 Hz (seed 1). */
  recording?: ReplaySource;
  /** Block length; 40 ms is one frame of a typical cart and 25 display updates per second. */
  blockMs?: number;
  /** Wall clock, ms (tests inject a fake one). */
  now?: () => number;
}

/** Further behind real time than this (a suspended laptop, a stalled main thread) the replay skips ahead, as a device would. */
const MAX_CATCH_UP_MS = 2000;

export function defaultDemoRecording(): ReplaySource {
  return synthesizeEcg({ seed: 1, durationS: 60, sampleRateHz: 500 });
}

export class SimulatorDriver extends EcgDriverBase {
  readonly kind = 'simulator' as const;
  private readonly recording: ReplaySource;
  private readonly blockSamples: number;
  private readonly blockMs: number;
  private readonly now: () => number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private startedAtMs = 0;
  private emittedSamples = 0;
  private lostSamples = 0;

  constructor(options: SimulatorDriverOptions = {}) {
    const recording = options.recording ?? defaultDemoRecording();
    super(options.id ?? 'demo', options.label ?? 'Demo (synthetic 12-lead)');
    assertReplayable(recording);
    this.recording = recording;
    this.blockMs = options.blockMs ?? 40;
    this.blockSamples = Math.max(1, Math.round((recording.sampleRateHz * this.blockMs) / 1000));
    this.now = options.now ?? wallClockMs;
  }

  /** Replays a file chosen by the user; the reader's EcgFormatError propagates so the UI can name the problem. */
  static async fromFile(
    path: string,
    options: Omit<SimulatorDriverOptions, 'recording'> & { reader?: (path: string) => Promise<EcgRecord> } = {},
  ): Promise<SimulatorDriver> {
    const record = await (options.reader ?? readEcgFile)(path);
    return new SimulatorDriver({ label: `Replay ${path.split(/[\\/]/).pop()}`, ...options, recording: record });
  }

  async start(): Promise<void> {
    if (this.timer !== undefined) return;
    this.startedAtMs = this.now();
    this.emittedSamples = 0;
    this.updateStatus({ state: 'streaming', message: undefined });
    this.schedule();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.updateStatus({ state: 'disconnected' });
    this.closeIterators();
  }

  private schedule(): void {
    const nextDueMs = this.startedAtMs + ((this.emittedSamples + this.blockSamples) * 1000) / this.recording.sampleRateHz;
    this.timer = setTimeout(() => this.tick(), Math.max(0, nextDueMs - this.now()));
  }

  private tick(): void {
    const nowMs = this.now();
    const elapsedSamples = Math.floor(((nowMs - this.startedAtMs) * this.recording.sampleRateHz) / 1000);
    const behindMs = ((elapsedSamples - this.emittedSamples) * 1000) / this.recording.sampleRateHz;
    if (behindMs > MAX_CATCH_UP_MS) {
      const skipped = elapsedSamples - this.blockSamples - this.emittedSamples;
      this.emittedSamples += skipped;
      this.lostSamples += skipped;
      this.updateStatus({ lostSamples: this.lostSamples });
    }
    while (this.emittedSamples + this.blockSamples <= elapsedSamples) {
      this.emitBlock({
        sampleRateHz: this.recording.sampleRateHz,
        leadNames: this.recording.leads.map((lead) => lead.name),
        firstSampleIndex: this.emittedSamples,
        samples: this.recording.leads.map((lead) => loopedSlice(lead, this.emittedSamples, this.blockSamples)),
        receivedAt: nowMs,
        deviceTimeMs: this.startedAtMs + (this.emittedSamples * 1000) / this.recording.sampleRateHz,
      });
      this.emittedSamples += this.blockSamples;
    }
    if (this.timer !== undefined) this.schedule();
  }
}

function assertReplayable(recording: ReplaySource): void {
  const length = recording.leads[0]?.microvolts.length ?? 0;
  if (length === 0) throw new RangeError('a replay needs at least one lead with samples');
  if (recording.leads.some((lead) => lead.microvolts.length !== length)) throw new RangeError('leads differ in length');
  if (!(recording.sampleRateHz > 0)) throw new RangeError('sample rate must be positive');
}

/** `count` samples from stream index `from`, wrapping around the end of the recording. */
function loopedSlice(lead: EcgLead, from: number, count: number): Float32Array {
  const source = lead.microvolts;
  const out = new Float32Array(count);
  let written = 0;
  let at = from % source.length;
  while (written < count) {
    const take = Math.min(count - written, source.length - at);
    out.set(source.subarray(at, at + take), written);
    written += take;
    at = 0;
  }
  return out;
}
