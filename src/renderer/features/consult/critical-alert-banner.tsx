import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CriticalAlert } from '../../../shared/api/consult';
import { api } from '../../api/client';
import { useAuth } from '../../app/auth-context';
import { ErrorText } from '../../components/error-text';
import { formatInstant } from './consult-labels';
import { useCriticalAlerts } from './consult.resource';

export function CriticalAlertBanner() {
  const { t, i18n } = useTranslation('consult');
  const { status } = useAuth();
  const clinician = status?.user?.role === 'doctor' || status?.user?.role === 'admin';
  // A failed poll leaves the last alerts up (a banner must not vanish because one read failed).
  const alerts = useCriticalAlerts({}).data ?? [];
  const [error, setError] = useState<unknown>(null);

  async function acknowledge(alert: CriticalAlert) {
    setError(null);
    try {
      // A consult write: the client reloads the alerts.
      await api.consult.acknowledge({ patientId: alert.patientId, alertId: alert.id });
    } catch (e) {
      setError(e);
    }
  }

  if (alerts.length === 0) return null;
  return (
    <div
      role="alert"
      aria-label={t('critical.label')}
      data-testid="critical-banner"
      style={{ background: 'var(--flag-critical, #b00020)', color: '#fff', padding: '8px 22px' }}
    >
      {alerts.map((alert) => (
        <div key={alert.id} className="row" style={{ alignItems: 'center' }}>
          <strong>{t('critical.label')}</strong>
          <span>{t('critical.text', { name: alert.patientName, text: alert.text, at: formatInstant(alert.raisedAt, i18n.language) })}</span>
          <Link to={`/consult/${alert.patientId}/${alert.consultId}`} style={{ color: '#fff' }}>
            {t('critical.open')}
          </Link>
          <span className="spacer" />
          {clinician ? (
            <button type="button" onClick={() => void acknowledge(alert)}>
              {t('critical.acknowledge')}
            </button>
          ) : (
            <span>{t('critical.doctorMustAcknowledge')}</span>
          )}
        </div>
      ))}
      <ErrorText error={error} />
    </div>
  );
}
