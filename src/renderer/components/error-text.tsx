import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api/errors';
import { refusalKey } from '../../shared/api/refusals';

/**
 * Catalog keys for a shared clinical rule's code: resident-ID codes (ID_*) from the GB 11643 check, vitals codes
 * from the vitals rules; both have their texts in clinic-rules. Services' own refusals are looked up by
 * refusalKey instead. i18next takes the first key that exists, so a code with no text falls through to the generic
 * text for the error code.
 */
export function reasonKeys(reason: string): string[] {
  if (reason.startsWith('ID_')) return [`clinic-rules:idCard.${reason}`];
  return [`clinic-rules:vitals.${reason}`];
}

/** The translation key for an error: a detail-specific variant first (e.g. PASSWORD_POLICY_minLength), then the code. */
export function errorKeys(err: unknown): { keys: string[]; params: Record<string, unknown> } {
  if (err instanceof ApiError) {
    const d = err.details ?? {};
    const variants: string[] = [];
    // ECG readers name their failure (EcgFormatError codes, src/main/ecg/formats/errors.ts): ecg:formatError.<code>.
    if (err.code === 'ECG_FORMAT' && typeof d.reason === 'string') variants.push(`ecg:formatError.${d.reason}`);
    // A service refusal names its reason from a closed list (src/shared/api/refusals.ts): word it from that alone.
    const refusal = typeof d.reason === 'string' ? refusalKey(d.reason) : null;
    if (refusal) variants.push(refusal);
    else if (typeof d.reason === 'string') variants.push(...reasonKeys(d.reason));
    if (typeof d.rule === 'string') variants.push(`errors:${err.code}_${d.rule}`);
    if (typeof d.remaining === 'number') variants.push(`errors:${err.code}_remaining`);
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
