import type { HandlerDeps, Handlers } from '../api/handler-deps';

/** The countyRecord namespace: the fetch is done as the caller the dispatcher checked (named in the cache). */
export function countyRecordHandlers(s: Pick<HandlerDeps, 'countyRecord'>): Handlers<'countyRecord'> {
  return {
    countyRecord: {
      cached: ({ patientId }) => s.countyRecord.cached(patientId),
      fetch: ({ patientId }, ctx) => s.countyRecord.fetch(patientId, ctx.caller),
    },
  };
}
