import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fhirDefinitionsFolder, fhirDefinitionsIndexCostMs, validateForSend, warmFhirDefinitions } from '../../../src/main/sync/fhir-validate';
import { bundleEntryRanges } from '../../../src/main/sync/json-entries';
import { patient } from './setup';

const entriesOf = (text: string) => [...bundleEntryRanges(text)].map(([start, end]) => JSON.parse(text.slice(start, end)) as unknown);

describe('cutting a Bundle into its entries', () => {
  it('finds each entry, whatever its strings hold', () => {
    const bundle = {
      resourceType: 'Bundle',
      note: 'a top-level "entry": [ in a string',
      link: [{ relation: 'self', url: 'x?entry=[{' }],
      entry: [
        { resource: { id: 'a', text: '} ] { [ \\" \\\\' } },
        { resource: { id: 'b', nested: [[{ deep: ['}'] }], {}], escaped: '"\\u005d"' } },
        { fullUrl: 'urn:uuid:3' },
      ],
      after: { entry: [{ resource: { id: 'not-me' } }] },
    };
    const text = JSON.stringify(bundle, null, 1);
    expect(entriesOf(text)).toEqual(bundle.entry);
    expect(entriesOf(JSON.stringify(bundle))).toEqual(bundle.entry);
  });

  it('yields nothing without an entry array, and refuses a cut-off one', () => {
    expect(entriesOf('{"resourceType":"Bundle","type":"collection"}')).toEqual([]);
    expect(entriesOf('{"entry": "not an array"}')).toEqual([]);
    expect(() => entriesOf('{"entry":[{"a":1},{"b":')).toThrow(SyntaxError);
    expect(() => entriesOf('{"entry":[{"a":"unterminated')).toThrow(SyntaxError);
  });

  it('agrees with JSON.parse on any bundle of JSON values, compact or indented (1,000 bundles)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })),
        fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 6 }),
        fc.constantFrom(undefined, 1, '\t'),
        (others, values, indent) => {
          const entry = values.map((value) => ({ resource: value }));
          const bundle = { ...others, entry };
          // JSON.stringify keeps the last "entry" key, which is ours: the text has one top-level entry array.
          expect(entriesOf(JSON.stringify(bundle, null, indent))).toEqual(JSON.parse(JSON.stringify(entry)));
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('agrees with JSON.parse on the R4 type definitions', () => {
    const text = readFileSync(path.join(fhirDefinitionsFolder(), 'profiles-types.json'), 'utf8');
    expect(entriesOf(text)).toEqual((JSON.parse(text) as { entry: unknown[] }).entry);
  });
});

describe('indexing the R4 definitions in slices', () => {
  it('lets the event loop turn while it indexes, then validates as the one-piece index does', async () => {
    expect(fhirDefinitionsIndexCostMs()).toBeUndefined();
    let turns = 0;
    let warming = true;
    const turn = () => {
      if (!warming) return;
      turns++;
      setImmediate(turn);
    };
    setImmediate(turn);
    await Promise.all([warmFhirDefinitions(), warmFhirDefinitions()]);
    warming = false;
    // Indexing in one piece lets no turn happen; in slices it takes tens of them (hundreds of ms of work, 8 ms slices).
    expect(turns).toBeGreaterThanOrEqual(5);
    expect(fhirDefinitionsIndexCostMs()).toBeGreaterThan(0);
    expect(validateForSend(patient(1))).toEqual({ valid: true, warnings: [] });
    const impossible = validateForSend({ ...patient(1), birthDate: '1990-13-45' });
    expect(impossible.valid).toBe(false);
    const unknown = validateForSend({ ...patient(1), nickname: '老王' } as Parameters<typeof validateForSend>[0]);
    expect(unknown.valid).toBe(false);
  });
});
