import { existsSync } from 'node:fs';
import { ApiError } from '../../shared/api/errors';
import type { IdCardRefusal, IdCardSettings } from '../../shared/api/idcard';
import { decodeCardText, photoFormatOf, type IdCardData } from '../../shared/idcard';
import type { ReaderProcessLauncher } from './launcher';

/** A desk reader of resident ID cards. Every failure is an ApiError carrying one of IDCARD_REASONS. */
export interface IdCardReader {
  open(): Promise<void>;
  read(): Promise<IdCardData>;
  close(): Promise<void>;
}

export function refuse(reason: IdCardRefusal, message: string): ApiError {
  return new ApiError('DEVICE', message, { reason });
}

/** The readers' common C API (SDT_*), each read in a process of its own (see sdt-worker.ts). */
export class SdtReader implements IdCardReader {
  constructor(
    private readonly settings: Pick<IdCardSettings, 'libraryPath' | 'port' | 'timeoutMs'>,
    private readonly launch: ReaderProcessLauncher,
  ) {}

  async open(): Promise<void> {
    if (!this.settings.libraryPath || !existsSync(this.settings.libraryPath))
      throw refuse('IDCARD_DRIVER_NOT_INSTALLED', `no reader library at ${JSON.stringify(this.settings.libraryPath)}`);
  }

  async read(): Promise<IdCardData> {
    const reply = await this.launch({ libraryPath: this.settings.libraryPath, port: this.settings.port }, this.settings.timeoutMs);
    if (reply.kind === 'refusal') throw refuse(reply.reason, reply.detail);
    if (reply.kind !== 'card') throw refuse('IDCARD_DRIVER_CRASHED', 'the reader process answered out of turn');
    const photoBytes = reply.photo ? new Uint8Array(Buffer.from(reply.photo, 'base64')) : null;
    const decoded = decodeCardText(
      new Uint8Array(Buffer.from(reply.text, 'base64')),
      photoBytes ? { format: photoFormatOf(photoBytes), bytes: photoBytes } : null,
    );
    if (!decoded.ok) throw refuse('IDCARD_BAD_TEXT', 'the card text could not be decoded');
    return decoded.card;
  }

  async close(): Promise<void> {
    // Nothing held between reads: each read's process closed the port and exited.
  }
}

/**
 * 医保电子凭证 (the national medical insurance e-voucher) is read through the province's SDK, whose API is not
 * public. The slot exists so a province's driver plugs in behind this interface; until then it says so.
 */
export class InsuranceVoucherSlot implements IdCardReader {
  async open(): Promise<void> {
    throw refuse('IDCARD_DRIVER_NOT_INSTALLED', 'the 医保电子凭证 driver needs the province SDK, which is not installed');
  }
  async read(): Promise<IdCardData> {
    throw refuse('IDCARD_DRIVER_NOT_INSTALLED', 'the 医保电子凭证 driver needs the province SDK, which is not installed');
  }
  async close(): Promise<void> {}
}

/** Off, or a keyboard-mode reader (which types into the page and needs nothing from main). */
export class NoReader implements IdCardReader {
  constructor(private readonly reason: 'IDCARD_DRIVER_OFF' | 'IDCARD_KEYBOARD_MODE') {}
  async open(): Promise<void> {
    throw refuse(this.reason, this.reason === 'IDCARD_DRIVER_OFF' ? 'no ID-card reader is configured' : 'the reader types into the page (keyboard mode)');
  }
  async read(): Promise<IdCardData> {
    return this.open() as never;
  }
  async close(): Promise<void> {}
}

export function readerFor(settings: IdCardSettings, launch: ReaderProcessLauncher): IdCardReader {
  switch (settings.driver) {
    case 'sdt':
      return new SdtReader(settings, launch);
    case 'insuranceVoucher':
      return new InsuranceVoucherSlot();
    case 'keyboard':
      return new NoReader('IDCARD_KEYBOARD_MODE');
    case 'off':
      return new NoReader('IDCARD_DRIVER_OFF');
  }
}
