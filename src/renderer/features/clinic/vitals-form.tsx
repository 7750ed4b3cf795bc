import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { VitalsError, VitalsFlag } from '../../../shared/vitals';
import {
  assessDraft,
  EMPTY_VITALS,
  isVitalsDraftEmpty,
  messageSlot,
  toVitalsInput,
  type PatientFacts,
  type VitalsDraft,
  type VitalsInput,
} from './vitals-form-model';

interface Props {
  patient: PatientFacts;
  onSave(input: VitalsInput): Promise<void>;
  /** A refusal from main, shown under the form. */
  serverError?: ReactNode;
  onDirtyChange?(dirty: boolean): void;
}

type SingleKey = 'heartRate' | 'temperatureC' | 'spo2' | 'respiratoryRate' | 'weightKg' | 'heightCm' | 'waistCm';
const SINGLE_FIELDS: { key: SingleKey; slot: string; unit: string }[] = [
  { key: 'heartRate', slot: 'heartRate', unit: 'clinic:units.perMinute' },
  { key: 'temperatureC', slot: 'temperature', unit: 'clinic:units.celsius' },
  { key: 'spo2', slot: 'spo2', unit: 'clinic:units.percent' },
  { key: 'respiratoryRate', slot: 'respiratoryRate', unit: 'clinic:units.perMinute' },
  { key: 'weightKg', slot: 'weight', unit: 'clinic:units.kg' },
  { key: 'heightCm', slot: 'height', unit: 'clinic:units.cm' },
  { key: 'waistCm', slot: 'waist', unit: 'clinic:units.cm' },
];

function bySlot<T extends { field: VitalsError['field'] | VitalsFlag['field']; reading?: number }>(messages: readonly T[]): Map<string, T[]> {
  const slots = new Map<string, T[]>();
  for (const message of messages) {
    const slot = messageSlot(message);
    slots.set(slot, [...(slots.get(slot) ?? []), message]);
  }
  return slots;
}

function worstLevel(flags: readonly VitalsFlag[] | undefined): string {
  if (!flags) return '';
  if (flags.some((f) => f.level === 'critical')) return 'critical';
  if (flags.some((f) => f.level === 'high')) return 'high';
  if (flags.some((f) => f.level === 'low')) return 'low';
  return '';
}

/**
 * Vitals with live feedback from the shared rules: an impossible value is refused with its reason beside the field,
 * an abnormal one is coloured by level (low / high / critical) with the flag's text. Save sends nothing while any
 * value is impossible.
 */
export function VitalsForm({ patient, onSave, serverError, onDirtyChange }: Props) {
  const { t } = useTranslation();
  const formId = useId();
  const [draft, setDraft] = useState<VitalsDraft>(EMPTY_VITALS);
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const live = assessDraft(draft, patient);
  const errors = bySlot(live.errors);
  const flags = bySlot(live.flags.filter((f) => f.code !== 'BP_THIRD_READING_ADVISED'));
  const showThird = live.thirdReadingAdvised || draft.bp[2].systolic !== '' || draft.bp[2].diastolic !== '';
  const empty = isVitalsDraftEmpty(draft);

  function update(next: VitalsDraft) {
    setDraft(next);
    onDirtyChange?.(!isVitalsDraftEmpty(next));
  }
  const setBp = (index: number, key: 'systolic' | 'diastolic', value: string) =>
    update({ ...draft, bp: draft.bp.map((r, i) => (i === index ? { ...r, [key]: value } : r)) });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (!live.ok || empty) return;
    setBusy(true);
    try {
      await onSave(toVitalsInput(draft));
    } finally {
      setBusy(false);
    }
  }

  const messages = (slot: string) => <Messages errors={errors.get(slot)} flags={flags.get(slot)} />;
  const input = (value: string, onChange: (v: string) => void, label: string, slot: string, extra?: { autoFocus?: boolean; id?: string }) => {
    const wrong = errors.has(slot);
    const level = worstLevel(flags.get(slot));
    return (
      <input
        value={value}
        onChange={(e) => onChange(e.target.value)}
        // A box with its own <label> is named by it; the others carry their name here.
        aria-label={extra?.id ? undefined : label}
        aria-invalid={wrong}
        inputMode="decimal"
        autoComplete="off"
        className={`num ${wrong ? 'invalid' : level ? `flag-${level}` : ''}`}
        {...extra}
      />
    );
  };

  return (
    <form className="vitals-form" onSubmit={submit} noValidate>
      <fieldset className="card">
        <legend>{t('clinic:vitals.bloodPressure')}</legend>
        {draft.bp.slice(0, showThird ? 3 : 2).map((reading, i) => (
          <div className="bp-row" key={i}>
            <span className="bp-label">{t('clinic:vitals.readingN', { n: i + 1 })}</span>
            <span className="bp-part">
              {/* Visible "收缩压" with the reading number for screen readers: the name stays "第1次收缩压", and a click on it focuses the box. */}
              <label htmlFor={`${formId}-sbp-${i}`}>
                <span className="sr-only">{t('clinic:vitals.readingN', { n: i + 1 })}</span>
                {t('clinic:vitals.systolic')}
              </label>
              {input(reading.systolic, (v) => setBp(i, 'systolic', v), t('clinic:vitals.systolicN', { n: i + 1 }), `bp-${i + 1}`, {
                autoFocus: i === 0,
                id: `${formId}-sbp-${i}`,
              })}
            </span>
            <span className="bp-slash">/</span>
            <span className="bp-part">
              <label htmlFor={`${formId}-dbp-${i}`}>
                <span className="sr-only">{t('clinic:vitals.readingN', { n: i + 1 })}</span>
                {t('clinic:vitals.diastolic')}
              </label>
              {input(reading.diastolic, (v) => setBp(i, 'diastolic', v), t('clinic:vitals.diastolicN', { n: i + 1 }), `bp-${i + 1}`, {
                id: `${formId}-dbp-${i}`,
              })}
            </span>
            <span className="unit">mmHg</span>
            {messages(`bp-${i + 1}`)}
          </div>
        ))}
        {live.thirdReadingAdvised && (
          <p className="notice-text">
            {t(
              'clinic-rules:vitals.BP_THIRD_READING_ADVISED',
              live.flags.find((f) => f.code === 'BP_THIRD_READING_ADVISED'),
            )}
          </p>
        )}
        <div className="bp-mean" data-testid="bp-mean">
          {t('clinic:vitals.mean')}{' '}
          <output className={`num-out flag-${worstLevel(flags.get('bp-mean'))}`}>
            {live.meanSystolic !== undefined && live.meanDiastolic !== undefined ? `${live.meanSystolic}/${live.meanDiastolic} mmHg` : '—'}
          </output>
          {messages('bp-mean')}
        </div>
      </fieldset>

      <fieldset className="card">
        <legend>{t('clinic:vitals.other')}</legend>
        <div className="vitals-grid">
          {SINGLE_FIELDS.map(({ key, slot, unit }) => (
            <div className="vital-field" key={key}>
              <label>
                <span>{t(`clinic:vitals.field.${key}`)}</span>
                <span className="with-unit">
                  {input(draft[key], (v) => update({ ...draft, [key]: v }), t(`clinic:vitals.field.${key}`), slot)}
                  <span className="unit">{t(unit)}</span>
                </span>
              </label>
              {messages(slot)}
            </div>
          ))}
          <div className="vital-field">
            <span className="label-text">{t('clinic:vitals.field.bmi')}</span>
            <output className={`num-out flag-${worstLevel(flags.get('bmi'))}`} data-testid="bmi">
              {live.bmi ?? '—'}
            </output>
            <span className="muted small">{t('clinic:vitals.bmiComputed')}</span>
            {messages('bmi')}
          </div>
          <div className="vital-field">
            <label>
              <span>{t('clinic:vitals.field.glucose')}</span>
              <span className="with-unit">
                {input(draft.glucose, (v) => update({ ...draft, glucose: v }), t('clinic:vitals.field.glucose'), 'glucose')}
                <span className="unit">mmol/L</span>
              </span>
            </label>
            <div className="row" role="radiogroup" aria-label={t('clinic:vitals.glucoseTimingLabel')}>
              {(['fasting', 'random'] as const).map((timing) => (
                <label className="switch" key={timing}>
                  <input
                    type="radio"
                    name="glucose-timing"
                    checked={draft.glucoseTiming === timing}
                    onChange={() => update({ ...draft, glucoseTiming: timing })}
                  />
                  {t(`clinic:vitals.glucoseTiming.${timing}`)}
                </label>
              ))}
            </div>
            {messages('glucose')}
          </div>
        </div>
        {messages('general')}
      </fieldset>
      {tried && empty && (
        <p className="error-text" role="alert">
          {t('clinic:vitals.nothingEntered')}
        </p>
      )}
      {tried && !live.ok && (
        <p className="error-text" role="alert">
          {t('clinic:vitals.fixFirst', { count: live.errors.length })}
        </p>
      )}
      {serverError}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {t('clinic:vitals.save')}
        </button>
      </div>
    </form>
  );
}

function Messages({ errors, flags }: { errors?: VitalsError[]; flags?: VitalsFlag[] }) {
  const { t } = useTranslation();
  if (!errors?.length && !flags?.length) return null;
  return (
    <ul className="field-messages">
      {errors?.map((e, i) => (
        <li key={`e${i}`} className="error-text" data-code={e.code}>
          {t(`clinic-rules:vitals.${e.code}`, { ...e })}
        </li>
      ))}
      {flags?.map((f, i) => (
        <li key={`f${i}`} className={`flag-text flag-${f.level}`} data-code={f.code}>
          {t(`clinic-rules:vitals.${f.code}`, { ...f })}
        </li>
      ))}
    </ul>
  );
}
