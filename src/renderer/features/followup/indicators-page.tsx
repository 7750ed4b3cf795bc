import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Disease } from '../../../shared/api/followup';
import { todayInChina } from '../../components/dates';
import { ErrorText } from '../../components/error-text';
import { FollowupNav } from './followup-nav';
import { useIndicatorPatients, useIndicators } from './followup.resource';
import { PageHeader } from '../../components/form';

type IndicatorName = 'standardManagement' | 'control';
type Part = 'numerator' | 'notNumerator' | 'denominator';

/** A rate as the report prints it: one decimal, or a dash when nobody is managed. */
export function percent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

/** 指标: 规范管理率, 血压控制率, 血糖控制率 for a year, each number opening the list of patients behind it. */
export function IndicatorsPage() {
  const { t } = useTranslation('followup');
  const thisYear = Number(todayInChina().slice(0, 4));
  const [year, setYear] = useState(thisYear);
  const [drill, setDrill] = useState<{ disease: Disease; indicator: IndicatorName; part: Part } | null>(null);
  const indicators = useIndicators({ year });
  const data = indicators.data;
  const drilled = useIndicatorPatients(drill ? { year, ...drill } : null);
  const rows = drilled.data ?? null;
  const error = indicators.error ?? drilled.error;

  return (
    <section className="page">
      <PageHeader title={t('title')} />
      <FollowupNav />
      <div className="followup-toolbar">
        <label>
          {t('indicators.year')}
          <select
            value={year}
            onChange={(e) => {
              setDrill(null);
              setYear(Number(e.target.value));
            }}
          >
            {[0, 1, 2, 3].map((back) => (
              <option key={back} value={thisYear - back}>
                {thisYear - back}
              </option>
            ))}
          </select>
        </label>
        <span className="spacer" />
        <Link className="button" to={`/print/followup/indicators?year=${year}`}>
          {t('indicators.print')}
        </Link>
      </div>
      <ErrorText error={error} />
      {data && (
        <table className="card indicator-table" aria-label={t('indicators.title', { year })}>
          <thead>
            <tr>
              <th>{t('columns.disease')}</th>
              <th>{t('indicators.managed')}</th>
              <th>{t('indicators.standardManagement')}</th>
              <th>{t('indicators.control')}</th>
              <th>{t('indicators.lost')}</th>
            </tr>
          </thead>
          <tbody>
            {(['hypertension', 't2dm'] as const).map((disease) => {
              const d = data[disease];
              const cell = (indicator: IndicatorName) => (
                <td className="rate">
                  {percent(d[indicator].rate)}{' '}
                  <button type="button" className="link" onClick={() => setDrill({ disease, indicator, part: 'numerator' })}>
                    {d[indicator].numerator}
                  </button>
                  /
                  <button type="button" className="link" onClick={() => setDrill({ disease, indicator, part: 'denominator' })}>
                    {d[indicator].denominator}
                  </button>{' '}
                  <button type="button" className="link" onClick={() => setDrill({ disease, indicator, part: 'notNumerator' })}>
                    {t('indicators.notMet', { count: d[indicator].denominator - d[indicator].numerator })}
                  </button>
                </td>
              );
              return (
                <tr key={disease}>
                  <th>{t(`disease.${disease}`)}</th>
                  <td>{d.control.denominator}</td>
                  {cell('standardManagement')}
                  {cell('control')}
                  <td>{d.lostToFollowUp}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <p className="muted small">{t('indicators.definitions')}</p>
      {drill && (
        <div className="card">
          <h2>
            {t(`disease.${drill.disease}`)} · {t(drill.indicator === 'control' ? `indicators.control_${drill.disease}` : 'indicators.standardManagement')} ·{' '}
            {t(`indicators.part.${drill.part}`)}
          </h2>
          {!rows && <p className="muted">{t('loading')}</p>}
          {rows && rows.length === 0 && <p className="muted">{t('indicators.nobody')}</p>}
          {rows && rows.length > 0 && (
            <table aria-label={t('indicators.drillDown')}>
              <thead>
                <tr>
                  <th>{t('columns.patient')}</th>
                  <th>{t('columns.village')}</th>
                  <th>{t('columns.familyDoctor')}</th>
                  <th>{t('indicators.visits')}</th>
                  <th>{t('indicators.latest')}</th>
                  <th>{t('indicators.status')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.patientId}>
                    <td>
                      <Link to={`/followup/patient/${r.patientId}`}>{r.name}</Link>
                    </td>
                    <td>{r.village ?? ''}</td>
                    <td>{r.familyDoctor ?? ''}</td>
                    <td>{r.faceToFaceInYear}</td>
                    <td className="mono">
                      {r.latestDate ?? '—'} {drill.disease === 'hypertension' ? `${r.latestSbp ?? '—'}/${r.latestDbp ?? '—'}` : (r.latestFbg ?? '—')}
                    </td>
                    <td>{t(`indicatorStatus.${r.status}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
