import { useTranslation } from 'react-i18next';
import { VALUE_SETS, type ValueSetId } from '../../../shared/value-sets';

/**
 * A select over one national value set (src/shared/value-sets.ts): the form offers exactly the codes the store,
 * the FHIR Coding and the CDA documents carry, worded in the user's language, with the code shown beside it.
 */
export function NationalCodeSelect(props: { set: ValueSetId; label: string; value: string; onChange: (code: string) => void }) {
  const { t, i18n } = useTranslation('clinic');
  const english = !i18n.language.startsWith('zh');
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">{t('register.notGiven')}</option>
        {VALUE_SETS[props.set].entries.map((entry) => (
          <option key={entry.code} value={entry.code}>
            {entry.code} {english ? entry.en : entry.zh}
          </option>
        ))}
      </select>
    </label>
  );
}
