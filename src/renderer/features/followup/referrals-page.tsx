import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../components/error-text';
import { FollowupNav } from './followup-nav';
import { ReferralList } from './referral-list';
import { useReferrals } from './followup.resource';
import { PageHeader } from '../../components/form';

/** 转诊: referrals whose outcome is not yet confirmed (to check by phone within 2 weeks), or all of them. */
export function ReferralsPage() {
  const { t } = useTranslation('followup');
  const [open, setOpen] = useState(true);
  const list = useReferrals({ open });
  const referrals = list.data;
  const error = list.error;
  return (
    <section className="page">
      <PageHeader title={t('title')} />
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
          <ReferralList referrals={referrals} onChanged={list.reload} showPatient />
        </div>
      )}
    </section>
  );
}
