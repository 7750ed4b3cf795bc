import { randomUUID } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { DEFAULT_IDCARD_SETTINGS, idCardSettingsSchema, type CardRead, type IdCardSettings } from '../../shared/api/idcard';
import type { PatientSummary } from '../../shared/api/patients';
import { ApiError } from '../../shared/api/errors';
import type { IdCardData } from '../../shared/idcard';
import type { Clock } from '../clock';
import type { Caller } from '../api/dispatcher';
import type { Db } from '../db/open';
import { patientIdCards, patients, type NewPatientIdCardRow } from '../db/schema';
import { readFeatureSetting, writeFeatureSetting } from '../settings/settings-service';
import type { ReaderProcessLauncher } from './launcher';
import { readerFor, refuse } from './reader';

const SETTINGS_KEY = 'idcard.reader';
/** A read not attached to a patient within this time is forgotten (the clerk walked away from the form). */
const PENDING_MS = 15 * 60_000;

interface Pending {
  card: IdCardData;
  userId: number | null;
  at: number;
}

export interface IdCardServiceDeps {
  db: () => Db;
  clock: Clock;
  launcher: ReaderProcessLauncher;
  /** Inside the write transaction, when the patient row changed (outbox for sync). */
  onPatientChanged: (patientId: string) => void;
}

/** Browsers show BMP and JPEG; a WLT needs the vendor's decoder, so it gets no preview. */
function dataUrl(photo: { format: string; bytes: Uint8Array } | null): string | null {
  if (!photo || photo.format === 'wlt') return null;
  return `data:image/${photo.format};base64,${Buffer.from(photo.bytes).toString('base64')}`;
}

export class IdCardService {
  /** Card reads waiting to be attached to a patient: in memory only, so a photo is never written in plain. */
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly deps: IdCardServiceDeps) {}

  settings(): IdCardSettings {
    const parsed = idCardSettingsSchema.safeParse({ ...DEFAULT_IDCARD_SETTINGS, ...(readFeatureSetting(this.deps.db(), SETTINGS_KEY) as object | null) });
    return parsed.success ? parsed.data : DEFAULT_IDCARD_SETTINGS;
  }

  updateSettings(patch: Partial<IdCardSettings>): IdCardSettings {
    const next = idCardSettingsSchema.parse({ ...this.settings(), ...patch });
    writeFeatureSetting(this.deps.db(), SETTINGS_KEY, next, this.deps.clock);
    return next;
  }

  async read(caller: Caller | null): Promise<{ card: CardRead; existing: PatientSummary | null }> {
    const reader = readerFor(this.settings(), this.deps.launcher);
    await reader.open();
    let card: IdCardData;
    try {
      card = await reader.read();
    } finally {
      await reader.close();
    }
    const now = this.deps.clock.now().getTime();
    for (const [id, p] of this.pending) if (now - p.at > PENDING_MS) this.pending.delete(id);
    const readId = randomUUID();
    this.pending.set(readId, { card, userId: caller?.id ?? null, at: now });
    const existing =
      this.deps
        .db()
        .select({
          id: patients.id,
          name: patients.name,
          idNumber: patients.idNumber,
          sex: patients.sex,
          birthDate: patients.birthDate,
          phone: patients.phone,
          village: patients.village,
        })
        .from(patients)
        .where(and(eq(patients.idNumber, card.idNumber), isNull(patients.mergedInto)))
        .get() ?? null;
    const { photo, ...fields } = card;
    return { card: { readId, ...fields, photo: photo ? { format: photo.format, size: photo.bytes.length, dataUrl: dataUrl(photo) } : null }, existing };
  }

  /** Stores the card with the patient whose ID number it carries; fills the patient's ethnicity when not recorded. */
  attach(caller: Caller | null, patientId: string, readId: string): { photoStored: boolean; ethnicCodeSet: boolean } {
    const pending = this.pending.get(readId);
    if (!pending || pending.userId !== (caller?.id ?? null) || this.deps.clock.now().getTime() - pending.at > PENDING_MS) {
      throw refuse('IDCARD_READ_EXPIRED', 'that card read is no longer held; read the card again');
    }
    const { card } = pending;
    const db = this.deps.db();
    const result = db.transaction((tx) => {
      const patient = tx.select({ idNumber: patients.idNumber, ethnicCode: patients.ethnicCode }).from(patients).where(eq(patients.id, patientId)).get();
      if (!patient) throw new ApiError('NOT_FOUND', `no patient ${patientId}`);
      if (patient.idNumber !== card.idNumber)
        throw new ApiError('VALIDATION', 'the card belongs to another ID number', { field: 'idNumber', reason: 'ID_MISMATCH' });
      const now = this.deps.clock.now().toISOString();
      const row: NewPatientIdCardRow = {
        patientId,
        idNumber: card.idNumber,
        ethnicCode: card.ethnicCode,
        authority: card.authority,
        validFrom: card.validFrom,
        validTo: card.validTo,
        photoFormat: card.photo?.format ?? null,
        photo: card.photo ? Buffer.from(card.photo.bytes) : null,
        readAt: now,
        readBy: caller?.id ?? null,
      };
      tx.insert(patientIdCards).values(row).onConflictDoUpdate({ target: patientIdCards.patientId, set: row }).run();
      let ethnicCodeSet = false;
      if (card.ethnicCode && !patient.ethnicCode) {
        tx.update(patients)
          .set({ ethnicCode: card.ethnicCode, version: sql`${patients.version} + 1`, updatedAt: now })
          .where(eq(patients.id, patientId))
          .run();
        this.deps.onPatientChanged(patientId);
        ethnicCodeSet = true;
      }
      return { photoStored: card.photo !== null, ethnicCodeSet };
    });
    this.pending.delete(readId);
    return result;
  }

  photo(patientId: string): { format: 'wlt' | 'bmp' | 'jpeg'; size: number; dataUrl: string | null; readAt: string } | null {
    const row = this.deps.db().select().from(patientIdCards).where(eq(patientIdCards.patientId, patientId)).get();
    if (!row?.photo || !row.photoFormat) return null;
    return { format: row.photoFormat, size: row.photo.length, dataUrl: dataUrl({ format: row.photoFormat, bytes: row.photo }), readAt: row.readAt };
  }
}
