import { useTranslation } from 'react-i18next';
import type { EcgMeasurements } from '../../../shared/ecg';
import { ecgStatements, type EcgStatement } from '../../../shared/ecg-statements';

/** The statements' text as it goes into the clinician's reading: one per line, in the page's language. */
export function statementLines(statements: readonly EcgStatement[], t: (key: string) => string): string {
  return statements.map((s) => t(`ecg:statements.code.${s.code}`)).join('\n');
}

/**
 * Our automatic statements, each with the criterion it used, marked as machine analysis. "Copy into the reading"
 * only fills the editable text: signing stays the clinician's act.
 */
export function EcgStatementsPanel({
  measurements,
  sex,
  adult,
  onAdopt,
}: {
  measurements: EcgMeasurements;
  sex: 'M' | 'F' | 'U';
  adult: boolean;
  onAdopt?: (text: string) => void;
}) {
  const { t } = useTranslation();
  const statements = ecgStatements({ measurements, sex, adult });
  return (
    <section className="ecg-statements" aria-label={t('ecg:statements.title')}>
      <h4>{t('ecg:statements.title')}</h4>
      <p className="muted small" data-testid="ecg-machine-note">
        {t('ecg:statements.machineNote')}
      </p>
      {statements.length === 0 ? (
        <p className="muted">{t('ecg:statements.none')}</p>
      ) : (
        <ul data-testid="ecg-statements">
          {statements.map((s) => (
            <li key={`${s.code}-${s.criterion.rule}`}>
              <strong>{t(`ecg:statements.code.${s.code}`)}</strong>{' '}
              <span className="muted small">— {t(`ecg:statements.criterion.${s.criterion.rule}`, { ...s.criterion })}</span>
            </li>
          ))}
        </ul>
      )}
      {onAdopt && statements.length > 0 && (
        <button type="button" onClick={() => onAdopt(statementLines(statements, t))}>
          {t('ecg:statements.adopt')}
        </button>
      )}
    </section>
  );
}
