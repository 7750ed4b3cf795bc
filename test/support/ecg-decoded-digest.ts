import { createHash } from 'node:crypto';
import type { EcgRecord } from '../../src/shared/ecg';

/**
 * A digest of everything a reader decodes from a file: every field of the record and every sample's bits (Float32,
 * so NaN gaps and -0 count). The speed work on the readers must leave it unchanged.
 */

/** Every record of the shared corpus, by path under ../shared/ecg-samples (WFDB through its header). */
export const SHARED_FILES = [
  'wfdb/mitdb/100.hea',
  'wfdb/mitdb/103.hea',
  'wfdb/mitdb/105.hea',
  'wfdb/mitdb/208.hea',
  'wfdb/ptb-xl/00001_lr.hea',
  'wfdb/twadb/twa01.hea',
  'scp-ecg/Example.scp',
  'hl7-aecg/Example_aECG.xml',
  'dicom/waveform_ecg.dcm',
  'edf/r01.edf',
  'ge-muse-xml/example1.xml',
  'philips-xml/129DYPRG.XML',
] as const;

/** Sample arrays go in as their raw bytes; everything else a reader fills (patient, device, gaps, annotations, deviations) as JSON. */
export function decodedDigest(record: EcgRecord): string {
  const hash = createHash('sha256');
  const rest = JSON.stringify(record, (_key, value: unknown) => {
    if (!(value instanceof Float32Array)) return value;
    hash.update(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    return `f32[${value.length}]`;
  });
  hash.update(rest);
  return hash.digest('hex');
}
