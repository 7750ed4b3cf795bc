import fc from 'fast-check';
import { expect } from 'vitest';
import type { EcgRecord } from '../../src/shared/ecg';
import { EcgFormatError, type EcgFormatErrorCode } from '../../src/main/ecg/formats/errors';
import { assertWellFormedRecord } from './ecg-record-checks';

/**
 * What the ECG format tests share: reading a refusal's code, waiting for a typed refusal, a lead's values by name, and
 * the mutation fuzzer the three XML readers (aECG, GE MUSE, Philips) run over their documents.
 */

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The EcgFormatError code `action` throws, 'no error' when it returns; any other error fails the test. */
export function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof EcgFormatError) return error.code;
    throw error;
  }
  return 'no error';
}

/** Awaits a refusal and checks it is an EcgFormatError with `code`. */
export async function expectFormatError(promise: Promise<unknown>, code: EcgFormatErrorCode): Promise<EcgFormatError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(EcgFormatError);
  expect((error as EcgFormatError).code).toBe(code);
  return error as EcgFormatError;
}

/** The samples of the lead named `name` as a plain array (empty when the record has no such lead). */
export const leadValues = (record: EcgRecord, name: string): number[] => Array.from(record.leads.find((lead) => lead.name === name)?.microvolts ?? []);

/** A fuzzed read: the record, or undefined when the reader refused with an EcgFormatError (anything else fails). */
export async function readOrRefuse(read: () => Promise<EcgRecord> | EcgRecord): Promise<EcgRecord | undefined> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof EcgFormatError)) throw error;
    return undefined;
  }
}

/**
 * The reader property run: a generated file, perhaps mutated, is read through checkReaderOutput; it must decode to a
 * well-formed record or be refused with an EcgFormatError. An unmutated one is also handed to `exact`, which
 * compares the samples with what the writer put in and says whether it could (some specs have no exact answer).
 * Returns the counts so that each test can require that every outcome actually occurred.
 */
export async function fuzzReader<S, M extends { kind: string }>(p: {
  spec: fc.Arbitrary<S>;
  mutation: fc.Arbitrary<M>;
  runs: number;
  read: (spec: S, mutation: M) => Promise<EcgRecord>;
  exact: (record: EcgRecord, spec: S) => boolean;
}): Promise<{ decoded: number; refused: number; exact: number }> {
  const counts = { decoded: 0, refused: 0, exact: 0 };
  await fc.assert(
    fc.asyncProperty(p.spec, p.mutation, async (spec, mutation) => {
      const record = await readOrRefuse(() => p.read(spec, mutation));
      if (!record) {
        counts.refused++;
        return;
      }
      counts.decoded++;
      assertWellFormedRecord(record);
      if (mutation.kind === 'none' && p.exact(record, spec)) counts.exact++;
    }),
    { numRuns: p.runs },
  );
  return counts;
}

// ---------------------------------------------------------------------------------------------------------------
// XML document mutations

export type XmlMutation =
  | { kind: 'digit'; at: number; digit: number }
  | { kind: 'afterTag'; at: number; snippet: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'replace'; pattern: RegExp; replacement: string }
  | { kind: 'insert'; at: number; snippet: string };

/** What a format's fuzzer aims at: patterns it rewrites, what it writes there, and snippets it inserts anywhere. */
export interface XmlTargets {
  patterns: readonly RegExp[];
  replacements: readonly string[];
  inserts: readonly string[];
}

export function xmlMutationArb(targets: XmlTargets): fc.Arbitrary<XmlMutation> {
  return fc.oneof(
    // Harmless edits keep a share of mutants readable, so both outcomes are exercised.
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('digit' as const), at: fc.nat(), digit: fc.integer({ min: 0, max: 9 }) }) },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('afterTag' as const), at: fc.nat(), snippet: fc.constantFrom(' ', '\n', '<!-- note -->', '<?pi data?>') }),
    },
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('replace' as const), pattern: fc.constantFrom(...targets.patterns), replacement: fc.constantFrom(...targets.replacements) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), snippet: fc.constantFrom(...targets.inserts) }),
  );
}

/** Replaces the n-th ASCII digit with another digit: values change, structure stays. */
export function replaceDigit(bytes: Uint8Array, n: number, digit: number): Uint8Array {
  const digits: number[] = [];
  bytes.forEach((byte, index) => byte >= 0x30 && byte <= 0x39 && digits.push(index));
  if (digits.length === 0) return bytes;
  const copy = bytes.slice();
  copy[digits[n % digits.length]] = 0x30 + digit;
  return copy;
}

/** Inserts text after the n-th ">" (between markup, where comments, PIs and white space are allowed). */
export function insertAfterTag(bytes: Uint8Array, n: number, snippet: string): Uint8Array {
  const ends: number[] = [];
  bytes.forEach((byte, index) => byte === 0x3e && ends.push(index + 1));
  if (ends.length === 0) return bytes;
  const at = ends[n % ends.length];
  return Buffer.concat([bytes.subarray(0, at), Buffer.from(snippet), bytes.subarray(at)]);
}

/**
 * Applies mutations in turn. `replaceAs` is how a 'replace' sees the bytes as text: 'utf8' for documents that are
 * UTF-8, 'latin1' to keep every byte as it is whatever the encoding.
 */
export function mutateXml(document: Uint8Array, mutations: readonly XmlMutation[], replaceAs: 'utf8' | 'latin1'): Uint8Array {
  let bytes = document;
  for (const m of mutations) {
    if (m.kind === 'digit') {
      bytes = replaceDigit(bytes, m.at, m.digit);
      continue;
    }
    if (m.kind === 'afterTag') {
      bytes = insertAfterTag(bytes, m.at, m.snippet);
      continue;
    }
    if (m.kind === 'replace') {
      bytes = Buffer.from(Buffer.from(bytes).toString(replaceAs).replace(m.pattern, m.replacement), replaceAs);
      continue;
    }
    const at = bytes.length === 0 ? 0 : m.at % (bytes.length + 1);
    if (m.kind === 'truncate') bytes = bytes.subarray(0, at);
    else if (m.kind === 'flip' && at < bytes.length) {
      bytes = bytes.slice();
      bytes[at] = m.byte;
    } else if (m.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(m.snippet, 'utf8'), bytes.subarray(at)]);
  }
  return bytes;
}

// ---------------------------------------------------------------------------------------------------------------
// Binary file mutations

/** The mutations every binary-format fuzzer starts from: the file as written, cut short, or bytes overwritten. */
export type ByteMutation = { kind: 'none' } | { kind: 'truncate'; at: number } | { kind: 'flip'; positions: number[]; values: number[] };

export const unchangedArb = fc.constant<{ kind: 'none' }>({ kind: 'none' });

export const truncateArb = fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() });

/** Up to `most` positions (taken modulo the file length) overwritten with the values at the same index. */
export function flipArb(most: number): fc.Arbitrary<{ kind: 'flip'; positions: number[]; values: number[] }> {
  return fc.record({
    kind: fc.constant('flip' as const),
    positions: fc.array(fc.nat(), { minLength: 1, maxLength: most }),
    values: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: most, maxLength: most }),
  });
}

/** A copy of `valid` with a ByteMutation applied (the copy may be shorter; `valid` is never changed). */
export function applyByteMutation(valid: Uint8Array, mutation: ByteMutation): Uint8Array {
  const bytes = valid.slice();
  if (mutation.kind === 'truncate') return bytes.subarray(0, mutation.at % bytes.length);
  if (mutation.kind === 'flip') mutation.positions.forEach((position, i) => (bytes[position % bytes.length] = mutation.values[i]));
  return bytes;
}
