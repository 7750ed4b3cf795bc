import type { EcgSampleBlock } from '../../shared/ecg-stream';

/**
 * The last `capacitySeconds` of a live stream per lead, so "capture 10 s" takes what the clinician just watched.
 * Gaps arrive as NaN blocks (time stays true), so the buffer's last n samples are always the last n seconds.
 */
export class LiveEcgBuffer {
  private leads: Float32Array[] = [];
  private leadNames: string[] = [];
  private sampleRateHz = 0;
  private written = 0;
  private capacity = 0;

  constructor(private readonly capacitySeconds = 60) {}

  push(block: EcgSampleBlock): void {
    if (block.sampleRateHz !== this.sampleRateHz || block.leadNames.join() !== this.leadNames.join()) {
      this.sampleRateHz = block.sampleRateHz;
      this.leadNames = [...block.leadNames];
      this.capacity = Math.round(this.capacitySeconds * block.sampleRateHz);
      this.leads = block.leadNames.map(() => new Float32Array(this.capacity));
      this.written = 0;
    }
    const n = block.samples[0]?.length ?? 0;
    for (let l = 0; l < this.leads.length; l++) {
      const src = block.samples[l];
      for (let i = 0; i < n; i++) this.leads[l][(this.written + i) % this.capacity] = src[i];
    }
    this.written += n;
  }

  /** The last `seconds` (or less if fewer arrived), oldest first. */
  last(seconds: number): { sampleRateHz: number; leads: { name: string; microvolts: Float32Array }[] } | null {
    if (this.written === 0) return null;
    const n = Math.min(this.written, Math.round(seconds * this.sampleRateHz), this.capacity);
    const start = this.written - n;
    return {
      sampleRateHz: this.sampleRateHz,
      leads: this.leadNames.map((name, l) => {
        const out = new Float32Array(n);
        for (let i = 0; i < n; i++) out[i] = this.leads[l][(start + i) % this.capacity];
        return { name, microvolts: out };
      }),
    };
  }

  get seconds(): number {
    return this.sampleRateHz ? Math.min(this.written, this.capacity) / this.sampleRateHz : 0;
  }
}
