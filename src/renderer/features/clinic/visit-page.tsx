import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { z } from 'zod';
import type { Visit, visitFieldsSchema } from '../../../shared/api/clinic';
import type { Patient } from '../../../shared/api/patients';
import { api } from '../../api/client';
import { formatDateTime, formatTime } from '../../components/dates';
import { ErrorText } from '../../components/error-text';
import { announceQueueChanged } from '../../components/latest-only';
import { UnsavedGuard } from '../../components/unsaved-guard';
import { AgeText, SexText } from '../patients/patient-labels';
import { DiagnosisPicker } from './diagnosis-picker';
import { useAutosave } from './use-autosave';
import { useVisit } from './clinic.resource';
import { usePatient } from '../patients/patients.resource';

export type VisitFields = z.output<typeof visitFieldsSchema>;

export function fieldsOf(visit: Visit): VisitFields {
  const { chiefComplaint, history, examination, diagnoses, plan, prescription } = visit;
  return { chiefComplaint, history, examination, diagnoses, plan, prescription };
}

const TEXT_FIELDS = [
  { key: 'chiefComplaint', rows: 2, max: 500 },
  { key: 'history', rows: 4, max: 4000 },
  { key: 'examination', rows: 3, max: 4000 },
] as const;
const AFTER_DIAGNOSES = [
  { key: 'plan', rows: 3, max: 4000 },
  { key: 'prescription', rows: 4, max: 4000 },
] as const;

export function VisitPage() {
  const { t } = useTranslation();
  const { patientId = '', visitId = '' } = useParams();
  const person = usePatient({ patientId });
  const shown = useVisit({ patientId, visitId });
  const patient = person.data;
  const visit = shown.data;
  const error = person.error ?? shown.error;
  const { mutate } = shown;
  const onClosed = useCallback((closed: Visit) => mutate(() => closed), [mutate]);

  if (!patient || !visit || visit.id !== visitId)
    return <section className="page">{error ? <ErrorText error={error} /> : <p className="muted">{t('app.loading')}</p>}</section>;
  return (
    <section className="page visit-page">
      <h1>
        {t('clinic:visit.title')} · <Link to={`/patients/${patient.id}`}>{patient.name}</Link>{' '}
        <span className="muted header-facts">
          <SexText sex={patient.sex} /> · <AgeText birthDate={patient.birthDate} />
        </span>
      </h1>
      {visit.status === 'open' ? (
        <OpenVisitEditor key={visit.id} visit={visit} onClosed={onClosed} />
      ) : (
        <ClosedVisit key={visit.id} visit={visit} patient={patient} />
      )}
    </section>
  );
}

function VisitFieldsEditor({ fields, onChange, onBlur }: { fields: VisitFields; onChange(next: VisitFields): void; onBlur?(): void }) {
  const { t } = useTranslation();
  const text = (spec: { key: 'chiefComplaint' | 'history' | 'examination' | 'plan' | 'prescription'; rows: number; max: number }) => (
    <label key={spec.key}>
      {t(`clinic:visit.field.${spec.key}`)}
      <textarea
        rows={spec.rows}
        maxLength={spec.max}
        value={fields[spec.key]}
        onChange={(e) => onChange({ ...fields, [spec.key]: e.target.value })}
        onBlur={onBlur}
      />
    </label>
  );
  return (
    <div className="visit-fields">
      {TEXT_FIELDS.map(text)}
      <div className="field">
        <span className="label-text">{t('clinic:visit.field.diagnoses')}</span>
        <DiagnosisPicker value={fields.diagnoses} onChange={(diagnoses) => onChange({ ...fields, diagnoses })} onBlur={onBlur} />
      </div>
      {AFTER_DIAGNOSES.map(text)}
    </div>
  );
}

function OpenVisitEditor({ visit, onClosed }: { visit: Visit; onClosed(v: Visit): void }) {
  const { t, i18n } = useTranslation();
  const [fields, setFields] = useState<VisitFields>(() => fieldsOf(visit));
  const [closeError, setCloseError] = useState<unknown>(null);
  const [closing, setClosing] = useState(false);
  const autosave = useAutosave(
    fields,
    async (f) => {
      await api.visits.save({ patientId: visit.patientId, visitId: visit.id, ...f });
    },
    true,
  );

  async function signAndClose() {
    setCloseError(null);
    setClosing(true);
    try {
      if (!(await autosave.flush())) return;
      const closed = await api.visits.close({ patientId: visit.patientId, visitId: visit.id });
      announceQueueChanged();
      onClosed(closed);
    } catch (e) {
      setCloseError(e);
    } finally {
      setClosing(false);
    }
  }

  const saveState =
    autosave.state === 'saved' && autosave.savedAt
      ? t('clinic:visit.autosave.savedAt', { time: formatTime(autosave.savedAt.toISOString(), i18n.language) })
      : t(`clinic:visit.autosave.${autosave.state}`);
  return (
    <div className="card">
      <UnsavedGuard isDirty={autosave.isDirty} />
      <div className="row visit-toolbar">
        <span className={`autosave-state ${autosave.state}`} role="status" data-testid="autosave-state">
          {saveState}
        </span>
        <span className="muted small">
          {t('clinic:visit.openedBy', { name: visit.clinicianName })} · {formatDateTime(visit.openedAt, i18n.language)}
        </span>
        <span className="spacer" />
        <Link className="button" to={`/patients/${visit.patientId}/vitals`}>
          {t('clinic:chart.recordVitals')}
        </Link>
        <button type="button" className="primary" disabled={closing} onClick={() => void signAndClose()}>
          {t('clinic:visit.signAndClose')}
        </button>
      </div>
      <ErrorText error={closeError} />
      {autosave.state === 'failed' && <ErrorText error={autosave.error} />}
      <VisitFieldsEditor
        fields={fields}
        onChange={(next) => {
          setFields(next);
          setCloseError(null);
        }}
        onBlur={() => void autosave.flush()}
      />
    </div>
  );
}

function ReadOnlyFields({ visit }: { visit: Visit }) {
  const { t } = useTranslation();
  const rows = [...TEXT_FIELDS.map((f) => f.key), 'diagnoses', ...AFTER_DIAGNOSES.map((f) => f.key)] as const;
  return (
    <dl className="visit-readonly">
      {rows.map((key) => (
        <div key={key} className="fact">
          <dt>{t(`clinic:visit.field.${key}`)}</dt>
          <dd>
            {key === 'diagnoses'
              ? visit.diagnoses.map((d) => (
                  <span key={d.code} className="chip">
                    <span className="mono">{d.code}</span> {d.name}
                  </span>
                ))
              : visit[key] || '—'}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function ClosedVisit({ visit, patient }: { visit: Visit; patient: Patient }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [correcting, setCorrecting] = useState(false);
  const [fields, setFields] = useState<VisitFields>(() => fieldsOf(visit));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  // A ref, not state: the guard must see "saved" in the same tick as the navigation to the new version.
  const done = useRef(false);
  const dirty = correcting && (reason.trim() !== '' || JSON.stringify(fields) !== JSON.stringify(fieldsOf(visit)));

  async function saveCorrection() {
    setError(null);
    try {
      const next = await api.visits.correct({ patientId: patient.id, visitId: visit.id, ...fields, reason: reason.trim() });
      done.current = true;
      navigate(`/patients/${patient.id}/visits/${next.id}`, { replace: true });
    } catch (e) {
      setError(e);
    }
  }

  return (
    <div className="card">
      <UnsavedGuard isDirty={() => dirty && !done.current} />
      <div className="row visit-toolbar">
        <span className={`status-chip ${visit.status}`}>{t(`clinic:visit.status.${visit.status}`)}</span>
        {visit.version > 1 && <span className="muted">{t('clinic:visit.versionN', { version: visit.version })}</span>}
        <span className="muted small">
          {visit.closedAt && t('clinic:visit.signedBy', { name: visit.clinicianName, time: formatDateTime(visit.closedAt, i18n.language) })}
        </span>
        <span className="spacer" />
        {visit.status === 'closed' && (
          <>
            <Link className="button" to={`/print/visit/${patient.id}/${visit.id}`}>
              {t('clinic:visit.print')}
            </Link>
            {!correcting && (
              <button type="button" onClick={() => setCorrecting(true)}>
                {t('clinic:visit.correct')}
              </button>
            )}
          </>
        )}
      </div>
      {visit.correctionReason && <p className="small">{t('clinic:visit.correctionReason', { reason: visit.correctionReason })}</p>}
      {visit.status === 'superseded' && <p className="notice warn">{t('clinic:visit.supersededNote')}</p>}
      {!correcting && <ReadOnlyFields visit={visit} />}
      {correcting && (
        <>
          <p className="muted">{t('clinic:visit.correctionHint')}</p>
          <VisitFieldsEditor fields={fields} onChange={setFields} />
          <label>
            {t('clinic:visit.correctionReasonLabel')}
            <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
          </label>
          <ErrorText error={error} />
          <div className="row">
            <button type="button" className="primary" disabled={reason.trim().length < 2} onClick={() => void saveCorrection()}>
              {t('clinic:visit.saveCorrection')}
            </button>
            <button type="button" onClick={() => (setCorrecting(false), setFields(fieldsOf(visit)), setReason(''))}>
              {t('common.cancel')}
            </button>
          </div>
        </>
      )}
    </div>
  );
}
