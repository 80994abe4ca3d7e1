/**
 * electron-builder.yml, checked by electron-builder itself: its loader (`getConfig`, which reads the
 * YAML the way `electron-builder` does) and its own validation (`validateConfiguration`: the
 * scheme.json schema with ajv, plus its deprecation checks). A deliberately broken copy proves the
 * check rejects unknown keys rather than passing everything.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util/out/DebugLogger.js';

const root = path.resolve(import.meta.dirname, '../..');
const configPath = path.join(root, 'electron-builder.yml');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'eb-config-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

async function load(file: string) {
  return getConfig(path.dirname(file), file, null);
}

async function validate(file: string): Promise<void> {
  await validateConfiguration(await load(file), new DebugLogger(false));
}

function brokenCopy(name: string, edit: (yaml: string) => string): string {
  const file = path.join(scratch, `${name}.yml`);
  fs.writeFileSync(file, edit(fs.readFileSync(configPath, 'utf8')));
  fs.writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', version: '0.0.0' }));
  return file;
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation", async () => {
    await expect(validate(configPath)).resolves.toBeUndefined();
  });

  it('hardens the packaged binary with fuses and notarizes macOS builds', async () => {
    const config = await load(configPath);
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    expect(config.mac).toMatchObject({ hardenedRuntime: true, notarize: true });
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.extraMetadata).toMatchObject({ main: 'out/main/main.js' });
  });

  it('names files that exist: icons and entitlements', async () => {
    const config = await load(configPath);
    for (const file of [config.mac?.icon, config.mac?.entitlements, config.mac?.entitlementsInherit, config.linux?.icon, config.win?.icon]) {
      expect(typeof file).toBe('string');
      expect(fs.existsSync(path.join(root, file as string)), String(file)).toBe(true);
    }
    expect(fs.existsSync(path.join(root, 'build/icon.svg'))).toBe(true);
  });

  it('rejects a copy with an unknown top-level key', async () => {
    const file = brokenCopy('unknown-top-level', (yaml) => `${yaml}\nelectronFusez:\n  runAsNode: true\n`);
    await expect(validate(file)).rejects.toThrow(/electronFusez/);
  });

  // For keys inside a section, electron-builder names the section, not the key.
  it('rejects a copy with a misspelt key inside a section', async () => {
    const file = brokenCopy('unknown-key', (yaml) => yaml.replace('  notarize: true', '  notarise: true'));
    await expect(validate(file)).rejects.toThrow(/configuration\.mac\b/);
  });

  it('rejects a copy with an unknown fuse', async () => {
    const file = brokenCopy('unknown-fuse', (yaml) => yaml.replace('  runAsNode: false', '  runAsNode: false\n  allowEverything: true'));
    await expect(validate(file)).rejects.toThrow(/configuration\.electronFuses/);
  });

  it('rejects a copy with a value of the wrong type', async () => {
    const file = brokenCopy('wrong-type', (yaml) => yaml.replace('  hardenedRuntime: true', '  hardenedRuntime: [yes, please]'));
    await expect(validate(file)).rejects.toThrow(/hardenedRuntime/);
  });
});
