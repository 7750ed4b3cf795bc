/**
 * The reader's vendor library runs here, in its own process (a Node child in tests and the harness, an Electron
 * utilityProcess in the app): a driver that crashes or hangs takes only this process down, and main answers with
 * a typed refusal. One request per process: the vendor libraries keep global port state that is only trustworthy
 * from a fresh load.
 *
 * The SDT_* entry points are the common C API of the readers that carry the ministry's SAM module (sdtapi.dll on
 * Windows, libsdtapi.so on Linux). Return codes: 0x90 success, 0x9f card found, 0x80 no card.
 */
import koffi from 'koffi';
import { CARD_PHOTO_LENGTH, CARD_TEXT_LENGTH } from '../../shared/idcard';
import type { WorkerReply, WorkerRequest } from './worker-protocol';

const SDT_SUCCESS = 0x90;
const SDT_FOUND = 0x9f;

function read(req: WorkerRequest): WorkerReply {
  let lib: ReturnType<typeof koffi.load>;
  try {
    lib = koffi.load(req.libraryPath);
  } catch (e) {
    return { kind: 'refusal', reason: 'IDCARD_DRIVER_NOT_INSTALLED', detail: e instanceof Error ? e.message : String(e) };
  }
  // __stdcall is what the 32-bit Windows builds use; koffi ignores it where there is one calling convention.
  const open = lib.func('int __stdcall SDT_OpenPort(int port)');
  const close = lib.func('int __stdcall SDT_ClosePort(int port)');
  const find = lib.func('int __stdcall SDT_StartFindIDCard(int port, _Out_ uint8_t *manage, int ifOpen)');
  const select = lib.func('int __stdcall SDT_SelectIDCard(int port, _Out_ uint8_t *manage, int ifOpen)');
  const readBase = lib.func(
    'int __stdcall SDT_ReadBaseMsg(int port, _Out_ uint8_t *text, _Out_ uint32_t *textLen, _Out_ uint8_t *photo, _Out_ uint32_t *photoLen, int ifOpen)',
  );
  if (open(req.port) !== SDT_SUCCESS) return { kind: 'refusal', reason: 'IDCARD_NO_DEVICE', detail: `SDT_OpenPort(${req.port}) failed` };
  try {
    const manage = Buffer.alloc(8);
    if (find(req.port, manage, 0) !== SDT_FOUND) return { kind: 'refusal', reason: 'IDCARD_NO_CARD', detail: 'no card on the reader' };
    if (select(req.port, manage, 0) !== SDT_SUCCESS) return { kind: 'refusal', reason: 'IDCARD_NO_CARD', detail: 'card could not be selected' };
    const text = Buffer.alloc(CARD_TEXT_LENGTH + 256);
    const photo = Buffer.alloc(CARD_PHOTO_LENGTH * 40);
    const textLen = [0];
    const photoLen = [0];
    const rc = readBase(req.port, text, textLen, photo, photoLen, 0);
    if (rc !== SDT_SUCCESS) return { kind: 'refusal', reason: 'IDCARD_NO_CARD', detail: `SDT_ReadBaseMsg returned ${rc}` };
    const t = Math.min(textLen[0] ?? 0, text.length);
    const p = Math.min(photoLen[0] ?? 0, photo.length);
    return { kind: 'card', text: text.subarray(0, t).toString('base64'), photo: p > 0 ? photo.subarray(0, p).toString('base64') : null };
  } finally {
    close(req.port);
  }
}

interface Channel {
  on(event: 'message', listener: (message: unknown) => void): void;
  send(message: WorkerReply): void;
}

function channel(): Channel {
  // Electron's utilityProcess gives the child `process.parentPort`; a Node fork gives process.send.
  const parentPort = (process as { parentPort?: { on(e: 'message', l: (m: { data: unknown }) => void): void; postMessage(m: unknown): void } }).parentPort;
  if (parentPort) return { on: (_e, l) => parentPort.on('message', (m) => l(m.data)), send: (m) => parentPort.postMessage(m) };
  return { on: (_e, l) => process.on('message', l), send: (m) => process.send?.(m) };
}

const ch = channel();
ch.on('message', (message) => {
  const req = message as WorkerRequest;
  let reply: WorkerReply;
  try {
    reply = read(req);
  } catch (e) {
    reply = { kind: 'refusal', reason: 'IDCARD_DRIVER_CRASHED', detail: e instanceof Error ? e.message : String(e) };
  }
  ch.send(reply);
});
// Tells main the process is up, so the read's timeout counts the reader, not the start-up.
ch.send({ kind: 'ready' });
