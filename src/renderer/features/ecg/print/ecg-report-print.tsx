import { useMemo } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { EcgSummary } from '../../../../shared/api/ecg';
import type { Patient } from '../../../../shared/api/patients';
import { DIAGNOSTIC_FILTER } from '../../../../shared/ecg-filters';
import { placeLayout, STANDARD_SCALE, type PaperPoint } from '../../../../shared/ecg-paper';
import { ErrorText } from '../../../components/error-text';
import { filterWindow, PAGE_SECONDS, paperRowsFor, type EcgWindow } from '../ecg-data';
import { useEcgSummary, useEcgWindow } from '../ecg.resource';
import { usePatient } from '../../patients/patients.resource';
import { useSettings } from '../../settings/settings.resource';
import { ADULT_FROM_YEARS, ageAtRecording, formatEcgDateTime, maskIdNumber } from '../ecg-format';
import { measurementRows } from '../ecg-measurements';
import { gridPathData, pulsePathData, tracePathData } from '../ecg-svg';
import { EcgPrintPage, EcgSheet, PRINT_FONT, SHEET } from './ecg-print-page';

interface ReportData {
  facilityName: string;
  patient: Patient;
  summary: EcgSummary;
  /** The first 10 s, filtered for print. */
  ecg: EcgWindow;
}

/** Where the paper area sits on the sheet: whole mm, so the printed grid lines fall on the sheet's mm. */
const PAPER_ORIGIN: PaperPoint = { xMm: 18, yMm: 36 };
const ROW_HEIGHT_MM = 35;
const MARGIN_MM = 10;

/**
 * 心电图报告: A4 landscape at true scale (25 mm/s, 10 mm/mV, whatever the screen showed), 3×4 + II rhythm strip of
 * the first 10 s, zero-phase diagnostic filtering (0.05–150 Hz, 50 Hz notch), measurements with flags, the signed
 * interpretation and a signature line. The whole sheet is one SVG whose viewBox is the sheet in mm.
 */
export function EcgReportPrint() {
  const { t } = useTranslation();
  const { patientId = '', ecgId = '' } = useParams();
  const settings = useSettings({});
  const person = usePatient({ patientId });
  const one = useEcgSummary({ patientId, ecgId });
  const summary = one.data;
  const samples = useEcgWindow(summary ? { patientId, ecgId, sampleRateHz: summary.sampleRateHz, fromSample: 0 } : null);
  const filtered = useMemo(() => (samples.data ? filterWindow(samples.data, DIAGNOSTIC_FILTER) : null), [samples.data]);
  const error = settings.error ?? person.error ?? one.error ?? samples.error;
  const data: ReportData | null =
    settings.data && person.data && summary && filtered ? { facilityName: settings.data.facilityName, patient: person.data, summary, ecg: filtered } : null;

  return (
    <EcgPrintPage back={`/ecg/patient/${patientId}?ecg=${ecgId}`} ready={data !== null}>
      <ErrorText error={error} />
      {!data && !error && <p className="muted">{t('app.loading')}</p>}
      {data && <ReportSheet data={data} />}
    </EcgPrintPage>
  );
}

function ReportSheet({ data }: { data: ReportData }) {
  const { t, i18n } = useTranslation();
  const { patient, summary, ecg } = data;
  const placed = useMemo(
    () => placeLayout('3x4+rhythm', STANDARD_SCALE, { durationS: PAGE_SECONDS, rowHeightMm: ROW_HEIGHT_MM, otherLeads: paperRowsFor(summary.leadNames) }),
    [summary.leadNames],
  );
  const grid = useMemo(() => gridPathData(PAPER_ORIGIN.xMm, PAPER_ORIGIN.yMm, placed.widthMm, placed.heightMm), [placed]);
  const traces = useMemo(() => {
    const byName = new Map(ecg.leads.map((l) => [l.name, l.microvolts]));
    return placed.cells.map((cell) => {
      const samples = byName.get(cell.lead);
      return { cell, d: samples ? tracePathData(samples, cell, STANDARD_SCALE, ecg.sampleRateHz, PAPER_ORIGIN) : '' };
    });
  }, [placed, ecg]);
  const age = ageAtRecording(patient.birthDate, summary.recordedAt);
  const adult = age >= ADULT_FROM_YEARS;
  const right = SHEET.widthMm - MARGIN_MM;
  const footerTop = PAPER_ORIGIN.yMm + placed.heightMm + 4;

  return (
    <EcgSheet className="ecg-report" label={t('ecg:report.title')}>
      <text x={MARGIN_MM} y={13} fontSize={5} fontWeight={700}>
        {data.facilityName || t('app.title')}
      </text>
      <text x={right} y={13} fontSize={5} fontWeight={700} textAnchor="end">
        {t('ecg:report.title')}
      </text>
      <text x={MARGIN_MM} y={20.5} fontSize={3.4}>
        {[
          t('ecg:report.name', { value: patient.name }),
          t('ecg:report.sex', { value: t(`ecg:sex.${patient.sex}`) }),
          t('ecg:report.age', { value: age }),
          t('ecg:report.idNumber', { value: maskIdNumber(patient.idNumber) || '—' }),
          t('ecg:report.outpatientNumber', { value: summary.outpatientNumber || '—' }),
          t('ecg:report.recordedAt', { value: formatEcgDateTime(summary.recordedAt, i18n.language) }),
        ].join('　')}
      </text>
      <MeasurementLine summary={summary} sex={patient.sex} adult={adult} t={t} />
      <text x={MARGIN_MM} y={32} fontSize={2.8} fill="#333">
        {[
          t('ecg:report.scale', { speed: STANDARD_SCALE.speedMmPerS, gain: STANDARD_SCALE.gainMmPerMv }),
          t('ecg:report.filter', { hp: DIAGNOSTIC_FILTER.highPassHz, lp: DIAGNOSTIC_FILTER.lowPassHz, notch: DIAGNOSTIC_FILTER.notchHz }),
          t('ecg:report.source', { source: t(`ecg:source.${summary.source}`), name: summary.sourceName, rate: summary.sampleRateHz }),
        ].join('　')}
      </text>

      <g className="ecg-grid" fill="none">
        <path d={grid.small} stroke="#f2b3b3" strokeWidth={0.08} />
        <path d={grid.large} stroke="#df7f7f" strokeWidth={0.2} />
      </g>
      <g className="ecg-traces" fill="none" stroke="#000" strokeWidth={0.25} strokeLinejoin="round" strokeLinecap="round">
        {placed.rowBaselinesMm.map((baseline) => (
          <path key={`pulse-${baseline}`} d={pulsePathData(PAPER_ORIGIN, baseline, STANDARD_SCALE)} />
        ))}
        {traces.map(({ cell, d }) => d && <path key={`${cell.lead}-${cell.row}-${cell.column}`} d={d} />)}
        {placed.cells
          .filter((c) => c.column > 0)
          .map((c) => (
            <path key={`tick-${c.row}-${c.column}`} d={`M${PAPER_ORIGIN.xMm + c.xMm} ${PAPER_ORIGIN.yMm + c.baselineMm - 2.5}v5`} />
          ))}
      </g>
      <g fontSize={3.2} fontWeight={700}>
        {placed.cells.map((c) => (
          <text key={`label-${c.lead}-${c.row}-${c.column}`} x={PAPER_ORIGIN.xMm + c.xMm + 1} y={PAPER_ORIGIN.yMm + c.topMm + 4}>
            {c.lead}
          </text>
        ))}
      </g>

      <text x={MARGIN_MM} y={footerTop + 3} fontSize={3.4} fontWeight={700}>
        {t('ecg:report.interpretation')}
      </text>
      <foreignObject x={MARGIN_MM} y={footerTop + 4.2} width={195} height={SHEET.heightMm - footerTop - 12}>
        <div
          // Inside the foreignObject a CSS px is one user unit: one mm on paper.
          style={{ fontSize: '3.4px', lineHeight: '4.6px', fontFamily: PRINT_FONT, whiteSpace: 'pre-wrap', overflow: 'hidden', height: '100%', color: '#111' }}
        >
          {summary.interpretation ?? t('ecg:report.noInterpretation')}
        </div>
      </foreignObject>
      <text x={215} y={footerTop + 3} fontSize={3.4}>
        {t('ecg:report.signature')}
      </text>
      <path d={`M232 ${footerTop + 3.6}H${right}`} stroke="#111" strokeWidth={0.2} />
      {summary.interpretedBy && (
        <text x={234} y={footerTop + 2.6} fontSize={3.4}>
          {summary.interpretedBy}
        </text>
      )}
      <text x={215} y={footerTop + 10} fontSize={3.4}>
        {t('ecg:report.signedAt', { value: summary.signedAt ? formatEcgDateTime(summary.signedAt, i18n.language) : '' })}
      </text>
      <text x={MARGIN_MM} y={SHEET.heightMm - 5} fontSize={2.6} fill="#444">
        {t('ecg:report.trueScaleNote')}
      </text>
      <text x={right} y={SHEET.heightMm - 5} fontSize={2.6} fill="#444" textAnchor="end">
        {t('ecg:report.printedAt', { value: formatEcgDateTime(new Date().toISOString(), i18n.language) })}
      </text>
    </EcgSheet>
  );
}

function MeasurementLine({ summary, sex, adult, t }: { summary: EcgSummary; sex: Patient['sex']; adult: boolean; t: TFunction }) {
  const rows = measurementRows(summary.measurements, sex, adult).filter((r) => r.key !== 'qtcFridericiaMs' && r.key !== 'rrMeanMs');
  return (
    <text x={MARGIN_MM} y={26.5} fontSize={3.4}>
      {rows.map((row, i) => {
        const flagged = row.flag === 'high' || row.flag === 'low';
        return (
          <tspan key={row.key} fontWeight={flagged ? 700 : 400}>
            {i > 0 ? '　' : ''}
            {t(`ecg:measureShort.${row.key}`)} {row.value === undefined ? '—' : t(`ecg:unit.${row.unit}`, { value: row.value })}
            {flagged ? (row.flag === 'high' ? ' ↑' : ' ↓') : ''}
          </tspan>
        );
      })}
    </text>
  );
}
