/**
 * kill -9 at random instants, seeded: `tessera activate` and `tessera deactivate` are killed
 * anywhere between start-up and the end of an unbroken run of the same command (measured as
 * the trials go; every other trial in its second half, where the exchange with the issuer is). After every kill the invariants hold (support.ts): the state loads, no seat
 * on the server without a local record, never licensed here without a seat. The next run of
 * the same command then finishes (or undoes) what the killed one started.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from '../issuer/support.js';
import { prng, testSeed } from '../support/prng.js';
import { checkInvariants, Machine, Tally } from './support.js';

const PAIRS = Number(process.env.TESSERA_FAULT_TRIALS ?? 30);

let t: TestIssuer;
let machine: Machine;
let license: { id: string; key: string };

beforeAll(async () => {
  t = await startTestIssuer({ seed: 'demo' });
  const floating = t.issuer.licenses.find((entry) => entry.policy === 'Floating (3 seats)');
  if (floating === undefined) throw new Error('no floating demo license');
  license = floating;
  machine = new Machine(t.issuer.config, license.key);
});
afterAll(async () => {
  machine?.remove();
  await t?.close();
});

describe('kill -9 during activation and deactivation', () => {
  it(`${PAIRS} activations and ${PAIRS} deactivations, each killed at a random instant`, { timeout: 900_000 }, async () => {
    const next = prng(testSeed('kill-faults', 'test/faults/kill-faults.test.ts'));
    const tally = new Tally();
    // How long an unbroken run takes: the kills land anywhere inside it.
    const duration = { activate: 0, deactivate: 0 };
    const first = await machine.run(['activate']);
    expect(first.status, first.stdout).toBe(0);
    duration.activate = first.ms;
    const undone = await machine.run(['deactivate', '--yes']);
    expect(undone.status, undone.stdout).toBe(0);
    duration.deactivate = undone.ms;

    for (let pair = 0; pair < PAIRS; pair += 1) {
      for (const command of ['activate', 'deactivate'] as const) {
        // Start-up is most of a run: half the kills land in its second half, where the work is.
        const from = pair % 2 === 0 ? 0 : duration[command] / 2;
        const killAfterMs = Math.floor(from + next() * (duration[command] - from));
        const label = `${command} #${pair}, killed after ${killAfterMs} ms of ${Math.round(duration[command])}`;
        const args = command === 'activate' ? ['activate'] : ['deactivate', '--yes'];
        const killed = await machine.run(args, { killAfterMs });
        tally.add(killed.status === null ? `${command} killed` : `${command} ended first (exit ${killed.status})`);
        const seen = await checkInvariants(t, machine, license.id, label, killed);
        if (seen.state.activations.length > 0) tally.add('activation left in flight');
        if (seen.state.licenses.some((record) => record.deactivating !== null)) tally.add('deactivation left marked');
        if (seen.seats.length > 0 && !seen.licensed) tally.add('seat held, not licensed');

        const healed = await machine.run(args);
        const after = await checkInvariants(t, machine, license.id, `${label}, then again`, healed);
        if (command === 'activate') {
          expect([label, healed.status, after.licensed, after.seats.length, after.state.activations.length]).toEqual([label, 0, true, 1, 0]);
          expect(await machine.keyAccounts()).toEqual([`license:${license.id}`]);
          duration.activate = healed.ms;
        } else {
          if (healed.status !== 0) expect([label, healed.json?.code]).toEqual([label, 'NOT_ACTIVATED']);
          expect([label, after.licensed, after.seats.length, after.state.licenses.length]).toEqual([label, false, 0, 0]);
          expect(await machine.keyAccounts()).toEqual([]);
          duration.deactivate = healed.ms;
        }
      }
    }
    console.log(`kill-faults: ${PAIRS * 2} trials: ${tally.toString()}`);
    // Most runs were killed mid-way, and some kills left work in flight for the next run.
    expect(tally.get('activate killed') + tally.get('deactivate killed')).toBeGreaterThan(PAIRS);
    expect(tally.get('activation left in flight') + tally.get('deactivation left marked') + tally.get('seat held, not licensed')).toBeGreaterThan(0);
  });
});
