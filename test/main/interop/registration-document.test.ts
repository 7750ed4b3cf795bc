import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { call } from '../../../src/main/api/dispatcher';
import { patients } from '../../../src/main/db/schema';
import { buildRegistration } from '../../../src/main/interop/builders';
import { parseCda } from '../../../src/main/interop/cda-parser';
import { writeCda } from '../../../src/main/interop/cda-writer';
import { openTestStation, type TestStation } from '../../support/test-services';

const SCHEMA_DIR = path.resolve(__dirname, '../../../../shared/cda-schema/normative');
const hasSchema = existsSync(path.join(SCHEMA_DIR, 'infrastructure/cda/CDA.xsd'));

function schemaFiles(dir: string, rel = ''): { fileName: string; contents: string }[] {
  return readdirSync(path.join(dir, rel)).flatMap((name) => {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(path.join(dir, r)).isDirectory()) return schemaFiles(dir, r);
    return name.endsWith('.xsd') ? [{ fileName: r, contents: readFileSync(path.join(dir, r), 'utf8') }] : [];
  });
}

describe('EHR-SD-1 个人基本健康信息登记 from a registered patient', () => {
  let station: TestStation;
  let xml: string;

  beforeAll(async () => {
    station = await openTestStation({ withAdmin: true });
    const result = await call(station.services.dispatch, 'patients', 'register', { name: '王秀英', idNumber: '11010519491231002X', phone: '13800138000' });
    if (result.status !== 'created') throw new Error(`registration answered ${result.status}`);
    const row = station.services.store.current.db.select().from(patients).where(eq(patients.id, result.patient.id)).get();
    if (!row) throw new Error('registered patient not found');
    xml = writeCda(buildRegistration(row, { code: '123456789012345678', name: '示范乡镇卫生院' }));
  });
  afterAll(() => station.dispose());

  it('carries the resident ID, the name and the custodian, and parses back to the same header', () => {
    expect(xml).toContain('11010519491231002X');
    expect(xml).toContain('王秀英');
    const doc = parseCda(xml);
    expect(doc.type).toBe('EHR-SD-1');
    expect(doc.patient.name).toBe('王秀英');
    expect(doc.custodian.name).toBe('示范乡镇卫生院');
  });

  it.skipIf(!hasSchema)('is valid against the HL7 CDA R2 schema (../shared/cda-schema)', async () => {
    const files = schemaFiles(SCHEMA_DIR);
    const result = await validateXML({
      xml: { fileName: 'doc.xml', contents: xml },
      schema: files.find((f) => f.fileName === 'infrastructure/cda/CDA.xsd')!,
      preload: files.filter((f) => f.fileName !== 'infrastructure/cda/CDA.xsd'),
    });
    expect(result.errors.map((e) => e.message)).toEqual([]);
    expect(result.valid).toBe(true);
    // The same check refuses a document with an element CDA does not define (so the pass above means something).
    const broken = xml.replace('<recordTarget', '<notACdaElement/><recordTarget');
    expect(broken).not.toBe(xml);
    const refused = await validateXML({
      xml: { fileName: 'doc.xml', contents: broken },
      schema: files.find((f) => f.fileName === 'infrastructure/cda/CDA.xsd')!,
      preload: files.filter((f) => f.fileName !== 'infrastructure/cda/CDA.xsd'),
    });
    expect(refused.valid).toBe(false);
  });
});
