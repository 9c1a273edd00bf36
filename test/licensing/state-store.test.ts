/** The durable licensing state: one validated JSON file, replaced atomically, damaged files kept aside. */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messageFor } from '../../src/contract/messages.js';
import { removeStaleTemporaries, writeFileAtomic } from '../../src/licensing/atomic-file.js';
import { createFileStateStore, STATE_FILE } from '../../src/licensing/state-store.js';
import { EMPTY_STATE, type InstalledRecord, type LicensingState } from '../../src/licensing/state.types.js';

const POSIX = process.platform !== 'win32';

const CERTIFICATE = '-----BEGIN MACHINE FILE-----\neyJlbmMiOiJhYmMiLCJzaWciOiJkZWYiLCJhbGciOiJhZXMtMjU2LWdjbStlZDI1NTE5In0=\n-----END MACHINE FILE-----\n';

function record(overrides: Partial<InstalledRecord> = {}): InstalledRecord {
  return {
    id: randomUUID(),
    kind: 'machine',
    source: 'activation',
    certificate: CERTIFICATE,
    machineId: randomUUID(),
    fingerprint: 'f'.repeat(64),
    licenseKeyRef: 'license-key:1',
    label: 'Büro — Rechner 7',
    pinned: false,
    lastCheckInAt: 1_700_000_000_000,
    nextCheckInAt: null,
    requireHeartbeat: true,
    heartbeatDuration: 600,
    installedAt: 1_690_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...overrides,
  };
}

function state(watermark: number, licenses: InstalledRecord[] = [record()]): LicensingState {
  return { version: 1, licenses, watermark };
}

let root: string;
let folder: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tessera-state-'));
  folder = join(root, 'data', 'state');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('createFileStateStore', () => {
  it('loads EMPTY_STATE when nothing was saved, without creating anything', async () => {
    const store = createFileStateStore(folder);
    expect(store.folder).toBe(folder);
    expect(await store.load()).toEqual({ ok: true, value: EMPTY_STATE });
    await expect(stat(folder)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('round-trips a state through a fresh store', async () => {
    const saved = state(1_700_000_500_000, [
      record(),
      record({ kind: 'license', source: 'import', machineId: null, fingerprint: null, licenseKeyRef: null, label: null, pinned: true, lastCheckInAt: null, requireHeartbeat: false, heartbeatDuration: null }),
    ]);
    await createFileStateStore(folder).save(saved);
    expect(await createFileStateStore(folder).load()).toEqual({ ok: true, value: saved });
    // One file holds everything, certificates included.
    expect(await readdir(folder)).toEqual([STATE_FILE]);
    expect(JSON.parse(await readFile(join(folder, STATE_FILE), 'utf8'))).toEqual(saved);
  });

  it('replaces the previous state entirely', async () => {
    const store = createFileStateStore(folder);
    await store.save(state(1, [record(), record(), record()]));
    const second = state(2, [record({ certificate: 'x' })]);
    await store.save(second);
    expect(await createFileStateStore(folder).load()).toEqual({ ok: true, value: second });
  });

  it.runIf(POSIX)('creates the folder 0700 and the file 0600, whatever the umask', async () => {
    const previous = process.umask(0o000);
    try {
      await createFileStateStore(folder).save(state(1));
    } finally {
      process.umask(previous);
    }
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    expect((await stat(join(folder, STATE_FILE))).mode & 0o777).toBe(0o600);
  });

  it.runIf(POSIX)('keeps the file 0600 when an earlier copy had wider permissions', async () => {
    const store = createFileStateStore(folder);
    await store.save(state(1));
    await chmod(join(folder, STATE_FILE), 0o644);
    await store.save(state(2));
    expect((await stat(join(folder, STATE_FILE))).mode & 0o777).toBe(0o600);
  });

  describe('a damaged state file', () => {
    it.each([
      ['not JSON', '{"version": 1, "licenses": ['],
      ['empty', ''],
      ['JSON null', 'null'],
      ['an array', '[]'],
      ['an unknown version', JSON.stringify({ version: 2, licenses: [], watermark: 0 })],
      ['a version as text', JSON.stringify({ version: '1', licenses: [], watermark: 0 })],
    ])('is %s: STATE_UNREADABLE, and the file is kept aside', async (_name, content) => {
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, STATE_FILE), content);
      const store = createFileStateStore(folder);
      expect(await store.load()).toEqual({ ok: false, code: 'STATE_UNREADABLE', message: messageFor('STATE_UNREADABLE').message });
      const names = await readdir(folder);
      expect(names).not.toContain(STATE_FILE);
      const aside = names.filter((name) => /^state\.json\.corrupt-\d+(-\d+)?$/.test(name));
      expect(aside).toHaveLength(1);
      expect(await readFile(join(folder, aside[0] ?? ''), 'utf8')).toBe(content);
      // The next load starts afresh, and saving works again.
      expect(await store.load()).toEqual({ ok: true, value: EMPTY_STATE });
      const next = state(3);
      await store.save(next);
      expect(await store.load()).toEqual({ ok: true, value: next });
    });

    it('never overwrites an earlier copy kept aside', async () => {
      await mkdir(folder, { recursive: true });
      const store = createFileStateStore(folder);
      for (const content of ['first', 'second', 'third']) {
        await writeFile(join(folder, STATE_FILE), content);
        expect(await store.load()).toMatchObject({ ok: false, code: 'STATE_UNREADABLE' });
      }
      const aside = (await readdir(folder)).filter((name) => name.includes('.corrupt-'));
      const contents = await Promise.all(aside.map((name) => readFile(join(folder, name), 'utf8')));
      expect(contents.sort()).toEqual(['first', 'second', 'third']);
    });
  });

  describe('strict validation', () => {
    const valid = record();
    const mutations: [string, Record<string, unknown>][] = [
      ['an id that is not a UUID', { id: 'license-1' }],
      ['an unknown kind', { kind: 'floating' }],
      ['an unknown source', { source: 'download' }],
      ['a certificate that is not text', { certificate: 42 }],
      ['an empty certificate', { certificate: '' }],
      ['a machine id that is a number', { machineId: 5 }],
      ['an empty fingerprint', { fingerprint: '' }],
      ['a license key reference that is an object', { licenseKeyRef: { account: 'x' } }],
      ['a label that is a number', { label: 7 }],
      ['pinned as text', { pinned: 'true' }],
      ['a check-in time as text', { lastCheckInAt: '1700000000000' }],
      ['a fractional time', { nextCheckInAt: 1.5 }],
      ['a negative time', { installedAt: -1 }],
      ['an infinite-looking time', { updatedAt: 1e300 }],
      ['requireHeartbeat as a number', { requireHeartbeat: 1 }],
      ['a zero heartbeat duration', { heartbeatDuration: 0 }],
      ['a missing field', { updatedAt: undefined }],
      ['an unknown field', { licenseKey: 'SECRET-KEY' }],
    ];

    it.each(mutations)('refuses a record with %s, on load and on save', async (_name, change) => {
      const broken = { ...valid, ...change };
      for (const [key, value] of Object.entries(change)) if (value === undefined) delete (broken as Record<string, unknown>)[key];
      const document = { version: 1, licenses: [broken], watermark: 0 };
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, STATE_FILE), JSON.stringify(document));
      const store = createFileStateStore(folder);
      expect(await store.load()).toMatchObject({ ok: false, code: 'STATE_UNREADABLE' });
      // Saving an invalid state is a bug: it throws, and the file on disk is not touched.
      await expect(store.save(document as unknown as LicensingState)).rejects.toThrow(TypeError);
      expect(await readdir(folder)).not.toContain(STATE_FILE);
    });

    it.each([
      ['licenses that are not an array', { version: 1, licenses: {}, watermark: 0 }],
      ['a watermark as text', { version: 1, licenses: [], watermark: '0' }],
      ['a missing watermark', { version: 1, licenses: [] }],
      ['an unknown top-level field', { version: 1, licenses: [], watermark: 0, token: 'x' }],
      ['two records for one license', { version: 1, licenses: [valid, { ...valid, label: 'copy' }], watermark: 0 }],
    ])('refuses a state with %s', async (_name, document) => {
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, STATE_FILE), JSON.stringify(document));
      const store = createFileStateStore(folder);
      expect(await store.load()).toMatchObject({ ok: false, code: 'STATE_UNREADABLE' });
      await expect(store.save(document as unknown as LicensingState)).rejects.toThrow(TypeError);
    });
  });

  describe('temporary files left by a crash', () => {
    const deadPid = (): number => {
      // A process that has exited: its id names nobody (barring reuse within milliseconds).
      const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      return Number(child.stdout);
    };

    it('are ignored on load and removed on the next save; live writers and other files are left alone', async () => {
      const store = createFileStateStore(folder);
      const current = state(10);
      await store.save(current);
      const dead = `${STATE_FILE}.${deadPid()}.0123456789ab.tmp`;
      const own = `${STATE_FILE}.${process.pid}.ba9876543210.tmp`;
      const live = `${STATE_FILE}.${process.ppid}.aaaaaaaaaaaa.tmp`;
      await writeFile(join(folder, dead), JSON.stringify(state(99)));
      await writeFile(join(folder, own), '{"version":1,"lic');
      await writeFile(join(folder, live), '');
      await writeFile(join(folder, 'notes.txt'), 'kept');

      expect(await createFileStateStore(folder).load()).toEqual({ ok: true, value: current });

      const next = state(11);
      await store.save(next);
      expect((await readdir(folder)).sort()).toEqual([live, 'notes.txt', STATE_FILE].sort());
      expect(await createFileStateStore(folder).load()).toEqual({ ok: true, value: next });
    });

    it('removeStaleTemporaries ignores a folder that does not exist', async () => {
      expect(await removeStaleTemporaries(join(root, 'nowhere', STATE_FILE))).toEqual([]);
    });
  });

  describe('concurrent saves', () => {
    it('run one at a time within a process, and the last call wins', async () => {
      const store = createFileStateStore(folder);
      const licenses = [record()];
      const saves = Array.from({ length: 25 }, (_, index) => store.save(state(index, licenses)));
      // A load issued meanwhile sees the saves asked for before it.
      const loaded = store.load();
      await Promise.all(saves);
      expect(await loaded).toEqual({ ok: true, value: state(24, licenses) });
      expect(await createFileStateStore(folder).load()).toEqual({ ok: true, value: state(24, licenses) });
      expect(await readdir(folder)).toEqual([STATE_FILE]);
    });

    it('snapshot the state when called, not when written', async () => {
      const store = createFileStateStore(folder);
      const licenses = [record()];
      const first = store.save(state(1, licenses));
      const mutable = { version: 1 as const, licenses: [...licenses], watermark: 2 };
      const second = store.save(mutable);
      mutable.watermark = 3;
      await Promise.all([first, second]);
      expect(await store.load()).toEqual({ ok: true, value: state(2, licenses) });
    });

    it('from two stores on one folder both land, leaving one of the two states', async () => {
      const one = createFileStateStore(folder);
      const two = createFileStateStore(folder);
      const licenses = [record()];
      await Promise.all(Array.from({ length: 20 }, (_, index) => (index % 2 === 0 ? one : two).save(state(index, licenses))));
      const loaded = await createFileStateStore(folder).load();
      expect(loaded.ok).toBe(true);
      if (loaded.ok) expect([18, 19]).toContain(loaded.value.watermark);
      expect(await readdir(folder)).toEqual([STATE_FILE]);
    });

    it('keep working after a save failed', async () => {
      await mkdir(root, { recursive: true });
      const blocker = join(root, 'blocker');
      await writeFile(blocker, 'a file where the folder should be');
      const store = createFileStateStore(join(blocker, 'state'));
      await expect(store.save(state(1))).rejects.toMatchObject({ code: expect.stringMatching(/^(ENOTDIR|EEXIST)$/) as unknown });
      await rm(blocker);
      await store.save(state(2, []));
      expect(await store.load()).toEqual({ ok: true, value: state(2, []) });
    });
  });
});

describe('writeFileAtomic', () => {
  it('leaves the target and no temporary file behind when the rename fails', async () => {
    await mkdir(join(root, 'target'), { recursive: true });
    await expect(writeFileAtomic(join(root, 'target'), 'data')).rejects.toThrow();
    expect((await readdir(root)).sort()).toEqual(['target']);
    expect((await stat(join(root, 'target'))).isDirectory()).toBe(true);
  });
});
