import { buildRawApi, contract, type Api, type RawApi } from '../../shared/api/contract';
import { ApiError, type ApiResult } from '../../shared/api/errors';
import { BINARY_CONTENT_TYPE, decodeFrame, FrameStreamReader } from '../../shared/api/binary';
import { type EventName, type EventPayload, type EventsApi } from '../../shared/api/events';
import { invalidateAfterWrite } from './resource';

declare global {
  interface Window {
    /** Set by the Electron preload; absent when the renderer runs against the loopback harness. */
    api?: RawApi & { $events: EventsApi };
  }
}

/** Base64 of a chosen file's bytes (FileReader: btoa over a large binary string is slow and memory-hungry). */
function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

/**
 * The harness has no main-process dialog: the transport shows the browser's file chooser in its place and uploads
 * what was chosen (files.upload), so `files.open` answers with a handle exactly as in Electron. Null on cancel.
 */
function chooseAndUpload(purpose: string, send: (channel: string, input: unknown) => Promise<ApiResult<unknown>>): Promise<ApiResult<unknown>> {
  return new Promise((resolve) => {
    const picker = document.createElement('input');
    picker.type = 'file';
    // A WFDB record is a header and its signal file: both are chosen together.
    picker.multiple = purpose === 'ecg';
    picker.addEventListener('cancel', () => resolve({ ok: true, value: null }));
    picker.addEventListener('change', () => {
      const files = [...(picker.files ?? [])];
      if (files.length === 0) return resolve({ ok: true, value: null });
      Promise.all(files.map(async (f) => ({ name: f.name, base64: await base64Of(f) })))
        .then((encoded) => send('files.upload', { purpose, files: encoded }))
        .then(resolve, (err: unknown) => resolve({ ok: false, error: { code: 'INTERNAL', message: String(err) } }));
    });
    picker.click();
  });
}

/**
 * The harness transport: same envelopes, carried over loopback HTTP. The harness's HttpOnly session cookie (set when
 * the page was opened with its launch code) authenticates each call; the page never holds a secret.
 */
function httpRawApi(): RawApi {
  const send = async (channel: string, input: unknown): Promise<ApiResult<unknown>> => {
    const res = await fetch(`/api/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input ?? {}),
    });
    if (!res.ok) return { ok: false, error: { code: 'INTERNAL', message: `HTTP ${res.status}` } } satisfies ApiResult<unknown>;
    // Answers that carry samples come as a binary frame: Float32Arrays, not JSON number lists.
    if (res.headers.get('content-type') === BINARY_CONTENT_TYPE) return decodeFrame(new Uint8Array(await res.arrayBuffer())) as ApiResult<unknown>;
    return (await res.json()) as ApiResult<unknown>;
  };
  return buildRawApi((channel, input) =>
    channel === 'files.open' ? chooseAndUpload(String((input as { purpose?: unknown }).purpose), send) : send(channel, input),
  );
}

/** Every failure becomes an ApiError with a code the UI translates; the session-lock code is broadcast. */
function unwrap(raw: RawApi): Api {
  const api: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
  for (const [ns, methods] of Object.entries(raw as unknown as Record<string, Record<string, (i: unknown) => Promise<ApiResult<unknown>>>>)) {
    api[ns] = {};
    for (const [name, fn] of Object.entries(methods)) {
      const def = (contract as unknown as Record<string, Record<string, { audit: string }>>)[ns][name];
      // Settings are an administrator's write audited as 'admin' (as are some reads, so only this one counts).
      const writes = def.audit === 'write' || `${ns}.${name}` === 'settings.update';
      api[ns][name] = async (input: unknown) => {
        let result: ApiResult<unknown>;
        try {
          result = await fn(input ?? {});
        } catch (err) {
          throw new ApiError('INTERNAL', err instanceof Error ? err.message : String(err));
        }
        if (result.ok) {
          if (writes) invalidateAfterWrite(ns);
          return result.value;
        }
        if (result.error.code === 'SESSION_LOCKED' || result.error.code === 'UNAUTHENTICATED') {
          window.dispatchEvent(new CustomEvent('workstation:auth-changed', { detail: result.error.code }));
        }
        throw new ApiError(result.error.code, result.error.message, result.error.details);
      };
    }
  }
  return api as unknown as Api;
}

export const api: Api = unwrap(window.api ?? httpRawApi());

/**
 * Harness transport for events: one long POST per page whose answer is a stream of binary frames ({ name,
 * payload }), fanned out to subscribers; it reconnects after a second if the stream ends (harness restart).
 */
function httpEvents(): EventsApi {
  let started = false;
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const dispatch = (frame: Uint8Array) => {
    const { name, payload } = decodeFrame(frame) as { name: EventName; payload: unknown };
    listeners.get(name)?.forEach((l) => l(payload));
  };
  const connect = async () => {
    try {
      const res = await fetch('/events', { method: 'POST' });
      const reader = res.body?.getReader();
      if (!res.ok || !reader) throw new Error(`events: HTTP ${res.status}`);
      const frames = new FrameStreamReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const frame of frames.push(value)) dispatch(frame);
      }
    } catch {
      // The stream is gone (page unloading or harness stopped): try again below.
    }
    setTimeout(() => void connect(), 1000);
  };
  const ensure = () => {
    if (started) return;
    started = true;
    void connect();
  };
  return {
    on(name, listener) {
      ensure();
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      const l = listener as (payload: unknown) => void;
      set.add(l);
      return () => void set.delete(l);
    },
  };
}

/** Typed events from main (live ECG blocks, device status, sync progress). */
export const events: EventsApi = window.api?.$events ?? httpEvents();
export type { EventName, EventPayload };
