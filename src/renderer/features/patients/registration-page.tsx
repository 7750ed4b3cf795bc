import { useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { ApiError } from '../../../shared/api/errors';
import { NO_ID_REASONS, type PatientInput, type PatientSummary } from '../../../shared/api/patients';
import { parseScannedInput } from '../../../shared/idcard';
import { normalizeResidentIdInput } from '../../../shared/resident-id';
import { api } from '../../api/client';
import { DateInput, focusRefusedDate } from '../../components/date-input';
import { todayInChina } from '../../components/dates';
import { ErrorText } from '../../components/error-text';
import { TextField } from '../../components/form';
import { UnsavedGuard } from '../../components/unsaved-guard';
import { CardFacts, CardPhoto, ReadCardButton, type CardReadResult } from '../idcard/read-card-button';
import { useScanListener } from '../idcard/use-scan-listener';
import { idFeedback, IdNumberField } from './id-number-field';
import { maskIdNumber } from './patient-format';
import { AgeText, SexText } from './patient-labels';
import { isValueSetCode } from '../../../shared/value-sets';
import { NationalCodeSelect } from './national-code-select';
import { useVillages } from './patients.resource';
import { useClinicians } from '../clinic/clinic.resource';

const NO_NAMES: string[] = [];

/** The national code fields of registration: the value set (which also names the label) and the draft field. */
const NATIONAL_CODE_FIELDS = [
  ['ethnicGroup', 'ethnicCode'],
  ['maritalStatus', 'maritalCode'],
  ['education', 'educationCode'],
  ['occupation', 'occupationCode'],
] as const;

type NoIdReason = (typeof NO_ID_REASONS)[number];

export interface RegistrationDraft {
  name: string;
  idNumber: string;
  noId: boolean;
  noIdReason: NoIdReason | '';
  noIdNote: string;
  birthDate: string;
  sex: 'M' | 'F' | 'U' | '';
  phone: string;
  village: string;
  address: string;
  household: string;
  contractDoctor: string;
  contractDate: string;
  hypertension: boolean;
  diabetes: boolean;
  allergies: string;
  /** National codes picked from the value-set lists ('' = not given). */
  ethnicCode: string;
  maritalCode: string;
  educationCode: string;
  occupationCode: string;
}

export const EMPTY_DRAFT: RegistrationDraft = {
  name: '',
  idNumber: '',
  noId: false,
  noIdReason: '',
  noIdNote: '',
  birthDate: '',
  sex: '',
  phone: '',
  village: '',
  address: '',
  household: '',
  contractDoctor: '',
  contractDate: '',
  hypertension: false,
  diabetes: false,
  allergies: '',
  ethnicCode: '',
  maritalCode: '',
  educationCode: '',
  occupationCode: '',
};

// YD/T 2740 numbering: mainland mobiles are 11 digits starting with 1 (the service checks the same).
const MOBILE = /^1\d{10}$/;

export function isDraftTouched(draft: RegistrationDraft): boolean {
  return (Object.keys(EMPTY_DRAFT) as (keyof RegistrationDraft)[]).some((key) => draft[key] !== EMPTY_DRAFT[key]);
}

/**
 * The request for a draft. With a valid ID the ID alone decides birth date and sex (GB 11643), so they are not
 * sent; without one the reason, birth date and sex are.
 */
export function toPatientInput(draft: RegistrationDraft): PatientInput {
  const text = (value: string) => (value.trim() === '' ? undefined : value.trim());
  const identity: Partial<PatientInput> = draft.noId
    ? {
        noIdReason: draft.noIdReason || undefined,
        noIdNote: text(draft.noIdNote),
        birthDate: draft.birthDate || undefined,
        sex: draft.sex || undefined,
      }
    : { idNumber: normalizeResidentIdInput(draft.idNumber) || undefined };
  return {
    name: draft.name.trim(),
    ...identity,
    phone: text(draft.phone.replace(/[\s-]/g, '')),
    village: text(draft.village),
    address: text(draft.address),
    household: text(draft.household),
    contractDoctor: text(draft.contractDoctor),
    contractDate: draft.contractDate || undefined,
    hypertension: draft.hypertension,
    diabetes: draft.diabetes,
    allergies: text(draft.allergies),
    ...(isValueSetCode('ethnicGroup', draft.ethnicCode) ? { ethnicCode: draft.ethnicCode } : {}),
    ...(isValueSetCode('maritalStatus', draft.maritalCode) ? { maritalCode: draft.maritalCode } : {}),
    ...(isValueSetCode('education', draft.educationCode) ? { educationCode: draft.educationCode } : {}),
    ...(isValueSetCode('occupation', draft.occupationCode) ? { occupationCode: draft.occupationCode } : {}),
  };
}

type Outcome = { kind: 'duplicateId'; patientId: string } | { kind: 'possibleDuplicates'; candidates: PatientSummary[] } | { kind: 'error'; error: unknown };

function fieldOf(error: unknown): string | undefined {
  return error instanceof ApiError && typeof error.details?.field === 'string' ? error.details.field : undefined;
}

/** The draft as the ID card fills it: the card is the source for name, ID number and address. */
export function draftFromCard(draft: RegistrationDraft, card: CardReadResult['card']): RegistrationDraft {
  return { ...draft, name: card.name, idNumber: card.idNumber, noId: false, noIdReason: '', noIdNote: '', address: card.address || draft.address };
}

export function RegistrationPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  // Check-in search hands over a card it read for someone not yet registered.
  const handedCard = (location.state as { card?: CardReadResult['card'] } | null)?.card ?? null;
  const [draft, setDraft] = useState<RegistrationDraft>(() => (handedCard ? draftFromCard(EMPTY_DRAFT, handedCard) : EMPTY_DRAFT));
  const [card, setCard] = useState<CardReadResult['card'] | null>(handedCard);
  const [cardExisting, setCardExisting] = useState<CardReadResult['existing']>(null);
  // Suggestions only: registration works without either list.
  const villages = useVillages({}).data ?? NO_NAMES;
  const clinicians = useClinicians({}).data;
  const doctors = useMemo(() => clinicians?.map((c) => c.displayName) ?? NO_NAMES, [clinicians]);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const [phoneLeft, setPhoneLeft] = useState(false);
  const saved = useRef(false);
  const form = useRef<HTMLFormElement>(null);
  const today = todayInChina();

  const set = <K extends keyof RegistrationDraft>(key: K, value: RegistrationDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setOutcome(null);
  };
  /** A free-text box's value and change handler (the registration's plain text fields). */
  const textOf = (key: 'address' | 'household' | 'allergies') => ({ value: draft[key], onChange: (value: string) => set(key, value) });

  // A scanner's burst lands in whichever box had the focus; the recognised ID (and name) replace what it typed there.
  useScanListener((scanned) => {
    setOutcome(null);
    setDraft((d) => ({
      ...d,
      noId: false,
      idNumber: scanned.idNumber,
      name: scanned.kind === 'qr' && scanned.name ? scanned.name : d.name.includes(scanned.idNumber) ? '' : d.name,
      phone: scanned.kind === 'qr' && scanned.phone ? scanned.phone : d.phone,
    }));
  });

  function onCardRead(result: CardReadResult) {
    setOutcome(null);
    if (result.existing) {
      setCardExisting(result.existing);
      setCard(null);
      return;
    }
    setCardExisting(null);
    setCard(result.card);
    setDraft((d) => draftFromCard(d, result.card));
  }

  /** A QR scanner in keyboard mode types its whole payload into the ID box: keep the ID, and the name if it has one. */
  function onIdTyped(value: string) {
    const scanned = /[=:{]/.test(value) ? parseScannedInput(value, today) : null;
    if (scanned?.kind === 'qr') {
      setDraft((d) => ({ ...d, idNumber: scanned.idNumber, name: d.name || scanned.name || '', phone: d.phone || scanned.phone || '' }));
      setOutcome(null);
      return;
    }
    set('idNumber', value);
  }

  const id = draft.noId ? null : idFeedback(draft.idNumber, today, true);
  const fromId = id?.state === 'valid' ? id.info : null;
  const phoneWrong = phoneLeft && draft.phone.trim() !== '' && !MOBILE.test(draft.phone.replace(/[\s-]/g, ''));
  const serverError = outcome?.kind === 'error' ? outcome.error : null;
  const errorFor = (field: string) => (fieldOf(serverError) === field ? <ErrorText error={serverError} /> : null);
  const generalError =
    serverError &&
    !['name', 'idNumber', 'noIdReason', 'noIdNote', 'birthDate', 'sex', 'phone', 'village', 'contractDoctor'].includes(fieldOf(serverError) ?? '')
      ? serverError
      : null;

  async function register(confirmNotDuplicate: boolean) {
    if (focusRefusedDate(form.current)) return;
    if (id && id.state === 'invalid' && draft.idNumber.trim() !== '') {
      // The field already says what is wrong; do not send a number that cannot be right.
      document.querySelector<HTMLInputElement>('.id-field input')?.focus();
      return;
    }
    setBusy(true);
    setOutcome(null);
    try {
      const result = await api.patients.register({ ...toPatientInput(draft), confirmNotDuplicate });
      if (result.status === 'created') {
        saved.current = true;
        // The card (photo, ethnicity, validity) goes with the patient only when the ID number is still the card's.
        let cardNotStored = false;
        if (card && normalizeResidentIdInput(draft.idNumber) === card.idNumber) {
          // The patient is saved either way; the chart says when the card was not, and reads it again there.
          cardNotStored = await api.idcard.attach({ patientId: result.patient.id, readId: card.readId }).then(
            () => false,
            () => true,
          );
        }
        navigate(`/patients/${result.patient.id}`, { state: { registered: true, cardNotStored } });
      } else {
        setOutcome({ kind: 'possibleDuplicates', candidates: result.candidates });
      }
    } catch (error) {
      if (error instanceof ApiError && error.code === 'DUPLICATE' && typeof error.details?.patientId === 'string') {
        setOutcome({ kind: 'duplicateId', patientId: error.details.patientId });
      } else {
        setOutcome({ kind: 'error', error });
      }
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    void register(false);
  }

  function openExisting(patientId: string) {
    saved.current = true;
    navigate(`/patients/${patientId}`);
  }

  return (
    <section className="page">
      <UnsavedGuard isDirty={() => !saved.current && isDraftTouched(draft)} />
      <h1>{t('clinic:register.title')}</h1>
      <form className="card" onSubmit={submit} noValidate ref={form}>
        <div className="row">
          <h2>{t('clinic:register.identity')}</h2>
          <ReadCardButton onRead={onCardRead} />
        </div>
        {card && (
          <div className="notice" role="status" data-testid="card-filled">
            <p>{t('idcard:filled', { name: card.name, idNumber: maskIdNumber(card.idNumber) })}</p>
            <CardFacts card={card} />
            <CardPhoto photo={card.photo} />
          </div>
        )}
        {cardExisting && (
          <div className="notice warn" role="alert">
            <p>{t('idcard:existing', { name: cardExisting.name, idNumber: maskIdNumber(cardExisting.idNumber) })}</p>
            <button type="button" className="primary" onClick={() => openExisting(cardExisting.id)}>
              {t('idcard:openChart')}
            </button>
          </div>
        )}
        <div className="form-grid">
          <label>
            {t('clinic:register.name')}
            <input value={draft.name} onChange={(e) => set('name', e.target.value)} autoFocus required maxLength={30} autoComplete="off" />
            {errorFor('name')}
          </label>
          {!draft.noId && <IdNumberField value={draft.idNumber} onChange={onIdTyped} today={today} serverError={errorFor('idNumber')} />}
          <label className="switch">
            <input type="checkbox" checked={draft.noId} onChange={(e) => set('noId', e.target.checked)} />
            {t('clinic:register.noId')}
          </label>
        </div>
        {draft.noId && (
          <div className="form-grid">
            <label>
              {t('clinic:register.noIdReason')}
              <select value={draft.noIdReason} onChange={(e) => set('noIdReason', e.target.value as NoIdReason | '')}>
                <option value="">{t('clinic:register.choose')}</option>
                {NO_ID_REASONS.map((r) => (
                  <option key={r} value={r}>
                    {t(`clinic:noIdReason.${r}`)}
                  </option>
                ))}
              </select>
              {errorFor('noIdReason')}
            </label>
            {draft.noIdReason === 'other' && (
              <label>
                {t('clinic:register.noIdNote')}
                <input value={draft.noIdNote} onChange={(e) => set('noIdNote', e.target.value)} maxLength={100} />
                {errorFor('noIdNote')}
              </label>
            )}
          </div>
        )}
        <div className="form-grid">
          {fromId ? (
            <label>
              {t('clinic:register.birthDate')}
              <input value={fromId.birthDate} readOnly aria-readonly="true" className="locked" />
              <span className="hint">{t('clinic:register.fromId')}</span>
              {errorFor('birthDate')}
            </label>
          ) : (
            <span className="field">
              <DateInput
                label={t('clinic:register.birthDate')}
                kind="birthDate"
                value={draft.birthDate}
                disabled={!draft.noId}
                required={draft.noId}
                onChange={(v) => set('birthDate', v)}
              />
              {errorFor('birthDate')}
            </span>
          )}
          <label>
            {t('clinic:register.sex')}
            {fromId ? (
              <input value={t(`clinic:sex.${fromId.sex}`)} readOnly aria-readonly="true" className="locked" />
            ) : (
              <select value={draft.sex} disabled={!draft.noId} onChange={(e) => set('sex', e.target.value as RegistrationDraft['sex'])}>
                <option value="">{t('clinic:register.choose')}</option>
                {(['M', 'F', 'U'] as const).map((s) => (
                  <option key={s} value={s}>
                    {t(`clinic:sex.${s}`)}
                  </option>
                ))}
              </select>
            )}
            {fromId && <span className="hint">{t('clinic:register.fromId')}</span>}
            {errorFor('sex')}
          </label>
        </div>
        {!draft.noId && !fromId && <p className="muted small">{t('clinic:register.idFillsHint')}</p>}

        <h2>{t('clinic:register.contact')}</h2>
        <div className="form-grid">
          <label>
            {t('clinic:register.phone')}
            <input
              value={draft.phone}
              onChange={(e) => {
                setPhoneLeft(false);
                set('phone', e.target.value);
              }}
              onBlur={() => setPhoneLeft(true)}
              inputMode="numeric"
              maxLength={20}
              aria-invalid={phoneWrong}
              className={`mono ${phoneWrong ? 'invalid' : ''}`}
            />
            {phoneWrong && <span className="error-text">{t('clinic:reasons.PHONE_INVALID')}</span>}
            {errorFor('phone')}
          </label>
          <label>
            {t('clinic:register.village')}
            {villages.length > 0 ? (
              <select value={draft.village} onChange={(e) => set('village', e.target.value)}>
                <option value="">{t('clinic:register.choose')}</option>
                {villages.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            ) : (
              <input value={draft.village} onChange={(e) => set('village', e.target.value)} maxLength={40} />
            )}
            {errorFor('village')}
          </label>
          <TextField wide label={t('clinic:register.address')} {...textOf('address')} maxLength={120} />
          <TextField label={t('clinic:register.household')} {...textOf('household')} maxLength={60} />
        </div>

        <h2>{t('clinic:register.health')}</h2>
        <div className="form-grid">
          <label>
            {t('clinic:register.contractDoctor')}
            <input value={draft.contractDoctor} onChange={(e) => set('contractDoctor', e.target.value)} list="contract-doctors" maxLength={40} />
            <datalist id="contract-doctors">
              {doctors.map((d) => (
                <option key={d} value={d} />
              ))}
            </datalist>
            {errorFor('contractDoctor')}
          </label>
          <DateInput
            label={t('clinic:register.contractDate')}
            kind="pastEvent"
            birthDate={fromId?.birthDate ?? (draft.birthDate || null)}
            value={draft.contractDate}
            onChange={(v) => set('contractDate', v)}
          />
          <fieldset className="checks">
            <legend>{t('clinic:register.chronic')}</legend>
            <p className="muted hint">{t('clinic:register.chronicHint')}</p>
            <label className="switch">
              <input type="checkbox" checked={draft.hypertension} onChange={(e) => set('hypertension', e.target.checked)} />
              {t('clinic:enrolment.hypertension')}
            </label>
            <label className="switch">
              <input type="checkbox" checked={draft.diabetes} onChange={(e) => set('diabetes', e.target.checked)} />
              {t('clinic:enrolment.diabetes')}
            </label>
          </fieldset>
          {NATIONAL_CODE_FIELDS.map(([codeSet, field]) => (
            <NationalCodeSelect key={field} set={codeSet} label={t(`clinic:register.${codeSet}`)} value={draft[field]} onChange={(code) => set(field, code)} />
          ))}
          <TextField wide label={t('clinic:register.allergies')} {...textOf('allergies')} maxLength={200} placeholder={t('clinic:register.allergiesHint')} />
        </div>

        {generalError && <ErrorText error={generalError} />}
        {outcome?.kind === 'duplicateId' && (
          <div className="notice warn" role="alert">
            <p>{t('clinic:register.duplicateId')}</p>
            <button type="button" className="primary" onClick={() => openExisting(outcome.patientId)}>
              {t('clinic:register.openExisting')}
            </button>
          </div>
        )}
        {outcome?.kind === 'possibleDuplicates' && (
          <div className="notice warn" role="alert">
            <p>{t('clinic:register.possibleDuplicates', { count: outcome.candidates.length })}</p>
            <table>
              <tbody>
                {outcome.candidates.map((c) => (
                  <tr key={c.id}>
                    <td>{c.name}</td>
                    <td>
                      <SexText sex={c.sex} /> · <AgeText birthDate={c.birthDate} />
                    </td>
                    <td>{c.birthDate}</td>
                    <td className="mono">{maskIdNumber(c.idNumber)}</td>
                    <td className="mono">{c.phone ?? ''}</td>
                    <td>{c.village ?? ''}</td>
                    <td>
                      <button type="button" onClick={() => openExisting(c.id)}>
                        {t('clinic:register.openThis')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <button type="button" onClick={() => void register(true)} disabled={busy}>
              {t('clinic:register.registerAnyway')}
            </button>
          </div>
        )}
        <div className="row">
          <button type="submit" className="primary" disabled={busy}>
            {t('clinic:register.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
