import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, mergeConfig, type UserConfig } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import viteMainConfig, { runtimeAssets } from '../../../vite.main.config';

const PROJECT = path.resolve(__dirname, '../../..');

interface ForgeMainConfig {
  getConfig: (
    env: { root: string; mode: string; command: 'build'; forgeConfig: { renderer: unknown[] }; forgeConfigSelf: { entry: string } },
    user: UserConfig,
  ) => UserConfig;
}

/**
 * Main is bundled by Vite (Forge's main-target config merged with vite.main.config.ts), so a dependency that opens
 * a file beside its own code looks in the build folder. Before vite.main.config.ts copied them, the packaged app's
 * every FHIR validation (so every queued record) failed with ENOENT on fhir/r4/profiles-types.json, and the CDA
 * schema check could not start its xmllint worker. Here a probe importing those modules is built the way Forge
 * builds main, into a folder with nothing else, and run there by Node.
 */
describe('main bundle: run-time files beside the build', () => {
  let outDir: string;
  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'main-bundle-'));
    const { getConfig } = (await import('@electron-forge/plugin-vite/dist/config/vite.main.config.js')) as ForgeMainConfig;
    const forge = getConfig(
      { root: PROJECT, mode: 'production', command: 'build', forgeConfig: { renderer: [] }, forgeConfigSelf: { entry: 'test/support/bundle-probe/probe.ts' } },
      viteMainConfig as UserConfig,
    );
    await build(mergeConfig(forge, { configFile: false, logLevel: 'error', build: { outDir, minify: false } }));
  }, 120_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('copies each file a bundled dependency opens', () => {
    for (const asset of runtimeAssets()) expect(existsSync(path.join(outDir, asset.to)), asset.to).toBe(true);
  });

  it('validates FHIR and CDA from the build folder alone', () => {
    const output = execFileSync(process.execPath, [path.join(outDir, 'probe.js')], { cwd: outDir, encoding: 'utf8', timeout: 60_000 });
    const result = JSON.parse(output) as Record<string, unknown>;
    expect(result).toEqual({
      definitionsFolder: path.join(outDir, 'fhir', 'r4'),
      validPatient: true,
      impossibleBirthDate: false,
      schemaProblemsOfValid: 0,
      schemaProblemsOfInvalid: 1,
    });
  }, 60_000);
});
