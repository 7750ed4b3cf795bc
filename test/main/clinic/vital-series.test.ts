import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { mergeSameMeasurements, orderPoints } from '../../../src/main/clinic/vital-series';
import type { VitalPoint } from '../../../src/shared/api/clinic';
import { vitalPointOn } from '../../support/vital-point';
import { addDays, chinaLocalDate } from '../../../src/shared/dates';
import { makeResidentId } from '../../../src/shared/resident-id';
import { openTestStation, type TestStation } from '../../support/test-services';

let station: TestStation | undefined;
afterEach(() => {
  station?.dispose();
  station = undefined;
});

const point = vitalPointOn('2026-03-01');

describe('one series: merging a follow-up that took over the day’s clinic reading', () => {
  const clinic = point({ source: 'clinic', sourceId: 'c1', measuredAt: '2026-03-01T01:00:00.000Z', sbp: 150, dbp: 92, heartRate: 70, weightKg: 70 });
  const cases: { name: string; followup: Partial<VitalPoint>; expected: Partial<VitalPoint> | null }[] = [
    { name: 'same BP, HR and weight on the same day: one measurement', followup: { sbp: 150, dbp: 92, heartRate: 70, weightKg: 70 }, expected: null },
    {
      name: 'same BP, a glucose of its own: the glucose stays',
      followup: { sbp: 150, dbp: 92, glucose: { mmolPerL: 7.2, timing: 'fasting' } },
      expected: { sbp: null, dbp: null, glucose: { mmolPerL: 7.2, timing: 'fasting' } },
    },
    { name: 'a different BP the same day: a second measurement', followup: { sbp: 146, dbp: 90 }, expected: { sbp: 146, dbp: 90 } },
    { name: 'the same BP on another day: its own point', followup: { sbp: 150, dbp: 92, date: '2026-03-02' }, expected: { sbp: 150, dbp: 92 } },
    {
      name: 'a home reading told by phone is never the clinic’s',
      followup: { sbp: 150, dbp: 92, selfReported: true },
      expected: { sbp: 150, dbp: 92, selfReported: true },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const merged = mergeSameMeasurements(orderPoints([point({ source: 'followup', sourceId: 'f1', ...c.followup }), clinic]));
      const followup = merged.find((p) => p.source === 'followup') ?? null;
      expect(merged[0]).toEqual(clinic);
      if (c.expected === null) expect(followup).toBeNull();
      else expect(followup).toMatchObject(c.expected);
    });
  }

  it('two follow-ups of one day (both diseases seen together) count once', () => {
    const a = point({ source: 'followup', sourceId: 'htn', sbp: 138, dbp: 84 });
    const b = point({ source: 'followup', sourceId: 't2dm', sbp: 138, dbp: 84, glucose: { mmolPerL: 6.5, timing: 'fasting' } });
    const merged = mergeSameMeasurements([a, b]);
    expect(merged.map((p) => [p.sourceId, p.sbp, p.glucose?.mmolPerL ?? null])).toEqual([
      ['htn', 138, null],
      ['t2dm', null, 6.5],
    ]);
  });

  it('orders by day, timed points first within a day', () => {
    const ordered = orderPoints([
      point({ sourceId: 'f', source: 'followup', date: '2026-03-01' }),
      point({ sourceId: 'late', measuredAt: '2026-03-01T08:00:00.000Z' }),
      point({ sourceId: 'early', measuredAt: '2026-03-01T01:00:00.000Z' }),
      point({ sourceId: 'before', date: '2026-02-27' }),
    ]);
    expect(ordered.map((p) => p.sourceId)).toEqual(['before', 'early', 'late', 'f']);
  });
});

describe('vitals.series through the API', () => {
  it('clinic vitals, the ECG room and follow-up visits read as one history with their sources; kinds and days filter', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    const today = chinaLocalDate(station.clock.now());
    const r = await call(d, 'patients', 'register', { name: '周梅', idNumber: makeResidentId('130321', '1960-04-04', 31) });
    if (r.status !== 'created') throw new Error('setup');
    const patientId = r.patient.id;
    await call(d, 'followup', 'enrol', { patientId, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: addDays(today, -90) });
    await call(d, 'followup', 'save', {
      patientId,
      disease: 'hypertension',
      form: { date: addDays(today, -30), mode: 'clinic', sbp: 156, dbp: 98, weightKg: 66 },
    });
    await call(d, 'vitals', 'record', {
      patientId,
      input: { bloodPressure: [{ systolic: 142, diastolic: 88 }], glucose: { mmolPerL: 6.1, timing: 'fasting' } },
    });
    await call(d, 'vitals', 'record', { patientId, source: 'ecg', input: { bloodPressure: [{ systolic: 140, diastolic: 86 }], heartRate: 64 } });
    // The follow-up of today takes over the clinic reading (same numbers): one measurement, not two.
    await call(d, 'followup', 'save', { patientId, disease: 'hypertension', form: { date: today, mode: 'clinic', sbp: 142, dbp: 88 } });

    const series = await call(d, 'vitals', 'series', { patientId });
    expect(series.map((p) => [p.source, p.date, p.sbp, p.dbp])).toEqual([
      ['followup', addDays(today, -30), 156, 98],
      ['clinic', today, 142, 88],
      ['ecg', today, 140, 86],
    ]);
    expect(series[0].weightKg).toBe(66);
    expect(series[1].glucose).toEqual({ mmolPerL: 6.1, timing: 'fasting' });

    const glucoseOnly = await call(d, 'vitals', 'series', { patientId, kinds: ['glucose'] });
    expect(glucoseOnly.map((p) => p.source)).toEqual(['clinic']);
    const todayOnly = await call(d, 'vitals', 'series', { patientId, from: today, to: today });
    expect(todayOnly.map((p) => p.source)).toEqual(['clinic', 'ecg']);
    expect((await call(d, 'vitals', 'list', { patientId })).map((v) => v.source)).toEqual(['ecg', 'clinic']);
  });
});
