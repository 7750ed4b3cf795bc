import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { normalizeResidentIdInput, parseResidentId, type ResidentIdError, type ResidentIdInfo } from '../../../shared/resident-id';

export const RESIDENT_ID_LENGTH = 18;

export type IdFeedback =
  { state: 'empty' } | { state: 'incomplete'; length: number } | { state: 'invalid'; errors: ResidentIdError[] } | { state: 'valid'; info: ResidentIdInfo };

/** Characters typed so far that can never be right, reported while the number is still being typed. */
function earlyCharacterErrors(id: string): ResidentIdError[] {
  const errors: ResidentIdError[] = [];
  for (let i = 0; i < id.length && i < RESIDENT_ID_LENGTH; i++) {
    const char = id[i];
    const digit = char >= '0' && char <= '9';
    if (!digit && !(i === RESIDENT_ID_LENGTH - 1 && char === 'X')) errors.push({ code: 'ID_CHARACTER', position: i + 1, char });
  }
  return errors;
}

/**
 * What the ID field says about what was typed: nothing judged until the 18th character (or until the user leaves a
 * shorter number), except characters that are wrong wherever they stand, which are said at once.
 * `today` is the clinic's China date: an ID born "tomorrow" is refused.
 */
export function idFeedback(raw: string, today: string, left: boolean): IdFeedback {
  const id = normalizeResidentIdInput(raw);
  if (id.length === 0) return { state: 'empty' };
  if (id.length < RESIDENT_ID_LENGTH && !left) {
    const early = earlyCharacterErrors(id);
    return early.length > 0 ? { state: 'invalid', errors: early } : { state: 'incomplete', length: id.length };
  }
  const parsed = parseResidentId(id, today);
  return parsed.ok ? { state: 'valid', info: parsed } : { state: 'invalid', errors: parsed.errors };
}

interface Props {
  value: string;
  onChange(value: string): void;
  today: string;
  /** A server refusal for this field (shown under it). */
  serverError?: ReactNode;
}

export function IdNumberField({ value, onChange, today, serverError }: Props) {
  const { t } = useTranslation();
  const [left, setLeft] = useState(false);
  const feedbackId = useId();
  const feedback = idFeedback(value, today, left);
  return (
    <div className="field id-field">
      <label>
        {t('clinic:register.idNumber')}
        <input
          value={value}
          onChange={(e) => {
            setLeft(false);
            onChange(e.target.value);
          }}
          onBlur={() => setLeft(true)}
          inputMode="text"
          autoComplete="off"
          spellCheck={false}
          maxLength={24}
          className={`mono ${feedback.state === 'invalid' ? 'invalid' : feedback.state === 'valid' ? 'valid' : ''}`}
          aria-invalid={feedback.state === 'invalid'}
          aria-describedby={feedbackId}
        />
      </label>
      <div id={feedbackId} className="field-feedback" aria-live="polite">
        {feedback.state === 'incomplete' && (
          <span className="muted">{t('clinic:register.idProgress', { length: feedback.length, total: RESIDENT_ID_LENGTH })}</span>
        )}
        {feedback.state === 'invalid' && (
          <ul className="error-list" role="alert">
            {feedback.errors.map((error, i) => (
              <li key={`${error.code}-${i}`}>{t(`clinic-rules:idCard.${error.code}`, { ...error })}</li>
            ))}
          </ul>
        )}
        {feedback.state === 'valid' && (
          <span className="ok-text">
            {t('clinic:register.idValid', {
              province: t('clinic:register.provinceName', { zh: feedback.info.province.zh, en: feedback.info.province.en }),
              birthDate: feedback.info.birthDate,
              sex: t(`clinic:sex.${feedback.info.sex}`),
            })}
          </span>
        )}
        {serverError}
      </div>
    </div>
  );
}
