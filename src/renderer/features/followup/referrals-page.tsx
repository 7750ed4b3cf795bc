import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Referral } from '../../../shared/api/followup';
import { api } from '../../api/client';
import { ErrorText } from '../../components/error-text';
import { FollowupNav } from './followup-nav';
import { ReferralList } from './referral-list';

/** 转诊: referrals whose outcome is not yet confirmed (to check by phone within 2 weeks), or all of them. */
export function ReferralsPage() {
  const { t } = useTranslation('followup');
  const [open, setOpen] = useState(true);
  const [referrals, setReferrals] = useState<Referral[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    api.followup.referrals({ open }).then(
      (list) => {
        setReferrals(list);
        setError(null);
      },
      (e: unknown) => setError(e),
    );
  }, [open]);
  useEffect(load, [load]);
  return (
    <section className="page">
      <div className="row page-head">
        <h1>{t('title')}</h1>
      </div>
      <FollowupNav />
      <div className="followup-toolbar">
        <h2>{t('referrals.title')}</h2>
        <span className="spacer" />
        <label className="check">
          <input type="checkbox" checked={!open} onChange={(e) => setOpen(!e.target.checked)} />
          {t('referrals.showAll')}
        </label>
      </div>
      <ErrorText error={error} />
      {referrals && (
        <div className="card">
          <ReferralList referrals={referrals} onChanged={load} showPatient />
        </div>
      )}
    </section>
  );
}
