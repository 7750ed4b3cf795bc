import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { CONSULT_SPECIALTIES, CONSULT_URGENCIES, MAX_CONSULT_ECGS, type ConsultSpecialty, type ConsultUrgency } from '../../../shared/api/consult';
import { ApiError } from '../../../shared/api/errors';
import { api } from '../../api/client';
import { ErrorText } from '../../components/error-text';
import { EcgLine } from './consult-labels';
import { useEcgList } from '../ecg/ecg.resource';
import { usePatient } from '../patients/patients.resource';

/** The county hospital most stations consult; the field stays editable for the others. */
const DEFAULT_INSTITUTION_KEY = 'form.defaultInstitution';

export function ConsultNewPage() {
  const { patientId = '' } = useParams();
  const { t } = useTranslation('consult');
  const navigate = useNavigate();
  const person = usePatient({ patientId });
  const patient = person.data;
  // A patient whose ECGs cannot be read can still be consulted about without one.
  const ecgs = useEcgList({ patientId }).data ?? [];
  const [question, setQuestion] = useState('');
  const [urgency, setUrgency] = useState<ConsultUrgency>('routine');
  const [institution, setInstitution] = useState(() => t(DEFAULT_INSTITUTION_KEY));
  const [specialty, setSpecialty] = useState<ConsultSpecialty>('cardiology');
  const [ecgIds, setEcgIds] = useState<string[]>([]);
  const [includeVitals, setIncludeVitals] = useState(true);
  const [includeDiagnoses, setIncludeDiagnoses] = useState(true);
  const [failed, setError] = useState<unknown>(null);
  const error = failed ?? person.error;
  const [saving, setSaving] = useState(false);

  function toggleEcg(id: string, on: boolean) {
    setEcgIds((current) => (on ? [...current, id].slice(0, MAX_CONSULT_ECGS) : current.filter((each) => each !== id)));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const consult = await api.consult.create({
        patientId,
        question,
        urgency,
        targetInstitution: institution,
        specialty,
        ecgIds,
        includeVitals,
        includeDiagnoses,
      });
      navigate(`/consult/${patientId}/${consult.id}`);
    } catch (e) {
      setError(e);
      setSaving(false);
    }
  }

  function notConfigured(e: unknown): boolean {
    return e instanceof ApiError && e.details?.reason === 'CONSULT_TARGET_NOT_CONFIGURED';
  }

  return (
    <section className="page">
      <h1>{t('form.title', { name: patient?.name ?? '' })}</h1>
      <form className="card" onSubmit={(event) => void submit(event)}>
        <label>
          {t('field.question')}
          <textarea required maxLength={2000} rows={5} value={question} onChange={(event) => setQuestion(event.target.value)} />
        </label>
        <div className="form-grid">
          <label>
            {t('field.urgency')}
            <select value={urgency} onChange={(event) => setUrgency(event.target.value as ConsultUrgency)}>
              {CONSULT_URGENCIES.map((value) => (
                <option key={value} value={value}>
                  {t(`urgency.${value}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('field.institution')}
            <input required maxLength={80} value={institution} onChange={(event) => setInstitution(event.target.value)} />
          </label>
          <label>
            {t('field.specialty')}
            <select value={specialty} onChange={(event) => setSpecialty(event.target.value as ConsultSpecialty)}>
              {CONSULT_SPECIALTIES.map((value) => (
                <option key={value} value={value}>
                  {t(`specialty.${value}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <fieldset>
          <legend>{t('form.attachEcgs', { max: MAX_CONSULT_ECGS })}</legend>
          {ecgs.length === 0 && <p className="muted">{t('form.noEcgs')}</p>}
          {ecgs.map((ecg) => (
            <label key={ecg.id} className="inline">
              <input type="checkbox" checked={ecgIds.includes(ecg.id)} onChange={(event) => toggleEcg(ecg.id, event.target.checked)} />
              <EcgLine ecg={ecg} />
            </label>
          ))}
        </fieldset>
        <label className="inline">
          <input type="checkbox" checked={includeVitals} onChange={(event) => setIncludeVitals(event.target.checked)} />
          {t('form.includeVitals')}
        </label>
        <label className="inline">
          <input type="checkbox" checked={includeDiagnoses} onChange={(event) => setIncludeDiagnoses(event.target.checked)} />
          {t('form.includeDiagnoses')}
        </label>
        <p className="muted small">{t('form.offlineNote')}</p>
        {notConfigured(error) ? <p className="error-text">{t('form.notConfigured')}</p> : <ErrorText error={error} />}
        <button type="submit" className="primary" disabled={saving || question.trim().length === 0}>
          {t('form.submit')}
        </button>
      </form>
    </section>
  );
}
