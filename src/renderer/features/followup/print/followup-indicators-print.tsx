import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { todayInChina } from '../../../components/dates';
import { ErrorText } from '../../../components/error-text';
import { percent } from '../indicators-page';
import { useIndicators } from '../followup.resource';
import { useSettings } from '../../settings/settings.resource';
import '../followup.css';

/** 慢病管理指标报表 for a year: the three rates with numerator and denominator, and how each is defined. */
export function FollowupIndicatorsPrint() {
  const { t } = useTranslation('followup');
  const [params] = useSearchParams();
  const year = Number(params.get('year')) || Number(todayInChina().slice(0, 4));
  const indicators = useIndicators({ year });
  const settings = useSettings({});
  const error = indicators.error ?? settings.error;
  const data = indicators.data && settings.data ? { indicators: indicators.data, facility: settings.data.facilityName } : null;
  return (
    <div className="print-page paper-A4">
      <style>{'@page { size: A4 portrait; margin: 15mm 16mm 18mm; }'}</style>
      <div className="print-toolbar no-print">
        <Link to="/followup/indicators">{t('print.back')}</Link>
        <button type="button" className="primary" onClick={() => window.print()} disabled={!data}>
          {t('print.print')}
        </button>
      </div>
      <ErrorText error={error} />
      {data && (
        <article className="sheet" aria-label={t('print.indicatorsTitle', { year })}>
          <header className="sheet-head">
            <div className="facility">{data.facility || t('print.facilityFallback')}</div>
            <h1>{t('print.indicatorsTitle', { year })}</h1>
            <p>{t('print.period', { start: data.indicators.start, end: data.indicators.end })}</p>
          </header>
          <table className="indicators">
            <thead>
              <tr>
                <th>{t('print.indicator')}</th>
                <th>{t('print.numerator')}</th>
                <th>{t('print.denominator')}</th>
                <th>{t('print.rate')}</th>
              </tr>
            </thead>
            <tbody>
              {(['hypertension', 't2dm'] as const).flatMap((disease) => {
                const d = data.indicators[disease];
                return [
                  <tr key={`${disease}-s`}>
                    <td>
                      {t(`disease.${disease}`)} {t('indicators.standardManagement')}
                    </td>
                    <td>{d.standardManagement.numerator}</td>
                    <td>{d.standardManagement.denominator}</td>
                    <td>{percent(d.standardManagement.rate)}</td>
                  </tr>,
                  <tr key={`${disease}-c`}>
                    <td>{t(`indicators.control_${disease}`)}</td>
                    <td>{d.control.numerator}</td>
                    <td>{d.control.denominator}</td>
                    <td>{percent(d.control.rate)}</td>
                  </tr>,
                ];
              })}
            </tbody>
          </table>
          <section>
            <h2>{t('print.notes')}</h2>
            <p>{t('indicators.definitions')}</p>
            <p>
              {t('print.lostLine', {
                htn: data.indicators.hypertension.lostToFollowUp,
                dm: data.indicators.t2dm.lostToFollowUp,
                htnMissing: data.indicators.hypertension.latestValueMissing,
                dmMissing: data.indicators.t2dm.latestValueMissing,
              })}
            </p>
          </section>
          <footer className="sheet-foot">
            <span>{t('print.madeOn', { date: todayInChina() })}</span>
            <span>{t('print.signature')}</span>
          </footer>
        </article>
      )}
    </div>
  );
}
