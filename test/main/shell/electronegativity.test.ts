import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { judge, parseJustifications, parseSarif, rateFindings, summaryLine, type Finding, type ScannerIssue } from '../../../scripts/electronegativity';

const PROJECT = path.resolve(__dirname, '../../..');

/** A SARIF log shaped like the one electronegativity 1.10 writes (no severity or confidence in it). */
function sarif(results: { ruleId: string; uri: string; line: number; column: number }[]): string {
  return JSON.stringify({
    $schema: 'http://json.schemastore.org/sarif-2.1.0',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Electronegativity', rules: [] } },
        results: results.map((r) => ({
          ruleId: r.ruleId,
          level: 'warning',
          message: { text: `${r.ruleId} message` },
          locations: [{ physicalLocation: { artifactLocation: { uri: r.uri }, region: { startLine: r.line, startColumn: r.column, charLength: 0 } } }],
        })),
      },
    ],
  });
}

function issue(id: string, file: string, line: number, column: number, severity: string, confidence: string): ScannerIssue {
  return { id, file, location: { line, column }, severity: { name: severity }, confidence: { name: confidence } };
}

function finding(check: string, file: string, severity: Finding['severity'], line = 1): Finding {
  return { check, file, line, column: 1, severity, confidence: 'FIRM', message: '' };
}

describe('reading the scan', () => {
  it('rates each SARIF result with the severity and confidence of the issue at the same place (columns from 1)', () => {
    const results = parseSarif(
      sarif([
        { ruleId: 'SANDBOX_JS_CHECK', uri: 'main/main.ts', line: 49, column: 16 },
        { ruleId: 'CSP_GLOBAL_CHECK', uri: 'renderer/index.html', line: 1, column: 1 },
      ]),
    );
    const findings = rateFindings(results, [
      issue('SANDBOX_JS_CHECK', 'main/main.ts', 49, 15, 'MEDIUM', 'FIRM'),
      issue('CSP_GLOBAL_CHECK', 'renderer/index.html', 0, 0, 'LOW', 'TENTATIVE'),
    ]);
    expect(findings.map((f) => [f.check, f.severity, f.confidence])).toEqual([
      ['SANDBOX_JS_CHECK', 'MEDIUM', 'FIRM'],
      ['CSP_GLOBAL_CHECK', 'LOW', 'TENTATIVE'],
    ]);
  });

  it('treats a result it cannot rate as blocking, not as harmless', () => {
    const [unrated] = rateFindings(parseSarif(sarif([{ ruleId: 'NEW_CHECK', uri: 'main/x.ts', line: 3, column: 1 }])), []);
    expect(unrated.severity).toBe('UNRATED');
    expect(judge([unrated], []).blocking).toEqual([unrated]);
  });

  it('refuses a file that is not SARIF 2.1.0', () => {
    expect(() => parseSarif('{"version":"1.0.0"}')).toThrow(/SARIF/);
  });
});

describe('judging findings against the justifications', () => {
  const justifications = parseJustifications(
    JSON.stringify({
      justifications: [{ check: 'SANDBOX_JS_CHECK', file: 'src/main/main.ts', why: 'options come from secureWindowOptions(), asserted in a test' }],
    }),
  );

  it('passes justified HIGH/MEDIUM findings and any LOW or INFORMATIONAL one', () => {
    const v = judge(
      [finding('SANDBOX_JS_CHECK', 'main/main.ts', 'MEDIUM'), finding('CSP_GLOBAL_CHECK', 'renderer/index.html', 'LOW'), finding('X', 'a.ts', 'INFORMATIONAL')],
      justifications,
    );
    expect(v.blocking).toEqual([]);
    expect(v.justified).toHaveLength(1);
    expect(v.bySeverity).toMatchObject({ HIGH: 0, MEDIUM: 1, LOW: 1, INFORMATIONAL: 1 });
  });

  it('blocks a HIGH or MEDIUM finding in another file, of another check, or one more than the entry covers', () => {
    const v = judge(
      [
        finding('SANDBOX_JS_CHECK', 'main/main.ts', 'MEDIUM', 10),
        finding('SANDBOX_JS_CHECK', 'main/main.ts', 'MEDIUM', 20),
        finding('SANDBOX_JS_CHECK', 'main/other.ts', 'MEDIUM'),
        finding('NODE_INTEGRATION_JS_CHECK', 'main/main.ts', 'HIGH'),
      ],
      justifications,
    );
    expect(v.justified.map((f) => f.line)).toEqual([10]);
    expect(v.blocking.map((f) => `${f.check} ${f.file}:${f.line}`)).toEqual([
      'SANDBOX_JS_CHECK main/main.ts:20',
      'SANDBOX_JS_CHECK main/other.ts:1',
      'NODE_INTEGRATION_JS_CHECK main/main.ts:1',
    ]);
  });

  it('reports entries that match nothing any more as stale', () => {
    expect(judge([], justifications).stale).toEqual(justifications);
  });

  it('refuses an entry without a real reason', () => {
    expect(() => parseJustifications(JSON.stringify({ justifications: [{ check: 'A', file: 'b.ts', why: 'ok' }] }))).toThrow(/why/);
    expect(() =>
      parseJustifications(JSON.stringify({ justifications: [{ check: 'A', file: 'b.ts', why: 'a reason long enough to count', count: 0 }] })),
    ).toThrow(/count/);
  });

  it('prints one line with the counts', () => {
    const line = summaryLine(judge([finding('SANDBOX_JS_CHECK', 'main/main.ts', 'MEDIUM'), finding('Y', 'b.ts', 'HIGH')], justifications), 0);
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('2 findings');
    expect(line).toContain('HIGH 1');
    expect(line).toContain('1 justified, 1 unjustified');
  });
});

describe('the checked-in justifications file', () => {
  it('parses, and names each check and file once', () => {
    const entries = parseJustifications(readFileSync(path.join(PROJECT, 'security', 'electronegativity-justifications.json'), 'utf8'));
    expect(entries.length).toBeGreaterThan(0);
    const keys = entries.map((e) => `${e.check} ${e.file}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const e of entries) expect(e.check).toMatch(/^[A-Z_]+_CHECK$/);
  });
});
