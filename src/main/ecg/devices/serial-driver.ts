/**
 * Serial streaming driver: reads frames (frame-protocol.ts) from a serial port — a USB-serial cart, or one end of a
 * pty pair in tests — and emits sample blocks with true time. Survives unplug/replug: the port closing (or its
 * device node vanishing) turns the state to 'disconnected' and the driver re-opens the same path with exponential
 * backoff until it is stopped. Nothing thrown by the port or by a listener escapes its event loop.
 */
import { realpath } from 'node:fs/promises';
import { SerialPort } from 'serialport';
import { EcgDriverBase, wallClockMs } from './driver';
import { type DecodedFrame, type DecodedGap, type DecoderStats, FrameDecoder } from './frame-protocol';

export interface SerialDriverOptions {
  path: string;
  /** 921600 Bd carries 12 leads × 1 kHz × int16 (24.9 kB/s framed) with 2.7× headroom at 8N1. Ignored by ptys. */
  baudRate?: number;
  id?: string;
  label?: string;
  /** Open but no valid frame for this long ⇒ 'stalled' (a cart pauses, a cable is half out). */
  stallAfterMs?: number;
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  /** Gaps up to this long are filled with NaN blocks; longer ones only move the time index (bounded memory). */
  maxGapFillMs?: number;
}

const WATCHDOG_INTERVAL_MS = 200;
/** Gap filler blocks are cut to at most this many samples so one lost minute does not become one huge array. */
const GAP_BLOCK_MAX_MS = 1000;

export class SerialDriver extends EcgDriverBase {
  readonly kind = 'serial' as const;
  readonly path: string;
  private readonly baudRate: number;
  private readonly stallAfterMs: number;
  private readonly reconnectInitialMs: number;
  private readonly reconnectMaxMs: number;
  private readonly maxGapFillMs: number;
  private readonly decoder = new FrameDecoder();
  private port: SerialPort | undefined;
  /** The device node the open port refers to; a different one behind the path means a replug. */
  private openedDevice: string | undefined;
  private running = false;
  private hasBeenOpen = false;
  private reconnectDelayMs: number;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private lastFrameAtMs = 0;
  private framesSinceOpen = 0;
  private reconnects = 0;
  /** Failed opens since the port was last open, shown in the status message. */
  private failedOpens = 0;

  constructor(options: SerialDriverOptions) {
    super(options.id ?? `serial:${options.path}`, options.label ?? `Serial ${options.path}`);
    this.path = options.path;
    this.baudRate = options.baudRate ?? 921600;
    if (!Number.isInteger(this.baudRate) || this.baudRate <= 0) throw new RangeError(`baud rate ${this.baudRate} is not a positive integer`);
    this.stallAfterMs = options.stallAfterMs ?? 1000;
    this.reconnectInitialMs = options.reconnectInitialMs ?? 100;
    this.reconnectMaxMs = options.reconnectMaxMs ?? 2000;
    this.maxGapFillMs = options.maxGapFillMs ?? 10_000;
    this.reconnectDelayMs = this.reconnectInitialMs;
  }

  /** Decoder counters, including those the status does not carry (skipped bytes, restarts). */
  get decoderStats(): DecoderStats {
    return { ...this.decoder.stats };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.updateStatus({ state: 'connecting', message: undefined });
    this.watchdog = setInterval(() => void this.checkLink(), WATCHDOG_INTERVAL_MS);
    await this.connect();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.watchdog);
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    this.updateStatus({ state: 'disconnected', message: 'stopped' });
    this.closeIterators();
  }

  /** One open attempt; every failure ends in a status and (while running) a scheduled retry, never a rejection. */
  private async connect(): Promise<void> {
    if (!this.running) return;
    let port: SerialPort;
    try {
      port = new SerialPort({ path: this.path, baudRate: this.baudRate, autoOpen: false });
      port.on('error', (error: Error) => this.updateStatus({ message: `port error: ${error.message}` }));
      await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    } catch (error) {
      this.failedOpens++;
      this.onDisconnected(`cannot open ${this.path}: ${(error as Error).message} (attempt ${this.failedOpens})`);
      return;
    }
    if (!this.running) {
      port.close(() => {});
      return;
    }
    this.port = port;
    this.lastFrameAtMs = wallClockMs();
    this.framesSinceOpen = 0;
    if (this.hasBeenOpen) this.reconnects++;
    this.hasBeenOpen = true;
    this.reconnectDelayMs = this.reconnectInitialMs;
    this.failedOpens = 0;
    this.updateStatus({ state: 'connecting', reconnects: this.reconnects, message: `open at ${this.baudRate} Bd, waiting for frames` });
    port.on('data', (chunk: Buffer) => this.onData(chunk));
    port.on('close', (error: (Error & { disconnected?: boolean }) | null) => {
      if (this.port !== port) return;
      this.port = undefined;
      this.onDisconnected(error ? `port closed: ${error.message}` : 'port closed');
    });
    this.openedDevice = await realpath(this.path).catch(() => undefined);
  }

  private onData(chunk: Buffer): void {
    const receivedAt = wallClockMs();
    let outputs;
    try {
      outputs = this.decoder.push(chunk);
    } catch (error) {
      // The decoder is total over bytes; reaching here is a bug, and must not take the event loop down.
      this.updateStatus({ state: 'error', message: `decoder failed: ${(error as Error).message}` });
      return;
    }
    for (const output of outputs) {
      if (output.kind === 'gap') this.emitGap(output, receivedAt);
      else this.emitFrame(output, receivedAt);
    }
    const frames = outputs.filter((o) => o.kind === 'frame').length;
    if (frames > 0) this.lastFrameAtMs = receivedAt;
    this.framesSinceOpen += frames;
    this.updateStatus({
      ...(outputs.length > 0 && this.status.state !== 'streaming' ? { state: 'streaming' as const, message: undefined } : {}),
      lostSamples: this.decoder.stats.lostSamples,
      corruptFrames: this.decoder.stats.corruptFrames,
    });
  }

  private emitFrame(frame: DecodedFrame, receivedAt: number): void {
    this.emitBlock({
      sampleRateHz: frame.header.sampleRateHz,
      leadNames: frame.header.leadNames,
      firstSampleIndex: frame.firstSampleIndex,
      samples: frame.samples,
      receivedAt,
      ...(frame.header.timestampIsUtc ? { deviceTimeMs: frame.header.deviceTimestampUs / 1000 } : {}),
    });
  }

  private emitGap(gap: DecodedGap, receivedAt: number): void {
    if ((gap.length * 1000) / gap.sampleRateHz > this.maxGapFillMs) return;
    const maxBlock = Math.max(1, Math.round((gap.sampleRateHz * GAP_BLOCK_MAX_MS) / 1000));
    for (let offset = 0; offset < gap.length; offset += maxBlock) {
      const length = Math.min(maxBlock, gap.length - offset);
      this.emitBlock({
        sampleRateHz: gap.sampleRateHz,
        leadNames: gap.leadNames,
        firstSampleIndex: gap.firstSampleIndex + offset,
        samples: gap.leadNames.map(() => new Float32Array(length).fill(NaN)),
        receivedAt,
      });
    }
  }

  private onDisconnected(message: string): void {
    this.decoder.discardBuffered();
    if (!this.running) return;
    this.updateStatus({ state: 'disconnected', message: `${message}; retrying in ${this.reconnectDelayMs} ms` });
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), this.reconnectDelayMs);
    this.reconnectDelayMs = Math.min(this.reconnectMaxMs, this.reconnectDelayMs * 2);
  }

  /**
   * Marks a link that went silent as stalled (before its first frame it is still 'connecting'), and closes a port whose device node is gone or was replaced: some
   * USB-serial drivers and ptys keep an orphaned descriptor quiet instead of failing the read.
   */
  private async checkLink(): Promise<void> {
    const port = this.port;
    if (!this.running || !port?.isOpen) return;
    if (wallClockMs() - this.lastFrameAtMs < this.stallAfterMs) return;
    if (this.framesSinceOpen > 0 && this.status.state !== 'stalled') this.updateStatus({ state: 'stalled', message: `no frames for ${this.stallAfterMs} ms` });
    const device = await realpath(this.path).catch(() => undefined);
    if (device !== undefined && device === this.openedDevice) return;
    if (this.port !== port) return;
    this.port = undefined;
    port.close(() => {});
    this.onDisconnected(device === undefined ? `${this.path} is gone` : `${this.path} now points to another device`);
  }
}
