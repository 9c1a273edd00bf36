/**
 * Faults on the wire, seeded: `tessera activate` and `tessera deactivate` run through a proxy
 * that breaks one of their requests (chosen at random among those an unbroken run makes) in one
 * of six ways: the connection reset before or after the issuer acted, an unsigned gateway page
 * before or after, a captive-portal page, a signed answer cut in half. After every trial the
 * invariants hold (support.ts), the exit status is 0 or 3 (a broken network is never a
 * refusal), and the next unbroken run of the same command completes the job: one seat and a
 * licensed machine after `activate`, no seat, no record and no key after `deactivate`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from '../issuer/support.js';
import { prng, testSeed } from '../support/prng.js';
import { checkInvariants, FAULTS, Machine, startFaultProxy, Tally, type FaultProxy } from './support.js';

const PAIRS = Number(process.env.TESSERA_FAULT_TRIALS ?? 30);

let t: TestIssuer;
let proxy: FaultProxy;
let machine: Machine;
let license: { id: string; key: string };

beforeAll(async () => {
  t = await startTestIssuer({ seed: 'demo' });
  proxy = await startFaultProxy(t.issuer.url);
  const floating = t.issuer.licenses.find((entry) => entry.policy === 'Floating (3 seats)');
  if (floating === undefined) throw new Error('no floating demo license');
  license = floating;
  machine = new Machine({ ...t.issuer.config, apiUrl: proxy.url }, license.key);
});
afterAll(async () => {
  machine?.remove();
  await proxy?.close();
  await t?.close();
});

describe('network faults during activation and deactivation', () => {
  it(`${PAIRS} activations and ${PAIRS} deactivations, each with one request broken`, { timeout: 900_000 }, async () => {
    const next = prng(testSeed('network-faults', 'test/faults/network-faults.test.ts'));
    const tally = new Tally();

    // Unbroken runs first: how many requests each command makes, to break any one of them.
    proxy.arm(null);
    const calibration = await machine.run(['activate']);
    expect(calibration.status, calibration.stdout).toBe(0);
    const activateRequests = proxy.seen();
    proxy.arm(null);
    expect((await machine.run(['deactivate', '--yes'])).status).toBe(0);
    const deactivateRequests = proxy.seen();
    expect(activateRequests).toBeGreaterThanOrEqual(3);
    expect(deactivateRequests).toBeGreaterThanOrEqual(1);

    for (let pair = 0; pair < PAIRS; pair += 1) {
      for (const command of ['activate', 'deactivate'] as const) {
        const fault = FAULTS[Math.floor(next() * FAULTS.length)] ?? 'reset-before';
        const at = Math.floor(next() * (command === 'activate' ? activateRequests : deactivateRequests));
        const label = `${command} #${pair}, request ${at} ${fault}`;
        proxy.arm({ at, fault });
        const faulted = await machine.run(command === 'activate' ? ['activate'] : ['deactivate', '--yes']);
        proxy.arm(null);
        tally.add(`${command} exit ${String(faulted.status)}${faulted.json?.code === undefined ? '' : ` ${String(faulted.json.code)}`}`);
        // A broken network is "could not be asked" (3) or was recovered from (0); never a refusal.
        expect([0, 3], `${label}: exit ${String(faulted.status)} ${faulted.stdout}`).toContain(faulted.status);
        const seen = await checkInvariants(t, machine, license.id, label, faulted);
        if (seen.state.activations.length > 0) tally.add('activation left in flight');
        if (seen.state.licenses.some((record) => record.deactivating !== null)) tally.add('deactivation left marked');

        // The next unbroken run of the same command finishes the job.
        const healed = await machine.run(command === 'activate' ? ['activate'] : ['deactivate', '--yes']);
        const after = await checkInvariants(t, machine, license.id, `${label}, then unbroken`, healed);
        if (command === 'activate') {
          expect([label, healed.status, after.licensed, after.seats.length, after.state.activations.length]).toEqual([label, 0, true, 1, 0]);
          expect(await machine.keyAccounts()).toEqual([`license:${license.id}`]);
        } else {
          // Already done by the faulted run (its answer lost): NOT_ACTIVATED, and nothing is left either way.
          if (healed.status !== 0) expect([label, healed.json?.code]).toEqual([label, 'NOT_ACTIVATED']);
          expect([label, after.licensed, after.seats.length, after.state.licenses.length]).toEqual([label, false, 0, 0]);
          expect(await machine.keyAccounts()).toEqual([]);
        }
      }
    }
    console.log(`network-faults: ${PAIRS * 2} trials (${activateRequests} requests per activation, ${deactivateRequests} per deactivation): ${tally.toString()}`);
    // The trials reached both outcomes: some faults were recovered from, some left work for the next run.
    expect(tally.get('activation left in flight') + tally.get('deactivation left marked')).toBeGreaterThan(0);
  });
});
