import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { contractEntries } from '../../src/shared/api/contract';

const ROOT = path.resolve(__dirname, '../..');
const RENDERER = path.join(ROOT, 'src/renderer');

/**
 * Screens read through resource hooks (src/renderer/api/resource.ts: loading, error, stale answers, invalidation
 * after writes, polling): a component that calls a read method of the api itself re-does all of that by hand.
 * Writes and user-started actions (sign in, save, export, print a PDF) stay direct calls.
 *
 * The contract does not mark reads apart from writes (its `audit` kind says how a call is logged, and some reads
 * are logged as `none` or `admin`), so the rule is a union, each part checkable:
 * 1. every method audited as `read` (a read of patient data);
 * 2. every method some `*.resource.ts` fetcher calls: the app itself already treats it as a query;
 * 3. every method named `get`, `list`, `search` or `status` (or starting getX/listX/searchX).
 * A new read audited `none` with a noun name (e.g. `targets`) is caught once it has its resource (part 2).
 *
 * Allowed exceptions, `file: namespace.method`, each with its reason.
 */
const ALLOWED: Readonly<Record<string, string>> = {
  // The session's source of truth: the resources follow it (their polls pause, they clear and reload from it), and
  // it must keep polling while locked and signed out, exactly when resource polls stop.
  'src/renderer/app/auth-context.tsx: auth.status': 'session source of truth',
  // 调阅: a network pull from the county platform the clinician starts; its answer is put into the cached-record
  // resource, which is how the section reads.
  'src/renderer/features/county-record/county-record-section.tsx: countyRecord.fetch': 'user-started pull',
  // The card on the reader at the moment the button is pressed: an action on a device, never a cached query.
  'src/renderer/features/idcard/read-card-button.tsx: idcard.read': 'user-started device read',
};

const READ_NAME = /^(get|list|search|status)$|^(get|list|search)[A-Z]/;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}

const rel = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');

/** Every `api.<namespace>.<method>` the file names (called or passed on), with its line; comments do not count. */
export function apiMethodsIn(fileName: string, text: string): { method: string; line: number }[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: { method: string; line: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isPropertyAccessExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ts.isIdentifier(node.expression.expression) &&
      node.expression.expression.text === 'api'
    ) {
      found.push({
        method: `${node.expression.name.text}.${node.name.text}`,
        line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function readMethods(): Set<string> {
  const reads = new Set<string>();
  for (const entry of contractEntries()) {
    if (entry.def.audit === 'read' || READ_NAME.test(entry.name)) reads.add(entry.channel);
  }
  for (const file of walk(RENDERER).filter((f) => f.endsWith('.resource.ts'))) {
    for (const { method } of apiMethodsIn(file, readFileSync(file, 'utf8'))) reads.add(method);
  }
  return reads;
}

/** The files the rule covers: feature components and the app shell's components. */
function componentFiles(): string[] {
  const features = walk(path.join(RENDERER, 'features')).filter((f) => f.endsWith('.tsx'));
  const app = readdirSync(path.join(RENDERER, 'app'))
    .filter((f) => f.endsWith('.tsx'))
    .map((f) => path.join(RENDERER, 'app', f));
  return [...features, ...app];
}

describe('renderer components read through resource hooks', () => {
  it('the scan finds api methods however the call is written, and not in comments', () => {
    const sample = [
      'const a = await api.patients.get({ patientId });',
      'void api.consult',
      '  .alerts({})',
      '  .then(setAlerts);',
      '// api.system.status({}) in prose',
      'const f = load(api.ecg.list);',
      'const g = window.api;',
    ].join('\n');
    expect(apiMethodsIn('sample.tsx', sample)).toEqual([
      { method: 'patients.get', line: 1 },
      { method: 'consult.alerts', line: 2 },
      { method: 'ecg.list', line: 6 },
    ]);
  });

  it('classifies reads from the contract and the resources, writes and actions stay out', () => {
    const reads = readMethods();
    for (const read of ['patients.search', 'consult.alerts', 'system.status', 'store.status', 'settings.workingCalendar', 'sync.targets', 'ecg.get']) {
      expect(reads, read).toContain(read);
    }
    for (const action of ['patients.register', 'patients.merge', 'auth.signIn', 'consult.acknowledge', 'ecg.exportAecg', 'followup.callListCsv']) {
      expect(reads, action).not.toContain(action);
    }
    // Every allowed exception names a real read (an exception that no longer matches anything is stale).
    for (const key of Object.keys(ALLOWED)) expect(reads, key).toContain(key.split(': ')[1]);
  });

  it('no component calls a read directly beyond the listed exceptions', () => {
    const reads = readMethods();
    const files = componentFiles();
    expect(files.length).toBeGreaterThan(50);
    const hits = files.flatMap((file) =>
      apiMethodsIn(file, readFileSync(file, 'utf8'))
        .filter(({ method }) => reads.has(method))
        .map(({ method, line }) => ({ key: `${rel(file)}: ${method}`, at: `${rel(file)}:${line}: ${method}` })),
    );
    const unexpected = hits.filter((hit) => !(hit.key in ALLOWED)).map((hit) => hit.at);
    expect(unexpected, 'read through a resource hook (defineResource in the feature’s *.resource.ts)').toEqual([]);
    // Each exception is still used: one removed from the code is removed from the list.
    const used = new Set(hits.map((hit) => hit.key));
    expect(Object.keys(ALLOWED).filter((key) => !used.has(key))).toEqual([]);
  });
});
