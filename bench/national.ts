import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedDatabase } from '../src/main/cli/seed';
import { seedHistory } from '../src/main/cli/seed-history';
import { defaultMigrationsFolder } from '../src/main/db/open';
import { Store } from '../src/main/db/store';
import { writeCda } from '../src/main/interop/cda-writer';
import { buildDocument, listDocumentRefs } from '../src/main/interop/document-sources';
import { loadCdaSchema, validateAgainstSchema, validateManyAgainstSchema } from '../src/main/interop/validate';

/**
 * National documents: building documents from a seeded year of care, and the CDA R2 schema check one document at a
 * time (what a lone send costs) against one schema compilation for a batch (what the outbox and the export do), side
 * by side in one run. Needs the HL7 CDA R2 schema: ../shared/cda-schema or TWS_CDA_SCHEMA_DIR.
 */
export async function benchNational(): Promise<Record<string, number>> {
  const schemaDir = process.env.TWS_CDA_SCHEMA_DIR ?? path.resolve(__dirname, '../../shared/cda-schema');
  const schema = existsSync(schemaDir) ? loadCdaSchema(schemaDir) : undefined;
  if (!schema) throw new Error(`no HL7 CDA R2 schema at ${schemaDir}: set TWS_CDA_SCHEMA_DIR to the schema folder`);
  const dir = mkdtempSync(path.join(tmpdir(), 'tws-bench-national-'));
  const dbFile = path.join(dir, 'bench.db');
  const passphrase = 'bench-national-passphrase';
  try {
    await seedDatabase({ dbFile, patients: 200, passphrase, seed: 5 });
    const seedStarted = performance.now();
    const history = await seedHistory({ dbFile, passphrase, seed: 5, limit: 12 });
    const seedMs = performance.now() - seedStarted;
    const store = new Store({ dbFile, migrationsFolder: defaultMigrationsFolder() });
    await store.openWithPassphrase(passphrase);
    try {
      const db = store.current.db;
      const refs = listDocumentRefs(db)
        .filter((ref) => ref.type !== 'EHR-SD-1')
        .concat(
          listDocumentRefs(db)
            .filter((ref) => ref.type === 'EHR-SD-1')
            .slice(0, 20),
        );
      const buildStarted = performance.now();
      const documents = refs.map((ref, index) => ({ name: `d${index}.xml`, xml: writeCda(buildDocument(db, ref)) }));
      const buildMs = performance.now() - buildStarted;
      const sample = documents.slice(0, 20);
      const singleStarted = performance.now();
      for (const document of sample) await validateAgainstSchema(document.xml, schema);
      const singleMs = performance.now() - singleStarted;
      const batchStarted = performance.now();
      await validateManyAgainstSchema(sample, schema);
      const batchMs = performance.now() - batchStarted;
      return {
        'national.seedHistory.enrolled': history.enrolled,
        'national.seedHistory.ms': Math.round(seedMs),
        'national.documents': documents.length,
        'national.build.msPerDocument': Math.round((buildMs / documents.length) * 100) / 100,
        'national.schema.single.msPerDocument': Math.round(singleMs / sample.length),
        'national.schema.batch.msPerDocument': Math.round(batchMs / sample.length),
        'national.schema.batchSpeedup': Math.round((singleMs / batchMs) * 10) / 10,
      };
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
