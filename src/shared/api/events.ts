import { z } from 'zod';
import { float32Schema } from './binary';

/**
 * Typed events main pushes to the renderer (ARCHITECTURE §2, streams). Electron: webContents.send on
 * Electron: one MessagePort per window, delivered through window.api.$events; harness: a stream of binary frames
 * (src/shared/api/binary.ts). Payloads are JSON values and Float32Arrays (sample blocks cross as typed arrays).
 */
export const eventsContract = {
  ecgBlock: z.object({
    deviceId: z.string(),
    seq: z.number().int(),
    sampleRateHz: z.number(),
    leadNames: z.array(z.string()),
    firstSampleIndex: z.number().int(),
    /** Per lead, µV; NaN where a sample was lost. */
    samples: z.array(float32Schema),
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
  /** Back-fill of what was in the store before a target (or the institution code) was set: records walked of total. */
  syncBackfill: z.object({
    target: z.string(),
    done: z.number().int(),
    total: z.number().int(),
    /** Outbox entries it added so far (records already queued with the same content add none). */
    queued: z.number().int(),
    finished: z.boolean(),
  }),
};

export type EventName = keyof typeof eventsContract;
export type EventPayload<E extends EventName> = z.infer<(typeof eventsContract)[E]>;
export const EVENT_NAMES = Object.keys(eventsContract) as EventName[];
export const EVENT_PREFIX = 'event:';
/** Electron: the IPC message that hands the preload the MessagePort all events then arrive on. */
export const EVENT_PORT_CHANNEL = `${EVENT_PREFIX}port`;

/** The event half of window.api (preload) and of the harness client. */
export interface EventsApi {
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
}
