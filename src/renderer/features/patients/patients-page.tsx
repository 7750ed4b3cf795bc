import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PatientDuplicates } from './patient-duplicates';

/** The 患者 page: where to find someone (the header box) and where to register someone new. */
export function PatientsPage() {
  const { t } = useTranslation();
  return (
    <section className="page">
      <div className="row page-head">
        <h1>{t('nav.patients')}</h1>
        <span className="spacer" />
        <Link className="button primary" to="/patients/new">
          {t('clinic:register.title')}
        </Link>
      </div>
      <PatientDuplicates />
      <div className="card">
        <h2>{t('clinic:patients.findTitle')}</h2>
        <p>{t('clinic:patients.findBody')}</p>
        <ul className="muted">
          <li>{t('clinic:patients.exampleName')}</li>
          <li>{t('clinic:patients.examplePinyin')}</li>
          <li>{t('clinic:patients.exampleId')}</li>
          <li>{t('clinic:patients.examplePhone')}</li>
        </ul>
        <p className="muted small">{t('clinic:search.keys')}</p>
      </div>
    </section>
  );
}
