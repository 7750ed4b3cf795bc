import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { REMINDER_KINDS, type ReminderKindName } from '../../../shared/api/followup';
import { api } from '../../api/client';
import { ErrorText } from '../../components/error-text';
import { useVillages } from '../patients/patients.resource';
import { AgeText, SexText } from '../patients/patient-labels';
import { FollowupNav } from './followup-nav';
import { PageHeader } from '../../components/form';
import { reasonIn } from './followup-form-model';
import { NationalExport } from './national-export';
import { useFamilyDoctors, useReminders } from './followup.resource';

/** One screen of a list; the CSV and the printout carry all of it. */
const PAGE = 200;

export interface ReminderFilters {
  village: string;
  familyDoctor: string;
  kind: ReminderKindName;
}

/** The query string a call-list printout or CSV uses for the filters on screen. */
export function filterQuery(f: ReminderFilters): string {
  const params = new URLSearchParams();
  if (f.village) params.set('village', f.village);
  if (f.familyDoctor) params.set('doctor', f.familyDoctor);
  params.set('kind', f.kind);
  return params.toString();
}

export function downloadText(fileName: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** 随访提醒: the day's lists, each item with its reason, filtered by village and family doctor. */
export function RemindersPage() {
  const { t, i18n } = useTranslation('followup');
  const [filters, setFilters] = useState<ReminderFilters>({ village: '', familyDoctor: '', kind: 'overdue' });
  const villages = useVillages({}).data ?? [];
  const doctors = useFamilyDoctors({}).data ?? [];
  const reminders = useReminders({
    village: filters.village || undefined,
    familyDoctor: filters.familyDoctor || undefined,
    kind: filters.kind,
    limit: PAGE,
    offset: 0,
  });
  const data = reminders.data;
  const [csvError, setCsvError] = useState<unknown>(null);
  const error = csvError ?? reminders.error;

  async function downloadCsv() {
    setCsvError(null);
    try {
      const csv = await api.followup.callListCsv({
        village: filters.village || undefined,
        familyDoctor: filters.familyDoctor || undefined,
        kind: filters.kind,
        locale: i18n.language.startsWith('zh') ? 'zh-CN' : 'en',
      });
      downloadText(csv.fileName, csv.content);
    } catch (e) {
      setCsvError(e);
    }
  }

  const set = (patch: Partial<ReminderFilters>) => setFilters((f) => ({ ...f, ...patch }));
  // The configured villages, and any other a listed patient lives in (registered before the list was set up).
  const villageOptions = [...new Set([...villages, ...(data?.items.flatMap((i) => (i.village ? [i.village] : [])) ?? [])])];
  return (
    <section className="page">
      <PageHeader title={t('title')}>{data && <span className="muted">{t('reminders.asOf', { date: data.today })}</span>}</PageHeader>
      <FollowupNav />
      <div className="followup-toolbar">
        <label>
          {t('filters.village')}
          <select value={filters.village} onChange={(e) => set({ village: e.target.value })}>
            <option value="">{t('filters.allVillages')}</option>
            {villageOptions.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('filters.familyDoctor')}
          <select value={filters.familyDoctor} onChange={(e) => set({ familyDoctor: e.target.value })}>
            <option value="">{t('filters.allDoctors')}</option>
            {doctors.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <span className="spacer" />
        <Link className="button" to={`/print/followup/calls?${filterQuery(filters)}`}>
          {t('reminders.printCalls')}
        </Link>
        <button type="button" onClick={() => void downloadCsv()}>
          {t('reminders.downloadCsv')}
        </button>
      </div>
      <div className="reminder-kinds" role="group" aria-label={t('reminders.lists')}>
        {REMINDER_KINDS.map((kind) => (
          <button key={kind} type="button" aria-pressed={filters.kind === kind} onClick={() => set({ kind })}>
            {t(`kinds.${kind}`)}
            <span className="count">{data?.counts[kind] ?? '…'}</span>
          </button>
        ))}
      </div>
      <ErrorText error={error} />
      {data && data.items.length === 0 && <p className="card muted">{t('reminders.empty')}</p>}
      {data && data.items.length > 0 && (
        <table className="card" aria-label={t(`kinds.${filters.kind}`)}>
          <thead>
            <tr>
              <th>{t('columns.patient')}</th>
              <th>{t('columns.disease')}</th>
              <th>{t('columns.due')}</th>
              <th>{t('columns.reason')}</th>
              <th>{t('columns.phone')}</th>
              <th>{t('columns.village')}</th>
              <th>{t('columns.familyDoctor')}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((item, i) => (
              <tr key={`${item.patientId}-${item.disease}-${item.kind}-${i}`} data-testid="reminder-row">
                <td>
                  <Link to={`/followup/patient/${item.patientId}`}>{item.name}</Link>{' '}
                  <span className="muted">
                    <SexText sex={item.sex} /> · <AgeText birthDate={item.birthDate} />
                  </span>
                </td>
                <td>{item.disease ? t(`disease.${item.disease}`) : '—'}</td>
                <td>
                  {item.dueDate ?? '—'} {item.daysLate > 0 && <span className="days-late">{t('reminders.daysLate', { count: item.daysLate })}</span>}
                </td>
                <td>{reasonIn(item.reason, i18n.language)}</td>
                <td className="mono">{item.phone ?? ''}</td>
                <td>{item.village ?? ''}</td>
                <td>{item.familyDoctor ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && data.total > data.items.length && <p className="muted">{t('reminders.more', { shown: data.items.length, total: data.total })}</p>}
      {data && <NationalExport today={data.today} download={downloadText} />}
    </section>
  );
}
