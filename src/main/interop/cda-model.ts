/**
 * The neutral shape of one national shared document (WS/T 483 / WS/T 500, HL7 CDA R2): what the builders produce from
 * the station's records, what cda-writer.ts serialises and what cda-parser.ts reads back. Keeping one model makes the
 * round trip checkable (parse(write(model)) must equal model) and keeps the CDA details in one writer.
 */

/** Document types the station produces (docs/interop.md §Documents). */
export const NATIONAL_DOCUMENT_TYPES = ['EHR-SD-1', 'EHR-SD-12', 'EHR-SD-13', 'EHR-SD-19', 'EHR-SD-20', 'C0006'] as const;
export type NationalDocumentType = (typeof NATIONAL_DOCUMENT_TYPES)[number];

export const OIDS = {
  /** 卫生信息共享文档规范编码体系: the document type codes. */
  documentTypes: '2.16.156.10011.2.4',
  /** 卫生信息数据元目录 (WS 363): observation codes. */
  dataElements: '2.16.156.10011.2.2.1',
  documentId: '2.16.156.10011.1.1',
  healthRecordNumber: '2.16.156.10011.1.2',
  residentIdCard: '2.16.156.10011.1.3',
  organisation: '2.16.156.10011.1.5',
  author: '2.16.156.10011.1.7',
  examReportNumber: '2.16.156.10011.1.32',
  icd10: '2.16.156.10011.2.3.3.11.3',
  loinc: '2.16.840.1.113883.6.1',
  snomed: '2.16.840.1.113883.6.96',
  confidentiality: '2.16.840.1.113883.5.25',
} as const;

export interface DocumentTypeInfo {
  type: NationalDocumentType;
  title: string;
  /** Template OID (templateId root). */
  templateId: string;
  standard: 'WS/T 483' | 'WS/T 500';
}

/**
 * WS/T 500 template OIDs are seen in public templates (.21 + n for C00nn). WS/T 483's are inferred as .1…20 in SD
 * order, which the public sources do not confirm (docs/interop.md, assumption I1).
 */
export const DOCUMENT_TYPES: Record<NationalDocumentType, DocumentTypeInfo> = {
  'EHR-SD-1': { type: 'EHR-SD-1', title: '个人基本健康信息登记', templateId: '2.16.156.10011.2.1.1.1', standard: 'WS/T 483' },
  'EHR-SD-12': { type: 'EHR-SD-12', title: '高血压患者随访服务', templateId: '2.16.156.10011.2.1.1.12', standard: 'WS/T 483' },
  'EHR-SD-13': { type: 'EHR-SD-13', title: '2型糖尿病患者随访服务', templateId: '2.16.156.10011.2.1.1.13', standard: 'WS/T 483' },
  'EHR-SD-19': { type: 'EHR-SD-19', title: '会诊记录', templateId: '2.16.156.10011.2.1.1.19', standard: 'WS/T 483' },
  'EHR-SD-20': { type: 'EHR-SD-20', title: '转诊(院)记录', templateId: '2.16.156.10011.2.1.1.20', standard: 'WS/T 483' },
  C0006: { type: 'C0006', title: '检查报告', templateId: '2.16.156.10011.2.1.1.26', standard: 'WS/T 500' },
};

export type CdaValue =
  | { type: 'PQ'; value: number; unit: string }
  | { type: 'CD'; code: string; codeSystem: string; displayName: string }
  | { type: 'ST'; text: string }
  | { type: 'TS'; value: string }
  | { type: 'BL'; value: boolean }
  | { type: 'INT'; value: number };

export interface CdaEntry {
  /** WS 363 data element id (DExx.xx.xxx.xx). */
  element: string;
  /** Data element name (the code's displayName). */
  name: string;
  value: CdaValue;
  /** When the observation applies (TS), e.g. the follow-up date. */
  time?: string;
}

/** An embedded file (CDA observationMedia, ED base64), e.g. the ECG report PDF. */
export interface CdaMedia {
  id: string;
  mediaType: string;
  base64: string;
}

export interface CdaSection {
  /** LOINC (or SNOMED CT) section code; sections with no fitting code carry only a title (as the sources do). */
  code?: { code: string; codeSystem: string; displayName: string };
  title: string;
  entries: CdaEntry[];
  media?: CdaMedia[];
}

export interface CdaPerson {
  id: string;
  name: string;
}

export interface CdaPatient {
  /** 健康档案标识号: the station's patient id. */
  recordNumber: string;
  /** Resident ID number (身份证号) when known. */
  idNumber?: string;
  name: string;
  /** GB/T 2261.1 code. */
  sexCode: string;
  /** yyyymmdd */
  birthDate: string;
  maritalCode?: string;
  ethnicCode?: string;
  address?: string;
  phone?: string;
}

export interface CdaDocument {
  type: NationalDocumentType;
  /** Document serial number (文档流水号), unique per change: `<type>-<record id>-v<version>-<yyyymmddhhmmss>`. */
  id: string;
  /** Same for every version of one record's document. */
  setId: string;
  version: number;
  /** TS with offset, China time: yyyymmddhhmmss+0800. */
  effectiveTime: string;
  patient: CdaPatient;
  author: CdaPerson & { time: string };
  /** The reviewing / signing doctor (legalAuthenticator), when the record is signed. */
  legalAuthenticator?: CdaPerson & { time: string };
  custodian: { code: string; name: string };
  sections: CdaSection[];
}

/** TS from an instant, in China Standard Time (UTC+8, no daylight saving since 1991). */
export function tsFromInstant(iso: string | Date): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  const local = new Date(date.getTime() + 8 * 3600_000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${local.getUTCFullYear()}${pad(local.getUTCMonth() + 1)}${pad(local.getUTCDate())}${pad(local.getUTCHours())}${pad(local.getUTCMinutes())}${pad(local.getUTCSeconds())}+0800`;
}

/** TS (day precision) from a calendar date yyyy-mm-dd. */
export function tsFromDate(date: string): string {
  return date.replaceAll('-', '');
}

/** yyyy-mm-dd from a TS of day precision or finer. */
export function dateFromTs(ts: string): string {
  return `${ts.slice(0, 4)}-${ts.slice(4, 6)}-${ts.slice(6, 8)}`;
}
