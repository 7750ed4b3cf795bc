import type { CartReport } from '../../../shared/api/ecg';
import { readAecgCartReport } from '../formats/aecg-report';
import { readScpCartReport } from '../formats/scp-report';
import { childElements, childPath, descendants, parseXml, sniffRootElement, textValue, type XmlElement } from '../formats/xml';

/**
 * The cart's own analysis from its export file: GE MUSE XML (RestingECGMeasurements, Diagnosis), Philips XML
 * (globalmeasurements, interpretation statements), SCP-ECG (sections 7, 8, 10: formats/scp-report.ts) and HL7 aECG
 * (the device's annotation set: formats/aecg-report.ts). Read beside the waveform readers, not by them, so a file
 * whose report part is odd still opens; anything missing is left out, never guessed.
 */
export function readCartReport(bytes: Uint8Array): CartReport | undefined {
  const scp = readScpCartReport(bytes);
  if (scp) return scp;
  const root = sniffRootElement(bytes.subarray(0, 4096));
  if (root === 'AnnotatedECG') return readAecgCartReport(bytes);
  if (root !== 'RestingECG' && root !== 'restingecgdata') return undefined;
  let doc: XmlElement;
  try {
    doc = parseXml(bytes);
  } catch {
    return undefined;
  }
  return root === 'RestingECG' ? museReport(doc) : philipsReport(doc);
}

function num(element: XmlElement | undefined): number | undefined {
  const text = textValue(element)?.trim();
  if (!text || !/^-?\d+(\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function museReport(doc: XmlElement): CartReport | undefined {
  const m = childPath(doc, 'RestingECGMeasurements');
  if (!m) return undefined;
  const get = (name: string) => num(childPath(m, name));
  // MUSE gives wave edges in samples of ECGSampleBase (Hz) × 10^ECGSampleExponent.
  const base = get('ECGSampleBase');
  const rate = base !== undefined ? base * 10 ** (get('ECGSampleExponent') ?? 0) : undefined;
  const pOn = get('POnset');
  const pOff = get('POffset');
  const statements = descendants(doc, 'Diagnosis')
    .flatMap((d) => childElements(d, 'DiagnosisStatement'))
    .map((s) => textValue(childPath(s, 'StmtText'))?.trim() ?? '')
    .filter((s) => s !== '');
  return {
    vendor: 'ge-muse',
    measurements: compact({
      heartRateBpm: get('VentricularRate'),
      prMs: get('PRInterval'),
      qrsMs: get('QRSDuration'),
      qtMs: get('QTInterval'),
      qtcMs: get('QTCorrected'),
      pAxisDeg: get('PAxis'),
      qrsAxisDeg: get('RAxis'),
      tAxisDeg: get('TAxis'),
      pDurationMs: rate && pOn !== undefined && pOff !== undefined && pOff > pOn ? Math.round(((pOff - pOn) / rate) * 1000) : undefined,
    }),
    statements,
  };
}

function philipsReport(doc: XmlElement): CartReport | undefined {
  const g = descendants(doc, 'globalmeasurements')[0];
  if (!g) return undefined;
  const get = (name: string) => num(childPath(g, name));
  const statements = descendants(doc, 'interpretation')
    .flatMap((i) => childElements(i, 'statement'))
    .map((s) => [textValue(childPath(s, 'leftstatement'))?.trim(), textValue(childPath(s, 'rightstatement'))?.trim()].filter(Boolean).join(' — '))
    .filter((s) => s !== '');
  return {
    vendor: 'philips',
    measurements: compact({
      heartRateBpm: get('meanventrate'),
      prMs: get('meanprint'),
      qrsMs: get('meanqrsdur'),
      qtMs: get('meanqtint'),
      qtcMs: get('meanqtc'),
      pAxisDeg: get('pfrontaxis'),
      qrsAxisDeg: get('qrsfrontaxis'),
      tAxisDeg: get('tfrontaxis'),
      pDurationMs: get('meanpdur'),
    }),
    statements,
  };
}
