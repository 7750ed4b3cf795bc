import { escapeXmlText } from '../ecg/formats/xml';
import { childElements, firstChild, parseXmlText, textValue, type XmlElement } from '../ecg/formats/xml';
import type { NationalDocumentType } from './cda-model';

/**
 * The service call that carries a national document to a platform, in the style of WS/T 790 (区域卫生信息平台交互规范):
 * one SOAP 1.1 `invoke` per document over HTTPS (the same mutual TLS as FHIR), answered with an acknowledgement.
 * The text of WS/T 790 was not available; the element names below are the station's, chosen after the HL7 v3
 * acknowledgement codes the platforms' messages use (AA accepted, AE error, AR rejected). docs/interop.md §Service
 * records the assumptions; a real front-end machine (前置机) may need its own names, which stay in this one file.
 */

export const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const INVOKE_NS = 'urn:township-workstation:wst790';
export const SOAP_CONTENT_TYPE = 'text/xml; charset=utf-8';
export const SOAP_ACTION = `"${INVOKE_NS}#invoke"`;

/** The WS/T 790 service each document goes to (健康档案采集 for WS/T 483, 电子病历文档注册 for WS/T 500). */
export function serviceFor(type: NationalDocumentType): string {
  return type === 'C0006' ? 'EMRDocumentRegister' : 'HealthRecordSubmit';
}

export interface InvokeRequest {
  service: string;
  documentType: NationalDocumentType;
  documentId: string;
  /** The CDA document (UTF-8 XML text); sent base64 so its own XML declaration and namespaces travel untouched. */
  document: string;
  /** The submitting institution's code (医疗卫生机构代码). */
  senderCode: string;
}

export function invokeEnvelope(request: InvokeRequest): string {
  const field = (name: string, value: string) => `<${name}>${escapeXmlText(value)}</${name}>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<soap:Envelope xmlns:soap="${SOAP_NS}"><soap:Body><invoke xmlns="${INVOKE_NS}">`,
    field('service', request.service),
    field('sender', request.senderCode),
    field('documentType', request.documentType),
    field('documentId', request.documentId),
    `<document encoding="base64">${Buffer.from(request.document, 'utf8').toString('base64')}</document>`,
    '</invoke></soap:Body></soap:Envelope>',
  ].join('');
}

export class Wst790FormatError extends Error {}

function body(xml: string): XmlElement {
  let root: XmlElement;
  try {
    root = parseXmlText(xml);
  } catch (error) {
    throw new Wst790FormatError(`not XML: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (root.localName !== 'Envelope') throw new Wst790FormatError(`root is <${root.localName}>, not a SOAP Envelope`);
  const soapBody = firstChild(root, 'Body');
  if (!soapBody) throw new Wst790FormatError('the SOAP Envelope has no Body');
  return soapBody;
}

/** The receiving side (the test peer, or a tool reading a captured call). */
export function readInvoke(xml: string): InvokeRequest {
  const invoke = firstChild(body(xml), 'invoke');
  if (!invoke) throw new Wst790FormatError('the SOAP Body holds no invoke');
  const text = (name: string) => {
    const value = textValue(firstChild(invoke, name));
    if (value === undefined) throw new Wst790FormatError(`invoke has no ${name}`);
    return value;
  };
  return {
    service: text('service'),
    senderCode: text('sender'),
    documentType: text('documentType') as NationalDocumentType,
    documentId: text('documentId'),
    document: Buffer.from(text('document'), 'base64').toString('utf8'),
  };
}

export type InvokeAnswer =
  | { outcome: 'accepted'; documentId: string }
  /** AE / AR, or a SOAP Client fault: this document is at fault; sending it again changes nothing. */
  | { outcome: 'refused'; code: string; reason: string }
  /** A SOAP Server fault: the platform failed; try again later. */
  | { outcome: 'failed'; reason: string };

export function answerEnvelope(answer: { code: 'AA' | 'AE' | 'AR'; documentId: string; reason?: string }): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<soap:Envelope xmlns:soap="${SOAP_NS}"><soap:Body><invokeResponse xmlns="${INVOKE_NS}"><result>`,
    `<code>${answer.code}</code><documentId>${escapeXmlText(answer.documentId)}</documentId>`,
    answer.reason ? `<reason>${escapeXmlText(answer.reason)}</reason>` : '',
    '</result></invokeResponse></soap:Body></soap:Envelope>',
  ].join('');
}

export function faultEnvelope(side: 'Client' | 'Server', reason: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP_NS}"><soap:Body><soap:Fault><faultcode>soap:${side}</faultcode><faultstring>${escapeXmlText(reason)}</faultstring></soap:Fault></soap:Body></soap:Envelope>`;
}

export function readAnswer(xml: string): InvokeAnswer {
  const soapBody = body(xml);
  const fault = firstChild(soapBody, 'Fault');
  if (fault) {
    const code = textValue(firstChild(fault, 'faultcode')) ?? '';
    const reason = textValue(firstChild(fault, 'faultstring')) ?? code;
    return code.endsWith('Client') ? { outcome: 'refused', code: 'Client', reason } : { outcome: 'failed', reason };
  }
  const result = firstChild(firstChild(soapBody, 'invokeResponse'), 'result');
  if (!result) throw new Wst790FormatError('the answer holds neither invokeResponse/result nor a Fault');
  const code = textValue(firstChild(result, 'code'));
  const documentId = textValue(firstChild(result, 'documentId')) ?? '';
  const reason = childElements(result, 'reason')
    .map((each) => textValue(each) ?? '')
    .filter(Boolean)
    .join('; ');
  if (code === 'AA') return { outcome: 'accepted', documentId };
  if (code === 'AE' || code === 'AR') return { outcome: 'refused', code, reason: reason || code };
  throw new Wst790FormatError(`unknown acknowledgement code ${code ?? '(none)'}`);
}
