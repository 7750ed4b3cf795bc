import { type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { FollowUpRecord, Referral } from '../../../../shared/api/followup';
import type { Patient } from '../../../../shared/api/patients';
import { completedYears } from '../../../../shared/dates';
import { PRINT_READY_ATTRIBUTE } from '../../../../shared/print';
import { useFollowupHistory } from '../followup.resource';
import { usePatient } from '../../patients/patients.resource';
import { useSettings } from '../../settings/settings.resource';
import { ErrorText } from '../../../components/error-text';
import './forms-print.css';

interface Data {
  patient: Patient;
  referral: Referral;
  record: FollowUpRecord | undefined;
  facility: string;
}

/** A blank to fill on the line, or what the station already knows written on it. */
function Fill({ children, wide }: { children?: ReactNode; wide?: boolean }) {
  return <span className={wide ? 'fill wide' : 'fill'}>{children ?? ''}</span>;
}

function dateParts(date: string | null | undefined): { y: string; m: string; d: string } {
  if (!date) return { y: '', m: '', d: '' };
  const [y, m, d] = date.split('-');
  return { y, m: String(Number(m)), d: String(Number(d)) };
}

/**
 * 双向转诊单 of a follow-up referral: the first sheet is the referral out (转出单) with its stub (存根) kept at the
 * center, a cut line between them; the second is the return (回转单), filled with the return when the patient has
 * come back and left for the hospital to fill otherwise.
 */
export function ReferralFormPrint() {
  const { patientId = '', referralId = '' } = useParams();
  const { t } = useTranslation(['followupForms', 'followup']);
  // Resources keyed by the patient: another referral's form never shows (or reports ready) with the last one's data.
  const patient = usePatient({ patientId });
  const history = useFollowupHistory({ patientId });
  const settings = useSettings({});
  const referral = history.data?.referrals.find((r) => r.id === referralId);
  const missing = history.data && !referral ? new Error(t('referral.notFound')) : null;
  const error = patient.error ?? history.error ?? settings.error ?? missing;
  const data: Data | null =
    patient.data && history.data && settings.data && referral
      ? { patient: patient.data, referral, record: history.data.records.find((r) => r.id === referral.recordId), facility: settings.data.facilityName }
      : null;

  return (
    <div className="print-page paper-A4 national-form" {...{ [PRINT_READY_ATTRIBUTE]: data ? 'true' : 'false' }}>
      <style>{'@page { size: A4 portrait; margin: 12mm 15mm 12mm; }'}</style>
      <div className="print-toolbar no-print">
        <Link to="/followup/referrals">{t('followup:print.back')}</Link>
        <button type="button" className="primary" onClick={() => window.print()} disabled={!data}>
          {t('followup:print.print')}
        </button>
      </div>
      <ErrorText error={error} />
      {data && <ReferralSheets data={data} />}
    </div>
  );
}

function ReferralSheets({ data }: { data: Data }) {
  const { t } = useTranslation(['followupForms', 'followup']);
  const { patient, referral, record } = data;
  const facility = data.facility || t('followup:print.facilityFallback');
  const sex = t(`referral.sex_${patient.sex}`);
  const age = String(completedYears(patient.birthDate, referral.referredOn));
  const to = referral.institution ?? '';
  const on = dateParts(referral.referredOn);
  const back = dateParts(referral.returnedOn);
  const disease = t(`followup:disease.${referral.disease}`);
  const impression = [disease, record?.classification ? t(`followup:classification.${record.classification}`) : ''].filter(Boolean).join('，');
  const treatment = record
    ? [
        ...record.form.medications.map((m) => t('record.drug', { name: m.name, times: m.timesPerDay ?? '', dose: m.doseMg ?? '' })),
        record.form.insulin ? t('record.insulin', { type: record.form.insulin.type, dose: record.form.insulin.dose }) : '',
      ]
        .filter(Boolean)
        .join('；')
    : '';
  const measured = record
    ? [
        record.form.sbp !== undefined ? t('referral.bp', { sbp: record.form.sbp, dbp: record.form.dbp ?? '' }) : '',
        record.form.fbg !== undefined ? t('record.fbgValue', { value: record.form.fbg }) : '',
      ]
        .filter(Boolean)
        .join('，')
    : '';
  const history = [
    patient.hypertension ? t('followup:disease.hypertension') : '',
    patient.diabetes ? t('followup:disease.t2dm') : '',
    patient.allergies ? t('referral.allergies', { allergies: patient.allergies }) : '',
  ]
    .filter(Boolean)
    .join('；');
  const doctor = record?.doctorName ?? '';
  const who = (
    <p>
      {t('referral.patient')}
      <Fill>{patient.name}</Fill> {t('referral.sex')}
      <Fill>{sex}</Fill> {t('referral.age')}
      <Fill>{age}</Fill> {t('referral.number')}
      <Fill wide>{patient.id}</Fill>
    </p>
  );
  const where = (
    <p>
      {t('referral.address')}
      <Fill wide>{patient.address ?? patient.village ?? ''}</Fill> {t('referral.phone')}
      <Fill>{patient.phone ?? ''}</Fill>
    </p>
  );
  return (
    <>
      <article className="sheet form-sheet" aria-label={t('referral.outTitle')}>
        <section className="referral-part" aria-label={t('referral.stubTitle')}>
          <h1>{t('referral.stubTitle')}</h1>
          {who}
          {where}
          <p>
            {t('referral.stubOn', { y: on.y, m: on.m, d: on.d })} <Fill wide>{to}</Fill> {t('referral.unit')} <Fill>{referral.department ?? ''}</Fill>{' '}
            {t('referral.department')} <Fill>{referral.contactName ?? ''}</Fill> {t('referral.receivingDoctor')}
          </p>
          <p className="sign">
            {t('referral.referringDoctor')}
            <Fill>{doctor}</Fill>
          </p>
          <p className="sign">{t('referral.dateLine', { y: on.y, m: on.m, d: on.d })}</p>
        </section>
        <div className="cut-line" role="separator" aria-label={t('referral.cut')}>
          <span>{t('referral.cut')}</span>
        </div>
        <section className="referral-part" aria-label={t('referral.outTitle')}>
          <h1>{t('referral.outTitle')}</h1>
          <p>
            <Fill wide>{to}</Fill>
            {t('referral.institutionSuffix')}
          </p>
          <p>
            {t('referral.outBody', { name: patient.name, sex, age })}
            {referral.urgency === 'urgent' ? ` ${t('referral.urgent')}` : ''}
          </p>
          <p>
            {t('referral.impression')}
            <Fill wide>{impression}</Fill>
          </p>
          <p className="block">
            {t('referral.reason')}
            {referral.reason}
            {measured ? `（${measured}）` : ''}
          </p>
          <p className="block">
            {t('referral.pastHistory')}
            {history}
          </p>
          <p className="block">
            {t('referral.treatment')}
            {treatment}
          </p>
          <p className="sign">
            {t('referral.referringDoctor')}
            <Fill>{doctor}</Fill>
          </p>
          <p className="sign">
            {t('referral.contactPhone')}
            <Fill>{referral.contactPhone ?? ''}</Fill>
          </p>
          <p className="sign">{facility}</p>
          <p className="sign">{t('referral.dateLine', { y: on.y, m: on.m, d: on.d })}</p>
        </section>
      </article>
      <article className="sheet form-sheet" aria-label={t('referral.returnTitle')}>
        <section className="referral-part" aria-label={t('referral.returnStubTitle')}>
          <h1>{t('referral.returnStubTitle')}</h1>
          {who}
          {where}
          <p>
            {t('referral.returnStubOn', { y: back.y, m: back.m, d: back.d })} <Fill wide>{facility}</Fill> {t('referral.unit')}
          </p>
          <p className="sign">
            {t('referral.returningDoctor')}
            <Fill />
          </p>
        </section>
        <div className="cut-line" role="separator" aria-label={t('referral.cut')}>
          <span>{t('referral.cut')}</span>
        </div>
        <section className="referral-part" aria-label={t('referral.returnTitle')}>
          <h1>{t('referral.returnTitle')}</h1>
          <p>
            <Fill wide>{facility}</Fill>
            {t('referral.institutionSuffix')}
          </p>
          <p>{t('referral.returnBody', { name: patient.name })}</p>
          <p>
            {t('referral.diagnosis')}
            <Fill wide>{disease}</Fill> {t('referral.caseNumber')}
            <Fill />
          </p>
          <p className="block">{t('referral.findings')}</p>
          <p className="block">
            {t('referral.plan')}
            {referral.returnNote ?? ''}
          </p>
          <p className="sign">
            {t('referral.returningDoctor')}
            <Fill />
          </p>
          <p className="sign">
            {t('referral.contactPhone')}
            <Fill />
          </p>
          <p className="sign">
            <Fill wide>{to}</Fill>
          </p>
          <p className="sign">{t('referral.dateLine', { y: back.y, m: back.m, d: back.d })}</p>
        </section>
      </article>
    </>
  );
}
