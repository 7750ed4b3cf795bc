import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { EcgSummary } from '../../../shared/api/ecg';
import type { Patient } from '../../../shared/api/patients';
import { placeLayout } from '../../../shared/ecg-paper';
import { api } from '../../api/client';
import { useAuth } from '../../app/auth-context';
import { ErrorText } from '../../components/error-text';
import { DisplayControls } from './display-controls';
import { filterOf, scaleOf, VIEWER_DEFAULTS, type DisplaySettings } from './display-settings';
import { filterWindow, PAGE_SECONDS, rhythmViewLeads } from './ecg-data';
import { useEcgWindow } from './ecg.resource';
import { ADULT_FROM_YEARS, ageAtRecording, formatEcgDateTime } from './ecg-format';
import { EcgPaperCanvas } from './ecg-paper-canvas';
import { MeasurementsTable } from './measurements-table';
import { EcgStatementsPanel } from './ecg-statements-panel';
import { CartReportPanel } from './cart-report-panel';
import { usePxPerMm } from './screen-calibration';
import { qualityKind } from './quality-marks';
import { EcgConsultReply } from '../consult/consult-detail-page';

/** One stored recording: paper with calipers, measurements, the signed interpretation, print and aECG export. */
export function EcgViewer({ patient, summary, onChanged }: { patient: Patient; summary: EcgSummary; onChanged: (summary: EcgSummary) => void }) {
  const { t, i18n } = useTranslation();
  const [settings, setSettings] = useState<DisplaySettings>(VIEWER_DEFAULTS);
  const [pxPerMm] = usePxPerMm();
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(summary.durationS / PAGE_SECONDS - 1e-9));
  const fromSample = Math.round(page * PAGE_SECONDS * summary.sampleRateHz);
  const samples = useEcgWindow({ patientId: patient.id, ecgId: summary.id, sampleRateHz: summary.sampleRateHz, fromSample });
  const loaded = samples.data;

  const filter = useMemo(() => filterOf(settings), [settings]);
  const shown = useMemo(() => (loaded ? filterWindow(loaded, filter) : null), [loaded, filter]);
  const rhythmRows = useMemo(() => rhythmViewLeads(summary.leadNames, summary.durationS), [summary.leadNames, summary.durationS]);
  const placed = useMemo(() => placeLayout(settings.layout, scaleOf(settings), { durationS: PAGE_SECONDS, otherLeads: rhythmRows }), [settings, rhythmRows]);
  const adult = ageAtRecording(patient.birthDate, summary.recordedAt) >= ADULT_FROM_YEARS;
  const [draft, setDraft] = useState<{ id: string; text: string } | null>(null);

  return (
    <article className="card ecg-viewer" aria-label={t('ecg:viewer.title', { time: formatEcgDateTime(summary.recordedAt, i18n.language) })}>
      <header className="ecg-viewer-head">
        <h3>{t('ecg:viewer.title', { time: formatEcgDateTime(summary.recordedAt, i18n.language) })}</h3>
        <span className="muted">
          {t('ecg:viewer.facts', {
            source: t(`ecg:source.${summary.source}`),
            name: summary.sourceName,
            rate: summary.sampleRateHz,
            seconds: summary.durationS.toFixed(1),
            leads: summary.leadNames.length,
          })}
        </span>
        <span className="spacer" />
        <Link className="button" to={`/print/ecg/${patient.id}/${summary.id}`}>
          {t('ecg:viewer.print')}
        </Link>
        <ExportButton patientId={patient.id} ecgId={summary.id} />
      </header>
      <DisplayControls value={settings} onChange={setSettings} showLayout={!rhythmRows} />
      {rhythmRows && (
        <p className="muted small" data-testid="ecg-rhythm-view">
          {t('ecg:viewer.rhythmView', { leads: rhythmRows.join(', ') })}
        </p>
      )}
      {pages > 1 && (
        <div className="ecg-toolbar">
          <button type="button" onClick={() => setPage((p) => Math.max(0, p - 1))} disabled={page === 0}>
            {t('ecg:viewer.earlier')}
          </button>
          <span>
            {t('ecg:viewer.pageOf', {
              from: page * PAGE_SECONDS,
              to: Math.min(summary.durationS, (page + 1) * PAGE_SECONDS).toFixed(1),
              total: summary.durationS.toFixed(1),
            })}
          </span>
          <button type="button" onClick={() => setPage((p) => Math.min(pages - 1, p + 1))} disabled={page >= pages - 1}>
            {t('ecg:viewer.later')}
          </button>
          <input type="range" aria-label={t('ecg:viewer.position')} min={0} max={pages - 1} value={page} onChange={(e) => setPage(Number(e.target.value))} />
        </div>
      )}
      <ErrorText error={samples.error} />
      <div className="ecg-scroll">
        {shown ? (
          <EcgPaperCanvas
            placed={placed}
            recording={shown}
            pxPerMm={pxPerMm}
            label={t('ecg:viewer.paperLabel')}
            qualityStretches={summary.measurements.qualityStretches}
            pageStartS={page * PAGE_SECONDS}
          />
        ) : (
          <p className="muted">{t('app.loading')}</p>
        )}
      </div>
      <QualitySummary stretches={summary.measurements.qualityStretches} />
      <div className="ecg-viewer-body">
        <section>
          <h4>{t('ecg:measurements.title')}</h4>
          <MeasurementsTable measurements={summary.measurements} sex={patient.sex} adult={adult} />
        </section>
        {summary.cart && <CartReportPanel cart={summary.cart} ours={summary.measurements} />}
        <EcgStatementsPanel measurements={summary.measurements} sex={patient.sex} adult={adult} onAdopt={(text) => setDraft({ id: summary.id, text })} />
        <InterpretationForm
          key={`${summary.id}:${draft?.id === summary.id ? draft.text : ''}`}
          patientId={patient.id}
          summary={summary}
          onSigned={onChanged}
          draft={draft?.id === summary.id ? draft.text : undefined}
        />
      </div>
      <EcgConsultReply patientId={patient.id} ecgId={summary.id} />
    </article>
  );
}

/** The stretches the analysis could not read (beats not counted) and those it found noisy, listed under the paper. */
function QualitySummary({ stretches }: { stretches: EcgSummary['measurements']['qualityStretches'] }) {
  const { t } = useTranslation();
  if (!stretches?.length) return null;
  return (
    <ul className="ecg-quality-list small" data-testid="ecg-quality-list">
      {stretches.map((s) => (
        <li key={s.startS} className={qualityKind(s.reason)}>
          {t(`ecg:quality.${qualityKind(s.reason)}`)}: {t('ecg:quality.range', { from: s.startS.toFixed(1), to: s.endS.toFixed(1) })} —{' '}
          {t(`ecg:quality.reason.${s.reason}`)}
        </li>
      ))}
    </ul>
  );
}

function ExportButton({ patientId, ecgId }: { patientId: string; ecgId: string }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  async function exportAecg() {
    setError(null);
    try {
      const { fileName, xml } = await api.ecg.exportAecg({ patientId, ecgId });
      const url = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName;
      link.click();
      // The download has taken its copy once the click is handled; the URL only holds memory after that.
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <>
      <button type="button" onClick={() => void exportAecg()}>
        {t('ecg:viewer.exportAecg')}
      </button>
      <ErrorText error={error} />
    </>
  );
}

function InterpretationForm({
  patientId,
  summary,
  onSigned,
  draft,
}: {
  patientId: string;
  summary: EcgSummary;
  onSigned: (summary: EcgSummary) => void;
  draft?: string;
}) {
  const { t, i18n } = useTranslation();
  const { status } = useAuth();
  const mayInterpret = status?.user?.role === 'doctor' || status?.user?.role === 'admin';
  // A draft copied from the automatic statements is only a starting text: the clinician edits and signs it.
  const [text, setText] = useState(draft ?? summary.interpretation ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function sign() {
    setBusy(true);
    setError(null);
    try {
      onSigned(await api.ecg.interpret({ patientId, ecgId: summary.id, interpretation: text }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="ecg-interpretation">
      <h4>{t('ecg:interpretation.title')}</h4>
      {summary.signedAt && summary.interpretedBy ? (
        <p className="ecg-signature" data-testid="ecg-signature">
          {t('ecg:interpretation.signedBy', { name: summary.interpretedBy, time: formatEcgDateTime(summary.signedAt, i18n.language) })}
        </p>
      ) : (
        <p className="muted">{t('ecg:interpretation.unsigned')}</p>
      )}
      {mayInterpret ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void sign();
          }}
        >
          <label>
            {t('ecg:interpretation.text')}
            <textarea rows={4} value={text} maxLength={2000} onChange={(e) => setText(e.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={busy || text.trim() === '' || text.trim() === (summary.interpretation ?? '')}>
            {summary.signedAt ? t('ecg:interpretation.resign') : t('ecg:interpretation.sign')}
          </button>
          {summary.signedAt && <p className="muted small">{t('ecg:interpretation.auditNote')}</p>}
        </form>
      ) : (
        <p className="pre">{summary.interpretation ?? ''}</p>
      )}
      <ErrorText error={error} />
    </section>
  );
}
