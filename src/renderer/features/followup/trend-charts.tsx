import { CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { VitalPoint } from '../../../shared/api/clinic';
import { completedYears, toEpochDay } from '../../../shared/dates';
import { useVitalSeries } from '../clinic/clinic.resource';
import { trendChartOptions } from '../../components/line-chart';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip, Legend, Filler);

/** 2017 targets as drawn: <140/90 mmHg (<150/90 from 65, spec A10); fasting glucose <7.0 mmol/L above the 3.9 hypoglycaemia line. */
export const BP_TARGET = { sbp: 140, dbp: 90, elderlySbp: 150, elderlyFromAge: 65 };
export const FBG_BAND = { low: 3.9, high: 7.0 };

interface Point {
  x: number;
  y: number;
}

/**
 * From the patient's one vital-sign series (clinic, ECG room, follow-up visits): staff measurements only, home
 * readings and phone contacts are not plotted as measured values; glucose is the fasting value.
 */
export function trendPoints(series: readonly VitalPoint[], field: 'sbp' | 'dbp' | 'fbg'): Point[] {
  const valueOf = (p: VitalPoint) => (field === 'fbg' ? (p.glucose?.timing === 'fasting' ? p.glucose.mmolPerL : null) : p[field]);
  return series
    .filter((p) => !p.selfReported && valueOf(p) !== null)
    .map((p) => ({ x: toEpochDay(p.date), y: valueOf(p) as number }))
    .sort((a, b) => a.x - b.x);
}

function dayLabel(epochDay: number): string {
  return new Date(epochDay * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A target band: a transparent lower edge and an upper edge filled down to it. The lower edges (SBP 90, DBP 60,
 * glucose 3.9) are where low values begin, so the shaded zone is "at target and not too low".
 */
function band(span: [number, number], low: number, high: number, color: string) {
  const edge = (y: number) => span.map((x) => ({ x, y }));
  return [
    { label: '', data: edge(low), borderWidth: 0, pointRadius: 0, fill: false },
    { label: '', data: edge(high), borderWidth: 0, pointRadius: 0, fill: '-1', backgroundColor: color },
  ];
}

function LineChart({
  label,
  unit,
  span,
  series,
  bands,
  suggested,
}: {
  label: string;
  unit: string;
  span: [number, number];
  series: { label: string; points: Point[]; color: string }[];
  bands: ReturnType<typeof band>;
  suggested: [number, number];
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const key = JSON.stringify([span, series, bands]);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'line',
      data: {
        datasets: [
          ...bands,
          ...series.map((s) => ({ label: s.label, data: s.points, borderColor: s.color, backgroundColor: s.color, tension: 0, fill: false })),
        ],
      },
      options: trendChartOptions({ span, tickLabel: dayLabel, pointTitle: dayLabel, unit, suggested }),
    });
    return () => chart.destroy();
    // The series' content is what matters; it is rebuilt on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return (
    <div className="chart-box">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}

/** Blood pressure and fasting glucose over time, with the 2017 target bands shaded. */
export function TrendCharts({ patientId, birthDate, today }: { patientId: string; birthDate: string; today: string }) {
  const { t } = useTranslation('followup');
  const series = useVitalSeries({ patientId, kinds: ['bp', 'glucose'] }).data ?? [];
  const sbp = trendPoints(series, 'sbp');
  const dbp = trendPoints(series, 'dbp');
  const fbg = trendPoints(series, 'fbg');
  if (sbp.length + dbp.length + fbg.length === 0) return <p className="muted">{t('trend.none')}</p>;
  const all = [...sbp, ...dbp, ...fbg].map((p) => p.x);
  const span: [number, number] = [Math.min(...all) - 7, Math.max(...all) + 7];
  const elderly = completedYears(birthDate, today) >= BP_TARGET.elderlyFromAge;
  const sbpLimit = elderly ? BP_TARGET.elderlySbp : BP_TARGET.sbp;
  return (
    <div className="trend-charts">
      {sbp.length + dbp.length > 0 && (
        <LineChart
          label={t('trend.bpLabel', { count: sbp.length, sbp: sbpLimit, dbp: BP_TARGET.dbp })}
          unit="mmHg"
          span={span}
          suggested={[50, 190]}
          series={[
            { label: t('form.sbp'), points: sbp, color: '#c62828' },
            { label: t('form.dbp'), points: dbp, color: '#0b6bcb' },
          ]}
          bands={[...band(span, 90, sbpLimit, 'rgba(198,40,40,0.08)'), ...band(span, 60, BP_TARGET.dbp, 'rgba(11,107,203,0.10)')]}
        />
      )}
      {fbg.length > 0 && (
        <LineChart
          label={t('trend.fbgLabel', { count: fbg.length, low: FBG_BAND.low, high: FBG_BAND.high })}
          unit="mmol/L"
          span={span}
          suggested={[3, 14]}
          series={[{ label: t('form.fbg'), points: fbg, color: '#6a4c93' }]}
          bands={band(span, FBG_BAND.low, FBG_BAND.high, 'rgba(46,125,50,0.12)')}
        />
      )}
    </div>
  );
}
