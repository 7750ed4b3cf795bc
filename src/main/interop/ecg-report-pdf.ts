import type { Institution, EcgRow, PatientRow } from './builders';

/**
 * A one-page ECG report as PDF, for the C0006 检查报告 (WS/T 500 lets the report travel as an embedded ED, base64).
 * The renderer prints the on-screen report for people; this one is made in the main process so a document can be
 * built from the store alone (sync, export, command line). Chinese text uses the PDF standard CJK font STSong-Light
 * with the UniGB-UCS2-H encoding (ISO 32000-1 §9.7.5.2: predefined CMaps, no font file needed), so the file stays
 * small and needs no font shipped; a reader substitutes a Song face.
 *
 * Layout: A4 landscape; header lines (patient, time, measurements, interpretation), then the rhythm strip of one lead
 * (II when present) at 25 mm/s and 10 mm/mV on a 5 mm grid.
 */

export interface EcgReportInput {
  ecg: EcgRow;
  samples: Uint8Array;
  patient: PatientRow;
  institution: Institution;
}

const MM = 72 / 25.4;
const PAGE = { width: 842, height: 595 };

function hexUcs2(text: string): string {
  let hex = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0x3f;
    // Outside the BMP there is no UCS-2 code: a question mark stands in.
    hex += (code > 0xffff ? 0x3f : code).toString(16).padStart(4, '0');
  }
  return `<${hex}>`;
}

const num = (value: number) => (Math.round(value * 100) / 100).toString();

function leadSamples(input: EcgReportInput): { name: string; microvolts: Float32Array } | null {
  const names = JSON.parse(input.ecg.leadNames) as string[];
  const n = input.ecg.sampleCount;
  if (names.length === 0 || n === 0) return null;
  const index = Math.max(0, names.indexOf('II'));
  const bytes = input.samples;
  // Copy out: a Float32Array view needs 4-byte alignment the stored buffer may not have.
  const all = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(all.buffer).set(bytes);
  return { name: names[index] ?? 'II', microvolts: all.subarray(index * n, (index + 1) * n) };
}

function contentStream(input: EcgReportInput): string {
  const ops: string[] = [];
  const measurements = JSON.parse(input.ecg.measurements) as Record<string, number | null | undefined>;
  const m = (key: string, unit: string) => (typeof measurements[key] === 'number' ? `${Math.round(measurements[key])} ${unit}` : '—');
  const lines = [
    `${input.institution.name}  心电图检查报告`,
    `姓名 ${input.patient.name}   性别 ${{ M: '男', F: '女', U: '未知' }[input.patient.sex]}   出生日期 ${input.patient.birthDate}   检查时间 ${input.ecg.recordedAt}`,
    `心率 ${m('heartRateBpm', '次/分')}   PR ${m('prMs', 'ms')}   QRS ${m('qrsMs', 'ms')}   QT/QTc ${m('qtMs', 'ms')}/${m('qtcBazettMs', 'ms')}   电轴 ${m('axisDeg', '°')}`,
    `诊断意见 ${input.ecg.interpretation ?? '(未出报告)'}`,
    `报告医生 ${input.ecg.interpretedBy ?? '—'}   签名时间 ${input.ecg.signedAt ?? '—'}`,
  ];
  ops.push('BT', '/F1 11 Tf');
  lines.forEach((line, index) => ops.push(`1 0 0 1 ${num(15 * MM)} ${num(PAGE.height - 20 * MM - index * 16)} Tm`, `${hexUcs2(line)} Tj`));
  ops.push('ET');

  const strip = { x: 15 * MM, y: 40 * MM, width: 260 * MM, height: 60 * MM };
  ops.push('0.95 0.75 0.75 RG', '0.3 w');
  for (let x = 0; x <= 260; x += 5) ops.push(`${num(strip.x + x * MM)} ${num(strip.y)} m ${num(strip.x + x * MM)} ${num(strip.y + strip.height)} l S`);
  for (let y = 0; y <= 60; y += 5) ops.push(`${num(strip.x)} ${num(strip.y + y * MM)} m ${num(strip.x + strip.width)} ${num(strip.y + y * MM)} l S`);

  const lead = leadSamples(input);
  if (lead) {
    const rate = input.ecg.sampleRateHz;
    const seconds = Math.min(lead.microvolts.length / rate, strip.width / (25 * MM));
    const count = Math.floor(seconds * rate);
    const baseline = strip.y + strip.height / 2;
    // About two points per printer point of width is enough for the eye and keeps the page small.
    const step = Math.max(1, Math.floor(count / (strip.width * 2)));
    const points: string[] = [];
    for (let i = 0; i < count; i += step) {
      const x = strip.x + (i / rate) * 25 * MM;
      const microvolts = lead.microvolts[i] ?? 0;
      const y = Math.min(strip.y + strip.height, Math.max(strip.y, baseline + ((Number.isFinite(microvolts) ? microvolts : 0) / 1000) * 10 * MM));
      points.push(`${num(x)} ${num(y)} ${points.length === 0 ? 'm' : 'l'}`);
    }
    ops.push('0 0 0 RG', '0.6 w', ...points, 'S');
    ops.push('BT', '/F1 9 Tf', `1 0 0 1 ${num(strip.x)} ${num(strip.y - 12)} Tm`, `${hexUcs2(`导联 ${lead.name}  25 mm/s  10 mm/mV`)} Tj`, 'ET');
  }
  return ops.join('\n');
}

export function ecgReportPdf(input: EcgReportInput): Uint8Array {
  const content = contentStream(input);
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE.width} ${PAGE.height}] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>`,
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>',
    '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R /DW 1000 >>',
    '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>',
  ];
  // Everything above is ASCII, so string length is byte length and the xref offsets are exact.
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
