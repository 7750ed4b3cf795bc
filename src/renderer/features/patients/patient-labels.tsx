import { useTranslation } from 'react-i18next';
import type { PatientSummary } from '../../../shared/api/patients';
import { todayInChina } from '../../components/dates';
import { ageKey, ageOf } from './patient-format';

export function AgeText({ birthDate }: { birthDate: string }) {
  const { t } = useTranslation();
  const { key, count } = ageKey(ageOf({ birthDate }, todayInChina()));
  return <>{t(key, { count })}</>;
}

export function SexText({ sex }: { sex: PatientSummary['sex'] }) {
  const { t } = useTranslation();
  return <>{t(`clinic:sex.${sex}`)}</>;
}
