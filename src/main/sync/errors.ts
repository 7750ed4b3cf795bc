import { syncErrorInfo, type SyncErrorCode, type SyncErrorInfo } from '../../shared/sync';

/** A sync failure that already knows its code; everything the engine throws or records is one of these. */
export class SyncError extends Error {
  override readonly name = 'SyncError';
  readonly status: number | undefined;

  constructor(
    readonly code: SyncErrorCode,
    message: string,
    options: { cause?: unknown; status?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
  }

  info(): SyncErrorInfo {
    return syncErrorInfo(this.code, this.message, this.status);
  }
}

// OperationOutcome issue types (R4 issue-type value set) that mean "your content is wrong".
const CONTENT_ISSUES = new Set(['invalid', 'structure', 'required', 'value', 'invariant', 'code-invalid', 'business-rule']);

/** The code for an HTTP status, or undefined for success. `body` is the parsed response, if any. */
export function classifyHttpStatus(status: number, body?: unknown): SyncErrorCode | undefined {
  if (status < 300) return undefined;
  // 409 Conflict and 412 Precondition Failed: FHIR's answers to a stale If-Match or a concurrent write.
  if (status === 409 || status === 412) return 'CONFLICT';
  if (status === 408) return 'TIMEOUT';
  // 429 is the server protecting itself: transient and server-side, so it is retried like a 5xx.
  if (status === 429 || status >= 500) return 'HTTP_5XX';
  if ((status === 400 || status === 422) && hasContentIssue(body)) return 'VALIDATION_FAILED';
  return 'HTTP_4XX';
}

function hasContentIssue(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const outcome = body as { resourceType?: unknown; issue?: { code?: unknown }[] };
  if (outcome.resourceType !== 'OperationOutcome' || !Array.isArray(outcome.issue)) return false;
  return outcome.issue.some((issue) => typeof issue.code === 'string' && CONTENT_ISSUES.has(issue.code));
}

/** First human-readable line of an OperationOutcome, for messages. */
export function outcomeText(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const issues = (body as { issue?: { details?: { text?: string }; diagnostics?: string }[] }).issue;
  if (!Array.isArray(issues) || issues.length === 0) return undefined;
  return issues
    .map((issue) => issue.details?.text ?? issue.diagnostics)
    .filter((text): text is string => typeof text === 'string')
    .join('; ');
}
