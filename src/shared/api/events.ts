import { z } from 'zod';

/**
 * Typed events main pushes to the renderer (ARCHITECTURE §2, streams). Electron: webContents.send on
 * `event:<name>`, delivered through window.api.$events; harness: server-sent events. Payloads are plain JSON.
 */
export const eventsContract = {
  ecgBlock: z.object({
    deviceId: z.string(),
    seq: z.number().int(),
    sampleRateHz: z.number(),
    leadNames: z.array(z.string()),
    firstSampleIndex: z.number().int(),
    /** Per lead, µV; null where a sample was lost (NaN is not JSON). */
    samples: z.array(z.array(z.number().nullable())),
    receivedAt: z.number(),
  }),
  ecgStatus: z.object({
    deviceId: z.string(),
    state: z.enum(['connecting', 'streaming', 'stalled', 'disconnected', 'error']),
    lostSamples: z.number().int(),
    corruptFrames: z.number().int(),
    reconnects: z.number().int(),
    latencyMs: z.number().optional(),
  }),
  syncProgress: z.object({
    target: z.string(),
    state: z.string(),
    pending: z.number().int(),
    sent: z.number().int(),
    message: z.string().optional(),
    /** First sync of a new or replaced station: resources received of the total, and the time left (s). */
    pull: z.object({ received: z.number().int(), total: z.number().int(), etaS: z.number().nullable() }).optional(),
  }),
};

export type EventName = keyof typeof eventsContract;
export type EventPayload<E extends EventName> = z.infer<(typeof eventsContract)[E]>;
export const EVENT_NAMES = Object.keys(eventsContract) as EventName[];
export const EVENT_PREFIX = 'event:';

/** The event half of window.api (preload) and of the harness client. */
export interface EventsApi {
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
}
