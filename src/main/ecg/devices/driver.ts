/**
 * The contract every ECG acquisition device meets (serial cart, demo simulator), a base that implements the
 * plumbing once (listeners, status, async iteration, latency), and the registry main keeps its devices in.
 */
import { blockLatencyMs, type EcgSampleBlock, type EcgStreamStatus, initialStreamStatus, percentile } from '../../../shared/ecg-stream';

export type EcgDeviceKind = 'serial' | 'simulator';

export interface EcgDeviceDriver {
  readonly id: string;
  readonly kind: EcgDeviceKind;
  /** Shown in the device picker, e.g. "Serial /dev/ttyUSB0" or "Demo (synthetic 12-lead)". */
  readonly label: string;
  /** Begins acquisition; resolves once the driver runs (it may still be connecting). Idempotent. */
  start(): Promise<void>;
  /** Ends acquisition and every open iterator; resolves when the device is released. Idempotent. */
  stop(): Promise<void>;
  readonly status: EcgStreamStatus;
  /** Returns an unsubscribe function. Listeners run synchronously; an exception in one is logged, never propagated. */
  onBlock(listener: (block: EcgSampleBlock) => void): () => void;
  onStatus(listener: (status: EcgStreamStatus) => void): () => void;
  /** Blocks from now until stop() or the signal; a consumer slower than `maxQueued` blocks loses the oldest. */
  blocks(options?: BlockIteratorOptions): AsyncIterableIterator<EcgSampleBlock>;
}

export interface BlockIteratorOptions {
  signal?: AbortSignal;
  /** Default 250 blocks (10 s of 40 ms blocks): enough to ride out a busy main thread, bounded in memory. */
  maxQueued?: number;
}

/** Host wall clock in ms with sub-ms resolution, comparable with a UTC device clock. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

const LATENCY_WINDOW = 25;
const STATUS_LATENCY_REFRESH_MS = 1000;

export abstract class EcgDriverBase implements EcgDeviceDriver {
  abstract readonly kind: EcgDeviceKind;
  private currentStatus: EcgStreamStatus = initialStreamStatus('disconnected');
  private readonly blockListeners = new Set<(block: EcgSampleBlock) => void>();
  private readonly statusListeners = new Set<(status: EcgStreamStatus) => void>();
  private readonly iteratorClosers = new Set<() => void>();
  private nextBlockSeq = 0;
  private readonly recentLatencies: number[] = [];
  private latencyPublishedAt = -Infinity;

  constructor(
    readonly id: string,
    readonly label: string,
  ) {}

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;

  get status(): EcgStreamStatus {
    return { ...this.currentStatus };
  }

  onBlock(listener: (block: EcgSampleBlock) => void): () => void {
    this.blockListeners.add(listener);
    return () => this.blockListeners.delete(listener);
  }

  onStatus(listener: (status: EcgStreamStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  blocks(options: BlockIteratorOptions = {}): AsyncIterableIterator<EcgSampleBlock> {
    const maxQueued = options.maxQueued ?? 250;
    const queue: EcgSampleBlock[] = [];
    let waiting: ((result: IteratorResult<EcgSampleBlock>) => void) | undefined;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      unsubscribe();
      this.iteratorClosers.delete(finish);
      options.signal?.removeEventListener('abort', finish);
      waiting?.({ value: undefined, done: true });
      waiting = undefined;
    };
    const unsubscribe = this.onBlock((block) => {
      if (waiting) {
        waiting({ value: block, done: false });
        waiting = undefined;
        return;
      }
      queue.push(block);
      if (queue.length > maxQueued) queue.shift();
    });
    this.iteratorClosers.add(finish);
    if (options.signal?.aborted) finish();
    else options.signal?.addEventListener('abort', finish, { once: true });
    const iterator: AsyncIterableIterator<EcgSampleBlock> = {
      next: () => {
        const block = queue.shift();
        if (block) return Promise.resolve({ value: block, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (waiting = resolve));
      },
      return: () => {
        finish();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** Stamps device id and block sequence, tracks latency, and delivers to every listener. */
  protected emitBlock(block: Omit<EcgSampleBlock, 'deviceId' | 'seq'>): void {
    const full: EcgSampleBlock = { ...block, deviceId: this.id, seq: this.nextBlockSeq++ };
    this.trackLatency(full);
    for (const listener of this.blockListeners) {
      try {
        listener(full);
      } catch (error) {
        console.error(`ECG device ${this.id}: block listener failed`, error);
      }
    }
  }

  /** Merges a change into the status and notifies listeners when anything changed. */
  protected updateStatus(change: Partial<EcgStreamStatus>): void {
    const next: EcgStreamStatus = { ...this.currentStatus, ...change };
    if (change.state !== undefined && change.state !== this.currentStatus.state && change.message === undefined) {
      delete next.message;
    }
    const changed = (Object.keys(next) as (keyof EcgStreamStatus)[]).some((key) => next[key] !== this.currentStatus[key]);
    const removed = this.currentStatus.message !== undefined && next.message === undefined;
    if (!changed && !removed) return;
    this.currentStatus = next;
    for (const listener of this.statusListeners) {
      try {
        listener({ ...next });
      } catch (error) {
        console.error(`ECG device ${this.id}: status listener failed`, error);
      }
    }
  }

  /** Ends every open iterator (called by subclasses from stop()). */
  protected closeIterators(): void {
    for (const close of [...this.iteratorClosers]) close();
  }

  private trackLatency(block: EcgSampleBlock): void {
    const latency = blockLatencyMs(block);
    if (latency === undefined) return;
    this.recentLatencies.push(latency);
    if (this.recentLatencies.length > LATENCY_WINDOW) this.recentLatencies.shift();
    if (block.receivedAt - this.latencyPublishedAt < STATUS_LATENCY_REFRESH_MS) return;
    this.latencyPublishedAt = block.receivedAt;
    const median = percentile(this.recentLatencies, 50);
    if (median !== undefined) this.updateStatus({ latencyMs: Math.round(median * 10) / 10 });
  }
}

export interface EcgDeviceSummary {
  id: string;
  kind: EcgDeviceKind;
  label: string;
  status: EcgStreamStatus;
}

/** The devices main knows about, by id. Removing a device stops it. */
export class EcgDeviceRegistry {
  private readonly drivers = new Map<string, EcgDeviceDriver>();

  add(driver: EcgDeviceDriver): void {
    if (this.drivers.has(driver.id)) throw new Error(`ECG device id ${driver.id} is already registered`);
    this.drivers.set(driver.id, driver);
  }

  get(id: string): EcgDeviceDriver | undefined {
    return this.drivers.get(id);
  }

  list(): EcgDeviceSummary[] {
    return [...this.drivers.values()].map(({ id, kind, label, status }) => ({ id, kind, label, status }));
  }

  async remove(id: string): Promise<boolean> {
    const driver = this.drivers.get(id);
    if (!driver) return false;
    this.drivers.delete(id);
    await driver.stop();
    return true;
  }

  /** Stops every device, even if one of them fails to stop; used at app quit. */
  async stopAll(): Promise<void> {
    const results = await Promise.allSettled([...this.drivers.values()].map((driver) => driver.stop()));
    for (const result of results) {
      if (result.status === 'rejected') console.error('ECG device failed to stop', result.reason);
    }
  }
}
