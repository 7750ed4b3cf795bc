/**
 * Runs @doyensec/electronegativity over src/ and fails unless every HIGH or MEDIUM finding is justified in
 * security/electronegativity-justifications.json. Electronegativity itself always exits 0, so this count is the test.
 *
 * It runs through the package's programmatic API: its CLI reads options the way commander 2 did, and the commander
 * hoisted here (11) leaves them unset, so the CLI only prints its help.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const SEVERITIES = ['HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'] as const;
export const CONFIDENCES = ['CERTAIN', 'FIRM', 'TENTATIVE'] as const;
export type Severity = (typeof SEVERITIES)[number] | 'UNRATED';
export type Confidence = (typeof CONFIDENCES)[number] | 'UNRATED';

/** Severities that fail the run unless justified. An unrated finding (no matching issue) is treated as one of them. */
const BLOCKING: ReadonlySet<Severity> = new Set<Severity>(['HIGH', 'MEDIUM', 'UNRATED']);

/** One issue as the programmatic API returns it (severity and confidence are not in its SARIF). */
export interface ScannerIssue {
  id: string;
  file: string;
  location: { line: number; column: number };
  severity: { name: string };
  confidence: { name: string };
  manualReview?: boolean;
}

interface ScannerResult {
  issues: ScannerIssue[];
  errors: { file: string; message: string; tolerable: boolean }[];
}

interface ScannerOptions {
  input: string;
  output: string;
  isSarif: boolean;
  isRelative: boolean;
  customScan: string[];
  excludeFromScan: string[];
  electronVersionOverride: string;
  parserPlugins: string[];
}

export interface SarifResult {
  ruleId: string;
  level?: string;
  message?: { text?: string };
  locations?: { physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number; startColumn?: number } } }[];
}

export interface Finding {
  check: string;
  /** Relative to src/, forward slashes (as in the justifications file). */
  file: string;
  line: number;
  column: number;
  severity: Severity;
  confidence: Confidence;
  message: string;
}

export interface Justification {
  check: string;
  file: string;
  why: string;
  /** How many findings of this check in this file it covers (default 1): a new one in the same file needs review. */
  count: number;
}

export function parseSarif(text: string): SarifResult[] {
  const sarif = JSON.parse(text) as { version?: string; runs?: { results?: SarifResult[] }[] };
  if (sarif.version !== '2.1.0' || !Array.isArray(sarif.runs)) throw new Error('not a SARIF 2.1.0 log');
  return sarif.runs.flatMap((run) => run.results ?? []);
}

function normalizeFile(file: string): string {
  return file.replace(/\\/g, '/').replace(/^\.\//, '');
}

function rated<T extends string>(name: string, known: readonly T[]): T | 'UNRATED' {
  return (known as readonly string[]).includes(name) ? (name as T) : 'UNRATED';
}

/** Its SARIF writer turns line 0 (a finding about the whole file) into line 1, the smallest SARIF allows. */
function sarifLine(line: number): number {
  return line === 0 ? 1 : line;
}

/**
 * The SARIF results, each with the severity and confidence of the API issue at the same check and position.
 * SARIF columns count from 1, the API's from 0.
 */
export function rateFindings(results: SarifResult[], issues: ScannerIssue[]): Finding[] {
  return results.map((result) => {
    const location = result.locations?.[0]?.physicalLocation;
    const file = normalizeFile(location?.artifactLocation?.uri ?? '');
    const line = location?.region?.startLine ?? 0;
    const column = location?.region?.startColumn ?? 0;
    const issue = issues.find(
      (i) => i.id === result.ruleId && normalizeFile(i.file) === file && sarifLine(i.location.line) === line && i.location.column + 1 === column,
    );
    return {
      check: result.ruleId,
      file,
      line,
      column,
      severity: issue ? rated(issue.severity.name, SEVERITIES) : 'UNRATED',
      confidence: issue ? rated(issue.confidence.name, CONFIDENCES) : 'UNRATED',
      message: result.message?.text ?? '',
    };
  });
}

export function parseJustifications(text: string): Justification[] {
  const parsed = JSON.parse(text) as { justifications?: unknown };
  if (!Array.isArray(parsed.justifications)) throw new Error('expected { "justifications": [...] }');
  return parsed.justifications.map((entry: unknown, index) => {
    const e = entry as Partial<Justification>;
    if (typeof e.check !== 'string' || typeof e.file !== 'string' || typeof e.why !== 'string' || e.why.trim().length < 20) {
      throw new Error(`justification ${index}: needs check, file and a real why (20+ characters)`);
    }
    const count = e.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new Error(`justification ${index}: count must be a positive integer`);
    return { check: e.check, file: normalizeFile(e.file).replace(/^src\//, ''), why: e.why, count };
  });
}

export interface Verdict {
  findings: Finding[];
  blocking: Finding[];
  justified: Finding[];
  /** Entries that no longer match any finding: the code changed, the file should too. */
  stale: Justification[];
  bySeverity: Record<Severity, number>;
  byConfidence: Record<Confidence, number>;
}

function justifies(j: Justification, f: Finding): boolean {
  return j.check === f.check && j.file === f.file;
}

export function judge(findings: Finding[], justifications: Justification[]): Verdict {
  const bySeverity = Object.fromEntries([...SEVERITIES, 'UNRATED'].map((s) => [s, 0])) as Record<Severity, number>;
  const byConfidence = Object.fromEntries([...CONFIDENCES, 'UNRATED'].map((c) => [c, 0])) as Record<Confidence, number>;
  for (const f of findings) {
    bySeverity[f.severity] += 1;
    byConfidence[f.confidence] += 1;
  }
  const remaining = new Map(justifications.map((j) => [j, j.count]));
  const justified: Finding[] = [];
  const blocking: Finding[] = [];
  for (const f of findings.filter((x) => BLOCKING.has(x.severity))) {
    const cover = justifications.find((j) => justifies(j, f) && remaining.get(j)! > 0);
    if (cover) {
      remaining.set(cover, remaining.get(cover)! - 1);
      justified.push(f);
    } else {
      blocking.push(f);
    }
  }
  const stale = justifications.filter((j) => !findings.some((f) => justifies(j, f)));
  return { findings, blocking, justified, stale, bySeverity, byConfidence };
}

export function summaryLine(v: Verdict, parseErrors: number): string {
  const counts = (record: Record<string, number>) =>
    Object.entries(record)
      .filter(([name, n]) => n > 0 || name !== 'UNRATED')
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
  return `electronegativity: ${v.findings.length} findings (${counts(v.bySeverity)}; ${counts(v.byConfidence)}); HIGH/MEDIUM: ${v.justified.length} justified, ${v.blocking.length} unjustified; ${parseErrors} files not parsed`;
}

/** Its writer calls fs.writeFile without waiting, so the log may land after the scan's promise resolves. */
async function readWhenWritten(file: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const text = readFileSync(file, 'utf8');
      JSON.parse(text);
      return text;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function main(): Promise<number> {
  const projectDir = path.resolve(__dirname, '..');
  const requireFromHere = createRequire(__filename);
  const scan = requireFromHere('@doyensec/electronegativity') as (options: ScannerOptions) => Promise<ScannerResult>;
  const electronVersion = (requireFromHere('electron/package.json') as { version: string }).version;
  const outDir = mkdtempSync(path.join(tmpdir(), 'electronegativity-'));
  try {
    const sarifFile = path.join(outDir, 'electronegativity.sarif');
    const result = await scan({
      input: path.join(projectDir, 'src'),
      output: sarifFile,
      isSarif: true,
      isRelative: true,
      customScan: [],
      // It looks up Electron's release list on GitHub; offline (and in CI) that request only fails or hangs.
      excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
      // Checks depend on Electron's defaults for our version; src/ has no package.json for it to read.
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    });
    const findings = rateFindings(parseSarif(await readWhenWritten(sarifFile)), result.issues);
    const justifications = parseJustifications(readFileSync(path.join(projectDir, 'security', 'electronegativity-justifications.json'), 'utf8'));
    const verdict = judge(findings, justifications);
    const unparsed = result.errors.filter((e) => !e.tolerable);

    for (const f of verdict.blocking) console.error(`UNJUSTIFIED ${f.severity}/${f.confidence} ${f.check} src/${f.file}:${f.line}:${f.column} — ${f.message}`);
    for (const e of unparsed) console.error(`NOT SCANNED src/${normalizeFile(path.relative(path.join(projectDir, 'src'), e.file))}: ${e.message}`);
    for (const j of verdict.stale) console.warn(`stale justification (no such finding any more): ${j.check} in src/${j.file}`);
    console.log(summaryLine(verdict, unparsed.length));
    // A file the scanner could not parse is a file it did not check.
    return verdict.blocking.length === 0 && unparsed.length === 0 ? 0 : 1;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

// Run when executed (tsx), not when a test imports the functions above.
if (typeof module !== 'undefined' && require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error('electronegativity run failed:', err);
      process.exit(1);
    },
  );
}
