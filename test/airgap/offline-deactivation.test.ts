/**
 * Offline deactivation: the license leaves the machine before the receipt is published, and a
 * process killed between any two steps leaves a receipt the next run still produces — the same
 * receipt. Simulated crashes in process, and a real kill -9 in a child process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCarried } from '../../src/airgap/documents.js';
import { deactivateOffline, type OfflineStep } from '../../src/airgap/offline-deactivation.js';
import { startTestIssuer, type TestIssuer } from '../issuer/support.js';
import { simulatedMachine } from './harness.js';
import { value } from '../support/result.js';

let t: TestIssuer;
const folders: string[] = [];
beforeAll(async () => {
  t = await startTestIssuer({ seed: 'demo' });
});
afterAll(async () => {
  await t.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const license = () => t.issuer.licenses.find((entry) => entry.policy === 'Floating (3 seats)') as { id: string; key: string };

/** A machine activated online (its machine key registered), ready to deactivate offline. */
async function activated(name: string) {
  const machine = simulatedMachine(t, name);
  folders.push(machine.folder);
  const result = await machine.manager.activate(license().key);
  if (!result.ok) throw new Error(result.code);
  return machine;
}

const depsOf = (machine: Awaited<ReturnType<typeof activated>>, afterStep?: (step: OfflineStep) => void) => ({
  manager: machine.manager,
  secrets: machine.secrets,
  config: machine.config,
  dataFolder: machine.folder,
  hostname: () => 'air-gapped-host',
  now: Date.now,
  ...(afterStep === undefined ? {} : { afterStep }),
});

describe('offline deactivation', () => {
  it('removes the license and its key, then gives a receipt signed by the machine key', async () => {
    const machine = await activated('plain');
    const done = await deactivateOffline(depsOf(machine));
    if (!done.ok) throw new Error(done.code);
    expect(done.value.licenseId).toBe(license().id);
    expect(value(await machine.manager.installed()).data).toEqual([]);
    expect(await machine.secrets.get(`license:${license().id}`)).toEqual({ ok: true, value: null });
    const parsed = parseCarried(done.value.text);
    expect(parsed.ok && parsed.value.format).toBe('tessera.deactivation-receipt');
    expect(readFileSync(done.value.kept, 'utf8')).toBe(done.value.text);
    expect(existsSync(join(machine.folder, 'airgap', 'pending-receipt.json'))).toBe(false);
    expect(await deactivateOffline(depsOf(machine))).toMatchObject({ ok: false, code: 'NOT_ACTIVATED' });
    await machine.manager.remove(license().id);
    await t.admin('DELETE', `/machines/${done.value.machineId}`);
  });

  for (const step of ['pending-written', 'license-removed'] as const) {
    it(`a crash after "${step}": the next run finishes it and publishes the same receipt`, async () => {
      const machine = await activated(`crash-${step}`);
      await expect(
        deactivateOffline(
          depsOf(machine, (reached) => {
            if (reached === step) throw new Error('simulated crash');
          }),
        ),
      ).rejects.toThrow('simulated crash');
      const pending = JSON.parse(readFileSync(join(machine.folder, 'airgap', 'pending-receipt.json'), 'utf8')).receipt;
      const finished = await deactivateOffline(depsOf(machine));
      if (!finished.ok) throw new Error(finished.code);
      expect(finished.value.document).toEqual(pending);
      expect(value(await machine.manager.installed()).data).toEqual([]);
      await t.admin('DELETE', `/machines/${finished.value.machineId}`);
    });
  }

  it('a pending receipt whose license was installed again since is stale: dropped, a fresh receipt is made', async () => {
    const machine = await activated('stale');
    await expect(
      deactivateOffline(
        depsOf(machine, (reached) => {
          if (reached === 'license-removed') throw new Error('simulated crash');
        }),
      ),
    ).rejects.toThrow();
    const stale = JSON.parse(readFileSync(join(machine.folder, 'airgap', 'pending-receipt.json'), 'utf8')).receipt;
    // The person activates again before running the offline deactivation a second time.
    const again = await machine.manager.activate(license().key);
    expect(again.ok).toBe(true);
    const fresh = await deactivateOffline(depsOf(machine));
    if (!fresh.ok) throw new Error(fresh.code);
    expect(fresh.value.document.nonce).not.toBe(stale.nonce);
    await t.admin('DELETE', `/machines/${fresh.value.machineId}`);
  });

  it('kill -9 between writing the receipt and removing the license: the next run still produces the receipt', async () => {
    const machine = await activated('kill-9');
    // The child shares this machine's data folder and secrets (a file store), and kills itself at the step.
    const child = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'support', 'offline-deactivation-child.mjs'), machine.folder, JSON.stringify(t.issuer.config), 'pending-written', 'kill-9'], {
      encoding: 'utf8',
      input: JSON.stringify(Object.fromEntries(await Promise.all((await machine.secrets.list()).ok ? ((await machine.secrets.list()) as { value: string[] }).value.map(async (account) => [account, ((await machine.secrets.get(account)) as { value: string }).value]) : []))),
    });
    expect(child.signal, child.stderr).toBe('SIGKILL');
    expect(readdirSync(join(machine.folder, 'airgap'))).toContain('pending-receipt.json');
    const finished = await deactivateOffline(depsOf(machine));
    if (!finished.ok) throw new Error(finished.code);
    expect(finished.value.licenseId).toBe(license().id);
    expect(value(await machine.manager.installed()).data).toEqual([]);
  });
});
