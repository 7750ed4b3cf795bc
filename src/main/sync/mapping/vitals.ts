import type { Observation, ObservationComponent, Quantity } from '@medplum/fhirtypes';
import type { VitalsRecord } from '../../../shared/api/clinic';
import type { ResourceWithId } from '../outbox';
import { childId, EXT, LOINC, loinc, SYSTEMS, ucum } from './codes';
import { vitalsDerived } from '../../clinic/vitals-derived';

export type ObservationWithId = Observation & ResourceWithId;

const VITAL_SIGNS = [{ coding: [{ system: SYSTEMS.observationCategory, code: 'vital-signs', display: 'Vital Signs' }] }];
const LABORATORY = [{ coding: [{ system: SYSTEMS.observationCategory, code: 'laboratory', display: 'Laboratory' }] }];

type Code = readonly [string, string];

/**
 * One vitals session as FHIR vital-signs Observations, one per measured quantity, with ids derived from the
 * session's UUID (`<id>-bp`, `<id>-hr`, …) so a re-send updates rather than duplicates. Blood pressure is the
 * mean of the readings (what the rules use) as the 85354-9 panel with its two components.
 */
export function vitalsToObservations(record: Pick<VitalsRecord, 'id' | 'patientId' | 'visitId' | 'measuredAt' | 'input' | 'derived'>): ObservationWithId[] {
  const base = (suffix: string, code: Code, text: string, category = VITAL_SIGNS): ObservationWithId => ({
    resourceType: 'Observation',
    id: childId(record.id, suffix),
    status: 'final',
    category,
    code: loinc(code[0], code[1], text),
    subject: { reference: `Patient/${record.patientId}` },
    ...(record.visitId ? { encounter: { reference: `Encounter/${record.visitId}` } } : {}),
    effectiveDateTime: record.measuredAt,
    extension: [{ url: EXT.vitalsSession, valueString: record.id }],
  });
  const quantity = (suffix: string, code: Code, text: string, value: Quantity, category = VITAL_SIGNS): ObservationWithId => ({
    ...base(suffix, code, text, category),
    valueQuantity: value,
  });
  const { input } = record;
  const derived = vitalsDerived(record.derived);
  const observations: ObservationWithId[] = [];
  if (derived.systolic !== undefined || derived.diastolic !== undefined) {
    const component: ObservationComponent[] = [];
    if (derived.systolic !== undefined) component.push({ code: loinc(...LOINC.systolic), valueQuantity: ucum(derived.systolic, 'mm[Hg]', 'mmHg') });
    if (derived.diastolic !== undefined) component.push({ code: loinc(...LOINC.diastolic), valueQuantity: ucum(derived.diastolic, 'mm[Hg]', 'mmHg') });
    const panel = base('bp', LOINC.bpPanel, '血压');
    // The readings as typed (the panel's components are their mean, what the rules use).
    const readings = (input.bloodPressure ?? []).map((reading) => ({
      url: EXT.bpReading,
      extension: [
        ...(reading.systolic !== undefined ? [{ url: 'systolic', valueQuantity: ucum(reading.systolic, 'mm[Hg]', 'mmHg') }] : []),
        ...(reading.diastolic !== undefined ? [{ url: 'diastolic', valueQuantity: ucum(reading.diastolic, 'mm[Hg]', 'mmHg') }] : []),
      ],
    }));
    observations.push({ ...panel, extension: [...(panel.extension ?? []), ...readings], component });
  }
  if (input.heartRate !== undefined) observations.push(quantity('hr', LOINC.heartRate, '心率', ucum(input.heartRate, '/min', 'beats/min')));
  if (input.weightKg !== undefined) observations.push(quantity('wt', LOINC.weight, '体重', ucum(input.weightKg, 'kg')));
  if (input.heightCm !== undefined) observations.push(quantity('ht', LOINC.height, '身高', ucum(input.heightCm, 'cm')));
  if (derived.bmi !== undefined) observations.push(quantity('bmi', LOINC.bmi, '体质指数', ucum(derived.bmi, 'kg/m2')));
  if (input.waistCm !== undefined) observations.push(quantity('waist', LOINC.waist, '腰围', ucum(input.waistCm, 'cm')));
  if (input.temperatureC !== undefined) observations.push(quantity('temp', LOINC.temperature, '体温', ucum(input.temperatureC, 'Cel', '°C')));
  if (input.spo2 !== undefined) observations.push(quantity('spo2', LOINC.spo2, '血氧饱和度', ucum(input.spo2, '%')));
  if (input.respiratoryRate !== undefined)
    observations.push(quantity('rr', LOINC.respiratoryRate, '呼吸频率', ucum(input.respiratoryRate, '/min', 'breaths/min')));
  if (input.glucose) {
    const fasting = input.glucose.timing === 'fasting';
    observations.push(
      quantity('glu', fasting ? LOINC.fastingGlucose : LOINC.glucose, fasting ? '空腹血糖' : '随机血糖', ucum(input.glucose.mmolPerL, 'mmol/L'), LABORATORY),
    );
  }
  return observations;
}

type VitalsInput = VitalsRecord['input'];

/** What one pulled vitals Observation says about its session (pulled/observations.ts merges the parts). */
export interface VitalsPart {
  sessionId: string;
  patientId: string;
  visitId: string | null;
  measuredAt: string;
  input: VitalsInput;
}

/**
 * One vitals Observation back to its share of the session's typed input, or null when it is not one of the
 * station's vitals (no session extension, or a code the station does not write). BMI is derived, so it adds nothing.
 */
export function vitalsPartFromFhir(observation: Observation): VitalsPart | null {
  const sessionId = observation.extension?.find((each) => each.url === EXT.vitalsSession)?.valueString;
  const patientRef = observation.subject?.reference;
  const patientId = patientRef?.startsWith('Patient/') ? patientRef.slice('Patient/'.length) : null;
  const measuredAt = observation.effectiveDateTime;
  if (!sessionId || !patientId || !measuredAt) return null;
  const code = observation.code.coding?.find((each) => each.system === SYSTEMS.loinc)?.code;
  const value = observation.valueQuantity?.value;
  const encounterRef = observation.encounter?.reference;
  const part: VitalsPart = {
    sessionId,
    patientId,
    visitId: encounterRef?.startsWith('Encounter/') ? encounterRef.slice('Encounter/'.length) : null,
    measuredAt,
    input: {},
  };
  const single: Record<string, keyof VitalsInput> = {
    [LOINC.heartRate[0]]: 'heartRate',
    [LOINC.weight[0]]: 'weightKg',
    [LOINC.height[0]]: 'heightCm',
    [LOINC.waist[0]]: 'waistCm',
    [LOINC.temperature[0]]: 'temperatureC',
    [LOINC.spo2[0]]: 'spo2',
    [LOINC.respiratoryRate[0]]: 'respiratoryRate',
  };
  if (code === LOINC.bpPanel[0]) {
    part.input.bloodPressure = (observation.extension ?? [])
      .filter((each) => each.url === EXT.bpReading)
      .map((reading) => {
        const sub = (url: string) => reading.extension?.find((each) => each.url === url)?.valueQuantity?.value;
        const systolic = sub('systolic');
        const diastolic = sub('diastolic');
        return { ...(systolic !== undefined ? { systolic } : {}), ...(diastolic !== undefined ? { diastolic } : {}) };
      });
  } else if ((code === LOINC.fastingGlucose[0] || code === LOINC.glucose[0]) && value !== undefined) {
    part.input.glucose = { mmolPerL: value, timing: code === LOINC.fastingGlucose[0] ? 'fasting' : 'random' };
  } else if (code !== undefined && single[code] && value !== undefined) {
    (part.input as Record<string, number>)[single[code]] = value;
  } else if (code !== LOINC.bmi[0]) {
    return null;
  }
  return part;
}

/** The session's input with one more part merged in (the keys the part carries replace the session's). */
export function mergeVitalsInput(session: VitalsInput, part: VitalsInput): VitalsInput {
  return { ...session, ...part };
}
