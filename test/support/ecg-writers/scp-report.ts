import { ByteWriter } from './scp';

/**
 * Test-only builders for the SCP-ECG report sections (EN 1064 / ISO 11073-91064 layouts): 7 global measurements, 8
 * full-text interpretation, 10 per-lead measurements. Bodies only; writeScp frames them (extraSections).
 */

export interface GlobalBlock {
  pOnset: number;
  pOffset: number;
  qrsOnset: number;
  qrsOffset: number;
  tOffset: number;
  pAxis: number;
  qrsAxis: number;
  tAxis: number;
}

export function section7(options: {
  averageRrMs: number;
  blocks: GlobalBlock[];
  extension?: { ventricularRate: number; atrialRate: number; qtc: number };
}): Uint8Array {
  const w = new ByteWriter().u8(options.blocks.length).u8(0).u16(options.averageRrMs).u16(29999);
  for (const b of options.blocks) w.u16(b.pOnset).u16(b.pOffset).u16(b.qrsOnset).u16(b.qrsOffset).u16(b.tOffset).i16(b.pAxis).i16(b.qrsAxis).i16(b.tAxis);
  if (options.extension) {
    // No pacemaker spikes; two QRS complexes of type 0; then rate, atrial rate, QTc, formula (1 Bazett), no tags.
    w.u16(2).u8(0).u8(0);
    w.u16(options.extension.ventricularRate).u16(options.extension.atrialRate).u16(options.extension.qtc).u8(1).u16(0);
  }
  return w.toBytes();
}

export function section8(confirmed: 0 | 1 | 2, statements: Uint8Array[]): Uint8Array {
  const w = new ByteWriter().u8(confirmed).u16(2026).u8(12).u8(6).u8(9).u8(30).u8(0).u8(statements.length);
  statements.forEach((text, i) =>
    w
      .u8(i + 1)
      .u16(text.length + 1)
      .bytes(text)
      .u8(0),
  );
  return w.toBytes();
}

export interface LeadBlock {
  leadId: number;
  pDuration: number;
  pr: number;
  qrs: number;
  qt: number;
}

export function section10(leads: LeadBlock[]): Uint8Array {
  const w = new ByteWriter().u16(leads.length).u16(0);
  // Four measurements and one more field (Q duration, not computed) so the reader must honour the block length.
  for (const l of leads) w.i16(l.leadId).i16(10).i16(l.pDuration).i16(l.pr).i16(l.qrs).i16(l.qt).i16(29999);
  return w.toBytes();
}
