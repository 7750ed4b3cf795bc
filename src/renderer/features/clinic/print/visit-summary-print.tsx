import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import type { Visit, VitalsRecord } from '../../../../shared/api/clinic';
import type { Patient } from '../../../../shared/api/patients';
import { formatDateTime, formatTime } from '../../../components/dates';
import { ErrorText } from '../../../components/error-text';
import { toVitalsRow } from '../vitals-display';
import { PAPER_SIZES, paperSizeOf, vitalsOfVisitDay } from './visit-summary-model';
import { maskIdNumber } from '../../patients/patient-format';
import { AgeText, SexText } from '../../patients/patient-labels';
import { usePatient } from '../../patients/patients.resource';
import { useSettings } from '../../settings/settings.resource';
import { useVisit, useVitalsList } from '../clinic.resource';

interface SummaryData {
  facilityName: string;
  patient: Patient;
  visit: Visit;
  vitals: VitalsRecord[];
}

/**
 * 门诊病历摘要 for the patient to take home. A5 portrait by default (what township clinics hand out), A4 on request.
 * Rendered outside the app layout so the printout has no chrome; the toolbar is screen-only.
 */
export function VisitSummaryPrint() {
  const { t, i18n } = useTranslation();
  const { patientId = '', visitId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const size = paperSizeOf(params.get('size'));
  const settings = useSettings({});
  const person = usePatient({ patientId });
  const shown = useVisit({ patientId, visitId });
  const vitalsOf = useVitalsList({ patientId, limit: 500 });
  const error = settings.error ?? person.error ?? shown.error ?? vitalsOf.error;
  const data: SummaryData | null =
    settings.data && person.data && shown.data && vitalsOf.data
      ? { facilityName: settings.data.facilityName, patient: person.data, visit: shown.data, vitals: vitalsOfVisitDay(vitalsOf.data, shown.data) }
      : null;

  return (
    <div className={`print-page paper-${size}`}>
      {/* @page cannot be switched by a class: the size is written into the sheet for this route only. */}
      <style>{`@page { size: ${size} portrait; margin: ${size === 'A5' ? '10mm 10mm 12mm' : '15mm 16mm 18mm'}; }`}</style>
      <div className="print-toolbar no-print">
        <Link to={`/patients/${patientId}`}>{t('clinic:print.back')}</Link>
        <label className="inline">
          {t('clinic:print.paper')}
          <select value={size} onChange={(e) => setParams({ size: e.target.value }, { replace: true })}>
            {PAPER_SIZES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="primary" onClick={() => window.print()} disabled={!data}>
          {t('clinic:print.print')}
        </button>
      </div>
      <ErrorText error={error} />
      {!data && !error && <p className="muted">{t('app.loading')}</p>}
      {data && <Summary data={data} locale={i18n.language} />}
    </div>
  );
}

function Summary({ data, locale }: { data: SummaryData; locale: string }) {
  const { t } = useTranslation();
  const { patient, visit, vitals } = data;
  return (
    <article className="sheet" aria-label={t('clinic:print.title')}>
      <header className="sheet-head">
        <div className="facility">{data.facilityName || t('app.title')}</div>
        <h1>{t('clinic:print.title')}</h1>
      </header>
      <table className="sheet-patient">
        <tbody>
          <tr>
            <th>{t('clinic:register.name')}</th>
            <td>{patient.name}</td>
            <th>{t('clinic:register.sex')}</th>
            <td>
              <SexText sex={patient.sex} />
            </td>
            <th>{t('clinic:print.age')}</th>
            <td>
              <AgeText birthDate={patient.birthDate} />
            </td>
          </tr>
          <tr>
            <th>{t('clinic:register.idNumber')}</th>
            <td colSpan={3} className="mono">
              {maskIdNumber(patient.idNumber) || '—'}
            </td>
            <th>{t('clinic:register.phone')}</th>
            <td>{patient.phone ?? '—'}</td>
          </tr>
          <tr>
            <th>{t('clinic:print.visitTime')}</th>
            <td colSpan={3}>{formatDateTime(visit.openedAt, locale)}</td>
            <th>{t('clinic:register.allergies')}</th>
            <td>{patient.allergies ?? t('clinic:chart.noAllergies')}</td>
          </tr>
        </tbody>
      </table>

      <section>
        <h2>{t('clinic:print.vitals')}</h2>
        {vitals.length === 0 ? <p>—</p> : vitals.map((record) => <VitalsLine key={record.id} record={record} locale={locale} />)}
      </section>
      <section>
        <h2>{t('clinic:visit.field.chiefComplaint')}</h2>
        <p className="pre">{visit.chiefComplaint || '—'}</p>
      </section>
      <section>
        <h2>{t('clinic:visit.field.diagnoses')}</h2>
        <ol className="sheet-diagnoses">
          {visit.diagnoses.map((d) => (
            <li key={d.code}>
              <span className="mono">{d.code}</span> {d.name}
            </li>
          ))}
        </ol>
      </section>
      <section>
        <h2>{t('clinic:visit.field.plan')}</h2>
        <p className="pre">{visit.plan || '—'}</p>
      </section>
      <section>
        <h2>{t('clinic:visit.field.prescription')}</h2>
        <p className="pre">{visit.prescription || '—'}</p>
      </section>
      <footer className="sheet-foot">
        <span>{t('clinic:print.clinician', { name: visit.clinicianName })}</span>
        <span>{visit.closedAt ? t('clinic:print.signedAt', { time: formatDateTime(visit.closedAt, locale) }) : t('clinic:print.notSigned')}</span>
        {visit.version > 1 && <span>{t('clinic:visit.versionN', { version: visit.version })}</span>}
      </footer>
    </article>
  );
}

function VitalsLine({ record, locale }: { record: VitalsRecord; locale: string }) {
  const { t } = useTranslation();
  const row = toVitalsRow(record);
  const parts: string[] = [];
  if (row.bloodPressure) parts.push(t('clinic:print.bp', { value: row.bloodPressure }));
  if (row.heartRate !== undefined) parts.push(t('clinic:print.hr', { value: row.heartRate }));
  if (row.temperatureC !== undefined) parts.push(t('clinic:print.temp', { value: row.temperatureC }));
  if (row.spo2 !== undefined) parts.push(t('clinic:print.spo2', { value: row.spo2 }));
  if (row.respiratoryRate !== undefined) parts.push(t('clinic:print.rr', { value: row.respiratoryRate }));
  if (row.weightKg !== undefined) parts.push(t('clinic:print.weight', { value: row.weightKg }));
  if (row.heightCm !== undefined) parts.push(t('clinic:print.height', { value: row.heightCm }));
  if (row.bmi !== undefined) parts.push(t('clinic:print.bmi', { value: row.bmi }));
  if (row.waistCm !== undefined) parts.push(t('clinic:print.waist', { value: row.waistCm }));
  if (row.glucose) parts.push(t(`clinic:print.glucose.${row.glucose.timing}`, { value: row.glucose.mmolPerL }));
  return (
    <p className="vitals-line">
      <span className="muted">{formatTime(record.measuredAt, locale)}</span> {parts.join(t('clinic:listSeparator'))}
    </p>
  );
}
