/**
 * What an audit row says about a read whose answer names patients that its input does not: a search, the day's
 * queue, the critical-alert banner, the sync conflict list. The row keeps the query and the ids returned, so
 * "who saw this patient" can be answered from the log (issue 15, point 10).
 */

type Extract = (output: unknown) => string[];

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function field(v: unknown, name: string): unknown {
  return v && typeof v === 'object' ? (v as Record<string, unknown>)[name] : undefined;
}

function str(v: unknown): string | null {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
}

/** The local patient a FHIR resource is about: itself, or its subject/patient reference (ids match, see sync/mapping). */
function fhirPatient(resource: unknown): string | null {
  if (field(resource, 'resourceType') === 'Patient') return str(field(resource, 'id'));
  for (const key of ['subject', 'patient', 'for']) {
    const ref = str(field(field(resource, key), 'reference'));
    if (ref?.startsWith('Patient/')) return ref.slice('Patient/'.length);
  }
  return null;
}

interface ResultAudit {
  patients: Extract;
  /** A poll that returned nobody showed no patient data: no row (the banner polls every 10 s). */
  skipWhenEmpty?: boolean;
}

const RESULT_AUDITS: Record<string, ResultAudit> = {
  'patients.search': {
    patients: (out) =>
      asArray(field(out, 'results'))
        .map((r) => str(field(r, 'id')))
        .filter((x): x is string => x !== null),
  },
  'clinic.queue': {
    patients: (out) =>
      asArray(out)
        .map((e) => str(field(field(e, 'patient'), 'id')))
        .filter((x): x is string => x !== null),
  },
  'sync.records': {
    patients: (out) =>
      asArray(field(out, 'records'))
        .map((r) => str(field(r, 'patientId')))
        .filter((x): x is string => x !== null),
    skipWhenEmpty: true,
  },
  'consult.alerts': {
    patients: (out) =>
      asArray(out)
        .map((a) => str(field(a, 'patientId')))
        .filter((x): x is string => x !== null),
    skipWhenEmpty: true,
  },
  'sync.conflicts': {
    patients: (out) =>
      asArray(out)
        .map(
          (c) =>
            fhirPatient(field(c, 'ours')) ?? fhirPatient(field(c, 'theirs')) ?? (field(c, 'resourceType') === 'Patient' ? str(field(c, 'resourceId')) : null),
        )
        .filter((x): x is string => x !== null),
  },
};

const MAX_DETAILS = 4000;

/**
 * The details of the audit row for a successful call, or `undefined` when the call has no result audit;
 * `null` means "write no row" (an empty poll).
 */
export function resultAuditDetails(channel: string, input: unknown, output: unknown): string | null | undefined {
  const spec = RESULT_AUDITS[channel];
  if (!spec) return undefined;
  const ids = [...new Set(spec.patients(output))];
  if (ids.length === 0 && spec.skipWhenEmpty) return null;
  const text = `query=${JSON.stringify(input ?? {})} patients=${ids.join(',')}`;
  return text.length > MAX_DETAILS ? `${text.slice(0, MAX_DETAILS - 12)} …truncated` : text;
}

export const RESULT_AUDITED_CHANNELS = Object.keys(RESULT_AUDITS);
