import { attribute, childElements, firstChild, ownText, parseXmlText, textValue, type XmlElement } from '../ecg/formats/xml';
import { VALUE_SETS } from '../../shared/value-sets';
import {
  NATIONAL_DOCUMENT_TYPES,
  OIDS,
  type CdaDocument,
  type CdaEntry,
  type CdaMedia,
  type CdaPerson,
  type CdaSection,
  type CdaValue,
  type NationalDocumentType,
} from './cda-model';

/**
 * Reads a national shared document back into the CdaDocument model: for the round-trip check, for the test peer, and
 * for a platform answer that echoes a document. Only what the writer writes is read; anything else is ignored, and a
 * missing required part throws a CdaParseError naming it (the required-element check reports them all instead).
 */

export class CdaParseError extends Error {}

const need = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new CdaParseError(`missing ${what}`);
  return value;
};

const child = (element: XmlElement | undefined, ...path: string[]): XmlElement | undefined => {
  let current = element;
  for (const name of path) current = firstChild(current, name);
  return current;
};

export function parseCda(xml: string): CdaDocument {
  const root = parseXmlText(xml);
  if (root.localName !== 'ClinicalDocument') throw new CdaParseError(`root is <${root.localName}>, not <ClinicalDocument>`);
  const type = need(attribute(child(root, 'code'), 'code'), 'document code') as NationalDocumentType;
  if (!NATIONAL_DOCUMENT_TYPES.includes(type)) throw new CdaParseError(`unknown document type ${type}`);
  const patientRole = need(child(root, 'recordTarget', 'patientRole'), 'recordTarget/patientRole');
  const patient = need(child(patientRole, 'patient'), 'patient');
  const optional = (element: XmlElement | undefined, name: string) => attribute(element, name);
  const phone = optional(child(patientRole, 'telecom'), 'value');
  const legal = child(root, 'legalAuthenticator');
  const doc: CdaDocument = {
    type,
    id: need(attribute(child(root, 'id'), 'extension'), 'document id'),
    setId: need(attribute(child(root, 'setId'), 'extension'), 'setId'),
    version: Number(need(attribute(child(root, 'versionNumber'), 'value'), 'versionNumber')),
    effectiveTime: need(attribute(child(root, 'effectiveTime'), 'value'), 'effectiveTime'),
    patient: {
      recordNumber: need(attribute(idWithRoot(patientRole, OIDS.healthRecordNumber), 'extension'), 'health record number'),
      ...defined('idNumber', attribute(idWithRoot(patient, OIDS.residentIdCard), 'extension')),
      name: need(textValue(child(patient, 'name')), 'patient name'),
      sexCode: need(attribute(child(patient, 'administrativeGenderCode'), 'code'), 'administrativeGenderCode'),
      birthDate: need(attribute(child(patient, 'birthTime'), 'value'), 'birthTime'),
      ...defined('maritalCode', attribute(child(patient, 'maritalStatusCode'), 'code')),
      ...defined('ethnicCode', attribute(child(patient, 'ethnicGroupCode'), 'code')),
      ...defined('address', textValue(child(patientRole, 'addr', 'streetAddressLine'))),
      ...defined('phone', phone?.replace(/^tel:/, '')),
    },
    author: {
      ...person(need(child(root, 'author', 'assignedAuthor'), 'author/assignedAuthor')),
      time: need(attribute(child(root, 'author', 'time'), 'value'), 'author/time'),
    },
    ...(legal
      ? {
          legalAuthenticator: {
            ...person(need(child(legal, 'assignedEntity'), 'legalAuthenticator/assignedEntity')),
            time: need(attribute(child(legal, 'time'), 'value'), 'legalAuthenticator/time'),
          },
        }
      : {}),
    custodian: {
      code: need(attribute(child(root, 'custodian', 'assignedCustodian', 'representedCustodianOrganization', 'id'), 'extension'), 'custodian id'),
      name: need(textValue(child(root, 'custodian', 'assignedCustodian', 'representedCustodianOrganization', 'name')), 'custodian name'),
    },
    sections: childElements(need(child(root, 'component', 'structuredBody'), 'structuredBody'), 'component').map((component) =>
      readSection(need(child(component, 'section'), 'section')),
    ),
  };
  return doc;
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function idWithRoot(element: XmlElement, root: string): XmlElement | undefined {
  return childElements(element, 'id').find((id) => attribute(id, 'root') === root);
}

function person(element: XmlElement): CdaPerson {
  return {
    id: need(attribute(child(element, 'id'), 'extension'), 'person id'),
    name: need(textValue(child(element, 'assignedPerson', 'name')), 'person name'),
  };
}

function readSection(section: XmlElement): CdaSection {
  const code = child(section, 'code');
  const entries: CdaEntry[] = [];
  const media: CdaMedia[] = [];
  for (const entry of childElements(section, 'entry')) {
    const observation = child(entry, 'observation');
    if (observation) {
      entries.push(readEntry(observation));
      continue;
    }
    const item = child(entry, 'observationMedia');
    if (item) {
      const value = need(child(item, 'value'), 'observationMedia/value');
      media.push({
        id: need(attribute(item, 'ID'), 'observationMedia/@ID'),
        mediaType: need(attribute(value, 'mediaType'), 'mediaType'),
        base64: ownText(value).trim(),
      });
    }
  }
  return {
    ...(code
      ? {
          code: {
            code: need(attribute(code, 'code'), 'section code'),
            codeSystem: need(attribute(code, 'codeSystem'), 'section codeSystem'),
            displayName: attribute(code, 'displayName') ?? '',
          },
        }
      : {}),
    title: textValue(child(section, 'title')) ?? '',
    entries,
    ...(media.length > 0 ? { media } : {}),
  };
}

function readEntry(observation: XmlElement): CdaEntry {
  const code = need(child(observation, 'code'), 'observation code');
  const time = attribute(child(observation, 'effectiveTime'), 'value');
  return {
    element: need(attribute(code, 'code'), 'observation code/@code'),
    name: attribute(code, 'displayName') ?? '',
    value: readValue(need(child(observation, 'value'), 'observation value')),
    ...(time !== undefined ? { time } : {}),
  };
}

function readValue(value: XmlElement): CdaValue {
  const type = attribute(value, 'type');
  switch (type) {
    case 'PQ':
      return { type: 'PQ', value: Number(need(attribute(value, 'value'), 'PQ value')), unit: attribute(value, 'unit') ?? '1' };
    case 'CD':
      return {
        type: 'CD',
        code: need(attribute(value, 'code'), 'CD code'),
        codeSystem: need(attribute(value, 'codeSystem'), 'CD codeSystem'),
        displayName: attribute(value, 'displayName') ?? '',
      };
    case 'ST':
      return { type: 'ST', text: ownText(value) };
    case 'TS':
      return { type: 'TS', value: need(attribute(value, 'value'), 'TS value') };
    case 'BL':
      return { type: 'BL', value: attribute(value, 'value') === 'true' };
    case 'INT':
      return { type: 'INT', value: Number(need(attribute(value, 'value'), 'INT value')) };
    default:
      throw new CdaParseError(`unsupported value type ${type ?? '(none)'}`);
  }
}

/** Whether a coded value's code is one of its value set's codes (used by the required-element check). */
export function codeIsKnown(codeSystem: string, code: string): boolean | undefined {
  const set = Object.values(VALUE_SETS).find((item) => item.oid === codeSystem);
  if (!set) return undefined;
  return set.entries.some((entry) => entry.code === code);
}
