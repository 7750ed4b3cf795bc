import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { ErrorText } from '../../components/error-text';
import { useIdCardPhoto } from './idcard.resource';
import { CardPhoto, ReadCardButton, type CardReadResult } from './read-card-button';

/**
 * The chart's line about the ID card: the stored photo when there is one, and 读身份证 to store (or renew) it from the
 * card of this patient. `notStored` says registration saved the patient but not the card.
 */
export function ChartCardSection({ patientId, idNumber, notStored }: { patientId: string; idNumber: string | null; notStored: boolean }) {
  const { t } = useTranslation();
  const photoOf = useIdCardPhoto(idNumber ? { patientId } : null);
  const photo = photoOf.data ?? null;
  const [failed, setError] = useState<unknown>(null);
  const error = failed ?? photoOf.error;
  const [stored, setStored] = useState(false);

  async function onRead({ card }: CardReadResult) {
    setError(null);
    setStored(false);
    if (card.idNumber !== idNumber) {
      setError(new Error('other card'));
      return;
    }
    try {
      await api.idcard.attach({ patientId, readId: card.readId });
      // An idcard write: the photo reloads by itself.
      setStored(true);
    } catch (e) {
      setError(e);
    }
  }

  if (!idNumber) return null;
  return (
    <div className="chart-card row" data-testid="chart-card">
      {photo ? <CardPhoto photo={photo} /> : <span className="muted small">{t('idcard:noPhoto')}</span>}
      <ReadCardButton onRead={(r) => void onRead(r)} />
      {notStored && !stored && !photo && <p className="error-text">{t('idcard:notStored')}</p>}
      {stored && <p className="ok-text">{t('idcard:photoStored')}</p>}
      {error instanceof Error && error.message === 'other card' ? <p className="error-text">{t('idcard:otherCard')}</p> : <ErrorText error={error} />}
    </div>
  );
}
