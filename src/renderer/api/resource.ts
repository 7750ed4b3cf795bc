import { useCallback, useEffect, useSyncExternalStore } from 'react';
import { ApiError } from '../../shared/api/errors';

/**
 * Resource hooks: one per query, the shape OpenMRS O3 gets from SWR. A resource is defined once next to its
 * feature (`defineResource('followup.reminders', (input) => api.followup.reminders(input))`) and gives the pages a
 * hook and one exported `invalidate()`, which every write that changes the resource calls, so each view showing it
 * reloads.
 *
 * What each hook handles, so pages stop doing it by hand:
 * - loading and error state, with the last good answer kept on screen while a reload runs;
 * - stale answers: only the most recent request for a key may update it (a slow answer to an older filter is
 *   dropped);
 * - the idle lock: a request refused because the station locked (SESSION_LOCKED, or UNAUTHENTICATED after a
 *   sign-out) is not an error to show; the resource waits, and every resource on screen loads again after unlock
 *   or sign-in (`revalidateAll`, called by the auth context), so no page is left with the lock's refusal;
 * - polling (`pollMs`), for what changes by sync rather than by this page's writes: one interval per shown input,
 *   paused while the window is hidden or the station is locked.
 */

export interface ResourceState<T> {
  /** The last answer (kept while a reload runs, and after a failed reload). */
  data: T | undefined;
  /** The last request's failure, if it failed (never the lock's refusal). */
  error: unknown;
  /** A request is in flight or waits for the unlock. */
  loading: boolean;
}

export interface ResourceHandle<T> extends ResourceState<T> {
  /** Loads again now (e.g. a "refresh" button). */
  reload(): void;
  /** Shows a change at once, before the server confirms it (the reload that follows a write puts the truth back). */
  mutate(update: (data: T) => T): void;
}

interface Entry {
  state: ResourceState<unknown>;
  seq: number;
  listeners: Set<() => void>;
  load: () => Promise<unknown>;
  /** The latest request has not answered yet (a poll does not pile a second one on a slow server). */
  inFlight: boolean;
  /** Milliseconds between polls, from the resource's options; 0 for a resource that only loads when asked. */
  pollMs: number;
  timer: ReturnType<typeof setInterval> | null;
  /** Belongs to no user (the store's state): kept across a sign-out. */
  sessionFree: boolean;
}

const IDLE: ResourceState<never> = { data: undefined, error: null, loading: true };
const entries = new Map<string, Entry>();
const SEP = '\u0000';

function keyOf(name: string, input: unknown): string {
  return `${name}${SEP}${JSON.stringify(input ?? null)}`;
}

function publish(entry: Entry, state: ResourceState<unknown>): void {
  entry.state = state;
  entry.listeners.forEach((l) => l());
}

/** The refusals that mean "not now" (the lock, or no one signed in), not "this failed". */
export function isLockRefusal(err: unknown): boolean {
  return err instanceof ApiError && (err.code === 'SESSION_LOCKED' || err.code === 'UNAUTHENTICATED');
}

function run(entry: Entry): void {
  const mine = ++entry.seq;
  entry.inFlight = true;
  if (!entry.state.loading) publish(entry, { ...entry.state, loading: true });
  entry.load().then(
    (data) => {
      if (mine !== entry.seq) return;
      entry.inFlight = false;
      publish(entry, { data, error: null, loading: false });
    },
    (error: unknown) => {
      if (mine !== entry.seq) return;
      entry.inFlight = false;
      // The lock's refusal: keep waiting; revalidateAll loads it again on unlock.
      if (isLockRefusal(error)) {
        publish(entry, { ...entry.state, error: null, loading: true });
      } else {
        publish(entry, { data: entry.state.data, error, loading: false });
      }
    },
  );
}

/**
 * Polling: off while the document is hidden (a minimised window asks nothing) and while the station is locked or
 * nobody is signed in (the answer would be the lock's refusal). Set by the auth context, which owns that state.
 */
let pollsPaused = false;

function pollDue(): boolean {
  return !pollsPaused && !(typeof document !== 'undefined' && document.hidden);
}

function pollTick(entry: Entry): void {
  if (pollDue() && !entry.inFlight) run(entry);
}

/** A polled resource shown again after the window was hidden loads at once rather than at its next tick. */
function onVisible(): void {
  if (document.hidden) return;
  for (const entry of entries.values()) if (entry.timer !== null) pollTick(entry);
}
let visibilityWatched = false;

function startPolling(entry: Entry): void {
  if (entry.pollMs <= 0 || entry.timer !== null) return;
  if (!visibilityWatched && typeof document !== 'undefined') {
    document.addEventListener('visibilitychange', onVisible);
    visibilityWatched = true;
  }
  entry.timer = setInterval(() => pollTick(entry), entry.pollMs);
}

function stopPolling(entry: Entry): void {
  if (entry.timer === null) return;
  clearInterval(entry.timer);
  entry.timer = null;
}

/**
 * The auth context says whether the station is usable (someone signed in, not locked). Polls wait while it is
 * not; on resume `revalidateAll` (called by the same context) brings every shown resource up to date.
 */
export function setPollingPaused(paused: boolean): void {
  pollsPaused = paused;
}

function entryFor(key: string, load: () => Promise<unknown>, options: ResourceOptions = {}): Entry {
  let entry = entries.get(key);
  if (!entry) {
    entry = {
      state: IDLE,
      seq: 0,
      listeners: new Set(),
      load,
      inFlight: false,
      pollMs: options.pollMs ?? 0,
      timer: null,
      sessionFree: options.sessionFree ?? false,
    };
    entries.set(key, entry);
  }
  // The newest closure carries the newest input and api; the key already says they mean the same request.
  entry.load = load;
  return entry;
}

/**
 * Loads again every resource some page shows, and forgets the others (they load when next shown). Called when the
 * station unlocks or a user signs in: what the lock interrupted, and what may have changed meanwhile, is fresh.
 */
export function revalidateAll(): void {
  for (const [key, entry] of entries) {
    if (entry.listeners.size > 0) run(entry);
    else entries.delete(key);
  }
}

/**
 * Forgets every answer (a sign-out: the next user must not see the last one's data, even for a moment), except the
 * session-free ones, which no user owns and which screens before sign-in still show.
 */
export function clearResources(): void {
  for (const [key, entry] of entries) {
    if (entry.sessionFree) continue;
    entry.seq += 1;
    entry.inFlight = false;
    if (entry.listeners.size > 0) publish(entry, IDLE);
    else entries.delete(key);
  }
}

function invalidatePrefix(prefix: string): void {
  for (const [key, entry] of entries) {
    if (!key.startsWith(prefix)) continue;
    if (entry.listeners.size > 0) run(entry);
    else entries.delete(key);
  }
}

/** Invalidates resources by name (`'followup.'` reaches every follow-up resource). */
export function invalidateResources(namePrefix: string): void {
  invalidatePrefix(namePrefix);
}

export interface Resource<I, T> {
  readonly name: string;
  /** The hook: `null` input means "nothing to load yet" (e.g. no patient chosen). */
  use(input: I | null): ResourceHandle<T>;
  /** Every view of this resource (any input) loads again. */
  invalidate(): void;
  /** Only the views of this one input load again. */
  invalidateOne(input: I): void;
}

const NOTHING: ResourceHandle<never> = { data: undefined, error: null, loading: false, reload: () => {}, mutate: () => {} };
const noopSubscribe = () => () => {};

/** Which API namespaces' writes make each resource stale. */
const dependents = new Map<string, Set<string>>();

/**
 * Called by the API client after every successful write: each resource that depends on the namespace loads again.
 * Explicit `invalidate()` calls stay for what the client cannot know (a write in one place changing a list
 * elsewhere that names no dependency).
 */
export function invalidateAfterWrite(namespace: string): void {
  for (const [name, after] of dependents) if (after.has(namespace)) invalidatePrefix(name + SEP);
}

export interface ResourceOptions {
  /**
   * API namespaces whose writes change this resource (default: the namespace in its name, e.g. `followup` for
   * `followup.reminders`). A follow-up visit records blood pressure, so the vital-sign series lists `followup`.
   */
  after?: readonly string[];
  /**
   * Reload every this many milliseconds while some view shows the resource, for what changes without a write from
   * this page (sync status, replies and alerts that arrive by sync). One interval per input, however many views
   * show it; paused while the window is hidden or the station locked; a slow answer is never overtaken by a
   * second poll, and an older answer never overwrites a newer one.
   */
  pollMs?: number;
  /**
   * The answer belongs to no user and is shown before anyone signs in (the store's state, the status bar's
   * connectivity): a sign-out does not clear it, since nothing would load it again until the next sign-in.
   */
  sessionFree?: boolean;
}

export function defineResource<I, T>(name: string, fetcher: (input: I) => Promise<T>, options: ResourceOptions = {}): Resource<I, T> {
  dependents.set(name, new Set(options.after ?? [name.split('.')[0]]));
  function use(input: I | null): ResourceHandle<T> {
    const key = input === null ? null : keyOf(name, input);
    const subscribe = useCallback(
      (listener: () => void) => {
        if (key === null) return () => {};
        const entry = entryFor(key, () => fetcher(input as I), options);
        entry.listeners.add(listener);
        startPolling(entry);
        return () => {
          entry.listeners.delete(listener);
          if (entry.listeners.size === 0) stopPolling(entry);
        };
      },
      // The key stands for the input: a new object with the same content must not resubscribe.
      // eslint-disable-next-line react-hooks/exhaustive-deps
      [key],
    );
    const state = useSyncExternalStore(key === null ? noopSubscribe : subscribe, () => (key === null ? NOTHING : (entries.get(key)?.state ?? IDLE)));
    useEffect(() => {
      if (key === null) return;
      // Stale-while-revalidate: a cached answer shows at once and is refreshed on every mount.
      run(entryFor(key, () => fetcher(input as I), options));
      // eslint-disable-next-line react-hooks/exhaustive-deps
    }, [key]);
    const reload = useCallback(() => {
      if (key !== null) run(entryFor(key, () => fetcher(input as I), options));
      // eslint-disable-next-line react-hooks/exhaustive-deps
    }, [key]);
    const mutate = useCallback(
      (update: (data: T) => T) => {
        const entry = key === null ? undefined : entries.get(key);
        if (entry && entry.state.data !== undefined) publish(entry, { ...entry.state, data: update(entry.state.data as T) });
      },
      [key],
    );
    return key === null ? NOTHING : { ...(state as ResourceState<T>), reload, mutate };
  }
  return {
    name,
    use,
    invalidate: () => invalidatePrefix(name + SEP),
    invalidateOne: (input: I) => invalidatePrefix(keyOf(name, input)),
  };
}

/** For tests: the number of cached keys. */
export function resourceCacheSize(): number {
  return entries.size;
}
