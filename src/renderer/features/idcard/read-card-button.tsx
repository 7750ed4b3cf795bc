import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OutputOf } from '../../../shared/api/contract';
import { lookupCode } from '../../../shared/value-sets';
import { api } from '../../api/client';
import { ErrorText } from '../../components/error-text';

export type CardReadResult = OutputOf<'idcard', 'read'>;

/**
 * 「读身份证」: asks main to read the card on the desk reader and hands the result to the page. A refusal (no card,
 * no reader, driver crashed…) is shown beside the button in the user's language.
 */
export function ReadCardButton({ onRead, className }: { onRead: (result: CardReadResult) => void; className?: string }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function read() {
    setBusy(true);
    setError(null);
    try {
      onRead(await api.idcard.read({}));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className={`read-card ${className ?? ''}`}>
      <button type="button" onClick={() => void read()} disabled={busy} aria-busy={busy}>
        {busy ? t('idcard:reading') : t('idcard:readButton')}
      </button>
      {error !== null && <ErrorText error={error} />}
    </span>
  );
}

/** The card's photo as read: a picture when the reader decoded it, else a note that the WLT needs the vendor's decoder. */
export function CardPhoto({ photo }: { photo: CardReadResult['card']['photo'] }) {
  const { t } = useTranslation();
  if (!photo) return null;
  if (photo.dataUrl) return <img className="card-photo" src={photo.dataUrl} alt={t('idcard:readButton')} width={102} height={126} />;
  return <span className="muted small">{t('idcard:photoWlt', { size: photo.size })}</span>;
}

/** What the card says beyond the form's fields: ethnicity (kept with the patient on save), authority and validity. */
export function CardFacts({ card }: { card: CardReadResult['card'] }) {
  const { t, i18n } = useTranslation();
  const ethnic = lookupCode('ethnicGroup', card.ethnicCode);
  const ethnicName = ethnic ? (i18n.language === 'en' ? ethnic.en : ethnic.zh) : null;
  const validTo = card.validTo === 'long-term' ? t('idcard:longTerm') : card.validTo;
  return (
    <p className="muted small" data-testid="card-facts">
      {[ethnicName && t('idcard:ethnicity', { name: ethnicName }), card.authority, t('idcard:validTo', { date: validTo })].filter(Boolean).join(' · ')}
    </p>
  );
}
