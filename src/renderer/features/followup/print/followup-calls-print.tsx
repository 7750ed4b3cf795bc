import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { REMINDER_KINDS, type ReminderKindName } from '../../../../shared/api/followup';
import { ErrorText } from '../../../components/error-text';
import { reasonIn } from '../followup-form-model';
import { useReminders } from '../followup.resource';
import { useSettings } from '../../settings/settings.resource';
import '../followup.css';

/** The whole list on paper (the screen shows a page of it); 2,000 rows is a county's worst day, not a township's. */
const PRINT_LIMIT = 2000;

function kindOf(value: string | null): ReminderKindName | undefined {
  return (REMINDER_KINDS as readonly string[]).includes(value ?? '') ? (value as ReminderKindName) : undefined;
}

/**
 * 随访电话名单: A4 portrait, grouped by village as the list comes (village, then name), a box to tick when called
 * and room to note the answer. Filters come in the query string from the reminder screen.
 */
export function FollowupCallsPrint() {
  const { t, i18n } = useTranslation('followup');
  const [params] = useSearchParams();
  const village = params.get('village') ?? undefined;
  const familyDoctor = params.get('doctor') ?? undefined;
  const kind = kindOf(params.get('kind'));
  const list = useReminders({ village, familyDoctor, kind, limit: PRINT_LIMIT });
  const settings = useSettings({});
  const error = list.error ?? settings.error;
  const data =
    list.data && settings.data ? { today: list.data.today, items: list.data.items, total: list.data.total, facility: settings.data.facilityName } : null;
  return (
    <div className="print-page paper-A4">
      <style>{'@page { size: A4 portrait; margin: 12mm 12mm 14mm; }'}</style>
      <div className="print-toolbar no-print">
        <Link to="/followup">{t('print.back')}</Link>
        <button type="button" className="primary" onClick={() => window.print()} disabled={!data}>
          {t('print.print')}
        </button>
      </div>
      <ErrorText error={error} />
      {!data && !error && <p className="muted">{t('loading')}</p>}
      {data && (
        <article className="sheet" aria-label={t('print.callsTitle')}>
          <header className="sheet-head">
            <div className="facility">{data.facility || t('print.facilityFallback')}</div>
            <h1>{t('print.callsTitle')}</h1>
            <p>
              {[
                kind ? t(`kinds.${kind}`) : t('print.allKinds'),
                village ?? t('filters.allVillages'),
                familyDoctor ?? t('filters.allDoctors'),
                t('print.asOf', { date: data.today }),
              ].join(' · ')}
            </p>
          </header>
          <table className="calls">
            <thead>
              <tr>
                <th>{t('columns.patient')}</th>
                <th>{t('columns.phone')}</th>
                <th>{t('columns.village')}</th>
                <th>{t('columns.reason')}</th>
                <th>{t('columns.due')}</th>
                <th>{t('print.called')}</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((item, i) => (
                <tr key={`${item.patientId}-${item.kind}-${item.disease}-${i}`}>
                  <td>{item.name}</td>
                  <td className="mono">{item.phone ?? ''}</td>
                  <td>{item.village ?? ''}</td>
                  <td>{reasonIn(item.reason, i18n.language)}</td>
                  <td>{item.dueDate ?? ''}</td>
                  <td className="called">☐</td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.total > data.items.length && <p>{t('print.truncated', { shown: data.items.length, total: data.total })}</p>}
          <footer className="sheet-foot">
            <span>{t('print.count', { count: data.items.length })}</span>
            <span>{t('print.caller')}</span>
          </footer>
        </article>
      )}
    </div>
  );
}
