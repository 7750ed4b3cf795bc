import type { CartReport } from '../../../shared/api/ecg';
import { attribute, childElements, childPath, descendants, parseXml, sniffRootElement, textValue, type XmlElement } from './xml';

/**
 * The cart's own analysis in an HL7 aECG file: the annotation sets of the series. The implementation guide puts the
 * device's measurements in an annotation set authored by an assignedDevice (a human reader's set, authored by an
 * assignedPerson, may follow and is not the cart's), as numeric annotations coded in MDC (MDC_ECG_TIME_PD_QRS …,
 * PQ values), either global or inside each BEAT annotation; rhythm statements as MDC_ECG_RHY annotations; and the
 * interpretation as MDC_ECG_INTERPRETATION with MDC_ECG_INTERPRETATION_STATEMENT (free text) components. Annotations
 * tied to a lead (their supporting ROI names one) are per-lead values and are not taken as global.
 */

type MeasurementKey = keyof CartReport['measurements'];

/** MDC codes of the global numerics, and the unit each must carry. */
const NUMERICS: Record<string, { key: MeasurementKey; units: readonly string[] }> = {
  MDC_ECG_HEART_RATE: { key: 'heartRateBpm', units: ['bpm', '/min', '{beats}/min'] },
  MDC_ECG_TIME_PD_PR: { key: 'prMs', units: ['ms'] },
  MDC_ECG_TIME_PD_QRS: { key: 'qrsMs', units: ['ms'] },
  MDC_ECG_TIME_PD_QT: { key: 'qtMs', units: ['ms'] },
  MDC_ECG_TIME_PD_QTc: { key: 'qtcMs', units: ['ms'] },
  MDC_ECG_TIME_PD_P: { key: 'pDurationMs', units: ['ms'] },
  MDC_ECG_ANGLE_P_FRONT: { key: 'pAxisDeg', units: ['deg'] },
  MDC_ECG_ANGLE_QRS_FRONT: { key: 'qrsAxisDeg', units: ['deg'] },
  MDC_ECG_ANGLE_T_FRONT: { key: 'tAxisDeg', units: ['deg'] },
};

const codeOf = (annotation: XmlElement) => attribute(childPath(annotation, 'code'), 'code');

/** The ROI of an annotation names a lead: then it is that lead's value, not the global one. */
function isPerLead(annotation: XmlElement): boolean {
  // Only the annotation's own ROI: a BEAT whose wave annotations are per lead is still a global container.
  return childElements(annotation, 'support')
    .flatMap((support) => childElements(support, 'supportingROI'))
    .some((roi) => descendants(roi, 'code').some((code) => (attribute(code, 'code') ?? '').startsWith('MDC_ECG_LEAD_')));
}

/** Annotations directly below `element` through component links, depth first, without entering per-lead ones. */
function globalAnnotations(element: XmlElement, into: XmlElement[] = []): XmlElement[] {
  for (const component of childElements(element, 'component')) {
    for (const annotation of childElements(component, 'annotation')) {
      if (isPerLead(annotation)) continue;
      into.push(annotation);
      globalAnnotations(annotation, into);
    }
  }
  return into;
}

function isDeviceSet(set: XmlElement): boolean {
  return descendants(set, 'assignedDevice').length > 0;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function readAecgCartReport(bytes: Uint8Array): CartReport | undefined {
  if (sniffRootElement(bytes.subarray(0, 4096)) !== 'AnnotatedECG') return undefined;
  let root: XmlElement;
  try {
    root = parseXml(bytes);
  } catch {
    return undefined;
  }
  const sets = descendants(root, 'annotationSet').filter(isDeviceSet);
  if (sets.length === 0) return undefined;
  // The first device set: later ones are re-analyses of other series or of the same one.
  const annotations = globalAnnotations(sets[0]);
  const found = new Map<MeasurementKey, number[]>();
  const statements: string[] = [];
  for (const annotation of annotations) {
    const code = codeOf(annotation) ?? '';
    const valueElement = childPath(annotation, 'value');
    const numeric = NUMERICS[code];
    if (numeric) {
      const raw = Number(attribute(valueElement, 'value'));
      const unit = attribute(valueElement, 'unit') ?? '';
      // A value in another unit (s instead of ms, say) is left out rather than converted on a guess.
      if (Number.isFinite(raw) && numeric.units.includes(unit)) found.set(numeric.key, [...(found.get(numeric.key) ?? []), raw]);
      continue;
    }
    if (code === 'MDC_ECG_RHY') {
      const label = attribute(valueElement, 'displayName') ?? attribute(valueElement, 'code');
      if (label) statements.push(label);
    } else if (code === 'MDC_ECG_INTERPRETATION_STATEMENT' || code === 'MDC_ECG_INTERPRETATION_SUMMARY') {
      const text = (textValue(valueElement) ?? attribute(valueElement, 'displayName') ?? '').trim();
      if (text !== '') statements.push(text);
    }
  }
  // Several beats each carry the same numerics; their median is the cart's value (they agree in the files seen).
  const measurements: CartReport['measurements'] = {};
  for (const [key, values] of found) {
    const m = median(values);
    if (m !== undefined) measurements[key] = m;
  }
  if (Object.keys(measurements).length === 0 && statements.length === 0) return undefined;
  return { vendor: 'hl7-aecg', measurements, statements: [...new Set(statements)] };
}
