/**
 * The import-direction rule of ARCHITECTURE §1 on resolved paths (the lint rule sees only the import strings):
 * renderer → shared, preload → shared, main → shared; shared imports nothing from main/renderer/preload and no
 * Node or Electron; only src/main/main.ts imports Electron at run time.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

export const PROCESSES = ['shared', 'main', 'preload', 'renderer'] as const;
export type ProcessFolder = (typeof PROCESSES)[number];

export interface ImportRef {
  specifier: string;
  /** `import type`, `export type`, or an `import('x').T` type: erased at build time. */
  typeOnly: boolean;
  line: number;
}

/** Every module a file refers to: static imports and re-exports, import(), require(), import-equals, import types. */
export function importsOf(fileName: string, text: string): ImportRef[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const refs: ImportRef[] = [];
  const add = (node: ts.Node, specifier: ts.Expression | undefined, typeOnly: boolean) => {
    if (specifier && ts.isStringLiteralLike(specifier)) {
      refs.push({ specifier: specifier.text, typeOnly, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const allNamedTypeOnly =
        !!clause &&
        !clause.name &&
        !!clause.namedBindings &&
        ts.isNamedImports(clause.namedBindings) &&
        clause.namedBindings.elements.length > 0 &&
        clause.namedBindings.elements.every((e) => e.isTypeOnly);
      add(node, node.moduleSpecifier, !!clause && (clause.isTypeOnly || allNamedTypeOnly));
    } else if (ts.isExportDeclaration(node)) {
      add(node, node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal as ts.Expression, true);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      add(node, node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return refs;
}

const NODE_BUILTINS = new Set(builtinModules);

export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(specifier.split('/')[0]);
}

function isElectron(specifier: string): boolean {
  return specifier === 'electron' || specifier.startsWith('electron/');
}

export function processOf(srcDir: string, file: string): ProcessFolder | 'outside src' {
  const rel = path.relative(srcDir, file);
  const top = rel.split(path.sep)[0];
  if (rel.startsWith('..') || path.isAbsolute(rel)) return 'outside src';
  return (PROCESSES as readonly string[]).includes(top) ? (top as ProcessFolder) : 'outside src';
}

/** Which process folders each may import from (besides packages). */
const MAY_IMPORT: Record<ProcessFolder, readonly ProcessFolder[]> = {
  shared: ['shared'],
  main: ['main', 'shared'],
  preload: ['preload', 'shared'],
  renderer: ['renderer', 'shared'],
};

/** Why an import breaks the rule, or null. `file` is absolute, inside `srcDir`. */
export function violation(srcDir: string, file: string, ref: ImportRef): string | null {
  const from = processOf(srcDir, file);
  if (from === 'outside src') return null;
  const { specifier } = ref;
  if (specifier.startsWith('.')) {
    const target = processOf(srcDir, path.resolve(path.dirname(file), specifier));
    if (target === 'outside src') return `src/${from} imports ${specifier}, outside the process folders`;
    return MAY_IMPORT[from].includes(target) ? null : `src/${from} imports src/${target} (${specifier})`;
  }
  if (isElectron(specifier)) {
    if (from === 'preload') return null;
    if (from === 'main' && (ref.typeOnly || path.relative(srcDir, file) === path.join('main', 'main.ts'))) return null;
    return from === 'main' ? `src/main imports Electron at run time outside main.ts (${specifier})` : `src/${from} imports Electron (${specifier})`;
  }
  if (isNodeBuiltin(specifier) && from !== 'main') return `src/${from} imports the Node built-in ${specifier}`;
  return null;
}
