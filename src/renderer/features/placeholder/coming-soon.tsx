import { useTranslation } from 'react-i18next';

/** For features whose issue is still open: says so plainly instead of showing a fake screen. */
export function ComingSoon({ feature }: { feature: string }) {
  const { t } = useTranslation();
  return (
    <section className="page">
      <h1>{t(`nav.${feature}`)}</h1>
      <p className="card muted">{t('coming.body')}</p>
    </section>
  );
}
