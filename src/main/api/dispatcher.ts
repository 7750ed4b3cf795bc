import type { z } from 'zod';
import { contractEntries, type Contract, type InputOf, type MethodName, type NamespaceName, type OutputOf } from '../../shared/api/contract';
import type { MethodDef } from '../../shared/api/define';
import { ApiError, type ApiResult } from '../../shared/api/errors';
import type { AuditEvent } from '../audit/audit-log';
import { resultAuditDetails } from '../audit/result-audit';
import type { Session } from '../session/session';
import type { User } from '../../shared/api/auth';

/** Who is calling, as the dispatcher checked it: services take the caller from here, never from the session. */
export type Caller = User;

export interface CallContext {
  session: Session;
  /** The signed-in user for signed-in calls (access was checked before the handler runs); null for public calls. */
  caller: Caller | null;
}

/** The service side of the contract: every method, typed from the contract (inputs already parsed). */
export type Implementation = {
  [N in NamespaceName]: {
    [M in MethodName<N>]: (
      input: z.output<Contract[N][M] extends MethodDef<infer I> ? I : never>,
      ctx: CallContext,
    ) => Promise<OutputOf<N, M>> | OutputOf<N, M>;
  };
};

export interface DispatcherDeps {
  implementation: Implementation;
  session: Session;
  /** Minutes of inactivity before the idle lock; read per call so a settings change applies at once. */
  idleLockMinutes(): number;
  /** Writes an audit row; failures to audit fail the call (no unaudited access to patient data). */
  audit(event: AuditEvent): void;
  /** True while the store is open (audit rows can be written). */
  storeOpen(): boolean;
}

export type Dispatch = (channel: string, rawInput: unknown) => Promise<ApiResult<unknown>>;

function auditPatientId(input: unknown): string | null {
  if (input && typeof input === 'object' && 'patientId' in input) {
    const v = (input as { patientId: unknown }).patientId;
    if (typeof v === 'string' || typeof v === 'number') return String(v);
  }
  return null;
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  console.error('[api] internal error', err);
  return new ApiError('INTERNAL', 'an internal error occurred; it has been logged');
}

/**
 * One entry point for every call, whatever the transport: look up the method, parse the input with its zod
 * schema, check access (signed in, not idle-locked, role), run it, parse the output (nothing leaks that the
 * contract does not name), audit it, and wrap the result in an envelope. Nothing throws past this function.
 */
export function createDispatcher(deps: DispatcherDeps): Dispatch {
  const table = new Map(contractEntries().map((e) => [e.channel, e]));
  return async (channel, rawInput) => {
    const entry = table.get(channel);
    if (!entry) return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `no method ${channel}` } };
    const { def, namespace, name } = entry;
    const user = deps.session.user;
    const auditing = def.audit !== 'none';
    const record = (outcome: AuditEvent['outcome'], details: string | null, patientId: string | null) => {
      if (!auditing || !deps.storeOpen()) return;
      deps.audit({
        userId: user?.id ?? deps.session.user?.id ?? null,
        username: user?.username ?? deps.session.user?.username ?? null,
        action: channel,
        kind: def.audit,
        patientId,
        outcome,
        details,
      });
    };
    const parsed = def.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
      record('error', `VALIDATION: ${message}`.slice(0, 500), auditPatientId(rawInput));
      return { ok: false, error: { code: 'VALIDATION', message, details: { field: parsed.error.issues[0]?.path.join('.') ?? '' } } };
    }
    const input = parsed.data;
    const patientId = auditPatientId(input);
    const denied = checkAccess(def, deps);
    if (denied) {
      record('denied', denied.code, patientId);
      return { ok: false, error: denied.toData() };
    }
    // Calls do not reset the idle clock: the banner, queue and sync pages poll on their own, so only the
    // renderer's auth.heartbeat (sent on real keyboard and pointer input) counts as someone being there.
    try {
      const fn = (deps.implementation as unknown as Record<string, Record<string, (i: unknown, c: CallContext) => unknown>>)[namespace][name];
      const value = def.output.parse(await fn(input, { session: deps.session, caller: deps.session.user }));
      const who =
        def.audit === 'auth' && input && typeof input === 'object' && 'username' in input
          ? `username=${String((input as { username: unknown }).username)}`
          : null;
      const seen = resultAuditDetails(channel, input, value);
      if (seen !== null) record('ok', seen ?? who, patientId);
      return { ok: true, value };
    } catch (err) {
      const apiError = toApiError(err);
      const who =
        def.audit === 'auth' && input && typeof input === 'object' && 'username' in input
          ? ` username=${String((input as { username: unknown }).username)}`
          : '';
      try {
        record(apiError.code === 'FORBIDDEN' ? 'denied' : 'error', `${apiError.code}${who}`, patientId);
      } catch (auditErr) {
        console.error('[api] audit failed', auditErr);
      }
      return { ok: false, error: apiError.toData() };
    }
  };
}

function checkAccess(def: MethodDef, deps: DispatcherDeps): ApiError | null {
  if (def.access === 'public') return null;
  const user = deps.session.user;
  if (!user) return new ApiError('UNAUTHENTICATED', 'sign in first');
  if (deps.session.isLocked(deps.idleLockMinutes())) return new ApiError('SESSION_LOCKED', 'the station is locked after inactivity');
  if (def.access !== 'signedIn' && !def.access.includes(user.role)) return new ApiError('FORBIDDEN', `role ${user.role} may not do this`, { role: user.role });
  return null;
}

/** Typed helper for tests and the CLI: call a method in-process through the same dispatcher. */
export async function call<N extends NamespaceName, M extends MethodName<N>>(
  dispatch: Dispatch,
  namespace: N,
  name: M,
  input: InputOf<N, M>,
): Promise<OutputOf<N, M>> {
  const result = await dispatch(`${namespace}.${name}`, input);
  if (!result.ok) throw new ApiError(result.error.code, result.error.message, result.error.details);
  return result.value as OutputOf<N, M>;
}
