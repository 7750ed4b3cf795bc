import type { VitalPoint } from '../../src/shared/api/clinic';

/** A maker of vital points on one default day: every measure empty, a clinic reading unless the test says otherwise. */
export const vitalPointOn =
  (date: string) =>
  (p: Partial<VitalPoint>): VitalPoint => ({
    source: 'clinic',
    sourceId: 'x',
    date,
    measuredAt: null,
    sbp: null,
    dbp: null,
    heartRate: null,
    weightKg: null,
    glucose: null,
    selfReported: false,
    ...p,
  });

/** A clinic blood pressure entry: the readings taken, each `[systolic, diastolic]` (mmHg). */
export const bpReadings = (...readings: [number, number][]) => readings.map(([systolic, diastolic]) => ({ systolic, diastolic }));
