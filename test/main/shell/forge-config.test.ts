import { createPackageWithOptions, listPackage } from '@electron/asar';
import type { ResolvedForgeConfig } from '@electron-forge/shared-types';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import forgeConfig, { copyShippedModules, EXECUTABLE_NAME, modulesToShip, shouldCopy, type ShippedModule } from '../../../forge.config';
import viteMainConfig from '../../../vite.main.config';

const PROJECT = path.resolve(__dirname, '../../..');

// Forge's own loader (jiti for .ts, plugin resolution): what `npm run make` sees, not just what we export.
async function loadAsForgeDoes(): Promise<ResolvedForgeConfig> {
  const { default: load } = (await import('@electron-forge/core/dist/util/forge-config')) as { default: (dir: string) => Promise<ResolvedForgeConfig> };
  return load(PROJECT);
}

interface NamedPlugin {
  name: string;
}
interface FusesPluginLike extends NamedPlugin {
  fusesConfig: Record<string, unknown>;
}
interface VitePluginLike extends NamedPlugin {
  config: { build: { entry: string; config: string; target: string }[]; renderer: { name: string; config: string }[] };
}

function plugin<T extends NamedPlugin>(config: { plugins?: unknown[] }, name: string): T {
  const found = (config.plugins ?? []).find((p) => (p as NamedPlugin).name === name);
  if (!found) throw new Error(`no ${name} plugin`);
  return found as T;
}

describe('forge.config.ts as Forge loads it', () => {
  let resolved: ResolvedForgeConfig;
  beforeAll(async () => {
    resolved = await loadAsForgeDoes();
  });

  it('makes a Squirrel installer, deb, rpm and zip', () => {
    expect(resolved.makers.map((m) => (m as NamedPlugin).name)).toEqual(['squirrel', 'deb', 'rpm', 'zip']);
    const zip = resolved.makers[3] as unknown as { platforms: string[] };
    expect([...zip.platforms].sort()).toEqual(['darwin', 'linux', 'win32']);
    for (const linux of resolved.makers.slice(1, 3) as unknown as { configOrConfigFetcher: { options: { name: string; bin: string } } }[]) {
      expect(linux.configOrConfigFetcher.options).toMatchObject({ name: EXECUTABLE_NAME, bin: EXECUTABLE_NAME });
    }
  });

  it('packs into an asar with native addons unpacked, and ships the migrations as a resource', () => {
    expect(resolved.packagerConfig.asar).toEqual({ unpack: '**/*.node' });
    expect(resolved.packagerConfig.extraResource).toEqual(['migrations']);
    expect(existsSync(path.join(PROJECT, 'migrations', 'meta', '_journal.json'))).toBe(true);
    expect(resolved.packagerConfig.executableName).toBe(EXECUTABLE_NAME);
    // The Vite plugin installs its own ignore function (only .vite/ is copied) because we set none.
    expect(typeof resolved.packagerConfig.ignore).toBe('function');
  });

  it('flips every fuse the brief names, in the direction the Electron security guide asks', () => {
    const fuses = plugin<FusesPluginLike>(resolved, 'fuses').fusesConfig;
    expect(fuses.version).toBe(FuseVersion.V1);
    const expected: [FuseV1Options, boolean][] = [
      [FuseV1Options.RunAsNode, false],
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable, false],
      [FuseV1Options.EnableNodeCliInspectArguments, false],
      [FuseV1Options.GrantFileProtocolExtraPrivileges, false],
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation, true],
      [FuseV1Options.OnlyLoadAppFromAsar, true],
      [FuseV1Options.EnableCookieEncryption, true],
    ];
    for (const [fuse, value] of expected) expect(fuses[fuse], FuseV1Options[fuse]).toBe(value);
  });

  it('builds main and preload from our sources and the renderer under the name main.ts expects', () => {
    const vite = plugin<VitePluginLike>(resolved, 'vite').config;
    expect(vite.build).toEqual([
      { entry: 'src/main/main.ts', config: 'vite.main.config.ts', target: 'main' },
      { entry: 'src/main/ecg/decode-worker.ts', config: 'vite.main.config.ts', target: 'main' },
      { entry: 'src/preload/preload.ts', config: 'vite.preload.config.ts', target: 'preload' },
      { entry: 'src/main/followup/reminder-worker.ts', config: 'vite.main.config.ts', target: 'main' },
      { entry: 'src/main/sync/backfill-worker.ts', config: 'vite.main.config.ts', target: 'main' },
      { entry: 'src/main/idcard/sdt-worker.ts', config: 'vite.main.config.ts', target: 'main' },
    ]);
    expect(vite.renderer).toEqual([{ name: 'main_window', config: 'vite.renderer.config.ts' }]);
    for (const file of [...vite.build.flatMap((b) => [b.entry, b.config]), ...vite.renderer.map((r) => r.config)]) {
      expect(existsSync(path.join(PROJECT, file)), file).toBe(true);
    }
    // main.ts loads path.join(__dirname, 'preload.js'); the preload build names its output after the entry.
    expect(path.basename(vite.build.find((b) => b.target === 'preload')!.entry, '.ts')).toBe('preload');
    // reminder-worker-client.ts starts path.join(__dirname, 'reminder-worker.js') in the packaged app.
    expect(vite.build.some((b) => path.basename(b.entry, '.ts') === 'reminder-worker')).toBe(true);
    // backfill-worker-client.ts starts path.join(__dirname, 'backfill-worker.js') the same way.
    expect(vite.build.some((b) => path.basename(b.entry, '.ts') === 'backfill-worker')).toBe(true);
  });

  it('copies the native modules in its packageAfterCopy hook', () => {
    expect(typeof resolved.hooks?.packageAfterCopy).toBe('function');
  });
});

describe('the modules shipped beside the Vite bundle', () => {
  const shipped = modulesToShip(PROJECT);
  const byTarget = new Map(shipped.map((m) => [m.target, m]));
  const names = new Set(shipped.map((m) => m.name));

  it('include the SQLCipher driver with its runtime dependencies, the better-sqlite3 alias and serialport', () => {
    for (const name of [
      'better-sqlite3-multiple-ciphers',
      'bindings',
      'file-uri-to-path',
      'better-sqlite3',
      'serialport',
      '@serialport/bindings-cpp',
      '@serialport/stream',
      '@serialport/bindings-interface',
      'node-gyp-build',
      'debug',
      'ms',
    ]) {
      expect(names, name).toContain(name);
    }
    expect(byTarget.get(path.join('node_modules', 'better-sqlite3'))?.version).toBe(
      byTarget.get(path.join('node_modules', 'better-sqlite3-multiple-ciphers'))?.version,
    );
  });

  it('keep nested versions nested, where Node will look for them', () => {
    const nested = shipped.filter((m) => m.target.split(path.sep).filter((p) => p === 'node_modules').length > 1);
    const readline = nested.find((m) => m.name === '@serialport/parser-readline');
    expect(readline?.target).toBe(path.join('node_modules', '@serialport', 'bindings-cpp', 'node_modules', '@serialport', 'parser-readline'));
    expect(readline?.version).not.toBe(byTarget.get(path.join('node_modules', '@serialport', 'parser-readline'))?.version);
  });

  it('leave out what Vite bundles (pure JavaScript dependencies)', () => {
    for (const bundled of ['react', 'react-dom', 'zod', 'drizzle-orm', 'i18next', 'pinyin-pro', '@medplum/core', 'chart.js']) {
      expect(names, bundled).not.toContain(bundled);
    }
  });

  it('cover everything the main build leaves external, apart from Node and Electron', () => {
    const external = (viteMainConfig.build?.rollupOptions?.external ?? []) as string[];
    const builtin = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'electron']);
    const packages = external.filter((e) => typeof e === 'string' && !builtin.has(e));
    expect(packages.length).toBeGreaterThan(0);
    for (const name of packages) expect(names, name).toContain(name);
  });

  it('are each listed once, from inside node_modules', () => {
    expect(new Set(shipped.map((m) => m.target)).size).toBe(shipped.length);
    for (const m of shipped) expect(m.target.startsWith(`node_modules${path.sep}`), m.target).toBe(true);
  });
});

describe('what the copy filter keeps', () => {
  it.each([
    ['', true],
    ['package.json', true],
    ['lib/database.js', true],
    ['build/Release/better_sqlite3.node', true],
    ['binding.gyp', true],
    ['deps/sqlite3/sqlite3.c', true],
    ['prebuilds/linux-x64/@serialport+bindings-cpp.node', true],
    ['node_modules/@serialport/parser-readline/package.json', false],
    ['build/Release/obj/gen/sqlite3.o', false],
    ['build/Release/obj.target/better_sqlite3', false],
    ['build/Release/sqlite3.a', false],
    ['build/Release/.deps/Release/obj.target', false],
  ])('%s → %s', (file, keep) => {
    expect(shouldCopy(file)).toBe(keep);
  });
});

describe('the packageAfterCopy hook on a build folder', () => {
  let buildPath: string;
  let copied: ShippedModule[];
  beforeAll(async () => {
    buildPath = mkdtempSync(path.join(tmpdir(), 'tws-forge-build-'));
    copied = copyShippedModules(buildPath, PROJECT);
    const hook = forgeConfig.hooks?.packageAfterCopy;
    if (!hook) throw new Error('no packageAfterCopy hook');
    // The hook itself, with the arguments Forge passes: copying twice over the same folder must be harmless.
    await hook(forgeConfig as ResolvedForgeConfig, buildPath, '45.4.0', 'linux', 'x64');
  });
  afterAll(() => rmSync(buildPath, { recursive: true, force: true }));

  it('places every module where modulesToShip says, without build leftovers', () => {
    for (const m of copied) expect(existsSync(path.join(buildPath, m.target, 'package.json')), m.target).toBe(true);
    const release = path.join(buildPath, 'node_modules', 'better-sqlite3-multiple-ciphers', 'build', 'Release');
    expect(readdirSync(release)).toContain('better_sqlite3.node');
    expect(readdirSync(release)).not.toContain('obj.target');
    expect(existsSync(path.join(buildPath, 'node_modules', 'better-sqlite3-multiple-ciphers', 'binding.gyp'))).toBe(true);
  });

  it('is self-sufficient: Node resolves the driver, the alias and serialport from the build folder alone', () => {
    // A child Node with the build folder as its only module root: nothing can come from the project's node_modules.
    const dbFile = path.join(buildPath, '..', `${path.basename(buildPath)}.db`);
    const script = [
      "const Database = require('better-sqlite3');",
      `const db = new Database(${JSON.stringify(dbFile)});`,
      "db.pragma(\"cipher='sqlcipher'\"); db.pragma('legacy=4'); db.pragma(\"key='packaged'\");",
      "db.exec('CREATE TABLE t (x)'); db.prepare('INSERT INTO t VALUES (?)').run(42);",
      "const x = db.prepare('SELECT x FROM t').get().x; db.close();",
      "const { SerialPort } = require('serialport');",
      "console.log(JSON.stringify({ x, driver: require.resolve('better-sqlite3-multiple-ciphers'), serialport: typeof SerialPort }));",
    ].join('\n');
    try {
      const out = execFileSync(process.execPath, ['-e', script], { cwd: buildPath, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
      const result = JSON.parse(out) as { x: number; driver: string; serialport: string };
      expect(result.x).toBe(42);
      expect(result.driver.startsWith(buildPath)).toBe(true);
      // SQLCipher: no plaintext SQLite header on disk.
      expect(readFileSync(dbFile).subarray(0, 15).toString('latin1')).not.toBe('SQLite format 3');
      expect(result.serialport).toBe('function');
    } finally {
      rmSync(dbFile, { force: true });
    }
  });

  it('leaves the native addons outside the asar, as asar.unpack asks', async () => {
    const asarFile = path.join(buildPath, '..', `${path.basename(buildPath)}.asar`);
    try {
      await createPackageWithOptions(buildPath, asarFile, { unpack: (forgeConfig.packagerConfig?.asar as { unpack: string }).unpack });
      const unpackedRoot = `${asarFile}.unpacked`;
      expect(existsSync(path.join(unpackedRoot, 'node_modules', 'better-sqlite3-multiple-ciphers', 'build', 'Release', 'better_sqlite3.node'))).toBe(true);
      const inside = listPackage(asarFile, { isPack: false });
      expect(inside).toContain(`${path.sep}node_modules${path.sep}better-sqlite3-multiple-ciphers${path.sep}lib${path.sep}database.js`);
    } finally {
      rmSync(asarFile, { force: true });
      rmSync(`${asarFile}.unpacked`, { recursive: true, force: true });
    }
  });
});
