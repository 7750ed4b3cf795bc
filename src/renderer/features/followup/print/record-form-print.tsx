import { Fragment, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { DISEASES, type Disease, type FollowUpRecord, type Referral } from '../../../../shared/api/followup';
import { PRINT_READY_ATTRIBUTE } from '../../../../shared/print';
import { useFollowupHistory } from '../followup.resource';
import { usePatient } from '../../patients/patients.resource';
import { ErrorText } from '../../../components/error-text';
import { decimal, nowTarget, referralOf, sheetsOf } from './record-form-model';
import './forms-print.css';

type Cell = (r: FollowUpRecord) => ReactNode;
/** One printed row: the group on the left (体征, 生活方式指导 …), its item, and what each visit column says. */
interface Row {
  group: string;
  item?: string;
  cell: Cell;
}

function isDisease(value: string | undefined): value is Disease {
  return (DISEASES as readonly string[]).includes(value ?? '');
}

/**
 * 高血压 / 2型糖尿病患者随访服务记录表 (2017 national standard, appendix): A4 portrait, the rows of the paper form,
 * one visit per column and four a sheet; a fifth visit starts a new sheet with the same header.
 */
export function FollowupRecordPrint() {
  const { patientId = '', disease: diseaseParam } = useParams();
  const { t } = useTranslation(['followupForms', 'followup']);
  const disease: Disease = isDisease(diseaseParam) ? diseaseParam : 'hypertension';
  // Resources keyed by the patient: another patient's form never shows (or reports ready) with the last one's data.
  const patient = usePatient({ patientId });
  const history = useFollowupHistory({ patientId });
  const error = patient.error ?? history.error;
  const data = patient.data && history.data ? { patient: patient.data, records: history.data.records, referrals: history.data.referrals } : null;

  const f = (key: string, options?: Record<string, unknown>) => t(`followup:${key}`, options ?? {});
  const rows = data ? rowsFor(disease, data.referrals, t, f) : [];
  const sheets = data ? sheetsOf(data.records, disease) : [];
  const title = t(`record.title_${disease}`);
  return (
    <div className="print-page paper-A4 national-form" {...{ [PRINT_READY_ATTRIBUTE]: data ? 'true' : 'false' }}>
      <style>{'@page { size: A4 portrait; margin: 10mm 10mm 10mm; }'}</style>
      <div className="print-toolbar no-print">
        <Link to={`/followup/patient/${patientId}`}>{f('print.back')}</Link>
        <button type="button" className="primary" onClick={() => window.print()} disabled={!data}>
          {f('print.print')}
        </button>
      </div>
      <ErrorText error={error} />
      {data &&
        sheets.map((visits, page) => (
          <article className="sheet form-sheet" key={page} aria-label={`${title} ${page + 1}`}>
            <h1 className="form-title">{title}</h1>
            <div className="form-ids">
              <span>
                {t('record.name')}：<u>{data.patient.name}</u>
              </span>
              <span>
                {t('record.number')}：<span className="mono">{data.patient.id}</span>
              </span>
            </div>
            <table className="nf-grid">
              <colgroup>
                <col className="group" />
                <col className="item" />
                {[0, 1, 2, 3].map((c) => (
                  <col key={c} className="visit" />
                ))}
              </colgroup>
              <tbody>
                {rows.map((row, i) => {
                  const first = i === 0 || rows[i - 1].group !== row.group;
                  const span = first && row.item ? rows.slice(i).findIndex((r) => r.group !== row.group) : 0;
                  return (
                    <tr key={`${row.group}-${row.item ?? ''}`}>
                      {!row.item ? (
                        <th colSpan={2} scope="row">
                          {row.group}
                        </th>
                      ) : (
                        <Fragment>
                          {first && (
                            <th rowSpan={span < 0 ? rows.length - i : span} scope="rowgroup" className="group">
                              {row.group}
                            </th>
                          )}
                          <th scope="row" className="item">
                            {row.item}
                          </th>
                        </Fragment>
                      )}
                      {[0, 1, 2, 3].map((c) => (
                        <td key={c}>{visits[c] ? row.cell(visits[c]) : ''}</td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <p className="form-foot">{t('record.page', { page: page + 1, pages: sheets.length })}</p>
          </article>
        ))}
    </div>
  );
}

type T = (key: string, options?: Record<string, unknown>) => string;

function rowsFor(disease: Disease, referrals: Referral[], t: T, f: T): Row[] {
  const g = (key: string) => t(`record.${key}`);
  const level = (v: string | undefined) => (v ? f(`level.${v}`) : '');
  const exercise = (times?: number, minutes?: number) =>
    times === undefined && minutes === undefined ? '' : t('record.exerciseValue', { times: times ?? '', minutes: minutes ?? '' });
  const rows: Row[] = [
    { group: g('date'), cell: (r) => r.form.date },
    { group: g('mode'), cell: (r) => f(`mode.${r.form.mode}`) },
    {
      group: g('symptoms'),
      cell: (r) => [...r.form.symptoms.map((s) => f(`symptom.${s}`, { defaultValue: s })), r.form.symptomsOther].filter(Boolean).join('、'),
    },
    { group: g('signs'), item: g('bp'), cell: (r) => (r.form.sbp !== undefined || r.form.dbp !== undefined ? `${r.form.sbp ?? ''}/${r.form.dbp ?? ''}` : '') },
    { group: g('signs'), item: g('weight'), cell: (r) => nowTarget(r.form.weightKg, r.form.weightTargetKg) },
    { group: g('signs'), item: g('bmi'), cell: (r) => nowTarget(decimal(r.bmi), decimal(r.form.bmiTarget)) },
    disease === 'hypertension'
      ? { group: g('signs'), item: g('heartRate'), cell: (r) => (r.form.heartRate === undefined ? '' : String(r.form.heartRate)) }
      : { group: g('signs'), item: g('dorsalisPedis'), cell: (r) => (r.form.dorsalisPedis ? f(`dorsalisPedis.${r.form.dorsalisPedis}`) : '') },
    { group: g('signs'), item: g('other'), cell: (r) => r.form.signsOther ?? '' },
    { group: g('lifestyle'), item: g('smoking'), cell: (r) => nowTarget(r.form.lifestyle.now.cigarettesPerDay, r.form.lifestyle.target.cigarettesPerDay) },
    { group: g('lifestyle'), item: g('drinking'), cell: (r) => nowTarget(r.form.lifestyle.now.alcoholLiangPerDay, r.form.lifestyle.target.alcoholLiangPerDay) },
    {
      group: g('lifestyle'),
      item: g('exercise'),
      cell: (r) => {
        const now = exercise(r.form.lifestyle.now.exerciseTimesPerWeek, r.form.lifestyle.now.exerciseMinutes);
        const target = exercise(r.form.lifestyle.target.exerciseTimesPerWeek, r.form.lifestyle.target.exerciseMinutes);
        return now || target ? `${now}/${target}` : '';
      },
    },
    disease === 'hypertension'
      ? {
          group: g('lifestyle'),
          item: g('salt'),
          cell: (r) =>
            nowTarget(
              r.form.lifestyle.now.salt ? f(`salt.${r.form.lifestyle.now.salt}`) : '',
              r.form.lifestyle.target.salt ? f(`salt.${r.form.lifestyle.target.salt}`) : '',
            ),
        }
      : { group: g('lifestyle'), item: g('staple'), cell: (r) => nowTarget(r.form.lifestyle.now.stapleFoodG, r.form.lifestyle.target.stapleFoodG) },
    { group: g('lifestyle'), item: g('psychological'), cell: (r) => level(r.form.lifestyle.psychological) },
    { group: g('lifestyle'), item: g('compliance'), cell: (r) => level(r.form.lifestyle.compliance) },
    ...(disease === 't2dm'
      ? [
          { group: g('tests'), item: g('fbg'), cell: (r: FollowUpRecord) => (r.form.fbg === undefined ? '' : `${r.form.fbg} mmol/L`) },
          {
            group: g('tests'),
            item: g('otherTests'),
            cell: (r: FollowUpRecord) =>
              [r.form.hba1c === undefined ? '' : t('record.hba1cValue', { value: r.form.hba1c, date: r.form.hba1cDate ?? '' }), r.form.testsOther ?? '']
                .filter(Boolean)
                .join('；'),
          },
        ]
      : [
          {
            group: g('tests'),
            cell: (r: FollowUpRecord) =>
              [r.form.fbg === undefined ? '' : t('record.fbgValue', { value: r.form.fbg }), r.form.testsOther ?? ''].filter(Boolean).join('；'),
          },
        ]),
    { group: g('adherence'), cell: (r) => (r.form.adherence ? f(`adherence.${r.form.adherence}`) : '') },
    { group: g('adr'), cell: (r) => (r.form.adr ? [t('record.yes'), r.form.adrDesc].filter(Boolean).join(' ') : t('record.no')) },
    ...(disease === 't2dm'
      ? [{ group: g('hypoglycemia'), cell: (r: FollowUpRecord) => (r.form.hypoglycemiaReaction ? f(`hypoglycemia.${r.form.hypoglycemiaReaction}`) : '') }]
      : []),
    { group: g('classification'), cell: (r) => (r.classification ? f(`classification.${r.classification}`) : '') },
    {
      group: g('medication'),
      cell: (r) => (
        <>
          {r.form.medications.map((m, i) => (
            <div key={i}>{t('record.drug', { name: m.name, times: m.timesPerDay ?? '', dose: m.doseMg ?? '' })}</div>
          ))}
          {disease === 't2dm' && r.form.insulin && <div>{t('record.insulin', { type: r.form.insulin.type, dose: r.form.insulin.dose })}</div>}
        </>
      ),
    },
    { group: g('referral'), item: g('referralReason'), cell: (r) => referralOf(r, referrals)?.reason ?? r.referralReason ?? '' },
    {
      group: g('referral'),
      item: g('referralTo'),
      cell: (r) => {
        const referral = referralOf(r, referrals);
        return referral ? [referral.institution, referral.department].filter(Boolean).join(' ') : '';
      },
    },
    { group: g('nextDate'), cell: (r) => r.nextDueDate ?? '' },
    { group: g('doctor'), cell: (r) => r.doctorName },
  ];
  return rows;
}
