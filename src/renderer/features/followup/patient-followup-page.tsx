import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { END_REASONS, HOW_FOUND, type Disease, type Enrolment, type OutputOf } from '../../../shared/api';
import { api } from '../../api/client';
import { useAuth } from '../../app/auth-context';
import { todayInChina } from '../../components/dates';
import { ErrorText } from '../../components/error-text';
import { AgeText, SexText } from '../patients/patient-labels';
import { FollowupNav } from './followup-nav';
import { useEnrolmentStates, useFollowupHistory } from './followup.resource';
import { usePatient } from '../patients/patients.resource';
import { reasonIn } from './followup-form-model';
import { ReferralList } from './referral-list';
import { TrendCharts } from './trend-charts';
import { FollowupDateInput, SameDayConfirm, savedVisitOf, VisitForm, type FollowupFormProps, type SavedVisit } from './visit-form';
import { OptionalChoices } from '../../components/form';
import { DateInput, useDatedAction } from '../../components/date-input';

type History = OutputOf<'followup', 'history'>;

/** A patient's follow-up: programmes, the visit form with the engine's proposal, referrals, trends and history. */
export function PatientFollowupPage() {
  const { t } = useTranslation('followup');
  const { patientId = '' } = useParams();
  const { status } = useAuth();
  const clinician = status?.user?.role === 'doctor' || status?.user?.role === 'admin';
  const person = usePatient({ patientId });
  const historyOf = useFollowupHistory({ patientId });
  const statesOf = useEnrolmentStates({ patientId });
  const patient = person.data;
  const history = historyOf.data;
  const states = statesOf.data ?? [];
  const error = person.error ?? historyOf.error ?? statesOf.error;
  const [disease, setDisease] = useState<Disease | null>(null);
  const [saved, setSaved] = useState<SavedVisit | null>(null);
  const today = todayInChina();

  // Every follow-up write already reloads these; a child's "changed" also covers a refused write's optimistic view.
  const { reload: reloadHistory } = historyOf;
  const { reload: reloadStates } = statesOf;
  const reload = useCallback(() => {
    reloadHistory();
    reloadStates();
  }, [reloadHistory, reloadStates]);

  // Clinicians record the visit; nurses a phone contact (spec A3).
  const ContactForm = clinician ? VisitForm : PhoneContactForm;
  const open = history?.enrolments.filter((e) => e.endedOn === null) ?? [];
  // The history and the states reload apart after an enrolment; a disease the history already shows enrolled is
  // never also offered as a proposal, whichever answer arrives first.
  const proposed = states.filter((e) => e.state === 'proposed' && !open.some((o) => o.disease === e.disease)).map((e) => e.disease);
  const chosen = disease && open.some((e) => e.disease === disease) ? disease : (open[0]?.disease ?? null);

  if (!patient || !history) return <section className="page">{error ? <ErrorText error={error} /> : <p className="muted">{t('loading')}</p>}</section>;
  return (
    <section className="page">
      <FollowupNav />
      <header className="card">
        <h1>
          {patient.name}{' '}
          <span className="muted">
            <SexText sex={patient.sex} /> · <AgeText birthDate={patient.birthDate} /> · {patient.village ?? ''}
          </span>
        </h1>
        <p className="muted">
          {t('patient.phone')}: <span className="mono">{patient.phone ?? '—'}</span> · {t('patient.familyDoctor')}: {patient.contractDoctor ?? '—'} ·{' '}
          <Link to={`/patients/${patient.id}`}>{t('patient.chart')}</Link>
        </p>
      </header>
      <ErrorText error={error} />
      <EnrolmentCard
        patientId={patientId}
        birthDate={patient.birthDate}
        enrolments={history.enrolments}
        proposed={proposed}
        clinician={clinician}
        today={today}
        onChanged={reload}
      />

      {open.length > 0 && chosen && (
        <>
          {open.length > 1 && (
            <div className="reminder-kinds" role="group" aria-label={t('patient.programme')}>
              {open.map((e) => (
                <button key={e.disease} type="button" aria-pressed={chosen === e.disease} onClick={() => setDisease(e.disease)}>
                  {t(`disease.${e.disease}`)}
                </button>
              ))}
            </div>
          )}
          {saved && <SavedBanner saved={saved} />}
          <ContactForm
            key={`${chosen}-${history.records.length}`}
            patientId={patientId}
            disease={chosen}
            today={today}
            birthDate={patient.birthDate}
            enrolledOn={open.find((e) => e.disease === chosen)?.enrolledOn}
            onSaved={(s) => {
              setSaved(s);
              reload();
            }}
          />
        </>
      )}

      <div className="card">
        <h2>{t('referrals.title')}</h2>
        <ReferralList referrals={history.referrals} onChanged={reload} showPatient={false} />
      </div>
      <div className="card">
        <h2>{t('trend.title')}</h2>
        <TrendCharts patientId={patientId} birthDate={patient.birthDate} today={today} />
      </div>
      <HistoryTable history={history} />
      {clinician && <HealthCheckCard patientId={patientId} birthDate={patient.birthDate} today={today} onSaved={reload} />}
    </section>
  );
}

/** Why a next date moved: the holiday's name, or 休息日. */
function shiftWhy(shift: NonNullable<SavedVisit['nextDateShift']>, t: (key: string) => string): string {
  return shift.reason === 'holiday' && shift.name ? shift.name : t('saved.restDay');
}

function SavedBanner({ saved }: { saved: SavedVisit }) {
  const { t } = useTranslation('followup');
  return (
    <div className="card ok-text" role="status" data-testid="followup-saved">
      <strong>{t('saved.title')}</strong> {saved.classification ? `${t(`classification.${saved.classification}`)} · ` : ''}
      {t(`action.${saved.action}`)}
      {saved.nextDueDate ? ` · ${t('saved.next', { date: saved.nextDueDate })}` : ''}
      {saved.referralReason ? ` · ${t('saved.referral', { reason: saved.referralReason })}` : ''}
      {saved.nextDateShift && saved.nextDueDate && (
        <div data-testid="followup-next-shift">{t('saved.shifted', { date: saved.nextDueDate, why: shiftWhy(saved.nextDateShift, t) })}</div>
      )}
      <div className="muted">{saved.reason}</div>
    </div>
  );
}

function EnrolmentCard({
  patientId,
  birthDate,
  enrolments,
  proposed,
  clinician,
  today,
  onChanged,
}: {
  patientId: string;
  birthDate: string;
  enrolments: Enrolment[];
  /** Ticked at registration and not enrolled: offered here, never a second state (issue 14.1). */
  proposed: Disease[];
  clinician: boolean;
  today: string;
  onChanged: () => void;
}) {
  const { t } = useTranslation('followup');
  const action = useDatedAction();
  const { box: card, error } = action;
  const [disease, setDisease] = useState<Disease>('hypertension');
  const [howFound, setHowFound] = useState<(typeof HOW_FOUND)[number]>('clinic_visit');
  const [diagnosedOn, setDiagnosedOn] = useState('');
  const [enrolledOn, setEnrolledOn] = useState(today);
  const [ending, setEnding] = useState<{ id: string; date: string; reason: (typeof END_REASONS)[number]; note: string } | null>(null);
  const openDiseases = new Set(enrolments.filter((e) => e.endedOn === null).map((e) => e.disease));

  async function run(work: () => Promise<unknown>) {
    if (!(await action.run(work))) return;
    // A new enrolment starts from a clean form (it kept the last one's values).
    setEnding(null);
    setDiagnosedOn('');
    setEnrolledOn(today);
    setHowFound('clinic_visit');
    onChanged();
  }

  return (
    <div className="card" ref={card}>
      <h2>{t('enrolment.title')}</h2>
      {proposed.map((d) => (
        <div key={d} className="notice" role="status" data-proposed={d}>
          {t('enrolment.proposed', { disease: t(`disease.${d}`) })}{' '}
          {clinician && (
            <button
              type="button"
              className="primary"
              onClick={() => void run(() => api.followup.enrol({ patientId, disease: d, howFound: 'clinic_visit', enrolledOn: today }))}
            >
              {t('enrolment.enrolProposed', { disease: t(`disease.${d}`) })}
            </button>
          )}
        </div>
      ))}
      {enrolments.length === 0 && proposed.length === 0 && <p className="muted">{t('enrolment.none')}</p>}
      {enrolments.length > 0 && (
        <table aria-label={t('enrolment.title')}>
          <thead>
            <tr>
              <th>{t('columns.disease')}</th>
              <th>{t('enrolment.enrolledOn')}</th>
              <th>{t('enrolment.howFound')}</th>
              <th>{t('enrolment.by')}</th>
              <th>{t('enrolment.status')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {enrolments.map((e) => (
              <tr key={e.id}>
                <td>{t(`disease.${e.disease}`)}</td>
                <td>{e.enrolledOn}</td>
                <td>{t(`howFound.${e.howFound}`)}</td>
                <td>{e.enrolledByName}</td>
                <td>
                  {e.endedOn ? t('enrolment.ended', { date: e.endedOn, reason: t(`endReason.${e.endReason}`), note: e.endNote ?? '' }) : t('enrolment.active')}
                </td>
                <td>
                  {clinician && !e.endedOn && ending?.id !== e.id && (
                    <button type="button" className="link" onClick={() => setEnding({ id: e.id, date: today, reason: 'moved', note: '' })}>
                      {t('enrolment.end')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {ending && (
        <div className="form-grid">
          <DateInput
            label={t('enrolment.endDate')}
            kind="followUpEvent"
            required
            birthDate={birthDate}
            enrolledOn={enrolments.find((e) => e.id === ending.id)?.enrolledOn}
            value={ending.date}
            onChange={(v) => setEnding({ ...ending, date: v })}
          />
          <label>
            {t('enrolment.endReason')}
            <select value={ending.reason} onChange={(e) => setEnding({ ...ending, reason: e.target.value as (typeof END_REASONS)[number] })}>
              {END_REASONS.map((r) => (
                <option key={r} value={r}>
                  {t(`endReason.${r}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('enrolment.endNote')}
            <input value={ending.note} onChange={(e) => setEnding({ ...ending, note: e.target.value })} />
          </label>
          <div className="row">
            <button
              type="button"
              className="primary"
              onClick={() =>
                void run(() => api.followup.endEnrolment({ patientId, enrolmentId: ending.id, endedOn: ending.date, reason: ending.reason, note: ending.note }))
              }
            >
              {t('enrolment.confirmEnd')}
            </button>
            <button type="button" className="link" onClick={() => setEnding(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}
      {clinician && openDiseases.size < 2 && (
        <div className="form-grid">
          <label>
            {t('enrolment.disease')}
            <select value={disease} onChange={(e) => setDisease(e.target.value as Disease)}>
              {(['hypertension', 't2dm'] as const)
                .filter((d) => !openDiseases.has(d))
                .map((d) => (
                  <option key={d} value={d}>
                    {t(`disease.${d}`)}
                  </option>
                ))}
            </select>
          </label>
          <label>
            {t('enrolment.howFound')}
            <select value={howFound} onChange={(e) => setHowFound(e.target.value as (typeof HOW_FOUND)[number])}>
              {HOW_FOUND.map((h) => (
                <option key={h} value={h}>
                  {t(`howFound.${h}`)}
                </option>
              ))}
            </select>
          </label>
          <DateInput label={t('enrolment.diagnosedOn')} kind="pastEvent" birthDate={birthDate} value={diagnosedOn} onChange={(v) => setDiagnosedOn(v)} />
          <DateInput label={t('enrolment.enrolledOn')} kind="pastEvent" birthDate={birthDate} value={enrolledOn} onChange={(v) => setEnrolledOn(v)} />
          <button
            type="button"
            className="primary"
            onClick={() => {
              const chosen = openDiseases.has(disease) ? (['hypertension', 't2dm'] as const).find((d) => !openDiseases.has(d))! : disease;
              void run(() =>
                api.followup.enrol({ patientId, disease: chosen, howFound, diagnosedOn: diagnosedOn || undefined, enrolledOn: enrolledOn || undefined }),
              );
            }}
          >
            {t('enrolment.enrol')}
          </button>
        </div>
      )}
      <ErrorText error={error} />
    </div>
  );
}

/** Nurses record phone contacts (spec A3: recorded, never classified, never face-to-face). */
function PhoneContactForm({ patientId, disease, today, birthDate, enrolledOn, onSaved }: FollowupFormProps) {
  const { t, i18n } = useTranslation('followup');
  const { box: card, error, run } = useDatedAction();
  const [date, setDate] = useState(today);
  const [adherence, setAdherence] = useState<'' | '规律' | '间断' | '不服药'>('');
  const [notes, setNotes] = useState('');
  const save = (confirmSameDay = false) =>
    run(async () => {
      const { record } = await api.followup.phoneContact({ patientId, disease, date, adherence: adherence || undefined, notes, confirmSameDay });
      onSaved(savedVisitOf({ ...record, classification: null, referralReason: null }, i18n.language));
      setNotes('');
    });
  return (
    <div className="card" ref={card}>
      <h2>{t('phone.title', { disease: t(`disease.${disease}`) })}</h2>
      <p className="muted">{t('form.phoneNote')}</p>
      <div className="form-grid">
        <FollowupDateInput birthDate={birthDate} enrolledOn={enrolledOn} value={date} onChange={setDate} />
        <label>
          {t('form.adherence')}
          <OptionalChoices
            value={adherence}
            values={['规律', '间断', '不服药'] as const}
            text={(v) => t(`adherence.${v}`)}
            onChange={(v) => setAdherence(v as typeof adherence)}
          />
        </label>
        <label>
          {t('form.notes')}
          <input value={notes} onChange={(e) => setNotes(e.target.value)} />
        </label>
      </div>
      <ErrorText error={error} />
      <SameDayConfirm error={error} onConfirm={() => void save(true)} />
      <button type="button" className="primary" onClick={() => void save()}>
        {t('form.savePhone')}
      </button>
    </div>
  );
}

/** 打印随访记录表: the national paper form of each programme the patient is (or was) in. */
function PrintFormLinks({ patientId, diseases }: { patientId: string | undefined; diseases: Disease[] }) {
  const { t } = useTranslation(['followupForms', 'followup']);
  if (!patientId || diseases.length === 0) return null;
  return (
    <div className="row no-print">
      {diseases.map((d) => (
        <Link key={d} className="button" to={`/print/followup-record/${patientId}/${d}`}>
          {diseases.length > 1 ? `${t('record.print')}（${t(`followup:disease.${d}`)}）` : t('record.print')}
        </Link>
      ))}
    </div>
  );
}

function HistoryTable({ history }: { history: History }) {
  const { t, i18n } = useTranslation('followup');
  return (
    <div className="card">
      <h2>{t('history.title')}</h2>
      <PrintFormLinks patientId={history.enrolments[0]?.patientId} diseases={[...new Set(history.enrolments.map((e) => e.disease))]} />
      {history.records.length === 0 ? (
        <p className="muted">{t('history.none')}</p>
      ) : (
        <table aria-label={t('history.title')}>
          <thead>
            <tr>
              <th>{t('form.date')}</th>
              <th>{t('columns.disease')}</th>
              <th>{t('form.mode')}</th>
              <th>{t('history.values')}</th>
              <th>{t('proposal.classification')}</th>
              <th>{t('proposal.action')}</th>
              <th>{t('proposal.nextDate')}</th>
              <th>{t('history.doctor')}</th>
            </tr>
          </thead>
          <tbody>
            {history.records.map((r) => (
              <tr key={r.id} data-testid="history-row" title={reasonIn(r.reason, i18n.language)}>
                <td>{r.form.date}</td>
                <td>{t(`disease.${r.disease}`)}</td>
                <td>{t(`mode.${r.form.mode}`)}</td>
                <td className="mono">
                  {r.form.sbp !== undefined || r.form.dbp !== undefined ? `${r.form.sbp ?? '—'}/${r.form.dbp ?? '—'} mmHg ` : ''}
                  {r.form.selfReportedHomeBp ? t('history.homeBp') : ''}
                  {r.form.fbg !== undefined ? t('history.fbg', { value: r.form.fbg }) : ''}
                </td>
                <td>{r.classification ? t(`classification.${r.classification}`) : '—'}</td>
                <td>
                  {t(`action.${r.action}`)}
                  {r.referralReason && <div className="referral-reason small">{r.referralReason}</div>}
                </td>
                <td>
                  {r.nextDueDate ?? '—'}
                  {r.overrideReason && (
                    <div className="muted small">{t('history.overridden', { engine: r.engineNextDate ?? '—', reason: r.overrideReason })}</div>
                  )}
                  {r.nextDateShift && r.nextDueDate && (
                    <div className="muted small">
                      {t('history.shifted', { engine: r.nextDateShift.from, date: r.nextDueDate, why: shiftWhy(r.nextDateShift, t) })}
                    </div>
                  )}
                </td>
                <td>{r.doctorName}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {history.healthChecks.length > 0 && (
        <p className="muted">
          {t('history.healthChecks')}:{' '}
          {history.healthChecks
            .map((h) => t('history.healthCheckItem', { date: h.checkDate, kind: t(`checkKind.${h.kind}`) }))
            .join(t('history.listSeparator'))}
        </p>
      )}
    </div>
  );
}

function HealthCheckCard({ patientId, birthDate, today, onSaved }: { patientId: string; birthDate: string; today: string; onSaved: () => void }) {
  const { t } = useTranslation('followup');
  const { box: card, error, run } = useDatedAction();
  const [date, setDate] = useState(today);
  const [score, setScore] = useState('');
  const [note, setNote] = useState('');
  const save = () =>
    run(async () => {
      await api.followup.recordHealthCheck({ patientId, date, selfCareScore: score.trim() === '' ? undefined : Number(score), note });
      setNote('');
      setScore('');
      onSaved();
    });
  return (
    <div className="card" ref={card}>
      <h2>{t('healthCheck.title')}</h2>
      <div className="form-grid">
        <DateInput label={t('healthCheck.date')} kind="pastEvent" required birthDate={birthDate} value={date} onChange={(v) => setDate(v)} />
        <label>
          {t('healthCheck.selfCare')}
          <input className="num" inputMode="numeric" value={score} onChange={(e) => setScore(e.target.value)} />
        </label>
        <label>
          {t('healthCheck.note')}
          <input value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        <button type="button" onClick={() => void save()}>
          {t('healthCheck.save')}
        </button>
      </div>
      <ErrorText error={error} />
    </div>
  );
}
