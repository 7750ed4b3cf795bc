import type { EventName, EventPayload } from '../../shared/api/events';

type Listener = (name: EventName, payload: unknown) => void;

/**
 * Fan-out of typed events from services to whatever carries them to the renderer (Electron's MessagePort,
 * the harness's binary event stream). A failing subscriber never affects the publisher or the others.
 */
export class EventHub {
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const l of this.listeners) {
      try {
        l(name, payload);
      } catch (err) {
        console.error('[events] subscriber failed', err);
      }
    }
  }
}
