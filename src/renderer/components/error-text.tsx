import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api/errors';

/**
 * Catalog keys for a rule's own reason code, most specific first. Resident-ID codes (ID_*) come from the shared
 * GB 11643 check, vitals codes from the shared vitals rules; both have their texts in clinic-rules. The services'
 * own reasons (NO_ID_REASON_REQUIRED, VISIT_CLOSED, ID_MISMATCH, ...) live in clinic:reasons. i18next takes the
 * first key that exists, so a reason with no text falls through to the generic text for the error code.
 */
export function reasonKeys(reason: string): string[] {
  const own = `clinic:reasons.${reason}`;
  if (reason.startsWith('ID_')) return [`clinic-rules:idCard.${reason}`, own];
  return [`clinic-rules:vitals.${reason}`, own];
}

/** The translation key for an error: a detail-specific variant first (e.g. PASSWORD_POLICY_minLength), then the code. */
export function errorKeys(err: unknown): { keys: string[]; params: Record<string, unknown> } {
  if (err instanceof ApiError) {
    const d = err.details ?? {};
    const variants: string[] = [];
    // ECG readers name their failure (EcgFormatError codes, src/main/ecg/formats/errors.ts): ecg:formatError.<code>.
    if (err.code === 'ECG_FORMAT' && typeof d.reason === 'string') variants.push(`ecg:formatError.${d.reason}`);
    // The follow-up service's own reasons (followup-service.ts) have their texts in followup:reasons.
    if (typeof d.reason === 'string' && d.reason.startsWith('FOLLOWUP_')) variants.push(`followup:reasons.${d.reason}`);
    if (typeof d.reason === 'string') variants.push(...reasonKeys(d.reason));
    if (typeof d.rule === 'string') variants.push(`errors:${err.code}_${d.rule}`);
    if (typeof d.remaining === 'number') variants.push(`errors:${err.code}_remaining`);
    // Codes without a reason, told apart by what their details carry (see clinic-service / patient-service).
    if (err.code === 'DUPLICATE' && typeof d.entryId === 'string') variants.push('clinic:reasons.ALREADY_CHECKED_IN');
    if (err.code === 'DUPLICATE' && typeof d.patientId === 'string') variants.push('clinic:reasons.DUPLICATE_ID');
    if (err.code === 'CONFLICT' && typeof d.from === 'string' && typeof d.to === 'string') variants.push('clinic:reasons.QUEUE_TRANSITION');
    if (err.code === 'CONFLICT' && d.field === 'version') variants.push('clinic:reasons.STALE_VERSION');
    const params: Record<string, unknown> = { ...d };
    if (typeof d.until === 'string') params.until = new Date(d.until);
    return { keys: [...variants, `errors:${err.code}`], params };
  }
  return { keys: ['errors:INTERNAL'], params: {} };
}

export function ErrorText({ error, id }: { error: unknown; id?: string }) {
  const { t, i18n } = useTranslation();
  if (!error) return null;
  const { keys, params } = errorKeys(error);
  // A schema failure names the field by its API path; show the form's label for it where the catalog has one.
  const field = typeof params.field === 'string' && i18n.exists(`clinic:fields.${params.field}`) ? t(`clinic:fields.${params.field}`) : params.field;
  return (
    <p role="alert" className="error-text" id={id}>
      {t(keys, { ...params, field })}
    </p>
  );
}
