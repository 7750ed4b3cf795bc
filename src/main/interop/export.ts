import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../shared/api/errors';
import type { Db } from '../db/open';
import { writeCda } from './cda-writer';
import { buildDocument, documentFileName, listDocumentRefs, type DocumentRef } from './document-sources';
import { checkRequiredElements, loadCdaSchema, validateManyAgainstSchema, type SchemaFiles } from './validate';

/**
 * Writes every national document of the store's records to `outDir`, one file each (`<type>-<record id>.xml`), for
 * centers whose platform takes files. Each is checked first (required elements always; the CDA R2 schema when a
 * schema folder is given); a document that fails is not written and is listed with its problems. Each file is
 * written under a temporary name and renamed, so a half-written file never carries a document's name.
 */
/** Documents checked per schema compilation (each C0006 carries its PDF, so batches stay a few MB). */
const SCHEMA_BATCH = 50;

export interface ExportReport {
  out: string;
  written: number;
  byType: Record<string, number>;
  schemaChecked: boolean;
  refused: { file: string; problems: string[] }[];
  ok: boolean;
}

export async function exportDocuments(db: Db, outDir: string, schemaDir?: string, range?: { from: string; to: string }): Promise<ExportReport> {
  let schema: SchemaFiles | undefined;
  if (schemaDir) {
    schema = loadCdaSchema(schemaDir);
    if (!schema) throw new ApiError('VALIDATION', `no HL7 CDA R2 schema (CDA.xsd or CDA_SDTC.xsd) under ${schemaDir}`, { reason: 'CDA_SCHEMA_NOT_FOUND' });
  }
  mkdirSync(outDir, { recursive: true });
  const report: ExportReport = { out: outDir, written: 0, byType: {}, schemaChecked: schema !== undefined, refused: [], ok: true };
  const refs: DocumentRef[] = listDocumentRefs(db, range);
  for (let start = 0; start < refs.length; start += SCHEMA_BATCH) {
    const batch = refs.slice(start, start + SCHEMA_BATCH).map((ref) => ({ ref, name: documentFileName(ref), xml: writeCda(buildDocument(db, ref)) }));
    const schemaProblems = schema ? await validateManyAgainstSchema(batch, schema) : new Map<string, never[]>();
    for (const { ref, name, xml } of batch) {
      const problems = [...(schemaProblems.get(name) ?? []), ...checkRequiredElements(xml)];
      if (problems.length > 0) {
        report.refused.push({ file: name, problems: problems.map((problem) => problem.message) });
        continue;
      }
      const target = path.join(outDir, name);
      writeFileSync(`${target}.part`, xml);
      renameSync(`${target}.part`, target);
      report.written++;
      report.byType[ref.type] = (report.byType[ref.type] ?? 0) + 1;
    }
  }
  report.ok = report.refused.length === 0;
  return report;
}
