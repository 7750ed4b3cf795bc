// ESLint 9 flat config: typescript-eslint's recommended rules everywhere, React's hook rules in the renderer, and
// the import direction of ARCHITECTURE §1 (renderer → shared, preload → shared, main → shared; shared depends on
// nothing but itself). test/architecture/import-boundaries.test.ts checks the same rule on resolved paths.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const TYPESCRIPT = ['**/*.{ts,tsx,mts,cts}'];

/** A relative import that climbs out of its process folder into `folders` (src/<folder>/...). */
function intoFolders(folders, message) {
  return { regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`, message, folders };
}

const NODE_BUILTINS = {
  paths: builtinModules.filter((m) => !m.startsWith('_')).map((name) => ({ name, message: 'Node built-ins belong in src/main.' })),
  pattern: { regex: '^node:', message: 'Node built-ins belong in src/main.' },
};

const NO_ELECTRON = [
  { group: ['electron', 'electron/*'], message: 'Only src/main/main.ts (and src/preload) touch Electron; pass what you need in as a parameter.' },
];

/**
 * import() and require() of the same folders: no-restricted-imports sees only static imports. esquery regexes cannot
 * hold a slash, hence \x2F.
 */
function noDynamicInto(folders, message) {
  const target = `/^(\\.\\.\\x2F)+(${folders.join('|')})(\\x2F|$)/`;
  return [
    { selector: `ImportExpression[source.value=${target}]`, message },
    { selector: `CallExpression[callee.name='require'][arguments.0.value=${target}]`, message },
  ];
}

/** @typescript-eslint's version of the rule (it understands `import type`), plus the dynamic forms. */
function restrictImports({ paths = [], patterns = [] }) {
  const dynamic = patterns.filter((p) => p.folders).flatMap((p) => noDynamicInto(p.folders, p.message));
  return {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      { paths, patterns: patterns.map(({ regex, group, message }) => (regex ? { regex, message } : { group, message })) },
    ],
    ...(dynamic.length > 0 ? { 'no-restricted-syntax': ['error', ...dynamic] } : {}),
  };
}

export default defineConfig(
  { ignores: ['.vite/**', 'out/**', 'node_modules/**', 'packages/**', 'dist/**', 'coverage/**', 'test-results/**', '.bench/**', '.harness-data/**'] },
  {
    files: ['**/*.{js,mjs,cjs}', ...TYPESCRIPT],
    extends: [js.configs.recommended],
  },
  {
    files: TYPESCRIPT,
    extends: [tseslint.configs.recommended],
    rules: {
      // A binding read in a closure declared before its one assignment (a callback set up first) cannot be const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // `_`-prefixed parameters and bindings are deliberately unused (handler signatures, destructuring to omit a key).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat['recommended-latest']],
    rules: {
      // React Compiler advice: loading data in an effect that first resets state is the everyday pattern here; shown,
      // not failed. The classic rules-of-hooks stays an error.
      'react-hooks/set-state-in-effect': 'warn',
    },
  },
  {
    // File-format readers match control bytes on purpose (XML 1.0 §2.2 forbidden characters, binary headers).
    files: ['src/main/ecg/**/*.ts'],
    rules: { 'no-control-regex': 'off' },
  },
  {
    // Tests feed deliberately mistyped input to check refusals.
    files: ['test/**/*.{ts,tsx}', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },

  // Import direction, per process folder.
  {
    files: ['src/shared/**/*.{ts,tsx}'],
    rules: restrictImports({
      paths: NODE_BUILTINS.paths,
      patterns: [
        intoFolders(
          ['main', 'renderer', 'preload'],
          'src/shared is pure TypeScript that every process imports; it imports nothing from main, renderer or preload.',
        ),
        NODE_BUILTINS.pattern,
        ...NO_ELECTRON,
      ],
    }),
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: restrictImports({
      paths: NODE_BUILTINS.paths,
      patterns: [
        intoFolders(['main', 'preload'], 'The renderer talks to main only through window.api (the contract in src/shared/api).'),
        NODE_BUILTINS.pattern,
        ...NO_ELECTRON,
      ],
    }),
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: restrictImports({
      paths: NODE_BUILTINS.paths,
      patterns: [intoFolders(['main', 'renderer'], 'The preload builds window.api from src/shared/api/contract and nothing else.'), NODE_BUILTINS.pattern],
    }),
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/main.ts'],
    rules: restrictImports({
      paths: [{ name: 'electron', message: 'Only src/main/main.ts imports Electron at run time; type imports are fine.', allowTypeImports: true }],
      patterns: [intoFolders(['renderer', 'preload'], 'Main does not import renderer or preload code; shared code lives in src/shared.')],
    }),
  },
  {
    files: ['src/main/main.ts'],
    rules: restrictImports({
      patterns: [intoFolders(['renderer', 'preload'], 'Main does not import renderer or preload code; shared code lives in src/shared.')],
    }),
  },
);
