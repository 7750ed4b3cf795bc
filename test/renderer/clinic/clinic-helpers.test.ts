import { describe, expect, it } from 'vitest';
import type { Visit, VitalsRecord } from '../../../src/shared/api/clinic';
import { ageOn, minutesBetween } from '../../../src/renderer/components/dates';
import { createLatestGuard } from '../../../src/renderer/components/latest-only';
import { STATUS_ACTIONS, waitMinutes } from '../../../src/renderer/features/clinic/today-page-model';
import { groupVisits } from '../../../src/renderer/features/clinic/visit-timeline';
import { bpSeries, levelsByField } from '../../../src/renderer/features/clinic/vitals-display';
import { vitalPointOn } from '../../support/vital-point';
import { maskIdNumber, splitNoIdReason } from '../../../src/renderer/features/patients/patient-format';
import { paperSizeOf, vitalsOfVisitDay } from '../../../src/renderer/features/clinic/print/visit-summary-model';

describe('patient display helpers', () => {
  it.each([
    ['430522199003071231', '430522********1231'],
    ['11010519851201005X', '110105********005X'],
    [null, ''],
  ])('maskIdNumber(%s) shows the first 6 and last 4', (id, masked) => {
    expect(maskIdNumber(id)).toBe(masked);
  });

  it.each([
    ['1990-03-07', '2025-03-06', { unit: 'years', value: 34 }],
    ['1990-03-07', '2025-03-07', { unit: 'years', value: 35 }],
    ['2024-08-31', '2025-06-15', { unit: 'months', value: 9 }],
    ['2025-05-20', '2025-06-15', { unit: 'days', value: 26 }],
    ['2025-05-15', '2025-06-15', { unit: 'months', value: 1 }],
    ['2025-06-15', '2025-06-15', { unit: 'days', value: 0 }],
  ])('age of someone born %s on %s', (birth, on, age) => {
    expect(ageOn(birth, on)).toEqual(age);
  });

  it('splits the stored no-ID reason into its code and note', () => {
    expect(splitNoIdReason('other: 流浪人员，救助站送来')).toEqual({ code: 'other', note: '流浪人员，救助站送来' });
    expect(splitNoIdReason('infant')).toEqual({ code: 'infant', note: '' });
    expect(splitNoIdReason(null)).toBeNull();
  });
});

describe('queue', () => {
  const at = (iso: string) => new Date(iso);
  it('counts waiting minutes until now, and until the consultation began once it has', () => {
    const entry = { checkedInAt: '2025-06-15T01:00:00.000Z', startedAt: null, finishedAt: null };
    expect(waitMinutes({ ...entry, status: 'waiting' }, at('2025-06-15T01:42:59.000Z'))).toBe(42);
    expect(waitMinutes({ ...entry, status: 'inConsultation', startedAt: '2025-06-15T01:25:00.000Z' }, at('2025-06-15T03:00:00.000Z'))).toBe(25);
    expect(waitMinutes({ ...entry, status: 'left', finishedAt: '2025-06-15T01:50:00.000Z' }, at('2025-06-15T03:00:00.000Z'))).toBe(50);
    expect(minutesBetween('2025-06-15T01:00:00.000Z', at('2025-06-15T00:59:00.000Z'))).toBe(0);
  });

  it('offers only the moves the clinic service allows', () => {
    // Mirrors ALLOWED in src/main/clinic/clinic-service.ts (done → inConsultation is a clinician's reopen, not a desk button).
    expect(STATUS_ACTIONS).toEqual({ waiting: ['inConsultation', 'left'], inConsultation: ['done', 'waiting'], done: [], left: ['waiting'] });
  });
});

describe('stale answers', () => {
  it('only the latest request may deliver, and invalidate() silences all in flight', () => {
    const guard = createLatestGuard();
    const first = guard.begin();
    const second = guard.begin();
    expect([first(), second()]).toEqual([false, true]);
    guard.invalidate();
    expect(second()).toBe(false);
  });
});

const visit = (over: Partial<Visit>): Visit => ({
  id: 'v1',
  recordId: 'r1',
  version: 1,
  supersedes: null,
  patientId: 'p',
  queueEntryId: null,
  status: 'closed',
  correctionReason: null,
  clinicianName: '王医生',
  openedAt: '2025-06-15T01:00:00.000Z',
  closedAt: '2025-06-15T01:20:00.000Z',
  chiefComplaint: '',
  history: '',
  examination: '',
  diagnoses: [],
  plan: '',
  prescription: '',
  ...over,
});

describe('visit versions', () => {
  it('groups versions by record; the one not superseded is current, earlier ones newest first', () => {
    const groups = groupVisits([
      visit({ id: 'v1', version: 1, status: 'superseded' }),
      visit({ id: 'v3', version: 3, status: 'closed', correctionReason: '诊断更正' }),
      visit({ id: 'v2', version: 2, status: 'superseded' }),
      visit({ id: 'w1', recordId: 'r2', openedAt: '2025-06-20T01:00:00.000Z', status: 'open', closedAt: null }),
    ]);
    expect(groups.map((g) => [g.recordId, g.current.id, g.earlier.map((v) => v.id)])).toEqual([
      ['r2', 'w1', []],
      ['r1', 'v3', ['v2', 'v1']],
    ]);
  });
});

const vitals = (over: Partial<VitalsRecord>): VitalsRecord => ({
  id: 'x',
  patientId: 'p',
  visitId: null,
  source: 'clinic',
  measuredAt: '2025-06-15T01:00:00.000Z',
  input: {},
  derived: {},
  flags: [],
  recordedBy: 1,
  ...over,
});

describe('vitals display', () => {
  it('a cell takes its worst flag; notices do not colour cells', () => {
    expect(
      levelsByField([
        { code: 'SBP_HIGH', field: 'systolic', level: 'high' },
        { code: 'SBP_CRITICAL_HIGH', field: 'systolic', level: 'critical' },
        { code: 'BP_THIRD_READING_ADVISED', field: 'systolic', level: 'notice' },
        { code: 'SPO2_LOW', field: 'spo2', level: 'low' },
        { code: 'ADULT_RANGES_NOT_APPLIED', field: null, level: 'notice' },
      ]),
    ).toEqual({ systolic: 'critical', spo2: 'low' });
  });

  it('the BP trend is oldest first, takes every source of the one series, and skips incomplete and home readings', () => {
    const point = vitalPointOn('2025-06-01');
    const series = bpSeries([
      point({ measuredAt: '2025-06-15T01:00:00.000Z', date: '2025-06-15', sbp: 150, dbp: 95 }),
      point({ measuredAt: '2025-06-10T01:00:00.000Z', date: '2025-06-10', weightKg: 70 }),
      point({ source: 'followup', date: '2025-06-05', sbp: 156, dbp: 97 }),
      point({ source: 'followup', date: '2025-06-07', sbp: 130, dbp: 80, selfReported: true }),
      point({ source: 'ecg', measuredAt: '2025-06-01T01:00:00.000Z', sbp: 160, dbp: 98 }),
    ]);
    expect(series.map((p) => [p.source, p.systolic])).toEqual([
      ['ecg', 160],
      ['followup', 156],
      ['clinic', 150],
    ]);
  });
});

describe('visit summary print', () => {
  it('A5 unless A4 is asked for', () => {
    expect([paperSizeOf(null), paperSizeOf('A4'), paperSizeOf('a4'), paperSizeOf('letter')]).toEqual(['A5', 'A4', 'A4', 'A5']);
  });

  it("lists the vitals of the visit's China calendar day, or recorded against the visit", () => {
    // Opened 2025-06-15 08:30 in China (00:30 UTC).
    const v = { id: 'v1', openedAt: '2025-06-15T00:30:00.000Z' };
    const kept = vitalsOfVisitDay(
      [
        vitals({ id: 'same-day-early', measuredAt: '2025-06-14T16:30:00.000Z' }), // 00:30 on the 15th in China
        vitals({ id: 'day-before', measuredAt: '2025-06-14T15:59:00.000Z' }), // 23:59 on the 14th in China
        vitals({ id: 'linked', visitId: 'v1', measuredAt: '2025-06-16T02:00:00.000Z' }),
      ],
      v,
    );
    expect(kept.map((r) => r.id)).toEqual(['same-day-early', 'linked']);
  });
});
