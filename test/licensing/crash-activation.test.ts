/**
 * Crash consistency of the real commands: `tessera activate` and `tessera renew` are killed
 * with SIGKILL at random instants (seed printed; TESSERA_TEST_SEED replays), against the local issuer,
 * with the real keychain. After every kill the stored state loads — the old one or the new one,
 * never a broken one — and the next command carries on from it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileStateStore } from '../../src/licensing/state-store.js';
import { createKeychainStore } from '../../src/vault/keychain.store.js';
import { startTestIssuer, type TestIssuer } from '../issuer/support.js';
import { testService } from '../support/keychain.js';
import { prng, testSeed } from '../support/prng.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tessera.js');
const TRIALS = 50;
const REQUIRED = process.env.TESSERA_REQUIRE_KEYCHAIN === '1';
const keychainReachable = (await createKeychainStore({ service: testService('probe'), timeoutMs: 3_000 }).list()).ok;

let t: TestIssuer;
let home: string;
let configPath: string;

/** Runs a command; kills it after `killAfterMs` unless it ends first. Resolves with its exit status (null when killed). */
async function run(args: readonly string[], env: Record<string, string>, killAfterMs: number | null): Promise<number | null> {
  const child = spawn(process.execPath, [BIN, ...args, '--config', configPath, '--json'], { stdio: 'ignore', env: { ...process.env, TESSERA_HOME: home, ...env } });
  const timer = killAfterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  if (timer !== null) clearTimeout(timer);
  return code;
}

describe.skipIf(!keychainReachable && !REQUIRED)('kill -9 during activate and renew', () => {
  beforeAll(async () => {
    t = await startTestIssuer({ seed: 'demo' });
    home = mkdtempSync(join(tmpdir(), 'tessera-crash-'));
    configPath = join(home, 'vendor.json');
    writeFileSync(configPath, JSON.stringify(t.issuer.config));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it(`${TRIALS} trials: the state always loads as the old or the new one`, { timeout: 180_000 }, async () => {
    const seed = testSeed('crash-activation', 'test/licensing/crash-activation.test.ts');
    const next = prng(seed);
    const license = t.issuer.licenses.find((entry) => entry.policy === 'Node-locked');
    if (license === undefined) throw new Error('no demo license');
    const env = { TESSERA_LICENSE_KEY: license.key };
    const store = createFileStateStore(join(home, 'licensing'));
    const seen = { activate: 0, renew: 0, killed: 0 };

    for (let trial = 0; trial < TRIALS; trial += 1) {
      const before = await store.load();
      expect(before.ok, `trial ${trial}: state unreadable before the command`).toBe(true);
      let installed = before.ok ? before.value.licenses.length : 0;
      // Half the trials crash an activation: start those from a deactivated machine.
      if (trial % 2 === 0 && installed > 0) {
        expect(await run(['deactivate', '--yes'], env, null)).toBe(0);
        installed = 0;
      }
      const command = installed === 0 ? 'activate' : 'renew';
      seen[command] += 1;
      // Kill anywhere from start-up to the end of the exchange with the issuer (a few hundred ms).
      const code = await run([command], env, Math.floor(next() * 400));
      if (code === null) seen.killed += 1;

      const after = await store.load();
      expect(after.ok, `trial ${trial} (${command}, ${code === null ? 'killed' : `exit ${code}`}): state unreadable`).toBe(true);
      if (!after.ok) continue;
      expect(after.value.licenses.length).toBeLessThanOrEqual(1);
      for (const record of after.value.licenses) {
        expect(record.id).toBe(license.id);
        expect(record.certificate).toMatch(/^-----BEGIN MACHINE FILE-----\n[\s\S]+\n-----END MACHINE FILE-----\n?$/);
      }
      // Never two seats for one machine, whatever instant the kill hit.
      const seats = (await t.admin('GET', `/licenses/${license.id}/machines`)).json.data;
      expect(seats.length).toBeLessThanOrEqual(1);
    }
    console.log(`crash-activation: ${seen.activate} activate, ${seen.renew} renew, ${seen.killed} killed mid-way`);
    expect(seen.killed).toBeGreaterThan(TRIALS / 4);
    expect(seen.activate).toBeGreaterThanOrEqual(TRIALS / 2);

    // The machine ends licensed: a final activation (or renewal) completes from whatever state the last kill left.
    const installed = await store.load();
    const finalCommand = installed.ok && installed.value.licenses.length > 0 ? 'renew' : 'activate';
    expect(await run([finalCommand], env, null)).toBe(0);
    expect(await run(['status'], env, null)).toBe(0);
  });
});
