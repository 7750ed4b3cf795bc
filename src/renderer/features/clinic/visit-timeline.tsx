import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Visit } from '../../../shared/api/clinic';
import { formatDateTime } from '../../components/dates';

export interface VisitRecordGroup {
  recordId: string;
  current: Visit;
  /** Earlier versions, newest first (each replaced by a correction). */
  earlier: Visit[];
}

/** Versions of one visit share a record id; the one not superseded is the current version. */
export function groupVisits(visits: readonly Visit[]): VisitRecordGroup[] {
  const byRecord = new Map<string, Visit[]>();
  for (const visit of visits) {
    const list = byRecord.get(visit.recordId) ?? [];
    list.push(visit);
    byRecord.set(visit.recordId, list);
  }
  const groups: VisitRecordGroup[] = [];
  for (const [recordId, versions] of byRecord) {
    versions.sort((a, b) => b.version - a.version);
    const current = versions.find((v) => v.status !== 'superseded') ?? versions[0];
    groups.push({ recordId, current, earlier: versions.filter((v) => v !== current) });
  }
  return groups.sort((a, b) => (a.current.openedAt < b.current.openedAt ? 1 : -1));
}

export function VisitTimeline({ patientId, visits }: { patientId: string; visits: readonly Visit[] }) {
  const { t, i18n } = useTranslation();
  if (visits.length === 0) return <p className="muted">{t('clinic:chart.noVisits')}</p>;
  return (
    <ol className="timeline">
      {groupVisits(visits).map(({ recordId, current, earlier }) => (
        <li key={recordId} className={`timeline-item status-${current.status}`}>
          <div className="timeline-head">
            <strong>{formatDateTime(current.openedAt, i18n.language)}</strong>
            <span className={`status-chip ${current.status}`}>{t(`clinic:visit.status.${current.status}`)}</span>
            {current.version > 1 && <span className="muted">{t('clinic:visit.versionN', { version: current.version })}</span>}
            <span className="spacer" />
            <Link to={`/patients/${patientId}/visits/${current.id}`}>{t(current.status === 'open' ? 'clinic:chart.continueVisit' : 'clinic:visit.view')}</Link>
            {current.status === 'closed' && <Link to={`/print/visit/${patientId}/${current.id}`}>{t('clinic:visit.print')}</Link>}
          </div>
          <div>
            {current.chiefComplaint && <span>{current.chiefComplaint}</span>}
            {current.diagnoses.length > 0 && (
              <span className="diagnoses">
                {' '}
                {current.diagnoses.map((d) => (
                  <span key={d.code} className="chip">
                    {d.code} {d.name}
                  </span>
                ))}
              </span>
            )}
          </div>
          <div className="muted small">
            {current.closedAt
              ? t('clinic:visit.signedBy', { name: current.clinicianName, time: formatDateTime(current.closedAt, i18n.language) })
              : t('clinic:visit.openedBy', { name: current.clinicianName })}
          </div>
          {current.correctionReason && <div className="small">{t('clinic:visit.correctionReason', { reason: current.correctionReason })}</div>}
          {earlier.length > 0 && (
            <details className="versions">
              <summary>{t('clinic:visit.earlierVersions', { count: earlier.length })}</summary>
              <ul>
                {earlier.map((v) => (
                  <li key={v.id}>
                    {t('clinic:visit.versionN', { version: v.version })} ·{' '}
                    {t('clinic:visit.signedBy', { name: v.clinicianName, time: v.closedAt ? formatDateTime(v.closedAt, i18n.language) : '' })}
                    {v.correctionReason && <> · {t('clinic:visit.correctionReason', { reason: v.correctionReason })}</>}
                    {' · '}
                    {v.diagnoses.map((d) => `${d.code} ${d.name}`).join(t('clinic:listSeparator'))}{' '}
                    <Link to={`/patients/${patientId}/visits/${v.id}`}>{t('clinic:visit.view')}</Link>
                  </li>
                ))}
              </ul>
            </details>
          )}
        </li>
      ))}
    </ol>
  );
}
