// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../src/shared/api/errors';
import { clearResources, defineResource, invalidateAfterWrite, revalidateAll, setPollingPaused } from '../../../src/renderer/api/resource';

afterEach(() => {
  cleanup();
  clearResources();
});

/** A fetcher whose answers the test releases by hand, in any order. */
function controlled<T>() {
  const calls: { input: unknown; resolve(v: T): void; reject(e: unknown): void }[] = [];
  const fetcher = (input: unknown) => new Promise<T>((resolve, reject) => calls.push({ input, resolve, reject }));
  return { calls, fetcher };
}

function View({
  use,
  input,
}: {
  use: (i: { q: string } | null) => { data: string | undefined; error: unknown; loading: boolean };
  input: { q: string } | null;
}) {
  const r = use(input);
  return (
    <p data-testid="out">
      {r.loading ? 'loading' : 'idle'}|{r.data ?? '-'}|{r.error instanceof ApiError ? r.error.code : '-'}
    </p>
  );
}

const out = () => screen.getByTestId('out').textContent;
const flush = () => act(async () => {});

describe('resource hooks', () => {
  it('shows loading, then the answer; a slower answer to an older input never overwrites a newer one', async () => {
    const { calls, fetcher } = controlled<string>();
    const r = defineResource('t1.list', (i: { q: string }) => fetcher(i));
    const { rerender } = render(<View use={r.use} input={{ q: 'a' }} />);
    expect(out()).toBe('loading|-|-');
    rerender(<View use={r.use} input={{ q: 'b' }} />);
    expect(calls.map((c) => c.input)).toEqual([{ q: 'a' }, { q: 'b' }]);
    calls[1].resolve('B');
    await flush();
    expect(out()).toBe('idle|B|-');
    calls[0].resolve('A');
    await flush();
    expect(out()).toBe('idle|B|-');
  });

  it('a second request for the same key wins over the first even when the first answers last', async () => {
    const { calls, fetcher } = controlled<string>();
    const r = defineResource('t2.list', (i: { q: string }) => fetcher(i));
    render(<View use={r.use} input={{ q: 'a' }} />);
    act(() => r.invalidate());
    expect(calls).toHaveLength(2);
    calls[1].resolve('new');
    calls[0].resolve('old');
    await flush();
    expect(out()).toBe('idle|new|-');
  });

  it('a failure is shown with the last good answer kept', async () => {
    const { calls, fetcher } = controlled<string>();
    const r = defineResource('t3.list', (i: { q: string }) => fetcher(i));
    render(<View use={r.use} input={{ q: 'a' }} />);
    calls[0].resolve('A');
    await flush();
    act(() => r.invalidate());
    calls[1].reject(new ApiError('INTERNAL', 'boom'));
    await flush();
    expect(out()).toBe('idle|A|INTERNAL');
  });

  it('the lock refusal is not an error: the resource waits and loads again on unlock', async () => {
    const { calls, fetcher } = controlled<string>();
    const r = defineResource('t4.list', (i: { q: string }) => fetcher(i));
    render(<View use={r.use} input={{ q: 'a' }} />);
    calls[0].reject(new ApiError('SESSION_LOCKED', 'locked'));
    await flush();
    expect(out()).toBe('loading|-|-');
    act(() => revalidateAll());
    expect(calls).toHaveLength(2);
    calls[1].resolve('A');
    await flush();
    expect(out()).toBe('idle|A|-');
  });

  it('a write in a namespace the resource depends on reloads it; other namespaces do not', async () => {
    const { calls, fetcher } = controlled<string>();
    const r = defineResource('t5.series', (i: { q: string }) => fetcher(i), { after: ['t5', 'followup'] });
    render(<View use={r.use} input={{ q: 'a' }} />);
    act(() => invalidateAfterWrite('consult'));
    expect(calls).toHaveLength(1);
    act(() => invalidateAfterWrite('followup'));
    expect(calls).toHaveLength(2);
  });

  it('mutate shows a change at once; the next answer replaces it', async () => {
    const { calls, fetcher } = controlled<string>();
    const r = defineResource('t8.list', (i: { q: string }) => fetcher(i));
    let handle: ReturnType<typeof r.use> | undefined;
    function Probe() {
      handle = r.use({ q: 'a' });
      return <p data-testid="out">{handle.data ?? '-'}</p>;
    }
    render(<Probe />);
    calls[0].resolve('server');
    await flush();
    act(() => handle!.mutate((d) => `${d}+local`));
    expect(out()).toBe('server+local');
    act(() => r.invalidate());
    calls[1].resolve('server again');
    await flush();
    expect(out()).toBe('server again');
  });

  it('null input loads nothing', () => {
    const { calls, fetcher } = controlled<string>();
    const r = defineResource('t6.list', (i: { q: string }) => fetcher(i));
    render(<View use={r.use} input={null} />);
    expect(calls).toHaveLength(0);
    expect(out()).toBe('idle|-|-');
  });

  it("sign-out forgets answers: the next mount starts from loading, not the last user's data", async () => {
    const { calls, fetcher } = controlled<string>();
    const r = defineResource('t7.list', (i: { q: string }) => fetcher(i));
    const first = render(<View use={r.use} input={{ q: 'a' }} />);
    calls[0].resolve('secret');
    await flush();
    first.unmount();
    clearResources();
    render(<View use={r.use} input={{ q: 'a' }} />);
    expect(out()).toBe('loading|-|-');
  });

  it('a session-free answer (the store state, shown before sign-in) survives a sign-out', async () => {
    const { calls, fetcher } = controlled<string>();
    const r = defineResource('t9.status', (i: { q: string }) => fetcher(i), { sessionFree: true });
    render(<View use={r.use} input={{ q: 'a' }} />);
    calls[0].resolve('open');
    await flush();
    act(() => clearResources());
    expect(out()).toBe('idle|open|-');
  });
});

describe('resource polling', () => {
  afterEach(() => {
    vi.useRealTimers();
    setPollingPaused(false);
  });

  /** Sets document.hidden as a minimised window would (jsdom's is a getter on the prototype). */
  function setHidden(hidden: boolean) {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
    document.dispatchEvent(new Event('visibilitychange'));
  }
  afterEach(() => {
    delete (document as { hidden?: boolean }).hidden;
  });

  it('one interval per input however many views show it; it stops when the last view goes', async () => {
    vi.useFakeTimers();
    const { calls, fetcher } = controlled<string>();
    const r = defineResource('p1.list', (i: { q: string }) => fetcher(i), { pollMs: 1000 });
    const a = render(<View use={r.use} input={{ q: 'a' }} />);
    const b = render(<View use={r.use} input={{ q: 'a' }} />);
    // Each mount asks once (stale-while-revalidate); the second supersedes the first.
    expect(calls).toHaveLength(2);
    calls[1].resolve('A');
    await flush();
    act(() => vi.advanceTimersByTime(1000));
    expect(calls).toHaveLength(3);
    calls[2].resolve('A2');
    await flush();
    expect(screen.getAllByTestId('out').map((e) => e.textContent)).toEqual(['idle|A2|-', 'idle|A2|-']);
    a.unmount();
    act(() => vi.advanceTimersByTime(1000));
    expect(calls).toHaveLength(4);
    calls[3].resolve('A3');
    await flush();
    b.unmount();
    act(() => vi.advanceTimersByTime(5000));
    expect(calls).toHaveLength(4);
  });

  it('a poll does not pile onto a request still in flight, and a late answer never overwrites a newer one', async () => {
    vi.useFakeTimers();
    const { calls, fetcher } = controlled<string>();
    const r = defineResource('p2.list', (i: { q: string }) => fetcher(i), { pollMs: 1000 });
    render(<View use={r.use} input={{ q: 'a' }} />);
    act(() => vi.advanceTimersByTime(3000));
    expect(calls).toHaveLength(1);
    calls[0].resolve('first');
    await flush();
    act(() => vi.advanceTimersByTime(1000));
    expect(calls).toHaveLength(2);
    // A write reloads it meanwhile: the poll's answer, arriving last, is older and is dropped.
    act(() => r.invalidate());
    calls[2].resolve('after write');
    await flush();
    calls[1].resolve('poll');
    await flush();
    expect(out()).toBe('idle|after write|-');
  });

  it('pauses while the window is hidden (and looks at once when shown again) and while the station is locked', async () => {
    vi.useFakeTimers();
    const { calls, fetcher } = controlled<string>();
    const r = defineResource('p3.list', (i: { q: string }) => fetcher(i), { pollMs: 1000 });
    render(<View use={r.use} input={{ q: 'a' }} />);
    calls[0].resolve('A');
    await flush();
    act(() => setHidden(true));
    act(() => vi.advanceTimersByTime(5000));
    expect(calls).toHaveLength(1);
    act(() => setHidden(false));
    expect(calls).toHaveLength(2);
    calls[1].resolve('B');
    await flush();
    setPollingPaused(true);
    act(() => vi.advanceTimersByTime(5000));
    expect(calls).toHaveLength(2);
    setPollingPaused(false);
    act(() => vi.advanceTimersByTime(1000));
    expect(calls).toHaveLength(3);
  });

  it('a resource without pollMs never polls', async () => {
    vi.useFakeTimers();
    const { calls, fetcher } = controlled<string>();
    const r = defineResource('p4.list', (i: { q: string }) => fetcher(i));
    render(<View use={r.use} input={{ q: 'a' }} />);
    calls[0].resolve('A');
    await flush();
    act(() => vi.advanceTimersByTime(60_000));
    expect(calls).toHaveLength(1);
  });
});
