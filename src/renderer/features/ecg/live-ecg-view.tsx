import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { events } from '../../api/client';
import { calibrationZoneMm, LARGE_SQUARE_MM, placeLayout, type PaperScale, type PlacedLayout } from '../../../shared/ecg-paper';
import { canvasSize, drawPaperLayer, VertexScratch, type CanvasScale } from './ecg-canvas';
import { filterOf, scaleOf, type DisplaySettings } from './display-settings';
import { drawSweep, SweepBuffer } from './live-sweep';
import { useDevicePixelRatio } from './screen-calibration';

export interface LiveStats {
  /** Seconds of signal this page has received since the view started. */
  receivedSeconds: number;
  /** Samples per lead this page never received (events dropped between main and the page). */
  missedSamples: number;
  lastBlockAt: number | null;
}

/** Erase bar ahead of the sweep: 0.2 s, one large square at 25 mm/s. */
const ERASE_SECONDS = 0.2;

/**
 * Two columns (limb leads, chest leads) sweeping over the same seconds, each as wide as fits on half the view in
 * whole large squares: all 12 leads visible at once on a clinic monitor at true scale.
 */
export function liveLayout(availableWidthMm: number, scale: PaperScale): PlacedLayout {
  const zone = calibrationZoneMm(scale);
  const columnMm = Math.max(2 * LARGE_SQUARE_MM, Math.floor((availableWidthMm - zone) / 2 / LARGE_SQUARE_MM) * LARGE_SQUARE_MM);
  const columnSeconds = columnMm / scale.speedMmPerS;
  return placeLayout('6x2', scale, { durationS: 2 * columnSeconds, rowHeightMm: Math.max(15, 2.5 * scale.gainMmPerMv) });
}

export function LiveEcgView({
  deviceId,
  settings,
  pxPerMm,
  onStats,
}: {
  deviceId: string;
  settings: DisplaySettings;
  pxPerMm: number;
  onStats: (stats: LiveStats) => void;
}) {
  const { t } = useTranslation();
  const host = useRef<HTMLDivElement>(null);
  const paper = useRef<HTMLCanvasElement>(null);
  const traces = useRef<HTMLCanvasElement>(null);
  const devicePixelRatio = useDevicePixelRatio();
  const [availablePx, setAvailablePx] = useState(0);
  const scale = useMemo(() => scaleOf(settings), [settings]);
  const filter = useMemo(() => filterOf(settings), [settings]);
  const canvasScale: CanvasScale = useMemo(() => ({ pxPerMm, devicePixelRatio }), [pxPerMm, devicePixelRatio]);
  const placed = useMemo(() => liveLayout(availablePx / pxPerMm, scale), [availablePx, pxPerMm, scale]);
  const size = canvasSize(placed.widthMm, placed.heightMm, canvasScale);
  const buffer = useRef<SweepBuffer | null>(null);
  const dirty = useRef(false);
  const lastBlockAt = useRef<number | null>(null);
  const filterRef = useRef(filter);

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setAvailablePx(Math.floor(entry.contentRect.width)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    filterRef.current = filter;
    buffer.current?.setFilter(filter);
  }, [filter]);

  // A new window width or speed changes which samples fit: start the sweep afresh.
  const windowSeconds = placed.cells[0]?.durationS ?? 1;
  useEffect(() => {
    buffer.current = null;
  }, [windowSeconds, deviceId]);

  useEffect(
    () =>
      events.on('ecgBlock', (block) => {
        if (block.deviceId !== deviceId) return;
        const current = buffer.current;
        if (!current || !current.accepts(block)) {
          buffer.current = new SweepBuffer(block.leadNames, block.sampleRateHz, windowSeconds * block.sampleRateHz, filterRef.current);
        }
        buffer.current!.push(block);
        lastBlockAt.current = Date.now();
        dirty.current = true;
      }),
    [deviceId, windowSeconds],
  );

  useEffect(() => {
    const ctx = paper.current?.getContext('2d');
    if (!ctx) return;
    drawPaperLayer(ctx, placed, canvasScale);
    dirty.current = true;
  }, [placed, canvasScale, size.width, size.height]);

  useEffect(() => {
    let frame = 0;
    const scratch = new VertexScratch();
    const draw = () => {
      frame = requestAnimationFrame(draw);
      const ctx = traces.current?.getContext('2d');
      const b = buffer.current;
      if (!ctx || !dirty.current) return;
      dirty.current = false;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
      if (b) drawSweep(ctx, placed, b, canvasScale, Math.round(ERASE_SECONDS * b.sampleRateHz), scratch);
    };
    frame = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(frame);
  }, [placed, canvasScale]);

  useEffect(() => {
    const timer = setInterval(() => {
      const b = buffer.current;
      onStats({ receivedSeconds: b ? b.receivedSamples / b.sampleRateHz : 0, missedSamples: b?.missedSamples ?? 0, lastBlockAt: lastBlockAt.current });
    }, 250);
    return () => clearInterval(timer);
  }, [onStats]);

  return (
    <div className="ecg-live" ref={host}>
      <div className="ecg-paper" style={{ width: size.cssWidth, height: size.cssHeight }}>
        <canvas ref={paper} aria-hidden="true" width={size.width} height={size.height} style={{ width: size.cssWidth, height: size.cssHeight }} />
        <canvas
          ref={traces}
          role="img"
          aria-label={t('ecg:live.traceLabel')}
          className="ecg-traces"
          width={size.width}
          height={size.height}
          style={{ width: size.cssWidth, height: size.cssHeight }}
        />
      </div>
    </div>
  );
}
