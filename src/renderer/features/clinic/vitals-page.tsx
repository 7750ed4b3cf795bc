import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { Patient } from '../../../shared/api/patients';
import { completedYears } from '../../../shared/dates';
import { api } from '../../api/client';
import { todayInChina } from '../../components/dates';
import { ErrorText } from '../../components/error-text';
import { UnsavedGuard } from '../../components/unsaved-guard';
import { AgeText, SexText } from '../patients/patient-labels';
import { usePatient } from '../patients/patients.resource';
import { useVisits } from './clinic.resource';
import { VitalsForm } from './vitals-form';
import type { PatientFacts, VitalsInput } from './vitals-form-model';

export function patientFacts(patient: Pick<Patient, 'sex' | 'birthDate'>, today: string): PatientFacts {
  return { sex: patient.sex === 'U' ? undefined : patient.sex, ageYears: completedYears(patient.birthDate, today) };
}

/** Vitals for one person; recorded against the open visit when there is one, so the visit summary lists them. */
export function VitalsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { patientId = '' } = useParams();
  const patientRes = usePatient({ patientId });
  const visits = useVisits({ patientId, includeSuperseded: false });
  const patient = visits.data ? patientRes.data : undefined;
  const openVisit = visits.data?.find((v) => v.status === 'open') ?? null;
  const error = patientRes.error ?? visits.error;
  const [saveError, setSaveError] = useState<unknown>(null);
  const dirty = useRef(false);

  async function save(input: VitalsInput) {
    setSaveError(null);
    try {
      await api.vitals.record({ patientId, visitId: openVisit?.id, input });
      dirty.current = false;
      navigate(openVisit ? `/patients/${patientId}/visits/${openVisit.id}` : `/patients/${patientId}`);
    } catch (e) {
      setSaveError(e);
    }
  }

  if (!patient) return <section className="page">{error ? <ErrorText error={error} /> : <p className="muted">{t('app.loading')}</p>}</section>;
  return (
    <section className="page">
      <UnsavedGuard isDirty={() => dirty.current} />
      <h1>
        {t('clinic:vitals.title')} · <Link to={`/patients/${patient.id}`}>{patient.name}</Link>{' '}
        <span className="muted header-facts">
          <SexText sex={patient.sex} /> · <AgeText birthDate={patient.birthDate} />
        </span>
      </h1>
      {openVisit && <p className="muted">{t('clinic:vitals.linkedToVisit')}</p>}
      <VitalsForm
        patient={patientFacts(patient, todayInChina())}
        onSave={save}
        serverError={<ErrorText error={saveError} />}
        onDirtyChange={(d) => {
          dirty.current = d;
        }}
      />
    </section>
  );
}
