import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { ConsultReply } from '../../../shared/api/consult';
import { OPEN_CONSULT_STATUSES } from '../../../shared/api/consult';
import { api } from '../../api/client';
import { useAuth } from '../../app/auth-context';
import { ErrorText } from '../../components/error-text';
import { ConsultStatusChip, EcgLine, formatInstant, pdfObjectUrl, UrgencyText } from './consult-labels';
import { useConsult, useEcgReply } from './consult.resource';
import { useEcgSummary } from '../ecg/ecg.resource';

export function ConsultDetailPage() {
  const { patientId = '', consultId = '' } = useParams();
  const { t, i18n } = useTranslation('consult');
  const { status } = useAuth();
  const clinician = status?.user?.role === 'doctor' || status?.user?.role === 'admin';
  const shown = useConsult({ patientId, consultId });
  // The consult resource polls: replies arrive by sync in the background.
  const { data } = shown;
  const [failed, setError] = useState<unknown>(null);
  const error = failed ?? shown.error;

  async function cancel() {
    if (!window.confirm(t('detail.cancelConfirm'))) return;
    try {
      // The write reloads the consult (and every consult list) by itself.
      await api.consult.cancel({ patientId, consultId });
    } catch (e) {
      setError(e);
    }
  }

  if (!data) return error ? <ErrorText error={error} /> : <p className="muted">{t('common:app.loading')}</p>;
  const { consult, replies } = data;
  const timeline: [string, string | null][] = [
    ['requested', consult.requestedAt],
    ['accepted', consult.acceptedAt],
    ['in-progress', consult.startedAt],
    ['completed', consult.completedAt],
    ['rejected', consult.rejectedAt],
    ['cancelled', consult.cancelledAt],
  ];
  return (
    <section className="page">
      <div className="row page-head">
        <h1>{t('detail.title', { name: consult.patientName })}</h1>
        <ConsultStatusChip status={consult.status} />
        <span className="spacer" />
        <Link to={`/consult?patientId=${consult.patientId}`}>{t('list.history')}</Link>
      </div>
      <ErrorText error={error} />
      <div className="card">
        <p style={{ whiteSpace: 'pre-wrap' }}>{consult.question}</p>
        <p className="muted">
          <UrgencyText urgency={consult.urgency} /> · {consult.targetInstitution} · {t(`specialty.${consult.specialty}`)} ·{' '}
          {t('detail.requestedBy', { name: consult.requesterName })}
        </p>
        <p className="muted small">
          {t('detail.attached', { count: consult.ecgIds.length })}
          {consult.ecgIds.length > 0 && ` · ${t('detail.reportPdfs', { count: consult.reportPdfs })}`}
          {consult.includeVitals && ` · ${t('form.includeVitals')}`}
          {consult.includeDiagnoses && ` · ${t('form.includeDiagnoses')}`}
        </p>
        {consult.ecgIds.length > 0 && (
          <ul aria-label={t('detail.attached', { count: consult.ecgIds.length })}>
            {consult.ecgIds.map((ecgId) => (
              <AttachedEcg key={ecgId} patientId={consult.patientId} ecgId={ecgId} />
            ))}
          </ul>
        )}
        <ol className="timeline" aria-label={t('field.status')}>
          {timeline
            .filter(([, at]) => at)
            .map(([step, at]) => (
              <li key={step} className="timeline-item">
                {t(`status.${step}`)} — {formatInstant(at, i18n.language)}
              </li>
            ))}
        </ol>
        {consult.statusNote && <p className="notice-text">{t('detail.countyNote', { note: consult.statusNote })}</p>}
        {clinician && OPEN_CONSULT_STATUSES.includes(consult.status) && (
          <button type="button" onClick={() => void cancel()}>
            {t('detail.cancel')}
          </button>
        )}
      </div>
      <h2>{t('detail.replies')}</h2>
      {replies.length === 0 && <p className="card muted">{t('detail.noReply')}</p>}
      {replies.map((reply) => (
        <ReplyCard key={reply.id} patientId={consult.patientId} reply={reply} />
      ))}
    </section>
  );
}

export function ReplyCard({ patientId, reply }: { patientId: string; reply: ConsultReply }) {
  const { t, i18n } = useTranslation('consult');
  const [pdfUrl, setPdfUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => () => void (pdfUrl && URL.revokeObjectURL(pdfUrl)), [pdfUrl]);

  async function openPdf() {
    try {
      const { base64 } = await api.consult.replyPdf({ patientId, replyId: reply.id });
      setPdfUrl(pdfObjectUrl(base64));
    } catch (e) {
      setError(e);
    }
  }

  return (
    <article className="card" data-testid="consult-reply">
      {reply.critical && (
        <p className="flag-critical" role="alert">
          {t('critical.label')}: {reply.criticalText}
        </p>
      )}
      <h3>{t('detail.conclusion')}</h3>
      <p style={{ whiteSpace: 'pre-wrap' }} data-testid="reply-conclusion">
        {reply.conclusion}
      </p>
      <p className="muted" data-testid="reply-signer">
        {t('detail.signedBy', { name: reply.signer, at: formatInstant(reply.signedAt, i18n.language) })}
      </p>
      {reply.hasPdf && !pdfUrl && (
        <button type="button" onClick={() => void openPdf()}>
          {t('detail.openPdf')}
        </button>
      )}
      {pdfUrl && (
        <p>
          <a href={pdfUrl} download={`consult-reply-${reply.id}.pdf`} data-testid="reply-pdf-link">
            {t('detail.savePdf')}
          </a>
        </p>
      )}
      {pdfUrl && <iframe title={t('detail.pdfTitle')} src={pdfUrl} style={{ width: '100%', height: '70vh', border: 0 }} />}
      <ErrorText error={error} />
    </article>
  );
}

/** On an ECG: the county's answer about it, if a consult carried it. */
export function EcgConsultReply({ patientId, ecgId }: { patientId: string; ecgId: string }) {
  const { t } = useTranslation('consult');
  // No answer (or none readable) shows nothing: the viewer stands without it.
  const reply = useEcgReply({ patientId, ecgId }).data;
  if (!reply) return null;
  return (
    <section aria-label={t('detail.ecgReply')}>
      <h3>{t('detail.ecgReply')}</h3>
      <ReplyCard patientId={patientId} reply={reply} />
    </section>
  );
}

/** One ECG the consult carried: fetched alone (ecg.summary), linked to its viewer. */
function AttachedEcg({ patientId, ecgId }: { patientId: string; ecgId: string }) {
  const { data: ecg, error } = useEcgSummary({ patientId, ecgId });
  if (error)
    return (
      <li>
        <ErrorText error={error} />
      </li>
    );
  if (!ecg) return <li className="muted">…</li>;
  return (
    <li data-testid="consult-ecg">
      <Link to={`/ecg/patient/${patientId}?ecg=${ecgId}`}>
        <EcgLine ecg={ecg} />
      </Link>
    </li>
  );
}
