import { z } from 'zod';
import { method } from './define';
import { patientSummarySchema } from './patients';

/** Why a card could not be read; each is worded in idcard:reasons.<REASON> (zh-CN and English). */
export const IDCARD_REASONS = [
  'IDCARD_DRIVER_OFF',
  'IDCARD_KEYBOARD_MODE',
  'IDCARD_DRIVER_NOT_INSTALLED',
  'IDCARD_DRIVER_CRASHED',
  'IDCARD_TIMEOUT',
  'IDCARD_NO_CARD',
  'IDCARD_NO_DEVICE',
  'IDCARD_BAD_TEXT',
  'IDCARD_READ_EXPIRED',
] as const;
export type IdCardRefusal = (typeof IDCARD_REASONS)[number];

/**
 * Which driver reads cards at this desk. `sdt`: the readers' common C library (sdtapi.dll / libsdtapi.so) at
 * `libraryPath` on `port` (1–16 serial, 1001–1016 USB). `keyboard`: the reader or scanner types into the focused box,
 * nothing to configure in main. `insuranceVoucher`: the 医保电子凭证 slot, which needs the province's SDK.
 */
export const IDCARD_DRIVERS = ['off', 'sdt', 'keyboard', 'insuranceVoucher'] as const;
export const idCardSettingsSchema = z.object({
  driver: z.enum(IDCARD_DRIVERS),
  libraryPath: z.string().trim().max(400),
  port: z.number().int().min(1).max(9999),
  timeoutMs: z.number().int().min(1000).max(60000),
});
export type IdCardSettings = z.infer<typeof idCardSettingsSchema>;
export const DEFAULT_IDCARD_SETTINGS: IdCardSettings = { driver: 'off', libraryPath: '', port: 1001, timeoutMs: 8000 };

export const cardReadSchema = z.object({
  /** Names this read's photo in main's memory until `attach` stores it with the patient (it never reaches disk in plain). */
  readId: z.string(),
  name: z.string(),
  sex: z.enum(['M', 'F', 'U']),
  ethnicCode: z.string().nullable(),
  birthDate: z.string(),
  address: z.string(),
  idNumber: z.string(),
  authority: z.string(),
  validFrom: z.string(),
  validTo: z.string(),
  photo: z.object({ format: z.enum(['wlt', 'bmp', 'jpeg']), size: z.number().int(), dataUrl: z.string().nullable() }).nullable(),
});
export type CardRead = z.infer<typeof cardReadSchema>;

export const idcardContract = {
  /** Reads the card on the desk reader; `existing` is the registered patient with that ID number, if any. */
  read: method({
    input: z.object({}),
    output: z.object({ card: cardReadSchema, existing: patientSummarySchema.nullable() }),
    access: ['admin', 'doctor', 'nurse'],
    audit: 'read',
  }),
  /** Keeps what the card said with the patient: photo (encrypted with the database), ethnicity, authority, validity. */
  attach: method({
    input: z.object({ patientId: z.string().min(1).max(64), readId: z.string().min(1).max(64) }),
    output: z.object({ photoStored: z.boolean(), ethnicCodeSet: z.boolean() }),
    access: ['admin', 'doctor', 'nurse'],
    audit: 'write',
  }),
  /** The stored card photo of a patient (as read: WLT stays WLT), or null. */
  photo: method({
    input: z.object({ patientId: z.string().min(1).max(64) }),
    output: z.object({ format: z.enum(['wlt', 'bmp', 'jpeg']), size: z.number().int(), dataUrl: z.string().nullable(), readAt: z.string() }).nullable(),
    access: ['admin', 'doctor', 'nurse'],
    audit: 'read',
  }),
  settings: method({ input: z.object({}), output: idCardSettingsSchema, access: 'signedIn', audit: 'none' }),
  updateSettings: method({ input: idCardSettingsSchema.partial(), output: idCardSettingsSchema, access: ['admin'], audit: 'admin' }),
};
