import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../components/dates';
import type { ConsultStatus, ConsultUrgency } from '../../../shared/api/consult';
import type { EcgSummary } from '../../../shared/api/ecg';

/** Chip colours follow the clinician's next step: waiting (neutral), county working (info), answered or not (end). */
const STATUS_CLASS: Record<ConsultStatus, string> = {
  requested: 'status-chip',
  accepted: 'badge',
  'in-progress': 'badge',
  completed: 'badge ok',
  rejected: 'badge danger',
  cancelled: 'status-chip',
};

export function ConsultStatusChip({ status }: { status: ConsultStatus }) {
  const { t } = useTranslation('consult');
  return (
    <span className={STATUS_CLASS[status]} data-testid="consult-status" data-status={status}>
      {t(`status.${status}`)}
    </span>
  );
}

export function UrgencyText({ urgency }: { urgency: ConsultUrgency }) {
  const { t } = useTranslation('consult');
  return <span className={urgency === 'routine' ? '' : 'flag-high'}>{t(`urgency.${urgency}`)}</span>;
}

/** ISO instant → yyyy-MM-dd HH:mm in the clinic's zone, as every screen writes it. */
export function formatInstant(value: string | null, _locale?: string): string {
  return formatDateTime(value);
}

/** The signed PDF as a blob URL (the renderer never receives file paths). */
export function pdfObjectUrl(base64: string): string {
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  return URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
}

/** One ECG as the consult screens name it: when, the rate, and the signed reading (or that none is signed yet). */
export function EcgLine({ ecg }: { ecg: Pick<EcgSummary, 'recordedAt' | 'measurements' | 'interpretation'> }) {
  const { t, i18n } = useTranslation('consult');
  return (
    <>
      {t('form.ecgLabel', {
        at: formatInstant(ecg.recordedAt, i18n.language),
        rate: ecg.measurements.heartRateBpm === undefined ? '—' : Math.round(ecg.measurements.heartRateBpm),
        interpretation: ecg.interpretation ?? t('form.notInterpreted'),
      })}
    </>
  );
}
