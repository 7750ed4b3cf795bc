import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api/errors';

/** The translation key for an error: a detail-specific variant first (e.g. PASSWORD_POLICY_minLength), then the code. */
export function errorKeys(err: unknown): { keys: string[]; params: Record<string, unknown> } {
  if (err instanceof ApiError) {
    const d = err.details ?? {};
    const variants: string[] = [];
    if (typeof d.rule === 'string') variants.push(`errors:${err.code}_${d.rule}`);
    if (typeof d.remaining === 'number') variants.push(`errors:${err.code}_remaining`);
    const params: Record<string, unknown> = { ...d };
    if (typeof d.until === 'string') params.until = new Date(d.until);
    return { keys: [...variants, `errors:${err.code}`], params };
  }
  return { keys: ['errors:INTERNAL'], params: {} };
}

export function ErrorText({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const { keys, params } = errorKeys(error);
  return (
    <p role="alert" className="error-text">
      {t(keys, params)}
    </p>
  );
}
