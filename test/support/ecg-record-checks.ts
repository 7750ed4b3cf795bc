import { MAX_ABS_MICROVOLTS, type EcgFormat, type EcgRecord } from '../../src/shared/ecg';

/**
 * The shape every reader promises, checked in the property tests of each format: leads of one length in
 * Float32Array µV (finite within ±1 V outside the lead's declared gaps, NaN inside them), a positive finite rate, annotations inside the signal,
 * demographics as strings. Throws an Error naming the first broken promise.
 */
export function assertWellFormedRecord(record: EcgRecord, expect: { format?: EcgFormat; namedLeads?: boolean } = {}): void {
  if (expect.format && record.format !== expect.format) throw new Error(`format ${record.format}, expected ${expect.format}`);
  if (!Number.isFinite(record.sampleRateHz) || record.sampleRateHz <= 0) throw new Error(`sample rate ${record.sampleRateHz}`);
  if (record.leads.length === 0) throw new Error('no leads');
  const length = record.leads[0].microvolts.length;
  if (length === 0) throw new Error('no samples');
  for (const lead of record.leads) {
    if (typeof lead.name !== 'string' || (expect.namedLeads && lead.name.length === 0)) throw new Error('lead name');
    if (!(lead.microvolts instanceof Float32Array) || lead.microvolts.length !== length) throw new Error(`lead ${lead.name} length`);
    const inGap = new Uint8Array(length);
    for (const gap of lead.gaps ?? []) inGap.fill(1, gap.start, gap.end);
    lead.microvolts.forEach((value, i) => {
      const ok = inGap[i] ? Number.isNaN(value) : Number.isFinite(value) && Math.abs(value) <= MAX_ABS_MICROVOLTS;
      if (!ok) throw new Error(`lead ${lead.name} sample ${i} holds ${value}${inGap[i] ? ' inside a declared gap' : ''}`);
    });
  }
  for (const annotation of record.annotations ?? []) {
    if (!Number.isInteger(annotation.sample) || annotation.sample < 0 || annotation.sample >= length) throw new Error(`annotation at ${annotation.sample}`);
    if (typeof annotation.symbol !== 'string') throw new Error('annotation symbol');
  }
  for (const value of [record.patient?.name, record.patient?.id, record.device?.model, record.device?.manufacturer, record.recordedAt]) {
    if (value !== undefined && typeof value !== 'string') throw new Error('demographics must be strings');
  }
}
