import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { attribute, childElements, firstChild, parseXmlText, textValue, type XmlElement } from '../ecg/formats/xml';
import { VALUE_SETS } from '../../shared/value-sets';
import { DOCUMENT_TYPES, NATIONAL_DOCUMENT_TYPES, OIDS, type NationalDocumentType } from './cda-model';

/**
 * Two checks every national document passes before it leaves the station (sync, export, command line):
 *
 * 1. The HL7 CDA R2 schema, with libxml2 compiled to WebAssembly (xmllint-wasm: no native build). HL7 owns the schema
 *    files; the copy beside the project says to keep them out of the repository, so the app does not ship them but
 *    loads them from a folder the administrator configures (docs/interop.md §Schema, decisions.md issue 16).
 * 2. The document's own required elements: header parts the national documents make mandatory (and the schema does
 *    not), each document type's required WS 363 data elements, and every coded value being a code of its value set.
 */

export interface DocumentProblem {
  /** schema: the CDA R2 schema refused it; required: a required part is missing; code: a code outside its set. */
  kind: 'schema' | 'required' | 'code';
  message: string;
}

export interface SchemaFiles {
  entry: { fileName: string; contents: string };
  preload: { fileName: string; contents: string }[];
}

/** Entry points tried in order: the SDTC-extended schema most validators use, then the 2005 normative one. */
const ENTRY_POINTS = [
  'extensions/SDTC/infrastructure/cda/CDA_SDTC.xsd',
  'infrastructure/cda/CDA_SDTC.xsd',
  'normative/infrastructure/cda/CDA.xsd',
  'infrastructure/cda/CDA.xsd',
];

/**
 * Loads the .xsd files under `dir` (the HL7 CDA R2 `schema/` folder, or one of its `normative` / `extensions/SDTC`
 * halves). Returns undefined when no CDA entry point is there.
 */
export function loadCdaSchema(dir: string): SchemaFiles | undefined {
  const entryRel = ENTRY_POINTS.find((rel) => existsSync(path.join(dir, rel)));
  if (!entryRel) return undefined;
  // The entry point's imports are relative to its own folder tree (infrastructure/…, processable/…).
  const base = path.join(dir, entryRel.replace(/infrastructure\/cda\/[^/]+$/, ''));
  const files: { fileName: string; contents: string }[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(base, rel))) {
      const relName = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(base, relName)).isDirectory()) walk(relName);
      else if (name.endsWith('.xsd')) files.push({ fileName: relName, contents: readFileSync(path.join(base, relName), 'utf8') });
    }
  };
  walk('');
  const entryName = entryRel.slice(entryRel.indexOf('infrastructure/'));
  const entry = files.find((file) => file.fileName === entryName);
  if (!entry) return undefined;
  return { entry, preload: files.filter((file) => file !== entry) };
}

export async function validateAgainstSchema(xml: string, schema: SchemaFiles): Promise<DocumentProblem[]> {
  const result = await validateXML({ xml: { fileName: 'document.xml', contents: xml }, schema: schema.entry, preload: schema.preload });
  if (result.valid) return [];
  const problems = result.errors.map((error) => ({ kind: 'schema' as const, message: error.message.trim() }));
  return problems.length > 0 ? problems : [{ kind: 'schema', message: 'the CDA R2 schema refused the document' }];
}

/**
 * Many documents against one compiled schema (compiling the CDA schema costs more than checking a document): problems
 * per file name. If libxml2 reports an error it cannot place in a file, each document is checked on its own instead.
 */
export async function validateManyAgainstSchema(
  documents: readonly { name: string; xml: string }[],
  schema: SchemaFiles,
): Promise<Map<string, DocumentProblem[]>> {
  const problems = new Map(documents.map((document) => [document.name, [] as DocumentProblem[]]));
  if (documents.length === 0) return problems;
  const result = await validateXML({
    xml: documents.map((document) => ({ fileName: document.name, contents: document.xml })),
    schema: schema.entry,
    preload: schema.preload,
  });
  if (result.valid) return problems;
  if (result.errors.some((error) => !error.loc || !problems.has(error.loc.fileName))) {
    for (const document of documents) problems.set(document.name, await validateAgainstSchema(document.xml, schema));
    return problems;
  }
  for (const error of result.errors) problems.get(error.loc!.fileName)!.push({ kind: 'schema', message: error.message.trim() });
  return problems;
}

/** WS 363 data elements each document type must carry (docs/interop.md §Documents lists them with sources). */
export const REQUIRED_ELEMENTS: Record<NationalDocumentType, readonly { element: string; name: string }[]> = {
  'EHR-SD-1': [{ element: 'DE02.10.021.00', name: '既往患病种类代码' }],
  'EHR-SD-12': [
    { element: 'DE06.00.108.00', name: '随访方式代码' },
    { element: 'DE06.00.174.00', name: '转诊标志' },
  ],
  'EHR-SD-13': [
    { element: 'DE06.00.108.00', name: '随访方式代码' },
    { element: 'DE06.00.174.00', name: '转诊标志' },
  ],
  'EHR-SD-19': [{ element: 'DE06.00.039.00', name: '会诊原因' }],
  'EHR-SD-20': [
    { element: 'DE05.01.024.00', name: '疾病诊断编码' },
    { element: 'DE06.00.177.00', name: '转诊原因' },
    { element: 'DE06.00.175.00', name: '转诊日期' },
  ],
  C0006: [
    { element: 'DE04.30.018.00', name: '检查类别' },
    { element: 'DE04.30.019.00', name: '检查项目代码' },
  ],
};

const child = (element: XmlElement | undefined, ...names: string[]) =>
  names.reduce<XmlElement | undefined>((current, name) => firstChild(current, name), element);

function descendants(element: XmlElement, name: string, into: XmlElement[] = []): XmlElement[] {
  for (const node of element.children) {
    if (typeof node === 'string') continue;
    if (node.localName === name) into.push(node);
    descendants(node, name, into);
  }
  return into;
}

/** The national documents' own rules on a document as written (not on the model: this is what the platform sees). */
export function checkRequiredElements(xml: string): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  const missing = (what: string) => problems.push({ kind: 'required', message: `missing ${what}` });
  let root: XmlElement;
  try {
    root = parseXmlText(xml);
  } catch (error) {
    return [{ kind: 'schema', message: `not well-formed XML: ${error instanceof Error ? error.message : String(error)}` }];
  }
  const code = attribute(child(root, 'code'), 'code');
  const type = NATIONAL_DOCUMENT_TYPES.find((each) => each === code);
  if (!type) return [{ kind: 'required', message: `document type code ${code ?? '(none)'} is not a national document type` }];
  if (attribute(child(root, 'code'), 'codeSystem') !== OIDS.documentTypes) missing(`code/@codeSystem ${OIDS.documentTypes}`);
  if (!childElements(root, 'templateId').some((item) => attribute(item, 'root') === DOCUMENT_TYPES[type].templateId))
    missing(`templateId ${DOCUMENT_TYPES[type].templateId}`);
  if (!attribute(child(root, 'id'), 'extension')) missing('document id (文档流水号)');
  if (!attribute(child(root, 'effectiveTime'), 'value')) missing('effectiveTime');
  const role = child(root, 'recordTarget', 'patientRole');
  if (!childElements(role ?? root, 'id').some((id) => attribute(id, 'root') === OIDS.healthRecordNumber && attribute(id, 'extension')))
    missing('health record number (健康档案标识号)');
  if (!textValue(child(role, 'patient', 'name'))) missing('patient name');
  if (!attribute(child(role, 'patient', 'administrativeGenderCode'), 'code')) missing('patient sex code');
  if (!attribute(child(role, 'patient', 'birthTime'), 'value')) missing('patient birth date');
  if (!attribute(child(root, 'author', 'time'), 'value')) missing('author/time');
  if (!textValue(child(root, 'author', 'assignedAuthor', 'assignedPerson', 'name'))) missing('author name');
  const custodian = child(root, 'custodian', 'assignedCustodian', 'representedCustodianOrganization');
  if (attribute(child(custodian, 'id'), 'root') !== OIDS.organisation || !attribute(child(custodian, 'id'), 'extension'))
    missing('custodian institution code (医疗卫生机构代码)');
  if (!textValue(child(custodian, 'name'))) missing('custodian name');

  const observations = descendants(root, 'observation');
  const present = new Set(observations.map((observation) => attribute(child(observation, 'code'), 'code')));
  for (const required of REQUIRED_ELEMENTS[type]) {
    if (!present.has(required.element)) missing(`${required.element} ${required.name}`);
  }
  for (const coded of [
    ...descendants(root, 'value'),
    ...descendants(root, 'administrativeGenderCode'),
    ...descendants(root, 'maritalStatusCode'),
    ...descendants(root, 'ethnicGroupCode'),
  ]) {
    const system = attribute(coded, 'codeSystem');
    const value = attribute(coded, 'code');
    if (!system || value === undefined) continue;
    const set = Object.values(VALUE_SETS).find((each) => each.oid === system);
    if (set && !set.entries.some((entry) => entry.code === value)) problems.push({ kind: 'code', message: `code ${value} is not in ${set.name}` });
  }
  return problems;
}

/** Both checks; the schema one only when a schema is at hand (the caller decides whether its absence refuses). */
export async function checkDocument(xml: string, schema: SchemaFiles | undefined): Promise<DocumentProblem[]> {
  const own = checkRequiredElements(xml);
  if (!schema) return own;
  return [...(await validateAgainstSchema(xml, schema)), ...own];
}
