import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  calibrationPulsePath,
  calibrationZoneMm,
  caliperReading,
  cellAt,
  cellPoint,
  cellSampleRange,
  DEFAULT_PX_PER_MM,
  gridLinePositions,
  isLargeGridLine,
  layoutCells,
  microvoltsToMm,
  mmPerSample,
  mmToMicrovolts,
  mmToMs,
  mmToSample,
  mmToSeconds,
  PAPER_GAINS_MM_PER_MV,
  PAPER_SPEEDS_MM_PER_S,
  placeLayout,
  pxPerMmFromRuler,
  sampleToMm,
  secondsToMm,
  STANDARD_SCALE,
  type EcgLayout,
  type PaperScale,
} from '../../src/shared/ecg-paper';

const scale = (speedMmPerS: number, gainMmPerMv: number): PaperScale => ({ speedMmPerS, gainMmPerMv });

describe('paper scale conversions', () => {
  // [speed mm/s, gain mm/mV, mm, expected ms, expected µV]
  const cases: [number, number, number, number, number][] = [
    [25, 10, 1, 40, 100], // the small square: 40 ms, 0.1 mV
    [25, 10, 5, 200, 500], // the large square: 200 ms, 0.5 mV
    [50, 10, 1, 20, 100],
    [50, 20, 5, 100, 250],
    [25, 5, 10, 400, 2000],
    [25, 20, 10, 400, 500],
  ];
  it.each(cases)('%i mm/s, %i mm/mV: %i mm is %i ms and %i µV', (speed, gain, mm, ms, microvolts) => {
    const s = scale(speed, gain);
    expect(mmToMs(mm, s)).toBeCloseTo(ms, 9);
    expect(mmToSeconds(mm, s)).toBeCloseTo(ms / 1000, 12);
    expect(secondsToMm(ms / 1000, s)).toBeCloseTo(mm, 9);
    expect(mmToMicrovolts(mm, s)).toBeCloseTo(microvolts, 9);
    expect(microvoltsToMm(microvolts, s)).toBeCloseTo(mm, 9);
  });

  // [speed, Hz, mm per sample]
  const perSample: [number, number, number][] = [
    [25, 500, 0.05],
    [50, 500, 0.1],
    [25, 1000, 0.025],
    [25, 250, 0.1],
    [25, 100, 0.25],
  ];
  it.each(perSample)('%i mm/s at %i Hz: one sample is %f mm', (speed, hz, mm) => {
    const s = scale(speed, 10);
    expect(mmPerSample(s, hz)).toBeCloseTo(mm, 12);
    expect(sampleToMm(hz, s, hz)).toBeCloseTo(speed, 9); // one second of samples is `speed` mm
    expect(mmToSample(speed, s, hz)).toBeCloseTo(hz, 9);
  });

  it('sample ↔ mm round trips for every speed and rate', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PAPER_SPEEDS_MM_PER_S),
        fc.constantFrom(100, 250, 360, 500, 1000),
        fc.integer({ min: 0, max: 600_000 }),
        (speed, hz, index) => {
          const s = scale(speed, 10);
          expect(mmToSample(sampleToMm(index, s, hz), s, hz)).toBeCloseTo(index, 6);
        },
      ),
    );
  });

  it('µV ↔ mm round trips for every gain', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PAPER_GAINS_MM_PER_MV), fc.double({ min: -10_000, max: 10_000, noNaN: true }), (gain, microvolts) => {
        const s = scale(25, gain);
        expect(mmToMicrovolts(microvoltsToMm(microvolts, s), s)).toBeCloseTo(microvolts, 6);
      }),
    );
  });
});

describe('screen calibration', () => {
  it('assumes 96 CSS px per inch until the user measures', () => {
    expect(DEFAULT_PX_PER_MM).toBeCloseTo(3.7795, 4);
  });

  // [drawn px, ruler mm, expected px/mm or undefined]
  const cases: [number, number, number | undefined][] = [
    [377.95, 100, 3.7795], // the screen is true to CSS
    [377.95, 90, 4.1994], // the bar came out short: more px per mm than assumed
    [377.95, 125, 3.0236], // a large monitor
    [377.95, 0, undefined],
    [377.95, -5, undefined],
    [377.95, 30, undefined], // under half the nominal: a typo
    [377.95, 250, undefined],
    [0, 100, undefined],
    [377.95, Number.NaN, undefined],
  ];
  it.each(cases)('a %f px bar measured %f mm gives %s px/mm', (px, mm, expected) => {
    const result = pxPerMmFromRuler(px, mm);
    if (expected === undefined) expect(result).toBeUndefined();
    else expect(result).toBeCloseTo(expected, 3);
  });
});

describe('calipers', () => {
  // [speed, gain, Δx mm, Δy mm (down), ms, µV, bpm]
  const cases: [number, number, number, number, number, number, number | undefined][] = [
    [25, 10, 20, 0, 800, 0, 75], // four large squares RR: 75 /min
    [25, 10, 25, 0, 1000, 0, 60],
    [25, 10, 15, 0, 600, 0, 100],
    [50, 10, 40, 0, 800, 0, 75],
    [25, 10, 0, -10, 0, 1000, undefined], // up 10 mm = +1 mV
    [25, 20, 0, -10, 0, 500, undefined],
    [25, 5, 5, 10, 200, -2000, 300], // down is negative
    [25, 10, -20, 0, 800, 0, 75], // dragging leftwards measures the same interval
  ];
  it.each(cases)('%i mm/s %i mm/mV: Δx %i mm, Δy %i mm → %i ms, %i µV, %s bpm', (speed, gain, dx, dy, ms, microvolts, bpm) => {
    const r = caliperReading({ xMm: 100, yMm: 50 }, { xMm: 100 + dx, yMm: 50 + dy }, scale(speed, gain));
    expect(r.deltaMs).toBeCloseTo(ms, 9);
    expect(r.deltaMicrovolts).toBeCloseTo(microvolts, 9);
    expect(r.deltaMm).toBeCloseTo(-dy, 9);
    if (bpm === undefined) expect(r.rateBpm).toBeUndefined();
    else expect(r.rateBpm).toBeCloseTo(bpm, 9);
  });
});

describe('calibration pulse', () => {
  // The zone, the pulse's width and its height, in mm, at each paper scale.
  it.each([
    { speed: 25, gain: 10, zone: 10, width: 5, height: 10 },
    { speed: 25, gain: 5, zone: 10, width: 5, height: 5 },
    { speed: 25, gain: 20, zone: 10, width: 5, height: 20 },
    { speed: 50, gain: 10, zone: 15, width: 10, height: 10 },
  ])('$speed mm/s $gain mm/mV: zone $zone mm, pulse $width mm wide and $height mm high (1 mV, 200 ms)', ({ speed, gain, zone, width, height }) => {
    const s: PaperScale = { speedMmPerS: speed, gainMmPerMv: gain };
    expect(calibrationZoneMm(s)).toBe(zone);
    const path = calibrationPulsePath(0, 40, s);
    expect(path[0]).toEqual({ xMm: 0, yMm: 40 });
    expect(path.at(-1)).toEqual({ xMm: zone, yMm: 40 });
    const top = path.filter((p) => p.yMm === 40 - height);
    expect(top).toHaveLength(2);
    expect(top[1].xMm - top[0].xMm).toBeCloseTo(width, 9);
    // Centred: equal baseline either side of the pulse.
    expect(top[0].xMm - path[0].xMm).toBeCloseTo(path.at(-1)!.xMm - top[1].xMm, 9);
  });
});

describe('grid', () => {
  it('places 1 mm lines every mm and marks every fifth as large', () => {
    const lines = gridLinePositions(297, 1);
    expect(lines).toHaveLength(298);
    expect(lines[297]).toBe(297);
    expect(lines.filter(isLargeGridLine)).toEqual([
      0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95, 100, 105, 110, 115, 120, 125, 130, 135, 140, 145, 150, 155, 160, 165, 170,
      175, 180, 185, 190, 195, 200, 205, 210, 215, 220, 225, 230, 235, 240, 245, 250, 255, 260, 265, 270, 275, 280, 285, 290, 295,
    ]);
    expect(gridLinePositions(210, 5)).toHaveLength(43);
    expect(gridLinePositions(7.5, 5)).toEqual([0, 5]);
  });
});

describe('layouts', () => {
  const leadAt = (layout: EcgLayout, row: number, column: number) => layoutCells(layout).find((c) => c.row === row && c.column === column && !c.rhythm);

  // [layout, row, column, lead, start s, duration s]
  const cells: [EcgLayout, number, number, string, number, number][] = [
    ['3x4+rhythm', 0, 0, 'I', 0, 2.5],
    ['3x4+rhythm', 1, 0, 'II', 0, 2.5],
    ['3x4+rhythm', 2, 0, 'III', 0, 2.5],
    ['3x4+rhythm', 0, 1, 'aVR', 2.5, 2.5],
    ['3x4+rhythm', 1, 1, 'aVL', 2.5, 2.5],
    ['3x4+rhythm', 2, 1, 'aVF', 2.5, 2.5],
    ['3x4+rhythm', 0, 2, 'V1', 5, 2.5],
    ['3x4+rhythm', 1, 2, 'V2', 5, 2.5],
    ['3x4+rhythm', 2, 2, 'V3', 5, 2.5],
    ['3x4+rhythm', 0, 3, 'V4', 7.5, 2.5],
    ['3x4+rhythm', 1, 3, 'V5', 7.5, 2.5],
    ['3x4+rhythm', 2, 3, 'V6', 7.5, 2.5],
    ['6x2', 0, 0, 'I', 0, 5],
    ['6x2', 3, 0, 'aVR', 0, 5],
    ['6x2', 5, 0, 'aVF', 0, 5],
    ['6x2', 0, 1, 'V1', 5, 5],
    ['6x2', 5, 1, 'V6', 5, 5],
    ['12x1', 0, 0, 'I', 0, 10],
    ['12x1', 3, 0, 'aVR', 0, 10],
    ['12x1', 6, 0, 'V1', 0, 10],
    ['12x1', 11, 0, 'V6', 0, 10],
  ];
  it.each(cells)('%s row %i column %i shows %s from %f s for %f s', (layout, row, column, lead, startS, durationS) => {
    expect(leadAt(layout, row, column)).toMatchObject({ lead, startS, durationS });
  });

  it.each(['3x4+rhythm', '6x2', '12x1'] as EcgLayout[])('%s shows each of the 12 leads exactly once (besides the rhythm strip)', (layout) => {
    const leads = layoutCells(layout)
      .filter((c) => !c.rhythm)
      .map((c) => c.lead);
    expect([...leads].sort()).toEqual(['I', 'II', 'III', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'aVL', 'aVF', 'aVR'].sort());
  });

  it('puts a full-length rhythm strip (II by default) under the 3×4', () => {
    const rhythm = layoutCells('3x4+rhythm').filter((c) => c.rhythm);
    expect(rhythm).toEqual([{ lead: 'II', row: 3, column: 0, startS: 0, durationS: 10, rhythm: true }]);
    expect(layoutCells('3x4+rhythm', { rhythmLead: 'V1' }).find((c) => c.rhythm)?.lead).toBe('V1');
    expect(layoutCells('6x2').some((c) => c.rhythm)).toBe(false);
  });

  it('gives a non-standard recording one full row per lead', () => {
    expect(layoutCells('3x4+rhythm', { otherLeads: ['MLII', 'V5'], durationS: 8 })).toEqual([
      { lead: 'MLII', row: 0, column: 0, startS: 0, durationS: 8, rhythm: false },
      { lead: 'V5', row: 1, column: 0, startS: 0, durationS: 8, rhythm: false },
    ]);
  });

  it('scales the time windows with the recording length', () => {
    expect(layoutCells('3x4+rhythm', { durationS: 12 }).find((c) => c.lead === 'V4')).toMatchObject({ startS: 9, durationS: 3 });
  });
});

describe('placing a layout on paper', () => {
  it('3×4+rhythm at 25 mm/s, 10 mm/mV: 10 mm calibration zone, 62.5 mm columns, 250 mm of trace', () => {
    const placed = placeLayout('3x4+rhythm', STANDARD_SCALE, { rowHeightMm: 40 });
    expect(placed.widthMm).toBe(260);
    expect(placed.heightMm).toBe(160);
    expect(placed.rowBaselinesMm).toEqual([24, 64, 104, 144]);
    const v4 = placed.cells.find((c) => c.lead === 'V4')!;
    expect(v4).toMatchObject({ xMm: 10 + 187.5, widthMm: 62.5, topMm: 0, baselineMm: 24 });
    const rhythm = placed.cells.find((c) => c.rhythm)!;
    expect(rhythm).toMatchObject({ xMm: 10, widthMm: 250, topMm: 120, baselineMm: 144 });
  });

  it('doubles the trace length at 50 mm/s and keeps row heights from the gain', () => {
    const placed = placeLayout('12x1', scale(50, 20));
    expect(placed.calibrationZoneMm).toBe(15);
    expect(placed.widthMm).toBe(515);
    expect(placed.rowHeightMm).toBe(40); // 2 mV of room at 20 mm/mV
    expect(placed.heightMm).toBe(480);
  });

  it('maps samples and microvolts to paper and back inside a cell', () => {
    const placed = placeLayout('3x4+rhythm', STANDARD_SCALE, { rowHeightMm: 40 });
    const v1 = placed.cells.find((c) => c.lead === 'V1')!;
    // 500 Hz: V1 starts at 5 s = sample 2500, at x = 10 + 125 mm.
    expect(cellSampleRange(v1, 500, 5000)).toEqual({ from: 2500, to: 3750 });
    expect(cellPoint(v1, 2500, 0, STANDARD_SCALE, 500)).toEqual({ xMm: 135, yMm: 24 });
    const p = cellPoint(v1, 2525, 1000, STANDARD_SCALE, 500); // 50 ms later, +1 mV
    expect(p.xMm).toBeCloseTo(136.25, 9);
    expect(p.yMm).toBeCloseTo(14, 9);
    expect(cellAt(placed, p)?.lead).toBe('V1');
    expect(cellAt(placed, { xMm: 5, yMm: 10 })).toBeUndefined(); // the calibration zone
    expect(cellSampleRange(v1, 500, 3000)).toEqual({ from: 2500, to: 3000 }); // clipped to a short recording
  });

  it('puts every cell inside the paper for every layout, speed and gain', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<EcgLayout>('3x4+rhythm', '6x2', '12x1'),
        fc.constantFrom(...PAPER_SPEEDS_MM_PER_S),
        fc.constantFrom(...PAPER_GAINS_MM_PER_MV),
        (layout, speed, gain) => {
          const placed = placeLayout(layout, scale(speed, gain));
          for (const c of placed.cells) {
            expect(c.xMm + c.widthMm).toBeLessThanOrEqual(placed.widthMm + 1e-9);
            expect(c.topMm + c.heightMm).toBeLessThanOrEqual(placed.heightMm + 1e-9);
            expect(c.baselineMm).toBeGreaterThan(c.topMm);
            expect(c.baselineMm).toBeLessThan(c.topMm + c.heightMm);
            // A 1 mV calibration pulse fits above the baseline.
            expect(c.baselineMm - gain).toBeGreaterThanOrEqual(c.topMm - 1e-9);
          }
        },
      ),
    );
  });
});
