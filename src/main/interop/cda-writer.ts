import { escapeXmlAttribute, escapeXmlText } from '../ecg/formats/xml';
import { VALUE_SETS } from '../../shared/value-sets';
import { DOCUMENT_TYPES, OIDS, type CdaDocument, type CdaEntry, type CdaPerson, type CdaSection, type CdaValue } from './cda-model';

/**
 * Serialises a CdaDocument as an HL7 CDA R2 ClinicalDocument, in the element order POCD_MT000040 requires (the schema
 * is a strict xs:sequence, so order is not cosmetic). Header conventions follow the WS/T 500 templates (realmCode CN,
 * typeId POCD_MT000040, ids under 2.16.156.10011.1.x); entries are observations coded with WS 363 data element ids.
 */

type Attrs = Record<string, string | number | undefined>;
type Child = string | false | undefined | null;

/** One element. Children are already-serialised XML strings; text content goes through `text()`. */
function el(name: string, attrs: Attrs = {}, ...children: Child[]): string {
  const attrText = Object.entries(attrs)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXmlAttribute(String(value))}"`)
    .join('');
  const body = children.filter((child): child is string => typeof child === 'string').join('');
  return body === '' ? `<${name}${attrText}/>` : `<${name}${attrText}>${body}</${name}>`;
}

const text = (value: string) => escapeXmlText(value);

function valueXml(value: CdaValue): string {
  switch (value.type) {
    case 'PQ':
      return el('value', { 'xsi:type': 'PQ', value: formatNumber(value.value), unit: value.unit });
    case 'CD':
      return el('value', {
        'xsi:type': 'CD',
        code: value.code,
        codeSystem: value.codeSystem,
        codeSystemName: codeSystemName(value.codeSystem),
        displayName: value.displayName,
      });
    case 'ST':
      return el('value', { 'xsi:type': 'ST' }, text(value.text));
    case 'TS':
      return el('value', { 'xsi:type': 'TS', value: value.value });
    case 'BL':
      return el('value', { 'xsi:type': 'BL', value: value.value ? 'true' : 'false' });
    case 'INT':
      return el('value', { 'xsi:type': 'INT', value: String(Math.trunc(value.value)) });
  }
}

/** No exponent notation: REAL/PQ literals in CDA are plain decimals. */
function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(6)));
}

function codeSystemName(oid: string): string | undefined {
  if (oid === OIDS.icd10) return 'ICD-10';
  return Object.values(VALUE_SETS).find((set) => set.oid === oid)?.name;
}

function entryXml(entry: CdaEntry): string {
  return el(
    'entry',
    {},
    el(
      'observation',
      { classCode: 'OBS', moodCode: 'EVN' },
      el('code', { code: entry.element, codeSystem: OIDS.dataElements, codeSystemName: '卫生信息数据元目录', displayName: entry.name }),
      entry.time !== undefined && el('effectiveTime', { value: entry.time }),
      valueXml(entry.value),
    ),
  );
}

/** Human-readable text of the section (CDA requires the narrative to carry what the entries say). */
function narrative(section: CdaSection): string {
  const rows = section.entries.map((entry) => el('item', {}, text(`${entry.name}: ${displayOf(entry.value)}`)));
  const media = (section.media ?? []).map((item) => el('renderMultiMedia', { referencedObject: item.id }));
  if (rows.length === 0 && media.length === 0) return el('text', {}, text(section.title));
  return el('text', {}, rows.length > 0 ? el('list', {}, ...rows) : undefined, ...media);
}

export function displayOf(value: CdaValue): string {
  switch (value.type) {
    case 'PQ':
      return `${formatNumber(value.value)} ${value.unit}`;
    case 'CD':
      return value.displayName;
    case 'ST':
      return value.text;
    case 'TS':
      return value.value;
    case 'BL':
      return value.value ? '是' : '否';
    case 'INT':
      return String(value.value);
  }
}

function sectionXml(section: CdaSection): string {
  return el(
    'component',
    {},
    el(
      'section',
      {},
      section.code && el('code', { code: section.code.code, codeSystem: section.code.codeSystem, displayName: section.code.displayName }),
      el('title', {}, text(section.title)),
      narrative(section),
      ...section.entries.map(entryXml),
      ...(section.media ?? []).map((item) =>
        el(
          'entry',
          {},
          el(
            'observationMedia',
            { classCode: 'OBS', moodCode: 'EVN', ID: item.id },
            el('value', { 'xsi:type': 'ED', mediaType: item.mediaType, representation: 'B64' }, item.base64),
          ),
        ),
      ),
    ),
  );
}

function assignedPerson(person: CdaPerson, custodian: CdaDocument['custodian']): string {
  return [
    el('id', { root: OIDS.author, extension: person.id }),
    el('assignedPerson', {}, el('name', {}, text(person.name))),
    el('representedOrganization', {}, el('id', { root: OIDS.organisation, extension: custodian.code }), el('name', {}, text(custodian.name))),
  ].join('');
}

export function writeCda(doc: CdaDocument): string {
  const info = DOCUMENT_TYPES[doc.type];
  const p = doc.patient;
  const root = el(
    'ClinicalDocument',
    { xmlns: 'urn:hl7-org:v3', 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance' },
    el('realmCode', { code: 'CN' }),
    el('typeId', { root: '2.16.840.1.113883.1.3', extension: 'POCD_MT000040' }),
    el('templateId', { root: info.templateId }),
    el('id', { root: OIDS.documentId, extension: doc.id }),
    el('code', { code: info.type, codeSystem: OIDS.documentTypes, codeSystemName: '卫生信息共享文档规范编码体系', displayName: info.title }),
    el('title', {}, text(info.title)),
    el('effectiveTime', { value: doc.effectiveTime }),
    el('confidentialityCode', { code: 'N', codeSystem: OIDS.confidentiality, codeSystemName: 'Confidentiality', displayName: '正常访问保密级别' }),
    el('languageCode', { code: 'zh-CN' }),
    el('setId', { root: OIDS.documentId, extension: doc.setId }),
    el('versionNumber', { value: doc.version }),
    el(
      'recordTarget',
      { typeCode: 'RCT', contextControlCode: 'OP' },
      el(
        'patientRole',
        { classCode: 'PAT' },
        el('id', { root: OIDS.healthRecordNumber, extension: p.recordNumber }),
        p.address !== undefined && el('addr', { use: 'H' }, el('streetAddressLine', {}, text(p.address))),
        p.phone !== undefined && el('telecom', { value: `tel:${p.phone}` }),
        el(
          'patient',
          { classCode: 'PSN', determinerCode: 'INSTANCE' },
          p.idNumber !== undefined && el('id', { root: OIDS.residentIdCard, extension: p.idNumber }),
          el('name', {}, text(p.name)),
          codedValue('administrativeGenderCode', 'sex', p.sexCode),
          el('birthTime', { value: p.birthDate }),
          p.maritalCode !== undefined && codedValue('maritalStatusCode', 'maritalStatus', p.maritalCode),
          p.ethnicCode !== undefined && codedValue('ethnicGroupCode', 'ethnicGroup', p.ethnicCode),
        ),
      ),
    ),
    el(
      'author',
      { typeCode: 'AUT', contextControlCode: 'OP' },
      el('time', { value: doc.author.time }),
      el('assignedAuthor', { classCode: 'ASSIGNED' }, assignedPerson(doc.author, doc.custodian)),
    ),
    el(
      'custodian',
      { typeCode: 'CST' },
      el(
        'assignedCustodian',
        { classCode: 'ASSIGNED' },
        el(
          'representedCustodianOrganization',
          { classCode: 'ORG', determinerCode: 'INSTANCE' },
          el('id', { root: OIDS.organisation, extension: doc.custodian.code }),
          el('name', {}, text(doc.custodian.name)),
        ),
      ),
    ),
    doc.legalAuthenticator &&
      el(
        'legalAuthenticator',
        {},
        el('time', { value: doc.legalAuthenticator.time }),
        el('signatureCode', { code: 'S' }),
        el(
          'assignedEntity',
          {},
          el('id', { root: OIDS.author, extension: doc.legalAuthenticator.id }),
          el('assignedPerson', {}, el('name', {}, text(doc.legalAuthenticator.name))),
        ),
      ),
    el('component', {}, el('structuredBody', {}, ...doc.sections.map(sectionXml))),
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n`;
}

function codedValue(name: string, set: 'sex' | 'maritalStatus' | 'ethnicGroup', code: string): string {
  const valueSet = VALUE_SETS[set];
  const entry = valueSet.entries.find((item) => item.code === code);
  return el(name, { code, codeSystem: valueSet.oid, codeSystemName: valueSet.name, displayName: entry?.zh ?? code });
}
