import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCartReport } from '../../../../src/main/ecg/analysis/cart-report';
import { readAecgCartReport } from '../../../../src/main/ecg/formats/aecg-report';
import { hasSharedSamples, samplePath, SKIP_REASON } from '../../../support/shared-samples';

const numeric = (code: string, value: number, unit: string) =>
  `<component><annotation><code code="${code}" codeSystem="2.16.840.1.113883.6.24"/><value xsi:type="PQ" value="${value}" unit="${unit}"/></annotation></component>`;
const leadRoi = (lead: string) =>
  `<support><supportingROI classCode="ROIBND"><code code="ROIPS"/><component><boundary><code code="${lead}"/></boundary></component></supportingROI></support>`;

function aecg(sets: string): Uint8Array {
  return new TextEncoder().encode(`<?xml version="1.0" encoding="UTF-8"?>
<AnnotatedECG xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <component><series><code code="RHYTHM"/>${sets}</series></component>
</AnnotatedECG>`);
}

const deviceAuthor =
  '<author><assignedEntity><assignedAuthorType><assignedDevice><manufacturerModelName>X</manufacturerModelName></assignedDevice></assignedAuthorType></assignedEntity></author>';
const personAuthor =
  '<author><assignedEntity><assignedAuthorType><assignedPerson><name>Dr</name></assignedPerson></assignedAuthorType></assignedEntity></author>';

describe('HL7 aECG cart report (annotation sets)', () => {
  it("takes the device's global numerics and interpretation, not per-lead values or a human reader's set", () => {
    const deviceSet = `<subjectOf><annotationSet>${deviceAuthor}
      ${numeric('MDC_ECG_HEART_RATE', 72, 'bpm')}
      <component><annotation><code code="MDC_ECG_BEAT"/><value xsi:type="CE" code="MDC_ECG_BEAT_NORMAL"/>
        ${numeric('MDC_ECG_TIME_PD_QRS', 92, 'ms')}${numeric('MDC_ECG_TIME_PD_PR', 160, 'ms')}${numeric('MDC_ECG_ANGLE_QRS_FRONT', -15, 'deg')}
        <component><annotation><code code="MDC_ECG_TIME_PD_QRS"/><value xsi:type="PQ" value="130" unit="ms"/>${leadRoi('MDC_ECG_LEAD_V1')}</annotation></component>
      </annotation></component>
      <component><annotation><code code="MDC_ECG_BEAT"/><value xsi:type="CE" code="MDC_ECG_BEAT_NORMAL"/>
        ${numeric('MDC_ECG_TIME_PD_QRS', 96, 'ms')}${numeric('MDC_ECG_TIME_PD_PR', 160, 'ms')}${numeric('MDC_ECG_ANGLE_QRS_FRONT', -15, 'deg')}
      </annotation></component>
      ${numeric('MDC_ECG_TIME_PD_QT', 0.4, 's')}
      <component><annotation><code code="MDC_ECG_INTERPRETATION"/>
        <component><annotation><code code="MDC_ECG_INTERPRETATION_STATEMENT"/><value xsi:type="ST">Sinus rhythm</value></annotation></component>
        <component><annotation><code code="MDC_ECG_INTERPRETATION_STATEMENT"/><value xsi:type="ST">Left anterior fascicular block</value></annotation></component>
        <component><annotation><code code="MDC_ECG_INTERPRETATION_SUMMARY"/><value xsi:type="ST">Abnormal ECG</value></annotation></component>
      </annotation></component>
    </annotationSet></subjectOf>`;
    const personSet = `<subjectOf><annotationSet>${personAuthor}${numeric('MDC_ECG_TIME_PD_QRS', 150, 'ms')}</annotationSet></subjectOf>`;
    const report = readCartReport(aecg(deviceSet + personSet));
    expect(report).toEqual({
      vendor: 'hl7-aecg',
      // QRS: median of the beats' global values (92, 96); the V1 value and the reader's 150 are not the cart's global.
      // QT in seconds is left out rather than converted on a guess.
      measurements: { heartRateBpm: 72, qrsMs: 94, prMs: 160, qrsAxisDeg: -15 },
      statements: ['Sinus rhythm', 'Left anterior fascicular block', 'Abnormal ECG'],
    });
  });

  it('gives no report when only a human reader annotated, or nothing was annotated', () => {
    expect(
      readAecgCartReport(aecg(`<subjectOf><annotationSet>${personAuthor}${numeric('MDC_ECG_TIME_PD_QRS', 150, 'ms')}</annotationSet></subjectOf>`)),
    ).toBeUndefined();
    expect(readAecgCartReport(aecg(''))).toBeUndefined();
  });
});

describe.skipIf(!hasSharedSamples)(`HL7 aECG cart report on the shared example ${hasSharedSamples ? '' : SKIP_REASON}`, () => {
  it("reads the ELI250's global numerics and its rhythm statement", () => {
    const report = readCartReport(readFileSync(samplePath('hl7-aecg', 'Example_aECG.xml')));
    expect(report).toEqual({
      vendor: 'hl7-aecg',
      measurements: { pDurationMs: 102, prMs: 148, qrsMs: 120, qtMs: 420, qtcMs: 443, pAxisDeg: 44, qrsAxisDeg: -61, tAxisDeg: 86 },
      statements: ['Sinus Rhythm'],
    });
  });
});
