import { contractEntries, IPC_PREFIX } from '../../shared/api/contract';
import type { ApiResult } from '../../shared/api/errors';
import { originOf } from '../shell/origin';
import type { Dispatch } from './dispatcher';

/** The slice of Electron's IpcMainInvokeEvent we look at. */
export interface InvokeEventLike {
  sender: { id: number };
  senderFrame: { url: string; parent?: unknown } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
}

/**
 * Registers one `ipcMain.handle` per contract method. Each call is refused unless it comes from our own
 * window's top frame at our own origin (electron checklist: validate the sender of all IPC messages).
 */
export function registerIpc(ipcMain: IpcMainLike, dispatch: Dispatch, isTrustedSender: (event: InvokeEventLike) => boolean): string[] {
  const channels: string[] = [];
  for (const { channel } of contractEntries()) {
    const ipcChannel = `${IPC_PREFIX}${channel}`;
    ipcMain.handle(ipcChannel, async (event, input): Promise<ApiResult<unknown>> => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: { code: 'FOREIGN_SENDER', message: 'call refused: not from the workstation window' } };
      }
      return dispatch(channel, input);
    });
    channels.push(ipcChannel);
  }
  return channels;
}

/**
 * Our window's top frame, loaded from the app's own origin (dev server or the packaged app:// origin). `printWindows`:
 * the hidden windows main opened itself to print a route to PDF (they load the same app and call the same API).
 */
export function makeSenderCheck(expected: {
  webContentsId: () => number | undefined;
  allowedOrigins: readonly string[];
  printWindows?: () => ReadonlySet<number>;
}) {
  return (event: InvokeEventLike): boolean => {
    if (event.sender.id !== expected.webContentsId() && !expected.printWindows?.().has(event.sender.id)) return false;
    const frame = event.senderFrame;
    if (!frame || frame.parent) return false;
    const origin = originOf(frame.url);
    return origin !== null && expected.allowedOrigins.includes(origin);
  };
}
