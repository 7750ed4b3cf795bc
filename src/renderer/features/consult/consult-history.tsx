import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatDateTime } from '../../components/dates';
import { ErrorText } from '../../components/error-text';
import { ConsultStatusChip } from './consult-labels';
import { usePatientConsults } from './consult.resource';

/** The chart's 远程会诊 section: every consult of the patient, whatever its state, with the county's answer. */
export function ConsultHistory({ patientId }: { patientId: string }) {
  const { t } = useTranslation('consult');
  const consults = usePatientConsults({ patientId });
  if (consults.error) return <ErrorText error={consults.error} />;
  if (!consults.data) return <p className="muted">{t('common:app.loading')}</p>;
  if (consults.data.length === 0) return <p className="muted">{t('list.emptyPatient')}</p>;
  return (
    <table className="consult-history" aria-label={t('history.title')}>
      <thead>
        <tr>
          <th>{t('field.requestedAt')}</th>
          <th>{t('field.question')}</th>
          <th>{t('field.status')}</th>
          <th>{t('history.answer')}</th>
        </tr>
      </thead>
      <tbody>
        {consults.data.map((c) => (
          <tr key={c.id} data-testid="consult-history-row">
            <td>{formatDateTime(c.requestedAt)}</td>
            <td>
              <Link to={`/consult/${c.patientId}/${c.id}`}>{c.question.slice(0, 40)}</Link>
            </td>
            <td>
              <ConsultStatusChip status={c.status} />
            </td>
            <td>
              {c.answer ? (
                <>
                  {c.answer.critical && <span className="flag-critical">{t('critical.short')}</span>} {c.answer.conclusion}
                  <span className="muted small"> — {t('history.signedBy', { signer: c.answer.signer, time: formatDateTime(c.answer.signedAt) })}</span>
                </>
              ) : (
                <span className="muted">{t('history.noAnswer')}</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
