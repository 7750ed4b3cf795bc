import { EVENT_PORT_CHANNEL, type EventName } from '../../shared/api/events';

/** The slices of Electron's MessagePortMain / MessageChannelMain / WebContents used here (fakes in tests). */
export interface PortLike {
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
}
export interface WebContentsLike<P> {
  postMessage(channel: string, message: unknown, transfer: P[]): void;
  on(event: 'did-finish-load', listener: () => void): void;
  isDestroyed(): boolean;
}

/**
 * Typed events to our window over a MessagePort (ARCHITECTURE §5): each load of the page gets a fresh port (the
 * old one dies with the old page) through the preload; events are posted as `{ name, payload }` by structured
 * clone, so sample blocks cross as Float32Arrays, not JSON. Returns a function that stops forwarding.
 */
export function forwardEventsToPort<P>(
  contents: WebContentsLike<P>,
  subscribe: (listener: (name: EventName, payload: unknown) => void) => () => void,
  newChannel: () => { port1: PortLike; port2: P },
): () => void {
  let port: PortLike | null = null;
  contents.on('did-finish-load', () => {
    port?.close();
    const channel = newChannel();
    port = channel.port1;
    port.start();
    contents.postMessage(EVENT_PORT_CHANNEL, null, [channel.port2]);
  });
  const off = subscribe((name, payload) => {
    if (port && !contents.isDestroyed()) port.postMessage({ name, payload });
  });
  return () => {
    off();
    port?.close();
    port = null;
  };
}
