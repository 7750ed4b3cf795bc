import { describe, expect, it } from 'vitest';
import { answerEnvelope, faultEnvelope, invokeEnvelope, readAnswer, readInvoke, Wst790FormatError } from '../../../src/main/interop/wst790';

describe('the WS/T 790-style invoke', () => {
  it('carries the document byte for byte (base64), with its type, id and sender', () => {
    const document =
      '<?xml version="1.0" encoding="UTF-8"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3"><title>高血压患者随访服务 &amp; ]]></title></ClinicalDocument>\n';
    const request = {
      service: 'HealthRecordSubmit',
      senderCode: '12130321MB0000000X',
      documentType: 'EHR-SD-12' as const,
      documentId: 'EHR-SD-12-x-v1-20260101093000',
      document,
    };
    expect(readInvoke(invokeEnvelope(request))).toEqual(request);
  });

  it.each([
    ['AA', answerEnvelope({ code: 'AA', documentId: 'd1' }), { outcome: 'accepted', documentId: 'd1' }],
    [
      'AE with a reason',
      answerEnvelope({ code: 'AE', documentId: 'd1', reason: '缺少转入机构 <代码>' }),
      { outcome: 'refused', code: 'AE', reason: '缺少转入机构 <代码>' },
    ],
    ['AR without a reason', answerEnvelope({ code: 'AR', documentId: 'd1' }), { outcome: 'refused', code: 'AR', reason: 'AR' }],
    ['a Client fault', faultEnvelope('Client', 'bad envelope'), { outcome: 'refused', code: 'Client', reason: 'bad envelope' }],
    ['a Server fault', faultEnvelope('Server', 'database down'), { outcome: 'failed', reason: 'database down' }],
  ])('reads %s', (_name, xml, expected) => {
    expect(readAnswer(xml)).toEqual(expected);
  });

  it.each([
    ['not XML', 'Service Unavailable'],
    ['not an Envelope', '<html><body>502</body></html>'],
    ['an unknown acknowledgement code', answerEnvelope({ code: 'AA', documentId: 'd' }).replace('<code>AA</code>', '<code>CA</code>')],
    ['an empty Body', '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>'],
  ])('refuses %s as unreadable (the push treats the outcome as unknown and retries)', (_name, xml) => {
    expect(() => readAnswer(xml)).toThrow(Wst790FormatError);
  });
});
