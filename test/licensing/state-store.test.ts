/**
 * The durable licensing state: one validated JSON file, replaced atomically under a lock shared
 * by every process. Reading never writes (a damaged file stays where it is until the next
 * change sets it aside and says so); a version 1 file is migrated without its editable dates; a
 * newer version's file is refused and never touched; file-system failures are codes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messageFor } from '../../src/contract/messages.js';
import type { SignedAnswer } from '../../src/keygen/client.types.js';
import { removeStaleTemporaries, writeFileAtomic } from '../../src/licensing/atomic-file.js';
import { LOCK_FILE } from '../../src/licensing/state-lock.js';
import { createFileStateStore, STATE_FILE } from '../../src/licensing/state-store.js';
import { EMPTY_STATE, NO_EVIDENCE, STATE_VERSION, type InstalledRecord, type LicensingState, type StateStore } from '../../src/licensing/state.types.js';

const POSIX = process.platform !== 'win32';

const CERTIFICATE = '-----BEGIN MACHINE FILE-----\neyJlbmMiOiJhYmMiLCJzaWciOiJkZWYiLCJhbGciOiJhZXMtMjU2LWdjbStlZDI1NTE5In0=\n-----END MACHINE FILE-----\n';
const ANSWER: SignedAnswer = {
  method: 'POST',
  target: '/v1/accounts/a/licenses/x/actions/validate',
  host: 'api.keygen.sh',
  status: 200,
  date: 'Wed, 15 Jun 2022 18:52:14 GMT',
  digest: 'sha-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
  signature: 'keyid="a", algorithm="ed25519", signature="c2ln", headers="(request-target) host date digest"',
  body: '{"meta":{"valid":true}}',
};

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
    evidence: NO_EVIDENCE,
    deactivating: null,
    installedAt: 1_690_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...overrides,
  };
}

function state(licenses: InstalledRecord[] = [record()], changes: Partial<LicensingState> = {}): LicensingState {
  return { ...EMPTY_STATE, licenses, ...changes };
}

/** Replaces the whole state (what a change returning `next` does). */
function save(store: StateStore, next: LicensingState) {
  return store.update(() => ({ ok: true, value: { state: next, value: undefined } }));
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

  it('round-trips a state with kept answers, activations in flight and notices', async () => {
    const saved = state(
      [
        record({ evidence: { confirmation: ANSWER, refusal: null } }),
        record({ kind: 'license', source: 'import', machineId: null, fingerprint: null, licenseKeyRef: null, label: null, pinned: true, deactivating: 1_700_000_000_001 }),
      ],
      {
        timeWitness: ANSWER,
        activations: [{ licenseId: randomUUID(), fingerprint: 'f'.repeat(64), licenseKeyRef: 'license:x', machineId: null, created: false, startedAt: 1 }],
        setAside: [{ name: 'state.json.corrupt-1', at: 1 }],
      },
    );
    expect(await save(createFileStateStore(folder), saved)).toEqual({ ok: true, value: undefined });
    expect(await createFileStateStore(folder).load()).toEqual({ ok: true, value: saved });
    // One file holds everything, certificates included; the lock is gone.
    expect(await readdir(folder)).toEqual([STATE_FILE]);
    expect(JSON.parse(await readFile(join(folder, STATE_FILE), 'utf8'))).toEqual(saved);
  });

  it('a change sees the state as saved and returns its value; a refused change leaves the file as it was', async () => {
    const store = createFileStateStore(folder);
    await save(store, state([record({ label: 'one' })]));
    const before = await readFile(join(folder, STATE_FILE));
    expect(await store.update(() => ({ ok: false, code: 'LICENSE_NOT_INSTALLED', message: 'no' }))).toMatchObject({ ok: false, code: 'LICENSE_NOT_INSTALLED' });
    expect(await readFile(join(folder, STATE_FILE))).toEqual(before);
    const counted = await store.update((current) => ({ ok: true, value: { state: { ...current, licenses: [...current.licenses, record()] }, value: current.licenses.length } }));
    expect(counted).toEqual({ ok: true, value: 1 });
    const loaded = await store.load();
    expect(loaded.ok && loaded.value.licenses.length).toBe(2);
  });

  it.runIf(POSIX)('creates the folder 0700 and the file 0600, whatever the umask', async () => {
    const previous = process.umask(0o000);
    try {
      await save(createFileStateStore(folder), state());
    } finally {
      process.umask(previous);
    }
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    expect((await stat(join(folder, STATE_FILE))).mode & 0o777).toBe(0o600);
  });

  it.runIf(POSIX)('keeps the file 0600 when an earlier copy had wider permissions', async () => {
    const store = createFileStateStore(folder);
    await save(store, state());
    await chmod(join(folder, STATE_FILE), 0o644);
    await save(store, state([]));
    expect((await stat(join(folder, STATE_FILE))).mode & 0o777).toBe(0o600);
  });
});

describe('a version 1 state (Tessera before signed evidence)', () => {
  it('is migrated in memory: records kept, their editable dates and the clock-made watermark dropped; saved as version 2 at the next change', async () => {
    const id = randomUUID();
    const v1 = {
      version: 1,
      watermark: 1_900_000_000_000,
      licenses: [
        {
          id,
          kind: 'machine',
          source: 'activation',
          certificate: CERTIFICATE,
          machineId: 'm-1',
          fingerprint: 'f'.repeat(64),
          licenseKeyRef: `license:${id}`,
          label: null,
          pinned: true,
          lastCheckInAt: 1_700_000_000_000,
          nextCheckInAt: 1_900_000_000_000,
          requireHeartbeat: true,
          heartbeatDuration: 600,
          installedAt: 1_690_000_000_000,
          updatedAt: 1_700_000_000_000,
        },
      ],
    };
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, STATE_FILE), JSON.stringify(v1));
    const store = createFileStateStore(folder);
    const migrated = record({ id, machineId: 'm-1', licenseKeyRef: `license:${id}`, label: null, pinned: true });
    expect(await store.load()).toEqual({ ok: true, value: state([migrated]) });
    expect(JSON.parse(await readFile(join(folder, STATE_FILE), 'utf8')).version).toBe(1);
    await store.update((current) => ({ ok: true, value: { state: current, value: undefined } }));
    expect(JSON.parse(await readFile(join(folder, STATE_FILE), 'utf8'))).toEqual({ ...state([migrated]), version: STATE_VERSION });
  });
});

describe('a newer version of the state', () => {
  it('is STATE_TOO_NEW on load and on change, and the file is left untouched', async () => {
    const newer = JSON.stringify({ version: STATE_VERSION + 1, licenses: [{ anything: 'a newer Tessera keeps' }] });
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, STATE_FILE), newer);
    const store = createFileStateStore(folder);
    expect(await store.load()).toEqual({ ok: false, code: 'STATE_TOO_NEW', message: messageFor('STATE_TOO_NEW').message });
    expect(await save(store, state())).toMatchObject({ ok: false, code: 'STATE_TOO_NEW' });
    expect(await readFile(join(folder, STATE_FILE), 'utf8')).toBe(newer);
    expect(await readdir(folder)).toEqual([STATE_FILE]);
  });
});

describe('a damaged state file', () => {
  it.each([
    ['not JSON', '{"version": 2, "licenses": ['],
    ['empty', ''],
    ['JSON null', 'null'],
    ['an array', '[]'],
    ['an unknown version', JSON.stringify({ version: 0, licenses: [] })],
    ['a version as text', JSON.stringify({ version: '2', licenses: [] })],
  ])('is %s: STATE_UNREADABLE on load, which leaves it in place; the next change sets it aside and notes it', async (_name, content) => {
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, STATE_FILE), content);
    const store = createFileStateStore(folder, () => 1_800_000_000_000);
    expect(await store.load()).toEqual({ ok: false, code: 'STATE_UNREADABLE', message: messageFor('STATE_UNREADABLE').message });
    expect(await store.load()).toMatchObject({ ok: false, code: 'STATE_UNREADABLE' });
    expect(await readFile(join(folder, STATE_FILE), 'utf8')).toBe(content);

    const added = record();
    expect(await store.update((current) => ({ ok: true, value: { state: { ...current, licenses: [added] }, value: undefined } }))).toEqual({ ok: true, value: undefined });
    const names = await readdir(folder);
    const aside = names.filter((name) => /^state\.json\.corrupt-\d+(-\d+)?$/.test(name));
    expect(aside).toEqual(['state.json.corrupt-1800000000000']);
    expect(await readFile(join(folder, aside[0] ?? ''), 'utf8')).toBe(content);
    expect(await store.load()).toEqual({ ok: true, value: state([added], { setAside: [{ name: 'state.json.corrupt-1800000000000', at: 1_800_000_000_000 }] }) });
  });

  it('never overwrites an earlier copy kept aside', async () => {
    await mkdir(folder, { recursive: true });
    const store = createFileStateStore(folder, () => 1_800_000_000_000);
    for (const content of ['first', 'second', 'third']) {
      await writeFile(join(folder, STATE_FILE), content);
      await save(store, state([]));
    }
    const aside = (await readdir(folder)).filter((name) => name.includes('.corrupt-'));
    const contents = await Promise.all(aside.map((name) => readFile(join(folder, name), 'utf8')));
    expect(contents.sort()).toEqual(['first', 'second', 'third']);
  });

  it('a folder where the file should be is DATA_FOLDER_UNUSABLE, never a stack trace', async () => {
    await mkdir(join(folder, STATE_FILE), { recursive: true });
    const store = createFileStateStore(folder);
    expect(await store.load()).toMatchObject({ ok: false, code: 'DATA_FOLDER_UNUSABLE' });
    expect(await save(store, state())).toMatchObject({ ok: false, code: 'DATA_FOLDER_UNUSABLE' });
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
    ['a deactivation time as text', { deactivating: '1700000000000' }],
    ['a fractional time', { installedAt: 1.5 }],
    ['a negative time', { installedAt: -1 }],
    ['an infinite-looking time', { updatedAt: 1e300 }],
    ['evidence that is not an object', { evidence: 'trust me' }],
    ['a kept answer without its signature', { evidence: { confirmation: { ...ANSWER, signature: undefined }, refusal: null } }],
    ['a kept answer with an unknown method', { evidence: { confirmation: { ...ANSWER, method: 'PATCH' }, refusal: null } }],
    ['an editable check-in date', { nextCheckInAt: 1_900_000_000_000 }],
    ['a missing field', { updatedAt: undefined }],
    ['an unknown field', { licenseKey: 'SECRET-KEY' }],
  ];

  it.each(mutations)('refuses a record with %s, on load and on save', async (_name, change) => {
    const broken = { ...valid, ...change };
    for (const [key, value] of Object.entries(change)) if (value === undefined) delete (broken as Record<string, unknown>)[key];
    const document = { ...EMPTY_STATE, licenses: [broken] };
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, STATE_FILE), JSON.stringify(document));
    const store = createFileStateStore(folder);
    expect(await store.load()).toMatchObject({ ok: false, code: 'STATE_UNREADABLE' });
    // Saving an invalid state is a bug: it throws, and no state file is written in its place.
    await rm(join(folder, STATE_FILE));
    await expect(save(store, document as unknown as LicensingState)).rejects.toThrow(TypeError);
    expect(await readdir(folder)).not.toContain(STATE_FILE);
  });

  it.each([
    ['licenses that are not an array', { ...EMPTY_STATE, licenses: {} }],
    ['a watermark (version 1) in a version 2 state', { ...EMPTY_STATE, watermark: 0 }],
    ['a missing list of activations', { version: STATE_VERSION, licenses: [], timeWitness: null, setAside: [] }],
    ['an unknown top-level field', { ...EMPTY_STATE, token: 'x' }],
    ['two records for one license', { ...EMPTY_STATE, licenses: [valid, { ...valid, label: 'copy' }] }],
  ])('refuses a state with %s', async (_name, document) => {
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, STATE_FILE), JSON.stringify(document));
    const store = createFileStateStore(folder);
    expect(await store.load()).toMatchObject({ ok: false, code: 'STATE_UNREADABLE' });
    await expect(save(store, document as unknown as LicensingState)).rejects.toThrow(TypeError);
  });
});

describe('temporary files left by a crash', () => {
  const deadPid = (): number => {
    // A process that has exited: its id names nobody (barring reuse within milliseconds).
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    return Number(child.stdout);
  };

  it('are ignored on load and removed by the next change; live writers and other files are left alone', async () => {
    const store = createFileStateStore(folder);
    const current = state();
    await save(store, current);
    const dead = `${STATE_FILE}.${deadPid()}.0123456789ab.tmp`;
    const own = `${STATE_FILE}.${process.pid}.ba9876543210.tmp`;
    const live = `${STATE_FILE}.${process.ppid}.aaaaaaaaaaaa.tmp`;
    await writeFile(join(folder, dead), JSON.stringify(state([])));
    await writeFile(join(folder, own), '{"version":2,"lic');
    await writeFile(join(folder, live), '');
    await writeFile(join(folder, 'notes.txt'), 'kept');

    expect(await createFileStateStore(folder).load()).toEqual({ ok: true, value: current });

    const next = state([]);
    await save(store, next);
    expect((await readdir(folder)).sort()).toEqual([live, 'notes.txt', STATE_FILE].sort());
    expect(await createFileStateStore(folder).load()).toEqual({ ok: true, value: next });
  });

  it('removeStaleTemporaries ignores a folder that does not exist', async () => {
    expect(await removeStaleTemporaries(join(root, 'nowhere', STATE_FILE))).toEqual([]);
  });

  it("a lock left by a process killed mid-change is taken over; a live process's lock is waited for", async () => {
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: (await import('node:os')).hostname(), at: Date.now(), token: 'dead' }));
    const store = createFileStateStore(folder);
    expect(await save(store, state())).toEqual({ ok: true, value: undefined });
    expect(await readdir(folder)).toEqual([STATE_FILE]);
  });
});

describe('changes from several stores and processes', () => {
  it('within a process, run one at a time, each on the state the previous one left', async () => {
    const store = createFileStateStore(folder);
    const changes = Array.from({ length: 25 }, () => store.update((current) => ({ ok: true, value: { state: { ...current, licenses: [...current.licenses, record()] }, value: undefined } })));
    await Promise.all(changes);
    const loaded = await createFileStateStore(folder).load();
    expect(loaded.ok && loaded.value.licenses.length).toBe(25);
    expect(await readdir(folder)).toEqual([STATE_FILE]);
  });

  it('from two stores on one folder, no change is lost', async () => {
    const one = createFileStateStore(folder);
    const two = createFileStateStore(folder);
    const add = (store: StateStore) => store.update((current) => ({ ok: true, value: { state: { ...current, licenses: [...current.licenses, record()] }, value: undefined } }));
    await Promise.all(Array.from({ length: 20 }, (_, index) => add(index % 2 === 0 ? one : two)));
    const loaded = await createFileStateStore(folder).load();
    expect(loaded.ok && loaded.value.licenses.length).toBe(20);
  });

  it('from four processes adding at once, every addition lands (the lock serialises them)', { timeout: 60_000 }, async () => {
    const script = `
      import { createFileStateStore } from ${JSON.stringify(new URL('../../dist/src/licensing/state-store.js', import.meta.url).href)};
      import { randomUUID } from 'node:crypto';
      const store = createFileStateStore(process.argv[1]);
      for (let i = 0; i < 10; i += 1) {
        const added = await store.update((current) => ({ ok: true, value: { state: { ...current, licenses: [...current.licenses, ${JSON.stringify({ ...record(), id: '__ID__' })}].map((entry) => entry.id === '__ID__' ? { ...entry, id: randomUUID() } : entry) }, value: undefined } }));
        if (!added.ok) { process.stderr.write(added.code); process.exit(1); }
      }`;
    const children = Array.from({ length: 4 }, () => spawn(process.execPath, ['--input-type=module', '-e', script, folder], { stdio: ['ignore', 'ignore', 'pipe'] }));
    const codes = await Promise.all(children.map(async (child) => (await once(child, 'exit'))[0]));
    expect(codes).toEqual([0, 0, 0, 0]);
    const loaded = await createFileStateStore(folder).load();
    expect(loaded.ok && loaded.value.licenses.length).toBe(40);
  });

  it('a change that cannot be written is a code (here: a file where the folder should be), and the store keeps working after', async () => {
    await mkdir(root, { recursive: true });
    const blocker = join(root, 'blocker');
    await writeFile(blocker, 'a file where the folder should be');
    const store = createFileStateStore(join(blocker, 'state'));
    expect(await save(store, state())).toMatchObject({ ok: false, code: 'DATA_FOLDER_UNUSABLE' });
    await rm(blocker);
    expect(await save(store, state([]))).toEqual({ ok: true, value: undefined });
    expect(await store.load()).toEqual({ ok: true, value: state([]) });
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
