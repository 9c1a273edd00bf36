/**
 * A data folder that is read-only (EROFS) or full (ENOSPC), as the kernel reports them (a
 * preloaded module fails the calls, fs-faults.mjs). What only reads keeps working from what is
 * installed: `status --offline`, `status`, and the agent's answer to the licensed software. What
 * must write is refused with the folder's code and exit 1, before anything changes on the
 * server: `activate` takes no seat, `deactivate` frees none (the machine stays licensed with
 * its seat), `renew` leaves the installed file in place. Never a stack trace. The invariants of
 * support.ts hold after every command.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from '../issuer/support.js';
import { checkInvariants, Machine, Tally } from './support.js';

const FOLDER_CODES = { EROFS: 'DATA_FOLDER_READ_ONLY', ENOSPC: 'DISK_FULL' } as const;

let t: TestIssuer;
let license: { id: string; key: string };
const machines: Machine[] = [];
const tally = new Tally();

beforeAll(async () => {
  t = await startTestIssuer({ seed: 'demo' });
  const floating = t.issuer.licenses.find((entry) => entry.policy === 'Floating (3 seats)');
  if (floating === undefined) throw new Error('no floating demo license');
  license = floating;
});
afterAll(async () => {
  for (const machine of machines) machine.remove();
  await t?.close();
  console.log(`disk-faults: ${tally.toString()}`);
});

function newMachine(): Machine {
  const machine = new Machine(t.issuer.config, license.key);
  machines.push(machine);
  return machine;
}

/** The code a refused write reports: the folder's, or the secrets file's when that was written first. */
function refusedCodes(disk: 'EROFS' | 'ENOSPC'): string[] {
  return [FOLDER_CODES[disk], 'SECRET_FILE_UNUSABLE'];
}

describe.each(['EROFS', 'ENOSPC'] as const)('a data folder failing with %s', (disk) => {
  it('a licensed machine stays licensed: status offline and online, and the agent’s check', async () => {
    const machine = newMachine();
    expect((await machine.run(['activate'])).status).toBe(0);

    const offline = await machine.run(['status', '--offline'], { disk });
    tally.add(`${disk} status --offline`);
    expect([offline.status, offline.json?.licensed]).toEqual([0, true]);
    await checkInvariants(t, machine, license.id, `${disk} status --offline`, offline);

    const online = await machine.run(['status'], { disk });
    tally.add(`${disk} status`);
    expect([online.status, online.json?.licensed, online.json?.source]).toEqual([0, true, 'online']);
    await checkInvariants(t, machine, license.id, `${disk} status`, online);

    // The agent, started once normally (its token is created then), then on the failing folder.
    const { child: first } = machine.spawn(['serve', '--port', '0']);
    await once(createInterface({ input: first.stdout }), 'line');
    first.kill('SIGTERM');
    await once(first, 'exit');
    const { child: agent } = machine.spawn(['serve', '--port', '0'], { disk });
    try {
      const [line] = (await Promise.race([once(createInterface({ input: agent.stdout }), 'line'), once(agent, 'exit').then(() => [''])])) as [string];
      expect(line, 'the agent did not start').not.toBe('');
      const started = JSON.parse(line) as { url: string; tokenFile: string };
      expect(started, line).toMatchObject({ ok: true });
      const token = readFileSync(started.tokenFile, 'utf8').trim();
      for (let check = 0; check < 5; check += 1) {
        const answer = await fetch(`${started.url}/v1/license/check`, { headers: { Authorization: `Bearer ${token}` } });
        expect([answer.status, await answer.json()]).toEqual([200, true]);
        tally.add(`${disk} agent check`);
      }
    } finally {
      agent.kill('SIGTERM');
      await once(agent, 'exit');
    }
    expect((await machine.run(['deactivate', '--yes'])).status).toBe(0);
  });

  it('activate is refused before any seat is taken', async () => {
    const machine = newMachine();
    // A data folder that exists (a status run created nothing; an activation and deactivation did).
    expect((await machine.run(['activate'])).status).toBe(0);
    expect((await machine.run(['deactivate', '--yes'])).status).toBe(0);
    const refused = await machine.run(['activate'], { disk });
    tally.add(`${disk} activate`);
    expect([refused.status, refusedCodes(disk).includes(String(refused.json?.code))], refused.stdout).toEqual([1, true]);
    const seen = await checkInvariants(t, machine, license.id, `${disk} activate`, refused);
    expect([seen.seats.length, seen.licensed]).toEqual([0, false]);
  });

  it('deactivate is refused before the seat is freed: the machine stays licensed, with its seat', async () => {
    const machine = newMachine();
    expect((await machine.run(['activate'])).status).toBe(0);
    const refused = await machine.run(['deactivate', '--yes'], { disk });
    tally.add(`${disk} deactivate`);
    expect([refused.status, refusedCodes(disk).includes(String(refused.json?.code))], refused.stdout).toEqual([1, true]);
    const seen = await checkInvariants(t, machine, license.id, `${disk} deactivate`, refused);
    expect([seen.seats.length, seen.licensed]).toEqual([1, true]);
    // Once the folder is writable again, the same command works.
    expect((await machine.run(['deactivate', '--yes'])).status).toBe(0);
    expect((await checkInvariants(t, machine, license.id, `${disk} deactivate, then writable`, null)).seats).toEqual([]);
  });

  it('renew keeps the installed file: refused with the folder’s code, still licensed', async () => {
    const machine = newMachine();
    expect((await machine.run(['activate'])).status).toBe(0);
    const before = await machine.state();
    const refused = await machine.run(['renew'], { disk });
    tally.add(`${disk} renew`);
    expect([refused.status, refusedCodes(disk).includes(String(refused.json?.code))], refused.stdout).toEqual([1, true]);
    const seen = await checkInvariants(t, machine, license.id, `${disk} renew`, refused);
    expect(seen.licensed).toBe(true);
    expect(seen.state).toEqual(before.ok ? before.value : null);
    expect((await machine.run(['deactivate', '--yes'])).status).toBe(0);
  });
});
