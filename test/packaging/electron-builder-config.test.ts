/** The packaging configuration is checked offline against electron-builder's own schema. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const logger = { isEnabled: false, add: () => undefined, toString: () => '' } as never;

describe('electron-builder.yml', () => {
  it('passes electron-builder schema validation', async () => {
    const config = await getConfig(root, null, null);
    await expect(validateConfiguration(config, logger)).resolves.toBeUndefined();
  });

  it('targets Windows, macOS and Linux and ships the vendor configuration', async () => {
    const config = await getConfig(root, null, null);
    expect(JSON.stringify(config.win)).toContain('nsis');
    expect(JSON.stringify(config.mac)).toContain('dmg');
    expect(JSON.stringify(config.linux)).toContain('AppImage');
    expect(JSON.stringify(config.linux)).toContain('deb');
    expect(config.npmRebuild).toBe(false);
    expect(JSON.stringify(config.extraResources)).toContain('tessera.config.json');
  });

  it('seals the Electron binary from the afterPack hook, and unpacks keytar', async () => {
    const config = await getConfig(root, null, null);
    expect(config.afterPack).toBe('./scripts/after-pack.js');
    const hook: unknown = (await import('../../scripts/after-pack.js')).default;
    expect(hook).toBeTypeOf('function');
    // One mechanism sets the fuses: electron-builder's own electronFuses would flip the same bits a second time.
    expect(config.electronFuses).toBeUndefined();
    expect(config.asarUnpack).toContain('**/node_modules/@github/keytar/**');
  });

  it('packs only what the Electron app loads (not the CLI, the verifier bundle or the issuer)', async () => {
    const config = await getConfig(root, null, null);
    // electron-builder normalizes the list into file sets ({ filter: [...] }).
    const files = [config.files ?? []].flat().flatMap((set) => (typeof set === 'string' ? [set] : [set.filter ?? []].flat()));
    expect(files).toEqual(expect.arrayContaining(['package.json', 'dist/main/**/*', 'dist/src/**/*', 'dist/renderer/**/*']));
    expect(files.filter((pattern) => /issuer|bin\/|dist\/cli|dist\/verify|dist\/\*\*\/\*$/.test(pattern))).toEqual([]);
  });

  it('rejects an invalid configuration (the check is real)', async () => {
    const config = await getConfig(root, null, null);
    await expect(validateConfiguration({ ...config, nsis: { oneClick: 'sometimes' } } as never, logger)).rejects.toThrow();
  });
});
