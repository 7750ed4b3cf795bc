import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Referral } from '../../../shared/api/followup';
import { api } from '../../api/client';
import { useAuth } from '../../app/auth-context';
import { formatDateTime, todayInChina } from '../../components/dates';
import { ErrorText } from '../../components/error-text';
import { DateInput, focusRefusedDate } from '../../components/date-input';

/** Referrals with their 2-week check (到位 / 不到位, usually a phone call) and the patient's return. */
export function ReferralList({ referrals, onChanged, showPatient }: { referrals: Referral[]; onChanged: () => void; showPatient: boolean }) {
  const { t } = useTranslation('followup');
  if (referrals.length === 0) return <p className="muted">{t('referrals.none')}</p>;
  return (
    <table aria-label={t('referrals.title')}>
      <thead>
        <tr>
          {showPatient && <th>{t('columns.patient')}</th>}
          <th>{t('referrals.referredOn')}</th>
          <th>{t('columns.disease')}</th>
          <th>{t('referrals.urgency')}</th>
          <th>{t('referrals.reason')}</th>
          <th>{t('referrals.to')}</th>
          <th>{t('referrals.state')}</th>
          <th>{t('referrals.actions')}</th>
        </tr>
      </thead>
      <tbody>
        {referrals.map((r) => (
          <ReferralRow key={r.id} referral={r} onChanged={onChanged} showPatient={showPatient} />
        ))}
      </tbody>
    </table>
  );
}

function ReferralRow({ referral: r, onChanged, showPatient }: { referral: Referral; onChanged: () => void; showPatient: boolean }) {
  const { t } = useTranslation('followup');
  const { status } = useAuth();
  const clinician = status?.user?.role === 'doctor' || status?.user?.role === 'admin';
  const [mode, setMode] = useState<'none' | 'check' | 'return' | 'edit'>('none');
  const [date, setDate] = useState(todayInChina());
  const [text, setText] = useState('');
  const [details, setDetails] = useState({
    institution: r.institution ?? '',
    department: r.department ?? '',
    contactName: r.contactName ?? '',
    contactPhone: r.contactPhone ?? '',
  });
  const [error, setError] = useState<unknown>(null);

  const row = useRef<HTMLTableRowElement>(null);
  async function run(action: () => Promise<unknown>) {
    setError(null);
    if (focusRefusedDate(row.current)) return;
    try {
      await action();
      setMode('none');
      setText('');
      onChanged();
    } catch (e) {
      setError(e);
    }
  }

  const open = r.state === 'awaiting_check' || r.state === 'arrived';
  return (
    <tr data-testid="referral-row" ref={row}>
      {showPatient && (
        <td>
          <Link to={`/followup/patient/${r.patientId}`}>{r.patientName}</Link>
          <div className="muted mono">{r.phone ?? ''}</div>
        </td>
      )}
      <td>{r.referredOn}</td>
      <td>{t(`disease.${r.disease}`)}</td>
      <td>{r.urgency === 'urgent' ? <span className="badge danger">{t('referrals.urgent')}</span> : t('referrals.routine')}</td>
      <td>{r.reason}</td>
      <td>
        {[r.institution, r.department].filter(Boolean).join(' ') || '—'}
        {r.contactName && <div className="muted">{[r.contactName, r.contactPhone].filter(Boolean).join(' ')}</div>}
      </td>
      <td>
        {t(`referralState.${r.state}`)}
        {r.checkDue && (
          <div>
            {t('referrals.checkBy', { date: r.checkDue })}{' '}
            {r.daysLate > 0 && <span className="days-late">{t('reminders.daysLate', { count: r.daysLate })}</span>}
          </div>
        )}
        {r.checks.map((c) => (
          <div key={c.id} className="muted small">
            {c.checkDate} {t(`checkMode.${c.mode}`)} {t(`checkOutcome.${c.outcome}`)} {c.detail ?? ''}
          </div>
        ))}
        {r.county && (
          <div className={r.county.status === 'rejected' ? 'small days-late' : 'small'} data-testid="referral-county">
            {t(`referrals.county.${r.county.status}`, { where: [r.county.institution, r.county.department].filter(Boolean).join(' ') })}
            {r.county.updatedAt && <span className="muted"> · {formatDateTime(r.county.updatedAt)}</span>}
            {r.county.note && <div className="muted">{r.county.note}</div>}
          </div>
        )}
        {r.returnedOn && <div className="muted small">{t('referrals.returned', { date: r.returnedOn, note: r.returnNote ?? '' })}</div>}
      </td>
      <td>
        <Link className="no-print" to={`/print/referral/${r.patientId}/${r.id}`}>
          {t('followupForms:referral.print')}
        </Link>
        {open && mode === 'none' && (
          <div className="row">
            {r.state === 'awaiting_check' && (
              <button type="button" onClick={() => setMode('check')}>
                {t('referrals.recordCheck')}
              </button>
            )}
            {clinician && (
              <button type="button" onClick={() => setMode('return')}>
                {t('referrals.recordReturn')}
              </button>
            )}
            {clinician && (
              <button type="button" className="link" onClick={() => setMode('edit')}>
                {t('referrals.edit')}
              </button>
            )}
          </div>
        )}
        {mode !== 'none' && mode !== 'edit' && (
          <div>
            <DateInput label={t('referrals.date')} kind="pastEvent" required value={date} onChange={(v) => setDate(v)} />
            <label>
              {t(mode === 'check' ? 'referrals.detail' : 'referrals.returnNote')}
              <input value={text} onChange={(e) => setText(e.target.value)} />
            </label>
            {mode === 'check' ? (
              <div className="row">
                {(['completed', 'not_completed'] as const).map((outcome) => (
                  <button
                    key={outcome}
                    type="button"
                    onClick={() =>
                      void run(() => api.followup.checkReferral({ patientId: r.patientId, referralId: r.id, date, mode: 'phone', outcome, detail: text }))
                    }
                  >
                    {t(`checkOutcome.${outcome}`)}
                  </button>
                ))}
                <button type="button" className="link" onClick={() => setMode('none')}>
                  {t('common.cancel')}
                </button>
              </div>
            ) : (
              <SaveOrCancel
                label={t('referrals.saveReturn')}
                onSave={() => void run(() => api.followup.recordReturn({ patientId: r.patientId, referralId: r.id, date, note: text }))}
                onCancel={() => setMode('none')}
              />
            )}
          </div>
        )}
        {mode === 'edit' && (
          <div>
            {(['institution', 'department', 'contactName', 'contactPhone'] as const).map((key) => (
              <label key={key}>
                {t(`referral.${key}`)}
                <input value={details[key]} onChange={(e) => setDetails((d) => ({ ...d, [key]: e.target.value }))} />
              </label>
            ))}
            <SaveOrCancel
              label={t('common.save')}
              onSave={() => void run(() => api.followup.updateReferral({ patientId: r.patientId, referralId: r.id, ...details }))}
              onCancel={() => setMode('none')}
            />
          </div>
        )}
        <ErrorText error={error} />
      </td>
    </tr>
  );
}

function SaveOrCancel({ label, onSave, onCancel }: { label: string; onSave: () => void; onCancel: () => void }) {
  const { t } = useTranslation('followup');
  return (
    <div className="row">
      <button type="button" className="primary" onClick={onSave}>
        {label}
      </button>
      <button type="button" className="link" onClick={onCancel}>
        {t('common.cancel')}
      </button>
    </div>
  );
}
