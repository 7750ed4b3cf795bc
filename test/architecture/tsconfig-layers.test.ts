import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const LAYERS = ['shared', 'main', 'preload', 'renderer', 'test-node', 'test-dom'];

interface LayerConfig {
  include: string[];
  exclude?: string[];
  compilerOptions: { lib: string[]; types: string[] };
}

const read = (layer: string) => JSON.parse(readFileSync(path.join(root, `tsconfig.${layer}.json`), 'utf8')) as LayerConfig;

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = path.posix.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) return sourceFiles(rel);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [rel] : [];
  });
}

function covers(config: LayerConfig, file: string): boolean {
  const matches = (pattern: string) => (pattern === '*.ts' ? !file.includes('/') && file.endsWith('.ts') : file === pattern || file.startsWith(`${pattern}/`));
  return config.include.some(matches) && !(config.exclude ?? []).some(matches);
}

describe('one tsconfig per layer', () => {
  const configs = Object.fromEntries(LAYERS.map((l) => [l, read(l)]));

  it('gives each layer only the ambient types it may use', () => {
    expect(configs.shared.compilerOptions).toMatchObject({ lib: ['ES2023'], types: [] });
    expect(configs.main.compilerOptions.lib).not.toContain('DOM');
    expect(configs.main.compilerOptions.types).toEqual(['node']);
    expect(configs.renderer.compilerOptions.types).not.toContain('node');
    expect(configs.renderer.compilerOptions.lib).toContain('DOM');
  });

  it('type-checks every source, test, bench and script file in some layer', () => {
    const files = ['src', 'test', 'bench', 'scripts'].flatMap(sourceFiles);
    const uncovered = files.filter((f) => !LAYERS.some((l) => covers(configs[l], f)));
    expect(uncovered).toEqual([]);
  });

  it('keeps each src layer in its own config (shared code is checked without Node and DOM)', () => {
    for (const f of sourceFiles('src/renderer')) expect(covers(configs.main, f)).toBe(false);
    for (const f of sourceFiles('src/main')) expect(covers(configs.renderer, f)).toBe(false);
    for (const f of sourceFiles('src/shared')) expect(covers(configs.shared, f)).toBe(true);
  });
});
