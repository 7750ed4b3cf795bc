import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placeLayout, STANDARD_SCALE, DEFAULT_PX_PER_MM } from '../../../src/shared/ecg-paper';
import { appendVertices, canvasSize, cellMapping, traceLineWidth, traceVertices, type TraceMapping } from '../../../src/renderer/features/ecg/ecg-canvas';

/** Records the strokes a path would draw: a list of polylines. */
function strokesOf(vertices: Float32Array): [number, number][][] {
  const strokes: [number, number][][] = [];
  appendVertices(
    {
      moveTo: (x, y) => void strokes.push([[x, y]]),
      lineTo: (x, y) => void strokes.at(-1)!.push([x, y]),
    },
    vertices,
  );
  return strokes;
}

const mapping = (dx: number): TraceMapping => ({ x0: 10, dx, baseline: 100, dy: 0.05 });

describe('trace vertices', () => {
  it('draws every sample while a sample interval is at least one device pixel', () => {
    const samples = Float32Array.from([0, 100, 200, -200]);
    const v = traceVertices(samples, 0, 4, mapping(2));
    expect(Array.from(v)).toEqual([10, 100, 12, 95, 14, 90, 16, 110]);
    expect(strokesOf(v)).toEqual([
      [
        [10, 100],
        [12, 95],
        [14, 90],
        [16, 110],
      ],
    ]);
  });

  it('breaks the line at a lost sample instead of bridging it', () => {
    const samples = Float32Array.from([0, 0, NaN, NaN, 0, 0]);
    expect(strokesOf(traceVertices(samples, 0, 6, mapping(1))).map((s) => s.map(([x]) => x))).toEqual([
      [10, 11],
      [14, 15],
    ]);
  });

  it('keeps a one-sample spike when many samples share a pixel column', () => {
    const samples = new Float32Array(5000);
    samples[2501] = 1500; // an R peak 1.5 mV high, one sample wide
    samples[3777] = -800;
    const v = traceVertices(samples, 0, 5000, mapping(0.1));
    const ys = Array.from(v.filter((_, k) => k % 2 === 1));
    expect(Math.min(...ys)).toBeCloseTo(100 - 1500 * 0.05, 4);
    expect(Math.max(...ys)).toBeCloseTo(100 + 800 * 0.05, 4);
    // Two vertices at most per column (its min and max): 500 columns, not 5000 samples; a flat column is one vertex.
    expect(v.length / 2).toBeLessThanOrEqual(2 * 501);
    expect(v.length / 2).toBeLessThan(520);
  });

  it('only reduces when samples are denser than device pixels, and never loses an extreme or leaves the span', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: -5000, max: 5000 }), fc.constant(Number.NaN)), { minLength: 1, maxLength: 400 }),
        fc.double({ min: 0.01, max: 4, noNaN: true }),
        (values, dx) => {
          const samples = Float32Array.from(values);
          const v = traceVertices(samples, 0, samples.length, mapping(dx));
          const xs = Array.from(v.filter((_, k) => k % 2 === 0)).filter((x) => !Number.isNaN(x));
          const ys = Array.from(v.filter((_, k) => k % 2 === 1)).filter((y) => !Number.isNaN(y));
          const valid = values.filter((x) => !Number.isNaN(x));
          if (valid.length === 0) {
            expect(xs).toEqual([]);
            return;
          }
          expect(Math.min(...ys)).toBeCloseTo(100 - Math.max(...valid) * 0.05, 3);
          expect(Math.max(...ys)).toBeCloseTo(100 - Math.min(...valid) * 0.05, 3);
          for (let k = 1; k < xs.length; k++) expect(xs[k]).toBeGreaterThanOrEqual(xs[k - 1]);
          expect(xs[0]).toBeGreaterThanOrEqual(10);
          expect(xs.at(-1)!).toBeLessThanOrEqual(10 + samples.length * dx);
          if (dx >= 1) expect(xs.length).toBe(valid.length);
          else expect(xs.length).toBeLessThanOrEqual(2 * (Math.ceil(samples.length * dx) + 1));
        },
      ),
    );
  });

  it('draws nothing for an empty range', () => {
    expect(traceVertices(new Float32Array(10), 5, 5, mapping(1))).toHaveLength(0);
  });
});

describe('cells in device pixels', () => {
  it('puts V1 (from 5 s) 135 mm in, 1 mV = 10 mm up, at 96 dpi and a 2× screen', () => {
    const placed = placeLayout('3x4+rhythm', STANDARD_SCALE, { rowHeightMm: 40 });
    const v1 = placed.cells.find((c) => c.lead === 'V1')!;
    const scale = { pxPerMm: DEFAULT_PX_PER_MM, devicePixelRatio: 2 };
    const m = cellMapping(v1, STANDARD_SCALE, 500, 2500, scale);
    const pxPerMm = DEFAULT_PX_PER_MM * 2;
    expect(m.x0).toBeCloseTo(135 * pxPerMm, 6);
    expect(m.dx).toBeCloseTo(0.05 * pxPerMm, 9); // 25 mm/s ÷ 500 Hz
    expect(m.baseline).toBeCloseTo(24 * pxPerMm, 6);
    expect(1000 * m.dy).toBeCloseTo(10 * pxPerMm, 6);
    // Starting later inside the cell moves the origin by the elapsed time.
    expect(cellMapping(v1, STANDARD_SCALE, 500, 2550, scale).x0 - m.x0).toBeCloseTo(2.5 * pxPerMm, 6);
  });

  it.each([
    [96 / 25.4, 1, 1], // 0.94 px: a one-pixel hairline
    [96 / 25.4, 2, 2],
    [5, 1, 1],
    [6, 1, 2], // 1.5 px rounds up
    [2, 1, 1], // never thinner than a pixel
  ])('draws the 0.25 mm trace at %f px/mm × %i as %i device px', (pxPerMm, devicePixelRatio, width) => {
    expect(traceLineWidth({ pxPerMm, devicePixelRatio })).toBe(width);
  });

  it('sizes the backing store in device pixels and the element in CSS pixels', () => {
    expect(canvasSize(260, 160, { pxPerMm: 4, devicePixelRatio: 1.5 })).toEqual({ cssWidth: 1040, cssHeight: 640, width: 1560, height: 960 });
  });
});
