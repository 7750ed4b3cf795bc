import { buildRawApi, type Api, type RawApi } from '../../shared/api/contract';
import { ApiError, type ApiResult } from '../../shared/api/errors';
import { BINARY_CONTENT_TYPE, decodeFrame, FrameStreamReader } from '../../shared/api/binary';
import { type EventName, type EventPayload, type EventsApi } from '../../shared/api/events';

declare global {
  interface Window {
    /** Set by the Electron preload; absent when the renderer runs against the loopback harness. */
    api?: RawApi & { $events: EventsApi };
  }
}

/** The harness transport: same envelopes, carried over loopback HTTP with the token the harness put in the page. */
function httpRawApi(): RawApi {
  const token = document.querySelector<HTMLMetaElement>('meta[name="api-token"]')?.content ?? '';
  return buildRawApi(async (channel, input) => {
    const res = await fetch(`/api/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-harness-token': token },
      body: JSON.stringify(input ?? {}),
    });
    if (!res.ok) return { ok: false, error: { code: 'INTERNAL', message: `HTTP ${res.status}` } } satisfies ApiResult<unknown>;
    // Answers that carry samples come as a binary frame: Float32Arrays, not JSON number lists.
    if (res.headers.get('content-type') === BINARY_CONTENT_TYPE) return decodeFrame(new Uint8Array(await res.arrayBuffer())) as ApiResult<unknown>;
    return (await res.json()) as ApiResult<unknown>;
  });
}

/** Every failure becomes an ApiError with a code the UI translates; the session-lock code is broadcast. */
function unwrap(raw: RawApi): Api {
  const api: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
  for (const [ns, methods] of Object.entries(raw as unknown as Record<string, Record<string, (i: unknown) => Promise<ApiResult<unknown>>>>)) {
    api[ns] = {};
    for (const [name, fn] of Object.entries(methods)) {
      api[ns][name] = async (input: unknown) => {
        let result: ApiResult<unknown>;
        try {
          result = await fn(input ?? {});
        } catch (err) {
          throw new ApiError('INTERNAL', err instanceof Error ? err.message : String(err));
        }
        if (result.ok) return result.value;
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
  const token = document.querySelector<HTMLMetaElement>('meta[name="api-token"]')?.content ?? '';
  let started = false;
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const dispatch = (frame: Uint8Array) => {
    const { name, payload } = decodeFrame(frame) as { name: EventName; payload: unknown };
    listeners.get(name)?.forEach((l) => l(payload));
  };
  const connect = async () => {
    try {
      const res = await fetch('/events', { method: 'POST', headers: { 'x-harness-token': token } });
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
