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

/** A parsed JSON object, read field by field with checks (a server's error body can be anything). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function issuesOf(body: unknown): Record<string, unknown>[] {
  if (!isJsonObject(body) || !Array.isArray(body.issue)) return [];
  return body.issue.filter(isJsonObject);
}

function hasContentIssue(body: unknown): boolean {
  if (!isJsonObject(body) || body.resourceType !== 'OperationOutcome') return false;
  return issuesOf(body).some((issue) => typeof issue.code === 'string' && CONTENT_ISSUES.has(issue.code));
}

/** First human-readable line of an OperationOutcome, for messages. */
export function outcomeText(body: unknown): string | undefined {
  const issues = issuesOf(body);
  if (issues.length === 0) return undefined;
  return issues
    .map((issue) => (isJsonObject(issue.details) && typeof issue.details.text === 'string' ? issue.details.text : issue.diagnostics))
    .filter((text): text is string => typeof text === 'string')
    .join('; ');
}
