import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { EcgQualityStretch } from '../../../shared/ecg';
import { caliperReading, type PaperPoint, type PlacedLayout } from '../../../shared/ecg-paper';
import { qualityMarks } from './quality-marks';
import { canvasSize, drawPaperLayer, TraceLayer, type DisplayRecording } from './ecg-canvas';
import { useDevicePixelRatio } from './screen-calibration';

interface Caliper {
  from: PaperPoint;
  to: PaperPoint;
  /** The paper the ends were placed on: a new layout, scale or page moves the paper under them. */
  paper: unknown[];
}

/** A static ECG (a stored recording) on true-size paper, with click-and-drag calipers. */
export function EcgPaperCanvas({
  placed,
  recording,
  startSample = 0,
  pxPerMm,
  label,
  qualityStretches,
  pageStartS = 0,
}: {
  placed: PlacedLayout;
  recording: DisplayRecording;
  startSample?: number;
  pxPerMm: number;
  label: string;
  /** The analysis's unreadable and noisy stretches (seconds from the recording's start), marked over the traces. */
  qualityStretches?: readonly EcgQualityStretch[];
  /** Where the shown page starts in the recording (s). */
  pageStartS?: number;
}) {
  const { t } = useTranslation();
  const paperCanvas = useRef<HTMLCanvasElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [traceLayer] = useState(() => new TraceLayer());
  const devicePixelRatio = useDevicePixelRatio();
  const size = canvasSize(placed.widthMm, placed.heightMm, { pxPerMm, devicePixelRatio });
  const [drawnCaliper, setCaliper] = useState<Caliper | null>(null);
  const paperKey = [placed, pxPerMm, startSample, recording];
  const caliper = drawnCaliper && drawnCaliper.paper.every((v, i) => v === paperKey[i]) ? drawnCaliper : null;
  const dragging = useRef(false);

  // The paper changes with the layout and scale only; paging and filtering redraw the trace layer alone.
  useEffect(() => {
    const ctx = paperCanvas.current?.getContext('2d');
    if (ctx) drawPaperLayer(ctx, placed, { pxPerMm, devicePixelRatio });
  }, [placed, pxPerMm, devicePixelRatio, size.width, size.height]);

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (ctx) traceLayer.draw(ctx, placed, recording, { pxPerMm, devicePixelRatio }, startSample);
  }, [traceLayer, placed, recording, startSample, pxPerMm, devicePixelRatio, size.width, size.height]);

  const paperPoint = (e: PointerEvent<HTMLElement>): PaperPoint => {
    const box = e.currentTarget.getBoundingClientRect();
    return { xMm: (e.clientX - box.left) / pxPerMm, yMm: (e.clientY - box.top) / pxPerMm };
  };

  return (
    <figure className="ecg-paper-figure">
      <div
        className="ecg-paper"
        style={{ width: size.cssWidth, height: size.cssHeight }}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          dragging.current = true;
          const at = paperPoint(e);
          setCaliper({ from: at, to: at, paper: paperKey });
        }}
        onPointerMove={(e) => {
          if (!dragging.current) return;
          const at = paperPoint(e);
          setCaliper((c) => (c ? { ...c, to: at } : c));
        }}
        onPointerUp={() => {
          dragging.current = false;
        }}
      >
        <canvas ref={paperCanvas} aria-hidden="true" width={size.width} height={size.height} style={{ width: size.cssWidth, height: size.cssHeight }} />
        <canvas
          ref={canvas}
          role="img"
          aria-label={label}
          className="ecg-traces"
          width={size.width}
          height={size.height}
          style={{ width: size.cssWidth, height: size.cssHeight }}
        />
        <QualityOverlay placed={placed} stretches={qualityStretches} pageStartS={pageStartS} pxPerMm={pxPerMm} width={size.cssWidth} height={size.cssHeight} />
        {caliper && <CaliperOverlay caliper={caliper} pxPerMm={pxPerMm} width={size.cssWidth} height={size.cssHeight} />}
      </div>
      <figcaption>{caliper ? <CaliperText caliper={caliper} placed={placed} /> : <span className="muted">{t('ecg:viewer.caliperHint')}</span>}</figcaption>
    </figure>
  );
}

function QualityOverlay({
  placed,
  stretches,
  pageStartS,
  pxPerMm,
  width,
  height,
}: {
  placed: PlacedLayout;
  stretches: readonly EcgQualityStretch[] | undefined;
  pageStartS: number;
  pxPerMm: number;
  width: number;
  height: number;
}) {
  const { t } = useTranslation();
  const marks = qualityMarks(placed, stretches, pageStartS);
  if (marks.length === 0) return null;
  return (
    <svg className="ecg-quality" width={width} height={height} aria-hidden="true">
      {marks.map((m, i) => (
        <rect
          key={i}
          className={`ecg-quality-mark ${m.kind}`}
          data-testid={`ecg-quality-${m.kind}`}
          x={m.xMm * pxPerMm}
          y={m.yMm * pxPerMm}
          width={m.widthMm * pxPerMm}
          height={m.heightMm * pxPerMm}
        >
          <title>{t(`ecg:quality.${m.kind}`)}</title>
        </rect>
      ))}
    </svg>
  );
}

function CaliperOverlay({ caliper, pxPerMm, width, height }: { caliper: Caliper; pxPerMm: number; width: number; height: number }) {
  const [x1, y1, x2, y2] = [caliper.from.xMm * pxPerMm, caliper.from.yMm * pxPerMm, caliper.to.xMm * pxPerMm, caliper.to.yMm * pxPerMm];
  return (
    <svg className="ecg-caliper" width={width} height={height} aria-hidden="true">
      <line x1={x1} y1={0} x2={x1} y2={height} />
      <line x1={x2} y1={0} x2={x2} y2={height} />
      <line x1={Math.min(x1, x2) - 8} y1={y1} x2={Math.max(x1, x2) + 8} y2={y1} className="level" />
      <line x1={Math.min(x1, x2) - 8} y1={y2} x2={Math.max(x1, x2) + 8} y2={y2} className="level" />
    </svg>
  );
}

function CaliperText({ caliper, placed }: { caliper: Caliper; placed: PlacedLayout }) {
  const { t } = useTranslation();
  const r = caliperReading(caliper.from, caliper.to, placed.scale);
  return (
    <output className="ecg-caliper-reading" aria-label={t('ecg:viewer.caliper')}>
      {t('ecg:viewer.caliperTime', { ms: Math.round(r.deltaMs) })}
      {r.rateBpm !== undefined && ` · ${t('ecg:viewer.caliperRate', { bpm: Math.round(r.rateBpm) })}`}
      {` · ${t('ecg:viewer.caliperAmplitude', { uv: Math.round(r.deltaMicrovolts), mm: r.deltaMm.toFixed(1) })}`}
    </output>
  );
}
