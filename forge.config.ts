/**
 * Packaging: Forge's Vite plugin builds main, preload and the renderer into .vite/; the makers wrap the packaged app
 * for Windows (Squirrel), Debian/Ubuntu/UOS/Kylin (deb), RHEL-family (rpm) and a portable zip.
 */
import { MakerDeb } from '@electron-forge/maker-deb';
import { MakerRpm } from '@electron-forge/maker-rpm';
import { MakerSquirrel } from '@electron-forge/maker-squirrel';
import { MakerZIP } from '@electron-forge/maker-zip';
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { VitePlugin } from '@electron-forge/plugin-vite';
import type { ForgeConfig } from '@electron-forge/shared-types';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const PROJECT_DIR = __dirname;

/** The executable and package name: ASCII, because deb/rpm package names and Squirrel ids cannot carry 中文. */
export const EXECUTABLE_NAME = 'township-workstation';

/**
 * Electron fuses, flipped in the binary at package time (https://www.electronjs.org/docs/latest/tutorial/fuses).
 * Not `strictlyRequireAllFuses`: Electron 45's fuse wire is longer than @electron/fuses 1.8 knows, and strict mode
 * would refuse to package rather than leave the newer fuses at Electron's defaults.
 */
export const FUSES = {
  version: FuseVersion.V1,
  // The binary cannot be reused as a plain Node runtime (ELECTRON_RUN_AS_NODE), nor steered by NODE_OPTIONS or --inspect.
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // We serve the renderer from app://, so file:// needs none of its legacy privileges.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  // Code runs only from app.asar, and (Windows, macOS) only if the asar matches the hash embedded at package time.
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // Chromium's cookie store encrypted with the OS keystore, like safeStorage.
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
} as const;

interface PackageManifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  gypfile?: boolean;
}

/** One package to ship unbundled: where it sits in the project and where it goes in the packaged app. */
export interface ShippedModule {
  name: string;
  version: string;
  /** Absolute folder in the project (symlinks not resolved: node_modules/better-sqlite3 is the shim's link). */
  source: string;
  /** Relative to the packaged app's root, mirroring the project's node_modules layout (nested versions stay nested). */
  target: string;
}

function readManifest(dir: string): PackageManifest {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageManifest;
}

/** Node's lookup: the nearest node_modules/<name> walking up from `fromDir`, never above the project. */
function resolvePackageDir(name: string, fromDir: string, projectDir: string): string | null {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.resolve(dir) === path.resolve(projectDir)) return null;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** A compiled addon: node-gyp source (binding.gyp / gypfile) or prebuildify binaries shipped in prebuilds/. */
function hasNativeAddon(dir: string, manifest: PackageManifest): boolean {
  return manifest.gypfile === true || existsSync(path.join(dir, 'binding.gyp')) || existsSync(path.join(dir, 'prebuilds')) || hasPlatformBinary(dir);
}

/** koffi ships its Node-API binary in a per-platform optional package (@koromix/koffi-linux-x64/linux_x64/koffi.node). */
function hasPlatformBinary(dir: string): boolean {
  return readdirSync(dir, { withFileTypes: true }).some(
    (entry) => entry.isDirectory() && entry.name !== 'node_modules' && readdirSync(path.join(dir, entry.name)).some((name) => name.endsWith('.node')),
  );
}

interface TreeNode {
  dir: string;
  manifest: PackageManifest;
}

/** Every package a dependency needs at run time (dependencies + installed optionalDependencies), itself first. */
function dependencyTree(name: string, projectDir: string): TreeNode[] {
  const rootDir = resolvePackageDir(name, projectDir, projectDir);
  if (!rootDir) throw new Error(`dependency ${name} is not installed (run npm ci)`);
  const seen = new Map<string, TreeNode>();
  const queue = [rootDir];
  while (queue.length > 0) {
    const dir = queue.shift()!;
    if (seen.has(dir)) continue;
    const manifest = readManifest(dir);
    seen.set(dir, { dir, manifest });
    const required = Object.keys(manifest.dependencies ?? {});
    const optional = Object.keys(manifest.optionalDependencies ?? {});
    for (const dep of [...required, ...optional]) {
      const depDir = resolvePackageDir(dep, dir, projectDir);
      if (depDir) queue.push(depDir);
      else if (required.includes(dep)) throw new Error(`${manifest.name} needs ${dep}, which is not installed`);
    }
  }
  return [...seen.values()];
}

function isLocalPackageSpec(spec: string): boolean {
  return spec.startsWith('file:') || spec.startsWith('link:');
}

/**
 * The packages that must sit in the packaged app's node_modules, computed from package.json: every production
 * dependency whose tree holds a native addon (Vite cannot bundle a .node file, so main keeps it external), with
 * that whole tree; plus local `file:` packages, which are name aliases over such a module (drizzle imports
 * 'better-sqlite3', packages/better-sqlite3-shim re-exports better-sqlite3-multiple-ciphers). prebuild-install comes
 * along as a dependency of the driver: @electron/rebuild uses it to fetch a prebuilt Electron binary before compiling.
 */
export function modulesToShip(projectDir: string = PROJECT_DIR): ShippedModule[] {
  const dependencies = readManifest(projectDir).dependencies ?? {};
  const shipped = new Map<string, ShippedModule>();
  for (const [name, spec] of Object.entries(dependencies)) {
    const tree = dependencyTree(name, projectDir);
    if (!isLocalPackageSpec(spec) && !tree.some((node) => hasNativeAddon(node.dir, node.manifest))) continue;
    for (const { dir, manifest } of tree) {
      shipped.set(dir, { name: manifest.name, version: manifest.version, source: dir, target: path.relative(projectDir, dir) });
    }
  }
  return [...shipped.values()].sort((a, b) => a.target.localeCompare(b.target));
}

/**
 * Leaves out what the copy should not carry: nested node_modules (each nested package is its own entry) and
 * node-gyp's object files. Sources (binding.gyp, src/, deps/) stay: the rebuild for Electron compiles from them.
 */
export function shouldCopy(relativePath: string): boolean {
  const parts = relativePath.split(/[\\/]/);
  if (parts.includes('node_modules') || parts.includes('.bin')) return false;
  if (parts[0] === 'build' && (parts[2] === 'obj' || parts[2] === 'obj.target' || parts[2] === '.deps')) return false;
  return !/\.(a|o|lib|obj|pdb|tlog)$/i.test(relativePath);
}

/**
 * Forge's Vite plugin packages only .vite/ and leaves externalized modules behind (electron/forge#3917), so the
 * native driver is copied into the build folder here. Forge's package step runs packageAfterCopy hooks before its
 * own rebuild step (@electron/rebuild over the build folder, `rebuildConfig`), so these copies — built for Node's
 * ABI by npm install — are rebuilt there for Electron's ABI. That rebuild needs Electron's headers (or a prebuilt
 * binary) from the network, so `npm run make` must run on a build machine that has it; it cannot run here.
 * serialport's @serialport/bindings-cpp is Node-API with prebuilds, which need no rebuild.
 */
export function copyShippedModules(buildPath: string, projectDir: string = PROJECT_DIR): ShippedModule[] {
  const modules = modulesToShip(projectDir);
  for (const mod of modules) {
    cpSync(mod.source, path.join(buildPath, mod.target), {
      recursive: true,
      dereference: true,
      filter: (source) => shouldCopy(path.relative(mod.source, source)),
    });
  }
  return modules;
}

const config: ForgeConfig = {
  packagerConfig: {
    executableName: EXECUTABLE_NAME,
    // .node files cannot be loaded from inside an asar archive; Electron redirects their loads to app.asar.unpacked.
    asar: { unpack: '**/*.node' },
    // main reads process.resourcesPath/migrations when packaged (src/main/db/open.ts defaultMigrationsFolder).
    extraResource: ['migrations'],
  },
  // Default: @electron/rebuild over production dependencies. Trap: `electron-forge start` runs it on the project's own
  // node_modules (Electron loads them from there in development), which leaves better-sqlite3-multiple-ciphers built
  // for Electron's ABI; `npm rebuild better-sqlite3-multiple-ciphers` puts it back for Node before `npm test`.
  rebuildConfig: {},
  makers: [
    new MakerSquirrel({ setupExe: `${EXECUTABLE_NAME}-setup.exe` }),
    new MakerDeb({ options: { name: EXECUTABLE_NAME, bin: EXECUTABLE_NAME, categories: ['Office'], section: 'science' } }),
    new MakerRpm({ options: { name: EXECUTABLE_NAME, bin: EXECUTABLE_NAME, categories: ['Office'] } }),
    new MakerZIP({}, ['win32', 'linux', 'darwin']),
  ],
  hooks: {
    packageAfterCopy: async (_forgeConfig, buildPath) => {
      copyShippedModules(buildPath);
    },
  },
  plugins: [
    new VitePlugin({
      build: [
        { entry: 'src/main/main.ts', config: 'vite.main.config.ts', target: 'main' },
        // ECG files are decoded off the main thread (src/main/ecg/decode-in-worker.ts looks for decode-worker.js here).
        { entry: 'src/main/ecg/decode-worker.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'src/preload/preload.ts', config: 'vite.preload.config.ts', target: 'preload' },
        // The reminder sweep's worker thread: reminder-worker-client.ts starts reminder-worker.js beside main.js.
        { entry: 'src/main/followup/reminder-worker.ts', config: 'vite.main.config.ts', target: 'main' },
        // The sync back-fill's worker thread: backfill-worker-client.ts starts backfill-worker.js beside main.js.
        { entry: 'src/main/sync/backfill-worker.ts', config: 'vite.main.config.ts', target: 'main' },
        // The ID-card reader's process (Electron utilityProcess): .vite/build/sdt-worker.js beside main.js.
        { entry: 'src/main/idcard/sdt-worker.ts', config: 'vite.main.config.ts', target: 'main' },
      ],
      renderer: [{ name: 'main_window', config: 'vite.renderer.config.ts' }],
    }),
    new FusesPlugin(FUSES),
  ],
};

export default config;
