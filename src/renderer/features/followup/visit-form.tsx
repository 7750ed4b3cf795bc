import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../shared/api/errors';
import {
  HYPERTENSION_DANGER_SIGNS,
  HYPERTENSION_SYMPTOMS,
  T2DM_DANGER_SIGNS,
  T2DM_SYMPTOMS,
  type Disease,
  type FollowUpFormInput,
  type FollowUpRecord,
  type OutcomeData,
} from '../../../shared/api/followup';
import { nextWorkingDay, type WorkingCalendar } from '../../../shared/working-calendar';
import { api } from '../../api/client';
import { ErrorText } from '../../components/error-text';
import { OptionalChoices } from '../../components/form';
import { DateInput } from '../../components/date-input';
import { DayVitalsOffer } from '../clinic/day-vitals-offer';
import { UnsavedGuard } from '../../components/unsaved-guard';
import { useWorkingCalendar } from '../settings/settings.resource';
import { useFollowupPreview } from './followup.resource';
import { emptyForm, HABITS, reasonIn, toFormInput, worthPreviewing, type FormState, type Habit } from './followup-form-model';

/** Ask the engine after a pause in typing, not on every keystroke (each preview is an audited read). */
const PREVIEW_DELAY_MS = 400;

function NumberField({ label, unit, value, onChange }: { label: string; unit?: string; value: string; onChange: (v: string) => void }) {
  return (
    <label>
      {label}
      <span className="with-unit">
        <input className="num" inputMode="decimal" value={value} onChange={(e) => onChange(e.target.value)} />
        {unit && <span className="unit">{unit}</span>}
      </span>
    </label>
  );
}

function Check({ label, checked, onChange }: { label: string; checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <label className="check">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );
}

/** The engine's proposal for what is typed so far, with its reason; saving re-decides in main. */
function sameDayAsked(error: unknown): boolean {
  return error instanceof ApiError && error.details?.reason === 'FOLLOWUP_SAME_DAY';
}

export function Proposal({
  outcome,
  pending,
  error,
  calendar,
}: {
  outcome: OutcomeData | null;
  pending: boolean;
  error: unknown;
  /** The clinic's working calendar: a face-to-face next date on a closed day is shown with the day it moves to. */
  calendar?: WorkingCalendar | null;
}) {
  const { t, i18n } = useTranslation('followup');
  const moved = outcome?.nextDueDate && calendar ? nextWorkingDay(calendar, outcome.nextDueDate) : null;
  return (
    <aside className={`card proposal${outcome ? ` action-${outcome.action}` : ''}`} aria-live="polite" data-testid="followup-proposal" aria-busy={pending}>
      <h2>{t('proposal.title')}</h2>
      {error ? <ErrorText error={error} /> : null}
      {!outcome && !error && <p className="muted">{t('proposal.empty')}</p>}
      {outcome && (
        <>
          <dl>
            <dt>{t('proposal.classification')}</dt>
            <dd data-testid="proposal-classification">
              {outcome.classification ? t(`classification.${outcome.classification}`) : t('proposal.noClassification')}
            </dd>
            <dt>{t('proposal.action')}</dt>
            <dd data-testid="proposal-action">{t(`action.${outcome.action}`)}</dd>
            <dt>{t('proposal.nextDate')}</dt>
            <dd data-testid="proposal-next-date">{outcome.nextDueDate ?? t('proposal.noNextDate')}</dd>
            {moved?.because && (
              <dd className="muted" data-testid="proposal-next-shift">
                {t('proposal.shifted', { date: moved.date, why: moved.because.reason === 'holiday' ? moved.because.name : t('saved.restDay') })}
              </dd>
            )}
            {outcome.referralReason && (
              <>
                <dt>{t('proposal.referralReason')}</dt>
                <dd className="referral-reason" data-testid="proposal-referral-reason">
                  {outcome.referralReason}
                </dd>
              </>
            )}
          </dl>
          <p data-testid="proposal-reason">{reasonIn(outcome.reason, i18n.language)}</p>
          {outcome.reminders.length > 0 && (
            <>
              <h3>{t('proposal.reminders')}</h3>
              <ul>
                {outcome.reminders.map((r, i) => (
                  <li key={`${r.code}-${i}`}>{reasonIn(r.reason, i18n.language)}</li>
                ))}
              </ul>
            </>
          )}
          {outcome.advisories.map((a, i) => (
            <p key={`${a.code}-${i}`} className="advisory">
              {reasonIn(a.reason, i18n.language)}
            </p>
          ))}
          <p className="muted small">{t('proposal.ruleSet', { id: outcome.ruleSet.id, version: outcome.ruleSet.version })}</p>
        </>
      )}
    </aside>
  );
}

export interface SavedVisit {
  classification: string | null;
  action: string;
  nextDueDate: string | null;
  /** Set when the engine's date fell on a closed day and the next date moved to the next working day. */
  nextDateShift?: FollowUpRecord['nextDateShift'];
  referralReason: string | null;
  reason: string;
}

/** What the page shows of a saved visit or phone contact (a phone contact classifies and refers nothing). */
export function savedVisitOf(
  record: {
    classification?: string | null;
    action: string;
    nextDueDate: string | null;
    nextDateShift?: FollowUpRecord['nextDateShift'];
    referralReason?: string | null;
    reason: Parameters<typeof reasonIn>[0];
  },
  language: string,
): SavedVisit {
  return {
    classification: record.classification ?? null,
    action: record.action,
    nextDueDate: record.nextDueDate,
    nextDateShift: record.nextDateShift ?? null,
    referralReason: record.referralReason ?? null,
    reason: reasonIn(record.reason, language),
  };
}

/** The props of each form that records a follow-up contact for one disease. */
export interface FollowupFormProps {
  patientId: string;
  disease: Disease;
  today: string;
  birthDate?: string;
  enrolledOn?: string;
  onSaved: (saved: SavedVisit) => void;
}

/** The contact's date: not before birth or enrolment, not in the future. */
export function FollowupDateInput(props: { birthDate?: string; enrolledOn?: string; value: string; onChange: (value: string) => void }) {
  const { t } = useTranslation('followup');
  return <DateInput label={t('form.date')} kind="followUpEvent" required {...props} onChange={(v) => props.onChange(v)} />;
}

/** A second follow-up the same day is asked about, not accepted silently (issue 14.6): this confirms it. */
export function SameDayConfirm({ error, onConfirm }: { error: unknown; onConfirm: () => void }) {
  const { t } = useTranslation('followup');
  if (!sameDayAsked(error)) return null;
  return (
    <button type="button" className="primary" onClick={onConfirm}>
      {t('form.sameDayConfirm')}
    </button>
  );
}

/**
 * 随访服务记录表 for one programme (spec §4): the fields of that disease's form, the engine's proposal beside it as
 * the clinician types, a different next date only with a reason, referral details when the engine refers.
 */
export function VisitForm({ patientId, disease, today, birthDate, enrolledOn, onSaved }: FollowupFormProps) {
  const { t, i18n } = useTranslation('followup');
  const [form, setForm] = useState<FormState>(() => emptyForm(today));
  const [override, setOverride] = useState({ date: '', reason: '' });
  const [referral, setReferral] = useState({ institution: '', department: '', contactName: '', contactPhone: '' });
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const dirty = useRef(false);
  // Only for showing where the date will move; main applies the calendar again on save.
  const calendar = useWorkingCalendar({}).data ?? null;

  const update = (patch: Partial<FormState>) => {
    dirty.current = true;
    setForm((f) => ({ ...f, ...patch }));
  };
  const setHabit = (which: 'habitsNow' | 'habitsTarget', habit: Habit, value: string) =>
    update({ [which]: { ...form[which], [habit]: value } } as Partial<FormState>);
  const toggleSymptom = (term: string, on: boolean) => {
    const rest = form.symptoms.filter((s) => s !== term && !(on && term !== '无症状' && s === '无症状'));
    update({ symptoms: on ? (term === '无症状' ? ['无症状'] : [...rest, term]) : rest });
  };

  // The preview belongs to the exact input it was made for: anything older is shown as pending, never as current.
  const previewing = worthPreviewing(form);
  const inputKey = previewing ? JSON.stringify(toFormInput(form, disease)) : '';
  const [askedKey, setAskedKey] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setAskedKey(inputKey), PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [inputKey]);
  const asking = inputKey !== '' && askedKey === inputKey;
  const preview = useFollowupPreview(asking ? { patientId, disease, form: JSON.parse(inputKey) as FollowUpFormInput } : null);
  // An answer (or a failure) for the asked input; the resource drops answers to inputs asked before it.
  const current = asking && (preview.data !== undefined || preview.error) ? preview : null;
  const outcome = current?.data ?? null;
  const pending = inputKey !== '' && !current;

  async function save(confirmSameDay = false) {
    setSaving(true);
    setSaveError(null);
    try {
      const referring = outcome?.action === 'refer' || outcome?.action === 'urgent_refer';
      const result = await api.followup.save({
        patientId,
        disease,
        form: toFormInput(form, disease),
        ...(override.date ? { overrideNextDate: override.date, overrideReason: override.reason } : {}),
        ...(referring ? { referral } : {}),
        confirmSameDay,
      });
      dirty.current = false;
      onSaved(savedVisitOf(result.record, i18n.language));
      setForm(emptyForm(today));
      setOverride({ date: '', reason: '' });
      setReferral({ institution: '', department: '', contactName: '', contactPhone: '' });
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  }

  const diabetes = disease === 't2dm';
  const phone = form.mode === 'phone';
  const symptoms = diabetes ? T2DM_SYMPTOMS : HYPERTENSION_SYMPTOMS;
  const dangers = diabetes ? T2DM_DANGER_SIGNS : HYPERTENSION_DANGER_SIGNS;
  const referring = outcome?.action === 'refer' || outcome?.action === 'urgent_refer';
  const habits = HABITS.filter((h) => diabetes || h !== 'stapleFoodG');
  return (
    <div className="followup-grid">
      <UnsavedGuard isDirty={() => dirty.current} />
      <form
        className="card followup-form"
        aria-label={t('form.title', { disease: t(`disease.${disease}`) })}
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h2>{t('form.title', { disease: t(`disease.${disease}`) })}</h2>
        <div className="form-grid">
          <FollowupDateInput birthDate={birthDate} enrolledOn={enrolledOn} value={form.date} onChange={(v) => update({ date: v })} />
          <label>
            {t('form.mode')}
            <select value={form.mode} onChange={(e) => update({ mode: e.target.value as FormState['mode'] })}>
              {(['clinic', 'home', 'phone'] as const).map((m) => (
                <option key={m} value={m}>
                  {t(`mode.${m}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        {phone && <p className="muted">{t('form.phoneNote')}</p>}

        <fieldset>
          <legend>{t('form.symptoms')}</legend>
          <div className="checks">
            {symptoms.map((s) => (
              <Check key={s} label={t(`symptom.${s}`)} checked={form.symptoms.includes(s)} onChange={(on) => toggleSymptom(s, on)} />
            ))}
          </div>
          <p className="muted small">{t('form.dangerSigns')}</p>
          <div className="checks danger-signs">
            {dangers
              .filter((s) => !(symptoms as readonly string[]).includes(s))
              .map((s) => (
                <Check key={s} label={t(`symptom.${s}`)} checked={form.symptoms.includes(s)} onChange={(on) => toggleSymptom(s, on)} />
              ))}
          </div>
          <label>
            {t('form.symptomsOther')}
            <input value={form.symptomsOther} onChange={(e) => update({ symptomsOther: e.target.value })} />
          </label>
        </fieldset>

        {!phone && <DayVitalsOffer patientId={patientId} date={form.date} onUse={(values) => update(values)} />}
        {!phone && (
          <fieldset>
            <legend>{t('form.signs')}</legend>
            <div className="form-grid">
              <NumberField label={t('form.sbp')} unit="mmHg" value={form.sbp} onChange={(v) => update({ sbp: v })} />
              <NumberField label={t('form.dbp')} unit="mmHg" value={form.dbp} onChange={(v) => update({ dbp: v })} />
              <NumberField label={t('form.heartRate')} unit={t('units.perMinute')} value={form.heartRate} onChange={(v) => update({ heartRate: v })} />
              <NumberField label={t('form.weight')} unit="kg" value={form.weightKg} onChange={(v) => update({ weightKg: v })} />
              <NumberField label={t('form.weightTarget')} unit="kg" value={form.weightTargetKg} onChange={(v) => update({ weightTargetKg: v })} />
              <NumberField label={t('form.height')} unit="cm" value={form.heightCm} onChange={(v) => update({ heightCm: v })} />
              <NumberField label={t('form.bmiTarget')} unit="kg/m²" value={form.bmiTarget} onChange={(v) => update({ bmiTarget: v })} />
              <NumberField label={t('form.temperature')} unit="℃" value={form.temperatureC} onChange={(v) => update({ temperatureC: v })} />
              {diabetes && (
                <label>
                  {t('form.dorsalisPedis')}
                  <OptionalChoices
                    value={form.dorsalisPedis}
                    values={['normal', 'weakened', 'absent'] as const}
                    text={(v) => t(`dorsalisPedis.${v}`)}
                    onChange={(v) => update({ dorsalisPedis: v as FormState['dorsalisPedis'] })}
                  />
                </label>
              )}
            </div>
            <div className="checks">
              <Check label={t('form.heartRatePersistent')} checked={form.heartRatePersistent} onChange={(v) => update({ heartRatePersistent: v })} />
              <Check label={t('form.selfReportedHomeBp')} checked={form.selfReportedHomeBp} onChange={(v) => update({ selfReportedHomeBp: v })} />
              <Check label={t('form.pregnant')} checked={form.pregnant} onChange={(v) => update({ pregnant: v })} />
              <Check label={t('form.lactating')} checked={form.lactating} onChange={(v) => update({ lactating: v })} />
            </div>
            <label>
              {t('form.signsOther')}
              <input value={form.signsOther} onChange={(e) => update({ signsOther: e.target.value })} />
            </label>
          </fieldset>
        )}

        {!phone && (
          <fieldset>
            <legend>{t('form.tests')}</legend>
            <div className="form-grid">
              <NumberField label={t('form.fbg')} unit="mmol/L" value={form.fbg} onChange={(v) => update({ fbg: v })} />
              {diabetes && (
                <NumberField label={t('form.randomGlucose')} unit="mmol/L" value={form.randomGlucose} onChange={(v) => update({ randomGlucose: v })} />
              )}
              {diabetes && <NumberField label={t('form.hba1c')} unit="%" value={form.hba1c} onChange={(v) => update({ hba1c: v })} />}
              {diabetes && (
                <DateInput
                  label={t('form.hba1cDate')}
                  kind="pastEvent"
                  birthDate={birthDate}
                  value={form.hba1cDate}
                  onChange={(v) => update({ hba1cDate: v })}
                />
              )}
            </div>
            <label>
              {t('form.testsOther')}
              <input value={form.testsOther} onChange={(e) => update({ testsOther: e.target.value })} />
            </label>
          </fieldset>
        )}

        <fieldset>
          <legend>{t('form.lifestyle')}</legend>
          <table className="habit-table">
            <thead>
              <tr>
                <th />
                <th>{t('form.now')}</th>
                <th>{t('form.target')}</th>
              </tr>
            </thead>
            <tbody>
              {habits.map((habit) => (
                <tr key={habit}>
                  <th>{t(`habit.${habit}`)}</th>
                  <td>
                    <input
                      inputMode="decimal"
                      aria-label={`${t(`habit.${habit}`)} ${t('form.now')}`}
                      value={form.habitsNow[habit]}
                      onChange={(e) => setHabit('habitsNow', habit, e.target.value)}
                    />
                  </td>
                  <td>
                    <input
                      inputMode="decimal"
                      aria-label={`${t(`habit.${habit}`)} ${t('form.target')}`}
                      value={form.habitsTarget[habit]}
                      onChange={(e) => setHabit('habitsTarget', habit, e.target.value)}
                    />
                  </td>
                </tr>
              ))}
              <tr>
                <th>{t('habit.salt')}</th>
                {(['saltNow', 'saltTarget'] as const).map((key) => (
                  <td key={key}>
                    <OptionalChoices
                      label={`${t('habit.salt')} ${t(key === 'saltNow' ? 'form.now' : 'form.target')}`}
                      value={form[key]}
                      values={['light', 'moderate', 'heavy'] as const}
                      text={(v) => t(`salt.${v}`)}
                      onChange={(v) => update({ [key]: v } as Partial<FormState>)}
                    />
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
          <div className="form-grid">
            {(['psychological', 'compliance'] as const).map((key) => (
              <label key={key}>
                {t(`form.${key}`)}
                <OptionalChoices
                  value={form[key]}
                  values={['good', 'fair', 'poor'] as const}
                  text={(v) => t(`level.${v}`)}
                  onChange={(v) => update({ [key]: v } as Partial<FormState>)}
                />
              </label>
            ))}
          </div>
        </fieldset>

        <fieldset>
          <legend>{t('form.medication')}</legend>
          <div className="form-grid">
            <label>
              {t('form.adherence')}
              <OptionalChoices
                value={form.adherence}
                values={['规律', '间断', '不服药'] as const}
                text={(v) => t(`adherence.${v}`)}
                onChange={(v) => update({ adherence: v as FormState['adherence'] })}
              />
            </label>
            {diabetes && (
              <label>
                {t('form.hypoglycemia')}
                <OptionalChoices
                  value={form.hypoglycemiaReaction}
                  values={['none', 'occasional', 'frequent'] as const}
                  text={(v) => t(`hypoglycemia.${v}`)}
                  onChange={(v) => update({ hypoglycemiaReaction: v as FormState['hypoglycemiaReaction'] })}
                />
              </label>
            )}
          </div>
          <div className="checks">
            <Check label={t('form.adr')} checked={form.adr} onChange={(v) => update({ adr: v })} />
            {!phone && <Check label={t('form.newComplication')} checked={form.newComplication} onChange={(v) => update({ newComplication: v })} />}
          </div>
          {form.adr && (
            <label>
              {t('form.adrDesc')}
              <input value={form.adrDesc} onChange={(e) => update({ adrDesc: e.target.value })} />
            </label>
          )}
          {form.newComplication && !phone && (
            <label>
              {t('form.complicationDesc')}
              <input value={form.complicationDesc} onChange={(e) => update({ complicationDesc: e.target.value })} />
            </label>
          )}
          {form.medications.map((m, i) => (
            <div className="row" key={i}>
              <label>
                {t('form.drug')}
                <input
                  value={m.name}
                  onChange={(e) => update({ medications: form.medications.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)) })}
                />
              </label>
              <NumberField
                label={t('form.timesPerDay')}
                value={m.timesPerDay}
                onChange={(v) => update({ medications: form.medications.map((x, j) => (j === i ? { ...x, timesPerDay: v } : x)) })}
              />
              <NumberField
                label={t('form.doseMg')}
                unit="mg"
                value={m.doseMg}
                onChange={(v) => update({ medications: form.medications.map((x, j) => (j === i ? { ...x, doseMg: v } : x)) })}
              />
              <button type="button" className="link" onClick={() => update({ medications: form.medications.filter((_, j) => j !== i) })}>
                {t('form.removeDrug')}
              </button>
            </div>
          ))}
          <button type="button" onClick={() => update({ medications: [...form.medications, { name: '', timesPerDay: '', doseMg: '' }] })}>
            {t('form.addDrug')}
          </button>
          {diabetes && (
            <div className="form-grid">
              <label>
                {t('form.insulinType')}
                <input value={form.insulinType} onChange={(e) => update({ insulinType: e.target.value })} />
              </label>
              <label>
                {t('form.insulinDose')}
                <input value={form.insulinDose} onChange={(e) => update({ insulinDose: e.target.value })} />
              </label>
            </div>
          )}
          <label>
            {t('form.medicationAdvice')}
            <input value={form.medicationAdvice} onChange={(e) => update({ medicationAdvice: e.target.value })} />
          </label>
        </fieldset>

        {!phone && (
          <div className="checks">
            <Check label={t('form.withHealthCheck')} checked={form.withHealthCheck} onChange={(v) => update({ withHealthCheck: v })} />
          </div>
        )}

        {referring && (
          <fieldset>
            <legend>{t('form.referral')}</legend>
            <div className="form-grid">
              {(['institution', 'department', 'contactName', 'contactPhone'] as const).map((key) => (
                <label key={key}>
                  {t(`referral.${key}`)}
                  <input value={referral[key]} onChange={(e) => setReferral((r) => ({ ...r, [key]: e.target.value }))} />
                </label>
              ))}
            </div>
          </fieldset>
        )}

        {!phone && (
          <fieldset>
            <legend>{t('form.override')}</legend>
            <p className="muted small">{t('form.overrideHelp')}</p>
            <div className="form-grid">
              <DateInput
                label={t('form.overrideDate')}
                kind="any"
                notBefore={form.date || null}
                value={override.date}
                onChange={(v) => setOverride((o) => ({ ...o, date: v }))}
              />
              <label>
                {t('form.overrideReason')}
                <input value={override.reason} onChange={(e) => setOverride((o) => ({ ...o, reason: e.target.value }))} />
              </label>
            </div>
          </fieldset>
        )}

        <label>
          {t('form.notes')}
          <textarea rows={2} value={form.notes} onChange={(e) => update({ notes: e.target.value })} />
        </label>
        <ErrorText error={saveError} />
        <SameDayConfirm error={saveError} onConfirm={() => void save(true)} />
        <div className="row">
          <button type="submit" className="primary" disabled={saving}>
            {t(phone ? 'form.savePhone' : 'form.save')}
          </button>
        </div>
      </form>
      <Proposal outcome={outcome} pending={pending} error={current?.error ?? null} calendar={phone ? null : calendar} />
    </div>
  );
}
