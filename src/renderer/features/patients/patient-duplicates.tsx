import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Patient, PatientRecordCounts } from '../../../shared/api/patients';
import { api } from '../../api/client';
import { useAuth } from '../../app/auth-context';
import { formatDate } from '../../components/dates';
import { ErrorText } from '../../components/error-text';
import { duplicatesResource, patientResource } from './patients.resource';

const FIELDS = ['name', 'idNumber', 'sex', 'birthDate', 'phone', 'village', 'address', 'healthCardNumber'] as const satisfies readonly (keyof Patient)[];
const COUNTS = ['visits', 'vitals', 'ecgs', 'enrolments', 'followups'] as const satisfies readonly (keyof PatientRecordCounts)[];

/**
 * Records pulled from another station of the center that carry the resident ID of one registered here (the same
 * resident registered on two stations while offline): both side by side, with what each holds. An administrator
 * keeps one and the other is merged into it, with every record; the merge reaches the other stations.
 */
export function PatientDuplicates() {
  const { t } = useTranslation('clinic');
  const { status } = useAuth();
  const duplicates = duplicatesResource.use(undefined);
  const [error, setError] = useState<unknown>(null);
  const list = duplicates.data ?? [];
  if (list.length === 0) return <ErrorText error={duplicates.error} />;
  const isAdmin = status?.user?.role === 'admin';
  const keep = (kept: Patient, gone: Patient) => {
    if (!window.confirm(t('duplicates.confirm', { name: kept.name, gone: gone.name }))) return;
    setError(null);
    api.patients.merge({ patientId: kept.id, mergeId: gone.id }).then(() => {
      duplicatesResource.invalidate();
      patientResource.invalidate();
    }, setError);
  };
  return (
    <section className="card" aria-label={t('duplicates.title')}>
      <h2>{t('duplicates.title')}</h2>
      <p>{t('duplicates.body')}</p>
      {!isAdmin && <p className="muted">{t('duplicates.adminOnly')}</p>}
      <ErrorText error={error} />
      {list.map((pair) => (
        <table key={pair.pulled.id} className="duplicate-pair">
          <thead>
            <tr>
              <th />
              <th>{t('duplicates.local')}</th>
              <th>{t('duplicates.pulled')}</th>
            </tr>
          </thead>
          <tbody>
            {FIELDS.map((field) => (
              <tr key={field} className={pair.local[field] !== pair.pulled[field] ? 'differs' : undefined}>
                <th>{t(`duplicates.field.${field}`)}</th>
                <td>{field === 'sex' ? t(`sex.${pair.local.sex}`) : show(pair.local, field)}</td>
                <td>{field === 'sex' ? t(`sex.${pair.pulled.sex}`) : show(pair.pulled, field)}</td>
              </tr>
            ))}
            {COUNTS.map((count) => (
              <tr key={count}>
                <th>{t(`duplicates.count.${count}`)}</th>
                <td>{pair.records.local[count]}</td>
                <td>{pair.records.pulled[count]}</td>
              </tr>
            ))}
            {isAdmin && (
              <tr>
                <th />
                <td>
                  <button type="button" onClick={() => keep(pair.local, pair.pulled)}>
                    {t('duplicates.keepThis')}
                  </button>
                </td>
                <td>
                  <button type="button" onClick={() => keep(pair.pulled, pair.local)}>
                    {t('duplicates.keepThis')}
                  </button>
                </td>
              </tr>
            )}
          </tbody>
        </table>
      ))}
    </section>
  );
}

function show(patient: Patient, field: Exclude<(typeof FIELDS)[number], 'sex'>): string {
  const value = patient[field];
  if (value === null || value === '') return '—';
  return field === 'birthDate' ? formatDate(value) : value;
}
