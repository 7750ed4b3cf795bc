import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { NATIONAL_DOCUMENT_TYPES, type CdaDocument } from '../../../src/main/interop/cda-model';
import { parseCda } from '../../../src/main/interop/cda-parser';
import { writeCda } from '../../../src/main/interop/cda-writer';
import { buildDocument, listDocumentRefs, stationInstitution, type DocumentRef } from '../../../src/main/interop/document-sources';
import { checkRequiredElements, loadCdaSchema, validateAgainstSchema, type SchemaFiles } from '../../../src/main/interop/validate';
import { setInstitution, TEST_INSTITUTION, writeNationalRecords, type NationalRecords } from '../../support/national/records';
import { configureOfflineCounty, openTestStation, type TestStation } from '../../support/test-services';

const SCHEMA_DIR = path.resolve(__dirname, '../../../../shared/cda-schema');
const schema: SchemaFiles | undefined = existsSync(SCHEMA_DIR) ? loadCdaSchema(SCHEMA_DIR) : undefined;
const SKIP = 'skipped: ../shared/cda-schema is not beside this clone';

describe('national documents from the station’s own records', () => {
  let station: TestStation;
  let records: NationalRecords;
  let refs: DocumentRef[];
  const built = new Map<string, { doc: CdaDocument; xml: string }>();

  beforeAll(async () => {
    station = await openTestStation({ withAdmin: true });
    setInstitution(station);
    await configureOfflineCounty(station.services.dispatch);
    records = await writeNationalRecords(station, { withConsult: true });
    const db = station.services.store.current.db;
    refs = listDocumentRefs(db);
    for (const ref of refs) {
      const doc = buildDocument(db, ref);
      built.set(`${ref.type}/${ref.recordId}`, { doc, xml: writeCda(doc) });
    }
  }, 60_000);
  afterAll(async () => {
    await station.services.ecg.close();
    station.dispose();
  });

  it('makes one document of each of the six types for the resident’s records', () => {
    expect(refs.map((ref) => ref.type).sort()).toEqual([...NATIONAL_DOCUMENT_TYPES].sort());
    expect(refs).toContainEqual({ type: 'EHR-SD-12', recordId: records.hypertensionVisitId });
    expect(refs).toContainEqual({ type: 'EHR-SD-13', recordId: records.diabetesVisitId });
    expect(refs).toContainEqual({ type: 'EHR-SD-20', recordId: records.referralId });
    expect(refs).toContainEqual({ type: 'EHR-SD-19', recordId: records.consultId });
    expect(refs).toContainEqual({ type: 'C0006', recordId: records.ecgId });
    expect(stationInstitution(station.services.store.current.db)).toEqual(TEST_INSTITUTION);
  });

  it('every document has the national header, its required data elements and only known codes', () => {
    for (const { xml } of built.values()) {
      expect(checkRequiredElements(xml)).toEqual([]);
      expect(xml).toContain(`extension="${TEST_INSTITUTION.code}"`);
      expect(xml).toContain('2.16.156.10011.1.3');
    }
  });

  it('every document parses back to the model it was written from', () => {
    for (const { doc, xml } of built.values()) expect(parseCda(xml)).toEqual(doc);
  });

  it('the registration carries the codes picked in the form; the follow-ups carry their coded answers', () => {
    const sd1 = built.get(`EHR-SD-1/${records.patientId}`)!.xml;
    expect(sd1).toMatch(/ethnicGroupCode code="01" codeSystem="2.16.156.10011.2.3.3.3"/);
    expect(sd1).toMatch(/maritalStatusCode code="20" codeSystem="2.16.156.10011.2.3.3.5"/);
    expect(sd1).toMatch(/code="70" codeSystem="2.16.156.10011.2.3.3.6"/);
    expect(sd1).toMatch(/code="4" codeSystem="2.16.156.10011.2.3.3.7"/);
    const sd12 = built.get(`EHR-SD-12/${records.hypertensionVisitId}`)!.doc;
    const values = sd12.sections.flatMap((section) => section.entries);
    expect(values.find((entry) => entry.element === 'DE04.10.174.00')?.value).toEqual({ type: 'PQ', value: 184, unit: 'mmHg' });
    expect(values.find((entry) => entry.element === 'DE06.00.027.00')?.value).toMatchObject({ type: 'CD', code: '2' });
    expect(values.find((entry) => entry.element === 'DE03.00.094.00')?.value).toMatchObject({ type: 'CD', code: '3' });
    expect(values.find((entry) => entry.element === 'DE06.00.174.00')?.value).toEqual({ type: 'BL', value: true });
    const sd13 = built.get(`EHR-SD-13/${records.diabetesVisitId}`)!.doc;
    expect(sd13.sections.flatMap((section) => section.entries).find((entry) => entry.element === 'DE04.50.037.00')?.value).toEqual({
      type: 'PQ',
      value: 6.4,
      unit: 'mmol/L',
    });
  });

  it('the ECG exam embeds its report as a PDF', () => {
    const c0006 = built.get(`C0006/${records.ecgId}`)!.doc;
    const media = c0006.sections.flatMap((section) => section.media ?? []);
    expect(media).toHaveLength(1);
    const pdf = Buffer.from(media[0]!.base64, 'base64').toString('latin1');
    expect(pdf.startsWith('%PDF-1.4')).toBe(true);
    expect(pdf.trimEnd().endsWith('%%EOF')).toBe(true);
    // The xref offsets point at the objects (a reader relies on them).
    const xrefAt = Number(/startxref\n(\d+)/.exec(pdf)![1]);
    expect(pdf.slice(xrefAt, xrefAt + 4)).toBe('xref');
    const offsets = [...pdf.slice(xrefAt).matchAll(/^(\d{10}) 00000 n $/gm)].map((match) => Number(match[1]));
    offsets.forEach((offset, index) => expect(pdf.slice(offset, offset + `${index + 1} 0 obj`.length)).toBe(`${index + 1} 0 obj`));
  });

  it('a document missing a required element, or with a code outside its set, is refused by the own-rules check', () => {
    const xml = built.get(`EHR-SD-12/${records.hypertensionVisitId}`)!.xml;
    const withoutMode = xml.replace(/<entry><observation classCode="OBS" moodCode="EVN"><code code="DE06.00.108.00"[\s\S]*?<\/entry>/, '');
    expect(withoutMode).not.toBe(xml);
    expect(checkRequiredElements(withoutMode).map((problem) => problem.message)).toContain('missing DE06.00.108.00 随访方式代码');
    const badCode = xml.replace('code="2" codeSystem="2.16.156.10011.2.3.2.12"', 'code="7" codeSystem="2.16.156.10011.2.3.2.12"');
    expect(badCode).not.toBe(xml);
    expect(checkRequiredElements(badCode).map((problem) => problem.kind)).toEqual(['code']);
    const noCustodian = xml.replaceAll(`extension="${TEST_INSTITUTION.code}"`, 'extension=""');
    expect(checkRequiredElements(noCustodian).map((problem) => problem.message)).toContain('missing custodian institution code (医疗卫生机构代码)');
  });

  it.skipIf(!schema)(
    `every document is valid against the HL7 CDA R2 schema (${schema ? 'SDTC' : SKIP})`,
    async () => {
      for (const [key, { xml }] of built) {
        expect({ key, problems: await validateAgainstSchema(xml, schema!) }).toEqual({ key, problems: [] });
      }
      const xml = built.get(`EHR-SD-19/${records.consultId}`)!.xml;
      const broken = xml.replace('<recordTarget', '<notACdaElement/><recordTarget');
      expect((await validateAgainstSchema(broken, schema!)).length).toBeGreaterThan(0);
    },
    60_000,
  );

  it('公卫 export: the year’s follow-ups as the national form’s CSV (BOM, codes beside names, formulas defused)', async () => {
    const year = Number(station.services.followup.today().slice(0, 4));
    const yearOf = (id: string) =>
      station.services.store.current.sqlite.prepare('SELECT visit_date AS d FROM followup_records WHERE id = ?').get(id) as { d: string };
    const csv = await call(station.services.dispatch, 'interop', 'followUpCsv', { year: Number(yearOf(records.hypertensionVisitId).d.slice(0, 4)) });
    expect(csv.content.startsWith('\uFEFF随访日期,疾病,健康档案标识号,姓名')).toBe(true);
    const lines = csv.content.slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(csv.rows + 1);
    const header = lines[0]!.split(',');
    const hypertension = lines.find((line) => line.includes('高血压'))!.split(',');
    const cell = (row: string[], name: string) => row[header.indexOf(name)];
    expect(cell(hypertension, '随访方式代码')).toBe('1');
    expect(cell(hypertension, '服药依从性代码')).toBe('2');
    expect(cell(hypertension, '服药依从性')).toBe('间断');
    expect(cell(hypertension, '摄盐情况代码')).toBe('3');
    expect(cell(hypertension, '收缩压(mmHg)')).toBe('184');
    expect(cell(hypertension, '转诊机构及科室')).toBe('县人民医院 心内科');
    const other = await call(station.services.dispatch, 'interop', 'followUpCsv', { year: year - 5 });
    expect(other.rows).toBe(0);
  });

  it('公卫 export: the year’s national documents written to a folder, one file per record; a relative folder is refused', async () => {
    const year = Number(station.services.followup.today().slice(0, 4));
    const folder = path.join(station.dataDir, 'gongwei');
    await expect(call(station.services.dispatch, 'interop', 'exportDocuments', { year, folder: 'relative/dir' })).rejects.toMatchObject({
      details: { reason: 'EXPORT_FOLDER_NOT_ABSOLUTE' },
    });
    const report = await call(station.services.dispatch, 'interop', 'exportDocuments', { year, folder });
    expect(report.ok).toBe(true);
    // The year's records (on 1–3 January the visits of the fixture fall in the year before).
    const expected = listDocumentRefs(station.services.store.current.db, { from: `${year}-01-01`, to: `${year + 1}-01-01` });
    expect(expected.map((ref) => ref.type)).toContain('EHR-SD-1');
    expect(readdirSync(folder).sort()).toEqual(expected.map((ref) => `${ref.type}-${ref.recordId}.xml`).sort());
    expect(report.written).toBe(expected.length);
  });

  it('a changed record gets a new document id (a re-signed ECG keeps its version number, not its serial number)', async () => {
    const db = station.services.store.current.db;
    const before = buildDocument(db, { type: 'C0006', recordId: records.ecgId });
    station.clock.advance(60_000);
    await call(station.services.dispatch, 'ecg', 'interpret', { patientId: records.patientId, ecgId: records.ecgId, interpretation: '窦性心律，T波低平' });
    const after = buildDocument(db, { type: 'C0006', recordId: records.ecgId });
    expect(after.setId).toBe(before.setId);
    expect(after.id).not.toBe(before.id);
    expect(buildDocument(db, { type: 'C0006', recordId: records.ecgId }).id).toBe(after.id);
  });
});
