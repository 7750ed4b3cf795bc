import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatDateTime } from '../../../components/dates';
import { ErrorText } from '../../../components/error-text';
import { useAuditVerify } from '../audit.resource';
import { useSettings } from '../../settings/settings.resource';

/**
 * 审计链锚点 on paper (issue 15.4): the last chain head sent to the county platform, with the verification done
 * now. Filed or signed on paper, it is a second copy outside the station that a rewritten log cannot match.
 */
export function AuditAnchorPrint() {
  const { t } = useTranslation();
  const settings = useSettings({});
  const checked = useAuditVerify({});
  const error = settings.error ?? checked.error;
  const data = settings.data && checked.data ? { facilityName: settings.data.facilityName, verify: checked.data } : null;

  const anchor = data?.verify.anchor ?? null;
  return (
    <div className="print-page paper-A4">
      <style>{'@page { size: A4 portrait; margin: 15mm 16mm 18mm; }'}</style>
      <div className="print-toolbar no-print">
        <Link to="/audit">{t('audit.anchorBack')}</Link>
        <button type="button" className="primary" onClick={() => window.print()}>
          {t('audit.anchorPrint')}
        </button>
      </div>
      <ErrorText error={error} />
      {data && (
        <article aria-label={t('audit.anchorTitle')}>
          <h1>
            {data.facilityName} · {t('audit.anchorTitle')}
          </h1>
          <p>
            {data.verify.ok
              ? t('audit.verifyOk', { checked: data.verify.checked })
              : t('audit.verifyBad', { id: data.verify.firstBadId, problem: t(`audit.problems.${data.verify.problem ?? 'hash'}`) })}
          </p>
          {anchor ? (
            <dl className="anchor-facts">
              <dt>{t('audit.anchorThrough')}</dt>
              <dd>{anchor.through}</dd>
              <dt>{t('audit.anchorAt')}</dt>
              <dd>{formatDateTime(anchor.at)}</dd>
              <dt>{t('audit.anchorTarget')}</dt>
              <dd>{t(`audit.targets.${anchor.target}`, anchor.target)}</dd>
              <dt>{t('audit.anchorHash')}</dt>
              <dd className="mono">{anchor.headHash}</dd>
              <dt>{t('audit.anchorMatches')}</dt>
              <dd>{anchor.matches ? t('audit.anchorHeld') : t('audit.anchorLost')}</dd>
            </dl>
          ) : (
            <p>{t('audit.anchorNone')}</p>
          )}
          <p className="signature-line">{t('audit.anchorSignature')}</p>
        </article>
      )}
    </div>
  );
}
