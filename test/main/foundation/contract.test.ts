import { describe, expect, it, vi } from 'vitest';
import { createDispatcher, type Implementation } from '../../../src/main/api/dispatcher';
import { makeSenderCheck, registerIpc, type InvokeEventLike } from '../../../src/main/api/ipc';
import { Session } from '../../../src/main/session/session';
import { contractEntries, IPC_PREFIX } from '../../../src/shared/api/contract';
import type { ApiResult } from '../../../src/shared/api/errors';
import { openTestStation } from '../../support/test-services';

const ORIGIN = 'app://workstation';

function recordIpc() {
  const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  return {
    handlers,
    ipcMain: { handle: (channel: string, fn: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>) => void handlers.set(channel, fn) },
  };
}

const ourEvent: InvokeEventLike = { sender: { id: 1 }, senderFrame: { url: `${ORIGIN}/index.html` } };
const foreignEvents: [string, InvokeEventLike][] = [
  ['another webContents', { sender: { id: 2 }, senderFrame: { url: `${ORIGIN}/index.html` } }],
  ['a foreign origin in our window', { sender: { id: 1 }, senderFrame: { url: 'https://evil.example/' } }],
  ['a sub-frame', { sender: { id: 1 }, senderFrame: { url: `${ORIGIN}/index.html`, parent: {} } }],
  ['no frame', { sender: { id: 1 }, senderFrame: null }],
];

describe('the API contract, over IPC', () => {
  const entries = contractEntries();

  it('has methods, each with input and output schemas and an access rule', () => {
    expect(entries.length).toBeGreaterThan(15);
    for (const e of entries) {
      expect(e.def.input, e.channel).toBeDefined();
      expect(e.def.output, e.channel).toBeDefined();
      expect(e.def.access, e.channel).toBeDefined();
    }
  });

  it('registers every method and refuses a foreign sender for every one, without reaching the services', async () => {
    const dispatch = vi.fn(async (): Promise<ApiResult<unknown>> => ({ ok: true, value: {} }));
    const { handlers, ipcMain } = recordIpc();
    registerIpc(ipcMain, dispatch, makeSenderCheck({ webContentsId: () => 1, allowedOrigins: [ORIGIN] }));
    expect([...handlers.keys()].sort()).toEqual(entries.map((e) => `${IPC_PREFIX}${e.channel}`).sort());
    for (const e of entries) {
      const handler = handlers.get(`${IPC_PREFIX}${e.channel}`)!;
      for (const [label, event] of foreignEvents) {
        const result = (await handler(event, {})) as ApiResult<unknown>;
        expect(result, `${e.channel} from ${label}`).toMatchObject({ ok: false, error: { code: 'FOREIGN_SENDER' } });
      }
    }
    expect(dispatch).not.toHaveBeenCalled();
    await handlers.get(`${IPC_PREFIX}auth.status`)!(ourEvent, {});
    expect(dispatch).toHaveBeenCalledTimes(1);
  });

  it('refuses malformed input for every method before any service runs', async () => {
    const called: string[] = [];
    const implementation = new Proxy(
      {},
      {
        get: (_t, ns: string) => new Proxy({}, { get: (_u, name: string) => () => called.push(`${ns}.${name}`) }),
      },
    ) as Implementation;
    const session = new Session(() => Date.now());
    session.signIn({ id: 1, username: 'admin', displayName: 'a', role: 'admin', active: true });
    const dispatch = createDispatcher({ implementation, session, idleLockMinutes: () => 10, audit: () => {}, storeOpen: () => false });
    for (const e of entries) {
      const shape = 'shape' in e.def.input ? (e.def.input as unknown as { shape: object }).shape : {};
      const malformed: unknown[] = [42, 'text', [1, 2]];
      // A wrongly typed field; methods without input fields accept any object (unknown keys are stripped).
      if (Object.keys(shape).length > 0) malformed.push(Object.fromEntries(Object.keys(shape).map((k) => [k, { not: 'valid' }])));
      for (const bad of malformed) {
        const result = await dispatch(e.channel, bad);
        expect(result, `${e.channel} with ${JSON.stringify(bad)}`).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      }
    }
    expect(called).toEqual([]);
    expect(await dispatch('no.such', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('every non-public method refuses a caller who is not signed in (real services)', async () => {
    const station = await openTestStation({ withAdmin: true });
    try {
      await station.services.dispatch('auth.signOut', {});
      for (const e of entries.filter((x) => x.def.access !== 'public')) {
        const result = await station.services.dispatch(e.channel, {});
        expect(result.ok, e.channel).toBe(false);
        if (!result.ok) expect(['UNAUTHENTICATED', 'VALIDATION'], e.channel).toContain(result.error.code);
      }
    } finally {
      station.dispose();
    }
  });
});
