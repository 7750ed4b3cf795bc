import type { ChartOptions } from 'chart.js';

export interface TrendChartAxes {
  /** The time span shown (ms or days, as the points' x). */
  span: readonly [number, number];
  tickLabel: (x: number) => string;
  /** The tooltip's title for a point's x. */
  pointTitle: (x: number) => string;
  unit: string;
  suggested: readonly [number, number];
}

/**
 * What every trend chart on the clinical screens shares: drawn at once (no animation, which would show values that
 * were never measured), sized by its box, points given as {x, y}, a time axis of at most six labelled ticks, and
 * the unlabelled helper lines (thresholds, target bands) kept out of the legend and the tooltip.
 */
export function trendChartOptions({ span, tickLabel, pointTitle, unit, suggested }: TrendChartAxes): ChartOptions<'line'> {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    parsing: false,
    scales: {
      x: { type: 'linear', min: span[0], max: span[1], ticks: { maxTicksLimit: 6, callback: (value) => tickLabel(Number(value)) } },
      y: { title: { display: true, text: unit }, suggestedMin: suggested[0], suggestedMax: suggested[1] },
    },
    plugins: {
      legend: { labels: { filter: (item) => item.text !== '' } },
      tooltip: { filter: (item) => item.dataset.label !== '', callbacks: { title: (items) => (items[0] ? pointTitle(items[0].parsed.x ?? 0) : '') } },
    },
  };
}
