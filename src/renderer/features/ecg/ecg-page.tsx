import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../shared/api/errors';
import { Link } from 'react-router';
import type { EcgSummary } from '../../../shared/api/ecg';
import type { PatientSummary } from '../../../shared/api/patients';
import { api, events, type EventPayload } from '../../api/client';
import { ErrorText } from '../../components/error-text';
import { CalibrationCard } from './calibration-card';
import { DisplayControls } from './display-controls';
import { LIVE_DEFAULTS, type DisplaySettings } from './display-settings';
import { shownDeviceState } from './device-state';
import { EcgError } from './ecg-error';
import { formatEcgDateTime } from './ecg-format';
import { LiveEcgView, type LiveStats } from './live-ecg-view';
import { PatientPicker } from './patient-picker';
import { usePxPerMm } from './screen-calibration';
import './ecg.css';
import { deviceLabel } from './device-label';
import { useEcgDevices, useUnassignedEcgs } from './ecg.resource';
import type { ChosenFile } from '../../../shared/api/files';

type DeviceStatus = Pick<EventPayload<'ecgStatus'>, 'state' | 'lostSamples'> & Partial<Pick<EventPayload<'ecgStatus'>, 'latencyMs' | 'reconnects'>>;

const CAPTURE_SECONDS = 10;

/** 心电: a device's live view, a 10 s capture into the chosen patient, file import, and the unassigned recordings. */
export function EcgPage() {
  const { t } = useTranslation();
  const [patient, setPatient] = useState<PatientSummary | null>(null);
  const [saved, setSaved] = useState<{ summary: EcgSummary; patient: PatientSummary } | null>(null);
  /** 门诊号 of today's visit: stored with what is captured or imported next, printed in the report header. */
  const [outpatientNumber, setOutpatientNumber] = useState('');
  return (
    <section className="page ecg-page">
      <h1>{t('ecg:page.title')}</h1>
      <div className="card">
        <h2>{t('ecg:patient.title')}</h2>
        <PatientPicker value={patient} onChange={setPatient} />
        <label>
          {t('ecg:patient.outpatientNumber')}
          <input value={outpatientNumber} maxLength={30} onChange={(e) => setOutpatientNumber(e.target.value)} spellCheck={false} />
        </label>
      </div>
      <LivePanel patient={patient} outpatientNumber={outpatientNumber} onSaved={(summary) => patient && setSaved({ summary, patient })} />
      {saved && <SavedNotice summary={saved.summary} patient={saved.patient} />}
      <ImportPanel patient={patient} outpatientNumber={outpatientNumber} onSaved={(summary) => patient && setSaved({ summary, patient })} />
      <UnassignedPanel patient={patient} onSaved={(summary) => patient && setSaved({ summary, patient })} />
      <CalibrationCard />
    </section>
  );
}

function SavedNotice({ summary, patient }: { summary: EcgSummary; patient: PatientSummary }) {
  const { t, i18n } = useTranslation();
  return (
    <p className="ok-text" role="status">
      {t('ecg:saved', { name: patient.name, time: formatEcgDateTime(summary.recordedAt, i18n.language) })}{' '}
      <Link to={`/ecg/patient/${patient.id}?ecg=${summary.id}`}>{t('ecg:open')}</Link>
    </p>
  );
}

/** What each way of bringing in a recording needs: whose it is, the 门诊号, and where to report it stored. */
interface RecordingPanelProps {
  patient: PatientSummary | null;
  outpatientNumber: string;
  onSaved: (summary: EcgSummary) => void;
}

function LivePanel({ patient, outpatientNumber, onSaved }: RecordingPanelProps) {
  const { t } = useTranslation();
  const deviceList = useEcgDevices({});
  const devices = deviceList.data ?? null;
  const [chosenId, setDeviceId] = useState('');
  const deviceId = chosenId || devices?.[0]?.id || '';
  // A device still streaming (the page was left and came back, or the lock interrupted it) counts as live until
  // this page starts or stops one itself (`undefined`: it has not).
  const running = devices?.find((d) => d.live);
  const [ownLiveId, setLiveId] = useState<string | null | undefined>(undefined);
  const liveId = ownLiveId === undefined ? (running?.id ?? null) : ownLiveId;
  const [ownStatus, setStatus] = useState<DeviceStatus | null>(null);
  const status = ownStatus ?? (running ? { state: running.state, lostSamples: running.lostSamples } : null);
  const [stats, setStats] = useState<LiveStats>({ receivedSeconds: 0, missedSamples: 0, lastBlockAt: null });
  const [settings, setSettings] = useState<DisplaySettings>(LIVE_DEFAULTS);
  const [pxPerMm] = usePxPerMm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(
    () =>
      events.on('ecgStatus', (s) => {
        if (s.deviceId === liveId) setStatus(s);
      }),
    [liveId],
  );

  // Leaving the page stops the device: nobody is watching, and a forgotten stream would fill the capture buffer
  // with whoever sits down next.
  useEffect(() => {
    if (!liveId) return;
    return () => void api.ecg.stopLive({ deviceId: liveId }).catch(() => {});
  }, [liveId]);

  const onStats = useCallback((s: LiveStats) => setStats(s), []);

  async function start() {
    setBusy(true);
    setError(null);
    setStats({ receivedSeconds: 0, missedSamples: 0, lastBlockAt: null });
    try {
      const info = await api.ecg.startLive({ deviceId });
      setStatus({ state: info.state, lostSamples: info.lostSamples });
      setLiveId(info.id);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function stop() {
    if (!liveId) return;
    setBusy(true);
    try {
      const info = await api.ecg.stopLive({ deviceId: liveId });
      setStatus({ state: info.state, lostSamples: info.lostSamples });
    } catch (err) {
      setError(err);
    } finally {
      setLiveId(null);
      setBusy(false);
    }
  }

  async function capture() {
    if (!liveId || !patient) return;
    setBusy(true);
    setError(null);
    try {
      onSaved(await api.ecg.capture({ patientId: patient.id, deviceId: liveId, seconds: CAPTURE_SECONDS, outpatientNumber }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const enough = stats.receivedSeconds >= CAPTURE_SECONDS;
  return (
    <div className="card">
      <h2>{t('ecg:live.title')}</h2>
      <div className="ecg-toolbar">
        <label className="inline">
          {t('ecg:live.device')}
          <select value={deviceId} onChange={(e) => setDeviceId(e.target.value)} disabled={liveId !== null || !devices}>
            {devices?.length === 0 && <option value="">{t('ecg:live.noDevices')}</option>}
            {devices?.map((d) => (
              <option key={d.id} value={d.id}>
                {deviceLabel(t, d)}
              </option>
            ))}
          </select>
        </label>
        {liveId ? (
          <button type="button" onClick={() => void stop()} disabled={busy}>
            {t('ecg:live.stop')}
          </button>
        ) : (
          <button type="button" className="primary" onClick={() => void start()} disabled={busy || !deviceId}>
            {t('ecg:live.start')}
          </button>
        )}
        <button type="button" className="primary" onClick={() => void capture()} disabled={busy || !liveId || !patient || !enough}>
          {t('ecg:live.capture', { seconds: CAPTURE_SECONDS })}
        </button>
        <DeviceStatusText status={status} live={liveId !== null} stats={stats} />
      </div>
      {liveId && !enough && <p className="muted">{t('ecg:live.filling', { have: Math.floor(stats.receivedSeconds), need: CAPTURE_SECONDS })}</p>}
      {liveId && !patient && <p className="muted">{t('ecg:live.choosePatient')}</p>}
      <EcgError error={error ?? deviceList.error} />
      <DisplayControls value={settings} onChange={setSettings} showLayout={false} />
      {liveId && <LiveEcgView deviceId={liveId} settings={settings} pxPerMm={pxPerMm} onStats={onStats} />}
    </div>
  );
}

function DeviceStatusText({ status, live, stats }: { status: DeviceStatus | null; live: boolean; stats: LiveStats }) {
  const { t } = useTranslation();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [live]);
  if (!status) return null;
  const state = shownDeviceState(status.state, live, stats.lastBlockAt, now);
  const lost = status.lostSamples + stats.missedSamples;
  return (
    <span className={`ecg-status ecg-status-${state}`} role="status" aria-label={t('ecg:live.status')}>
      <span className="dot" /> {t(`ecg:state.${state}`)}
      {lost > 0 && <span className="ecg-lost">{t('ecg:live.lost', { count: lost })}</span>}
      {status.latencyMs !== undefined && <span className="muted">{t('ecg:live.latency', { ms: Math.round(status.latencyMs) })}</span>}
    </span>
  );
}

function ImportPanel({ patient, outpatientNumber, onSaved }: RecordingPanelProps) {
  const { t } = useTranslation();
  // Main's file dialog picks the file and answers with a handle: no path is typed or seen here (issue 15 point 8).
  const [chosen, setChosen] = useState<ChosenFile | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  /** The file's identity when it names someone else: the clinician decides before anything is attached. */
  const [mismatch, setMismatch] = useState<{ fileName: string; fileId: string } | null>(null);
  async function choose() {
    setError(null);
    setMismatch(null);
    try {
      const file = await api.files.open({ purpose: 'ecg' });
      if (file) setChosen(file);
    } catch (err) {
      setError(err);
    }
  }
  async function importFile(confirmPatient = false) {
    if (!patient || !chosen) return;
    setBusy(true);
    setError(null);
    try {
      onSaved(await api.ecg.importFile({ patientId: patient.id, file: chosen.handle, confirmPatient, outpatientNumber }));
      setChosen(null);
      setMismatch(null);
    } catch (err) {
      if (err instanceof ApiError && err.details?.reason === 'ECG_PATIENT_MISMATCH') {
        // The handle stays valid for the confirmation (main keeps it for this refusal).
        setMismatch({ fileName: String(err.details.fileName ?? ''), fileId: String(err.details.fileId ?? '') });
      } else {
        // A handle is spent by its one use: choose again after any other refusal.
        setChosen(null);
        setError(err);
      }
    } finally {
      setBusy(false);
    }
  }
  return (
    <form
      className="card"
      onSubmit={(e) => {
        e.preventDefault();
        void importFile();
      }}
    >
      <h2>{t('ecg:import.title')}</h2>
      <p className="muted">{t('ecg:import.hint')}</p>
      <div className="ecg-toolbar">
        <button type="button" onClick={() => void choose()} disabled={busy}>
          {t('ecg:import.choose')}
        </button>
        <span className="grow" data-testid="ecg-import-file">
          {chosen ? (
            t('ecg:import.chosen', { name: chosen.name, kb: Math.max(1, Math.round(chosen.bytes / 1024)) })
          ) : (
            <span className="muted">{t('ecg:import.none')}</span>
          )}
        </span>
        <button type="submit" className="primary" disabled={busy || !patient || !chosen}>
          {t('ecg:import.submit')}
        </button>
      </div>
      {mismatch && patient && (
        <div role="alertdialog" aria-label={t('ecg:identity.title')} className="ecg-identity-check" data-testid="ecg-identity-check">
          <p>
            <strong>{t('ecg:identity.title')}</strong>
          </p>
          <p>{t('ecg:identity.file', { name: mismatch.fileName || '—', id: mismatch.fileId || '—' })}</p>
          <p>{t('ecg:identity.chosen', { name: patient.name })}</p>
          <button type="button" className="primary" disabled={busy} onClick={() => void importFile(true)}>
            {t('ecg:identity.attachAnyway')}
          </button>
          <button type="button" onClick={() => setMismatch(null)}>
            {t('ecg:identity.cancel')}
          </button>
        </div>
      )}
      <EcgError error={error} />
    </form>
  );
}

function UnassignedPanel({ patient, onSaved }: { patient: PatientSummary | null; onSaved: (summary: EcgSummary) => void }) {
  const { t, i18n } = useTranslation();
  const unassigned = useUnassignedEcgs({});
  const list = unassigned.data;
  const [failed, setError] = useState<unknown>(null);
  const error = failed ?? unassigned.error;
  async function assign(ecg: EcgSummary) {
    if (!patient) return;
    setError(null);
    try {
      // The write reloads the list (every ecg resource depends on the ecg namespace).
      onSaved(await api.ecg.assign({ patientId: patient.id, ecgId: ecg.id }));
    } catch (err) {
      setError(err);
    }
  }
  return (
    <div className="card">
      <h2>{t('ecg:unassigned.title')}</h2>
      <ErrorText error={error} />
      {list && list.length === 0 && <p className="muted">{t('ecg:unassigned.none')}</p>}
      {list && list.length > 0 && (
        <table aria-label={t('ecg:unassigned.title')}>
          <thead>
            <tr>
              <th>{t('ecg:list.recordedAt')}</th>
              <th>{t('ecg:list.source')}</th>
              <th>{t('ecg:list.fileName')}</th>
              <th>{t('ecg:list.heartRate')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((ecg) => (
              <tr key={ecg.id}>
                <td>{formatEcgDateTime(ecg.recordedAt, i18n.language)}</td>
                <td>{t(`ecg:source.${ecg.source}`)}</td>
                <td className="mono">{ecg.sourceName}</td>
                <td>{ecg.measurements.heartRateBpm !== undefined ? t('ecg:list.bpm', { value: Math.round(ecg.measurements.heartRateBpm) }) : '—'}</td>
                <td>
                  <button type="button" onClick={() => void assign(ecg)} disabled={!patient}>
                    {patient ? t('ecg:unassigned.assignTo', { name: patient.name }) : t('ecg:unassigned.chooseFirst')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
