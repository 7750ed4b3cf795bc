import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_CLINICAL_RANGES } from '../../../shared/clinical-ranges';
import type { VitalPoint } from '../../../shared/api/clinic';
import { formatDateTime } from '../../components/dates';
import { bpSeries } from './vitals-display';
import { trendChartOptions } from '../../components/line-chart';

// Only what a line chart on a numeric time axis needs: keeps the bundle small and startup quick on a slow PC.
Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip, Legend);

const DAY_MS = 86_400_000;

function upperLimit(bound: { above: number } | { atOrAbove: number } | undefined): number | undefined {
  if (!bound) return undefined;
  return 'above' in bound ? bound.above : bound.atOrAbove;
}

/**
 * Systolic and diastolic means over time on a true time axis (x = milliseconds, labelled as dates: no date adapter
 * is bundled), with the hypertension thresholds of the clinic's ranges as dashed lines.
 */
export function BpTrendChart({ series }: { series: readonly VitalPoint[] }) {
  const { t, i18n } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const points = bpSeries(series);
  const key = JSON.stringify(points);

  useEffect(() => {
    if (!canvas.current || points.length === 0) return;
    const xs = points.map((p) => p.at);
    const first = Math.min(...xs);
    const last = Math.max(...xs);
    // A lone reading gets a day either side, so it sits mid-chart and the threshold lines have a length.
    const span = first === last ? [first - DAY_MS, last + DAY_MS] : [first, last];
    // Within a few days, ticks need the time too, or neighbouring ticks read as the same date.
    const tickLabel = (ms: number) => {
      const text = formatDateTime(new Date(ms).toISOString(), i18n.language);
      return span[1] - span[0] <= 3 * DAY_MS ? text : text.slice(0, 10);
    };
    const systolicLimit = upperLimit(DEFAULT_CLINICAL_RANGES.systolic.high);
    const diastolicLimit = upperLimit(DEFAULT_CLINICAL_RANGES.diastolic.high);
    const threshold = (value: number | undefined, color: string) =>
      value === undefined
        ? []
        : [{ label: '', data: span.map((x) => ({ x, y: value })), borderColor: color, borderDash: [6, 4], borderWidth: 1, pointRadius: 0, fill: false }];
    const chart = new Chart(canvas.current, {
      type: 'line',
      data: {
        datasets: [
          {
            label: t('clinic:vitals.systolic'),
            data: points.map((p) => ({ x: p.at, y: p.systolic })),
            borderColor: '#c62828',
            backgroundColor: '#c62828',
            tension: 0,
          },
          {
            label: t('clinic:vitals.diastolic'),
            data: points.map((p) => ({ x: p.at, y: p.diastolic })),
            borderColor: '#0b6bcb',
            backgroundColor: '#0b6bcb',
            tension: 0,
          },
          ...threshold(systolicLimit, 'rgba(198,40,40,0.45)'),
          ...threshold(diastolicLimit, 'rgba(11,107,203,0.45)'),
        ],
      },
      options: trendChartOptions({
        span: [span[0], span[1]],
        tickLabel,
        pointTitle: (x) => formatDateTime(new Date(x).toISOString(), i18n.language),
        unit: 'mmHg',
        suggested: [50, 180],
      }),
    });
    return () => chart.destroy();
    // points is rebuilt every render; its content is what matters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, t, i18n.language]);

  if (points.length === 0) return <p className="muted">{t('clinic:chart.noBp')}</p>;
  return (
    <div className="chart-box">
      <canvas ref={canvas} role="img" aria-label={t('clinic:chart.bpTrendLabel', { count: points.length })} />
    </div>
  );
}
