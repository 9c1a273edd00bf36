/** Removable drives: mount roots polled on demand, what each drive holds, new ones marked, links never followed. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDriveWatcher, defaultMountRoots, MOUNT_ROOTS_ENV } from '../../src/airgap/drives.js';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe('removable drives', () => {
  it('knows where each platform mounts them, and takes others from TESSERA_MOUNT_ROOTS', () => {
    expect(defaultMountRoots({}, 'linux', 'ada')).toEqual({ roots: ['/media/ada', '/run/media/ada'], rootsAreDrives: false });
    expect(defaultMountRoots({}, 'darwin', 'ada')).toEqual({ roots: ['/Volumes'], rootsAreDrives: false });
    const windows = defaultMountRoots({ SystemDrive: 'C:' }, 'win32', 'ada');
    expect(windows.rootsAreDrives).toBe(true);
    expect(windows.roots).toContain('E:\\');
    expect(windows.roots).not.toContain('C:\\');
    expect(defaultMountRoots({ [MOUNT_ROOTS_ENV]: '/a:/b' }, 'linux', 'ada').roots).toEqual(['/a', '/b']);
  });

  it('lists the drives with files for Tessera, counts them by kind, marks new mounts, and maps ids back only for listed drives', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tessera-media-'));
    roots.push(root);
    mkdirSync(join(root, 'PHOTOS'));
    writeFileSync(join(root, 'PHOTOS', 'cat.jpg'), 'meow');
    let clock = 0;
    const watcher = createDriveWatcher({ roots: [root, join(root, 'missing')], now: () => clock });
    expect(await watcher.list()).toEqual([]);

    mkdirSync(join(root, 'FLEET', 'deep', 'er'), { recursive: true });
    writeFileSync(join(root, 'FLEET', 'a.activation-request.json'), '{}');
    writeFileSync(join(root, 'FLEET', 'deep', 'b.activation-request.json'), '{}');
    writeFileSync(join(root, 'FLEET', 'deep', 'er', 'c.deactivation-receipt.json'), '{}');
    writeFileSync(join(root, 'FLEET', 'license.lic'), 'x');
    writeFileSync(join(root, 'FLEET', 'n.activation-response.json'), '{}');
    symlinkSync('/', join(root, 'FLEET', 'root-link'));
    // Within the polling interval the last answer stands.
    expect(await watcher.list()).toEqual([]);
    clock += 2_000;
    const [fleet, ...rest] = await watcher.list();
    expect(rest).toEqual([]);
    expect(fleet).toMatchObject({ label: 'FLEET', location: join(root, 'FLEET'), fresh: true, counts: { licenseFiles: 1, responses: 1, requests: 2, receipts: 1 } });
    expect(fleet?.id).toMatch(/^[0-9a-f]{32}$/);
    expect(watcher.pathOf(fleet?.id ?? '')).toBe(join(root, 'FLEET'));
    expect(watcher.pathOf('0'.repeat(32))).toBeNull();

    rmSync(join(root, 'FLEET'), { recursive: true });
    clock += 2_000;
    expect(await watcher.list()).toEqual([]);
    expect(watcher.pathOf(fleet?.id ?? '')).toBeNull();
  });

  it('a drive mounted before the first look is offered, not marked new', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tessera-media-'));
    roots.push(root);
    mkdirSync(join(root, 'STICK'));
    writeFileSync(join(root, 'STICK', 'x.activation-response.json'), '{}');
    const [stick] = await createDriveWatcher({ roots: [root] }).list();
    expect(stick).toMatchObject({ label: 'STICK', fresh: false });
  });
});
