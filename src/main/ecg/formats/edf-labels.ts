import { STANDARD_LEADS } from '../../../shared/ecg';

/**
 * EDF signal labels are free text. The EDF+ convention is "<type> <name>" ("ECG I", "EEG Fpz-Cz"); other writers
 * put "II", "EKG V1", "Lead aVR" or a site name ("Direct_1"). A label becomes a standard lead name only when, after
 * removing the type prefix, what remains is exactly one of the twelve names (case-insensitive); everything else
 * keeps its own label, trimmed, so nothing is renamed on a guess.
 */
const TYPE_PREFIX = /^(ecg|ekg|lead)(?=$|[\s_:.-])[\s_:.-]*/i;

export function leadNameFromLabel(label: string): string {
  const trimmed = label.trim();
  const withoutPrefix = trimmed.replace(TYPE_PREFIX, '').trim();
  const standard = STANDARD_LEADS.find((lead) => lead.toLowerCase() === withoutPrefix.toLowerCase());
  return standard ?? trimmed;
}

/**
 * Microvolts per unit of an EDF physical dimension, or undefined when the dimension is not a voltage.
 * Case is ignored because writers vary ("uV", "UV", "mv"); nobody records ECG in megavolts.
 */
export function microvoltsPerUnit(physicalDimension: string): number | undefined {
  const unit = physicalDimension.trim().replace(/^[µμ]/, 'u').toLowerCase();
  switch (unit) {
    case 'nv':
      return 1e-3;
    case 'uv':
      return 1;
    case 'mv':
      return 1e3;
    case 'v':
      return 1e6;
    default:
      return undefined;
  }
}
