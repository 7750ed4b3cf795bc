import { Fragment, useEffect, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import type { QueueEntry, Visit } from '../../../shared/api/clinic';
import type { EnrolmentStateData } from '../../../shared/api/followup';
import type { Patient } from '../../../shared/api/patients';
import { api } from '../../api/client';
import { useAuth } from '../../app/auth-context';
import { formatDateTime } from '../../components/dates';
import { ChartCardSection } from '../idcard/chart-card-section';
import { ErrorText } from '../../components/error-text';
import { announceQueueChanged } from '../../components/latest-only';
import { BpTrendChart } from '../clinic/bp-trend-chart';
import { useQueue, useVisits, useVitalSeries, useVitalsList } from '../clinic/clinic.resource';
import { vitalsRowsOfSeries } from '../clinic/vitals-display';
import { VitalsTable } from '../clinic/vitals-table';
import { VisitTimeline } from '../clinic/visit-timeline';
import { ConsultHistory } from '../consult/consult-history';
import { CountyRecordSection } from '../county-record/county-record-section';
import { PatientEcgSection } from '../ecg/patient-ecg-section';
import { useEnrolmentStates } from '../followup/followup.resource';
import { maskIdNumber, splitNoIdReason } from './patient-format';
import { AgeText, SexText } from './patient-labels';
import { usePatient } from './patients.resource';

interface ChartData {
  patient: Patient;
  visits: Visit[];
  queueEntry: QueueEntry | null;
}

/** The one enrolment state of a disease (follow-up's), worded for the chart. */
export function enrolmentStateText(t: TFunction, e: EnrolmentStateData): string {
  if (e.state === 'enrolled') return t('clinic:enrolment.enrolled');
  if (e.state === 'ended') return t('clinic:enrolment.ended', { date: e.endedOn ?? '' });
  if (e.state === 'proposed') return t('clinic:enrolment.proposed');
  return t('clinic:enrolment.notEnrolled');
}

export function PatientChartPage() {
  const { t } = useTranslation();
  const { patientId = '' } = useParams();
  const location = useLocation();
  // Each part of the chart is its own resource: a write anywhere (vitals, a follow-up visit, the queue) reloads
  // only what it changed, and all of it loads again after the idle lock.
  const patientRes = usePatient({ patientId });
  const series = useVitalSeries({ patientId });
  const records = useVitalsList({ patientId, limit: 100 });
  const visits = useVisits({ patientId, includeSuperseded: true });
  const queue = useQueue({ includeFinished: true });
  // The one enrolment state per disease, owned by follow-up (issue 14.1): not the registration flags.
  const enrolment = useEnrolmentStates({ patientId });
  const { status } = useAuth();
  const clinician = status?.user?.role === 'doctor' || status?.user?.role === 'admin';
  const error = patientRes.error ?? series.error ?? records.error ?? visits.error ?? queue.error ?? enrolment.error;
  const patient = patientRes.data;
  const ready = Boolean(patient && visits.data && queue.data);
  const heading = useRef<HTMLHeadingElement>(null);
  // Opening a chart (F2 → Enter, a link) moves the focus to it, so the keyboard and the screen reader start on the
  // patient's name rather than on the page body.
  useEffect(() => {
    if (ready) heading.current?.focus();
  }, [ready, patientId]);

  if (!patient || !visits.data || !queue.data)
    return <section className="page">{error ? <ErrorText error={error} /> : <p className="muted">{t('app.loading')}</p>}</section>;
  const mine = queue.data.filter((entry) => entry.patient.id === patientId);
  const queueEntry = mine.find((entry) => entry.status === 'waiting' || entry.status === 'inConsultation') ?? mine[0] ?? null;
  const data: ChartData = { patient, visits: visits.data, queueEntry };
  const justRegistered = (location.state as { registered?: boolean } | null)?.registered === true;
  const cardNotStored = (location.state as { cardNotStored?: boolean } | null)?.cardNotStored === true;
  return (
    <section className="page chart-page">
      {justRegistered && (
        <p className="ok-text" role="status">
          {t('clinic:chart.registered', { name: patient.name })}
        </p>
      )}
      <header className="chart-header card">
        <div>
          <h1 ref={heading} tabIndex={-1} data-testid="chart-heading">
            {patient.name}{' '}
            <span className="muted header-facts">
              <SexText sex={patient.sex} /> · <AgeText birthDate={patient.birthDate} />
            </span>
          </h1>
          <div className="badges">
            {(enrolment.data ?? [])
              .filter((e) => e.state === 'enrolled')
              .map((e) => (
                <span key={e.disease} className="badge">
                  {t(e.disease === 'hypertension' ? 'clinic:enrolment.hypertension' : 'clinic:enrolment.diabetes')}
                </span>
              ))}
            {patient.allergies && <span className="badge danger">{t('clinic:chart.allergyBadge', { allergies: patient.allergies })}</span>}
          </div>
        </div>
        <ChartActions data={data} />
      </header>
      <ChartCardSection patientId={patient.id} idNumber={patient.idNumber} notStored={cardNotStored} />
      <ErrorText error={error} />

      <div className="chart-grid">
        <Demographics patient={patient} />
        <div className="card">
          <h2>{t('clinic:chart.enrolments')}</h2>
          <dl className="facts">
            {(enrolment.data ?? []).map((e) => (
              <Fragment key={e.disease}>
                <dt>{t(e.disease === 'hypertension' ? 'clinic:enrolment.hypertension' : 'clinic:enrolment.diabetes')}</dt>
                <dd data-enrolment-state={e.state}>{enrolmentStateText(t, e)}</dd>
              </Fragment>
            ))}
          </dl>
        </div>
      </div>

      {clinician && patient.idNumber && <CountyRecordSection patientId={patient.id} />}

      <div className="card">
        <h2>{t('clinic:chart.vitals')}</h2>
        <BpTrendChart series={series.data ?? []} />
        <VitalsTable rows={vitalsRowsOfSeries(series.data ?? [], records.data ?? [])} />
      </div>

      <div className="card">
        <h2>{t('clinic:chart.visits')}</h2>
        <VisitTimeline patientId={patient.id} visits={data.visits} />
      </div>

      <div className="card">
        <PatientEcgSection patientId={patient.id} />
      </div>

      <div className="card">
        <h2>{t('clinic:chart.section.followup')}</h2>
        <p className="muted">{t('clinic:chart.sectionBody.followup')}</p>
        <Link to={`/followup/patient/${patient.id}`}>{t('clinic:chart.openFollowup')}</Link>
      </div>

      <div className="card">
        <h2>{t('clinic:chart.section.consult')}</h2>
        <ConsultHistory patientId={patient.id} />
        <Link to={`/consult/new/${patient.id}`}>{t('clinic:chart.newConsult')}</Link>
      </div>
    </section>
  );
}

function noIdText(t: TFunction, noId: ReturnType<typeof splitNoIdReason>): string {
  if (!noId) return t('clinic:chart.noId');
  const reason = t(`clinic:noIdReason.${noId.code}`);
  return noId.note ? t('clinic:chart.noIdWithNote', { reason, note: noId.note }) : t('clinic:chart.noIdWith', { reason });
}

function Demographics({ patient }: { patient: Patient }) {
  const { t } = useTranslation();
  const noId = splitNoIdReason(patient.noIdReason);
  const rows: [string, string][] = [
    [t('clinic:register.idNumber'), patient.idNumber ? maskIdNumber(patient.idNumber) : noIdText(t, noId)],
    [t('clinic:register.birthDate'), patient.birthDate],
    [t('clinic:register.phone'), patient.phone ?? ''],
    [t('clinic:register.village'), patient.village ?? ''],
    [t('clinic:register.address'), patient.address ?? ''],
    [t('clinic:register.household'), patient.household ?? ''],
    [
      t('clinic:register.contractDoctor'),
      patient.contractDoctor
        ? t(patient.contractDate ? 'clinic:chart.contractSince' : 'clinic:chart.contractDoctorOnly', {
            doctor: patient.contractDoctor,
            date: patient.contractDate,
          })
        : t('clinic:chart.noContract'),
    ],
    [t('clinic:register.allergies'), patient.allergies ?? t('clinic:chart.noAllergies')],
  ];
  return (
    <div className="card">
      <h2>{t('clinic:chart.demographics')}</h2>
      <dl className="facts">
        {rows.map(([label, value]) => (
          <div key={label} className="fact">
            <dt>{label}</dt>
            <dd>{value || '—'}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

function ChartActions({ data }: { data: ChartData }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { status } = useAuth();
  const [priority, setPriority] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const clinician = status?.user?.role === 'doctor' || status?.user?.role === 'admin';
  const { patient, queueEntry, visits } = data;
  const inQueue = queueEntry && (queueEntry.status === 'waiting' || queueEntry.status === 'inConsultation');
  const openVisit = visits.find((v) => v.status === 'open');

  async function checkIn() {
    setError(null);
    try {
      await api.clinic.checkIn({ patientId: patient.id, priority });
      announceQueueChanged();
    } catch (e) {
      setError(e);
    }
  }

  async function startVisit() {
    setError(null);
    try {
      const visit = await api.visits.open({ patientId: patient.id, queueEntryId: inQueue ? queueEntry.id : undefined });
      announceQueueChanged();
      navigate(`/patients/${patient.id}/visits/${visit.id}`);
    } catch (e) {
      setError(e);
    }
  }

  return (
    <div className="chart-actions">
      <div className="row wrap">
        {inQueue ? (
          <span className="queue-state">
            {t('clinic:chart.inQueue', { status: t(`clinic:queue.status.${queueEntry.status}`), time: formatDateTime(queueEntry.checkedInAt, i18n.language) })}
          </span>
        ) : (
          <>
            <label className="switch">
              <input type="checkbox" checked={priority} onChange={(e) => setPriority(e.target.checked)} />
              {t('clinic:queue.priority')}
            </label>
            <button type="button" onClick={() => void checkIn()}>
              {t('clinic:chart.checkIn')}
            </button>
          </>
        )}
        <Link className="button" to={`/patients/${patient.id}/vitals`}>
          {t('clinic:chart.recordVitals')}
        </Link>
        {clinician &&
          (openVisit ? (
            <Link className="button primary" to={`/patients/${patient.id}/visits/${openVisit.id}`}>
              {t('clinic:chart.continueVisit')}
            </Link>
          ) : (
            <button type="button" className="primary" onClick={() => void startVisit()}>
              {t('clinic:chart.startVisit')}
            </button>
          ))}
      </div>
      <ErrorText error={error} />
    </div>
  );
}
