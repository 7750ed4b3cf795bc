import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import type { EcgSummary } from '../../../shared/api/ecg';
import { ErrorText } from '../../components/error-text';
import { formatEcgDateTime } from './ecg-format';
import { EcgViewer } from './ecg-viewer';
import { useEcgList } from './ecg.resource';
import { usePatient } from '../patients/patients.resource';
import './ecg.css';

/**
 * The patient's ECGs for the chart: the list (date, source, rate, whether a clinician has signed a reading) and,
 * for the one opened, the viewer. Mount it in the chart as <PatientEcgSection patientId={id} />; `openEcgId`
 * opens a recording straight away (a link from the capture notice).
 */
export function PatientEcgSection({ patientId, openEcgId }: { patientId: string; openEcgId?: string }) {
  const { t, i18n } = useTranslation();
  const person = usePatient({ patientId });
  const patient = person.data;
  const ecgs = useEcgList({ patientId });
  const list = ecgs.data;
  const [openId, setOpenId] = useState<string | undefined>(openEcgId);
  const error = ecgs.error ?? person.error;

  // A signed reading shows at once; the reload after the write (ecg namespace) confirms it.
  const replace = (changed: EcgSummary) => ecgs.mutate((l) => l.map((s) => (s.id === changed.id ? changed : s)));
  const open = list?.find((s) => s.id === openId);

  return (
    <section className="ecg-section" aria-labelledby="ecg-section-title">
      <h2 id="ecg-section-title">{t('ecg:section.title')}</h2>
      <ErrorText error={error} />
      {!list && !error && <p className="muted">{t('app.loading')}</p>}
      {list?.length === 0 && <p className="muted">{t('ecg:section.none')}</p>}
      {list && list.length > 0 && (
        <table className="ecg-list" aria-label={t('ecg:section.title')}>
          <thead>
            <tr>
              <th>{t('ecg:list.recordedAt')}</th>
              <th>{t('ecg:list.source')}</th>
              <th>{t('ecg:list.heartRate')}</th>
              <th>{t('ecg:list.status')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((ecg) => (
              <tr key={ecg.id} className={ecg.id === openId ? 'selected' : undefined}>
                <td>{formatEcgDateTime(ecg.recordedAt, i18n.language)}</td>
                <td>
                  {t(`ecg:source.${ecg.source}`)} <span className="muted">{ecg.sourceName}</span>
                </td>
                <td>{ecg.measurements.heartRateBpm !== undefined ? t('ecg:list.bpm', { value: Math.round(ecg.measurements.heartRateBpm) }) : '—'}</td>
                <td>{ecg.signedAt ? t('ecg:list.signed', { name: ecg.interpretedBy }) : <span className="badge">{t('ecg:list.unsigned')}</span>}</td>
                <td>
                  <button type="button" className="link" onClick={() => setOpenId(ecg.id)} aria-pressed={ecg.id === openId}>
                    {t('ecg:list.open')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && patient && <EcgViewer key={open.id} patient={patient} summary={open} onChanged={replace} />}
    </section>
  );
}

/** `/ecg/patient/:patientId`: the section on its own page (until the chart mounts it, and for links from 心电). */
export function PatientEcgPage() {
  const { t } = useTranslation();
  const { patientId = '' } = useParams();
  const [params] = useSearchParams();
  return (
    <section className="page">
      <p>
        <Link to={`/patients/${patientId}`}>{t('ecg:section.toChart')}</Link> · <Link to="/ecg">{t('ecg:section.toEcg')}</Link>
      </p>
      <PatientEcgSection key={patientId} patientId={patientId} openEcgId={params.get('ecg') ?? undefined} />
    </section>
  );
}
