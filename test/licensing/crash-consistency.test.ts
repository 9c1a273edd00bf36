/**
 * Crash consistency of the state store: a process killed with SIGKILL at a random instant while
 * saving leaves, for the next load, exactly one of the states it was switching between — never
 * a mix, a truncated file or STATE_UNREADABLE.
 *
 * The writer runs the built core (dist/src/licensing/state-store.js): `npm test` builds first;
 * when running this file alone, run `npx tsc -b` before.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileStateStore } from '../../src/licensing/state-store.js';
import { EMPTY_STATE, NO_EVIDENCE, type InstalledRecord, type LicensingState } from '../../src/licensing/state.types.js';
import { prng, testSeed } from '../support/prng.js';

const WRITER = fileURLToPath(new URL('../support/crash-writer.mjs', import.meta.url));
const BUILT_STORE = fileURLToPath(new URL('../../dist/src/licensing/state-store.js', import.meta.url));
const TRIALS = 60;

/** An armored certificate of about `bytes` characters, like a real machine file. */
function certificate(bytes: number): string {
  const body = randomBytes(Math.ceil((bytes * 3) / 4)).toString('base64');
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN MACHINE FILE-----\n${lines.join('\n')}\n-----END MACHINE FILE-----\n`;
}

function record(label: string, certificateText: string, time: number): InstalledRecord {
  return {
    id: randomUUID(),
    kind: 'machine',
    source: 'activation',
    certificate: certificateText,
    machineId: randomUUID(),
    fingerprint: randomBytes(32).toString('hex'),
    licenseKeyRef: `license-key:${label}`,
    label,
    pinned: label === 'b2',
    evidence: NO_EVIDENCE,
    deactivating: label === 'a2' ? time : null,
    installedAt: time,
    updatedAt: time,
  };
}

const INITIAL: LicensingState = { ...EMPTY_STATE, licenses: [record('initial', certificate(1_000), 1_700_000_000_000)] };
const A: LicensingState = {
  ...EMPTY_STATE,
  licenses: [record('a1', certificate(8_192), 1_700_000_100_000), record('a2', certificate(2_000), 1_700_000_100_000)],
};
const B: LicensingState = {
  ...EMPTY_STATE,
  licenses: [record('b1', certificate(8_192), 1_700_000_200_000), record('b2', certificate(8_192), 1_700_000_200_000), record('b3', certificate(500), 1_700_000_200_000)],
};

interface Trial {
  readonly saved: number;
  readonly signal: NodeJS.Signals | null;
  readonly code: number | null;
  readonly stderr: string;
}

/** Runs the writer until `delay` ms after it is ready, then kills it with SIGKILL. */
function runTrial(folder: string, fixtures: string, delay: number): Promise<Trial> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, folder, fixtures], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (timer === undefined && stdout.startsWith('ready\n')) timer = setTimeout(() => child.kill('SIGKILL'), delay);
    });
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ saved: stdout.split('\n').filter((line) => line === 'saved').length, signal, code, stderr });
    });
  });
}

describe('state store crash consistency (SIGKILL during saves)', () => {
  let root: string;

  beforeAll(async () => {
    if (!existsSync(BUILT_STORE)) throw new Error(`${BUILT_STORE} is missing: build first (npm run build, or npx tsc -b)`);
    root = await mkdtemp(join(tmpdir(), 'tessera-crash-'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it(`never leaves anything but the initial state, A or B (${TRIALS} trials)`, async () => {
    const seed = testSeed('crash-consistency', 'test/licensing/crash-consistency.test.ts');
    const random = prng(seed);

    const folder = join(root, 'state');
    const fixtures = join(root, 'fixtures.json');
    await writeFile(fixtures, JSON.stringify({ a: A, b: B }));
    await createFileStateStore(folder).update(() => ({ ok: true, value: { state: INITIAL, value: undefined } }));

    const seen = { initial: 0, a: 0, b: 0 };
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const delay = 5 + Math.floor(random() * 56);
      const outcome = await runTrial(folder, fixtures, delay);
      const context = `trial ${trial}, delay ${delay} ms, seed ${seed}`;
      // Killed by us, not stopped by an error of its own.
      expect(outcome.stderr, context).toBe('');
      expect(outcome.signal, context).toBe('SIGKILL');

      const loaded = await createFileStateStore(folder).load();
      expect(loaded, context).toMatchObject({ ok: true });
      if (!loaded.ok) return;
      const state = loaded.value;
      const which = [INITIAL, A, B].findIndex((candidate) => isDeepStrictEqual(candidate, state));
      expect(which, context).toBeGreaterThanOrEqual(0);
      expect(state, context).toEqual([INITIAL, A, B][which]);
      // A save that resolved is durable: once one completed, the initial state is gone for good.
      if (outcome.saved > 0 || seen.a + seen.b > 0) expect(which, context).not.toBe(0);
      seen[(['initial', 'a', 'b'] as const)[which] ?? 'initial'] += 1;
    }

    console.log(`crash-consistency outcomes: ${JSON.stringify(seen)}`);
    // The trials did exercise the switch between A and B.
    expect(seen.a + seen.b).toBeGreaterThan(0);
    const names = await readdir(folder);
    expect(names.filter((name) => name.includes('.corrupt-'))).toEqual([]);
    // Every writer removes the temporary files of dead writers before its own: at most the last one's remains.
    expect(names.filter((name) => name.endsWith('.tmp')).length).toBeLessThanOrEqual(1);
  }, 120_000);
});
