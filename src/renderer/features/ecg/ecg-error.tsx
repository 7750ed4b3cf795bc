import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../shared/api/errors';
import { ErrorText } from '../../components/error-text';

/**
 * ErrorText, plus the ECG service's own refusal that is not a format error: capturing before the device has sent
 * enough signal (CONFLICT with reason ECG_NOT_ENOUGH_SIGNAL, see ecg-service capture()).
 */
export function EcgError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (error instanceof ApiError && error.details?.reason === 'ECG_NOT_ENOUGH_SIGNAL') {
    return (
      <p role="alert" className="error-text">
        {t('ecg:errors.notEnoughSignal', { seconds: error.details.seconds })}
      </p>
    );
  }
  return <ErrorText error={error} />;
}
