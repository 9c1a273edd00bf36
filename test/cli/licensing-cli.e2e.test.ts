/**
 * The licensing core end to end, as a user runs it: `node bin/tessera.js …` processes against
 * the local issuer over real sockets, with the real OS keychain (the private gnome-keyring that
 * `npm test` starts). Ends with a scan: no license key on disk in the data folder or in any
 * output, ever.
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeychainStore } from '../../src/vault/keychain.store.js';
import { startTestIssuer, type TestIssuer } from '../issuer/support.js';
import { runCli, type CliRun } from '../support/cli-run.js';
import { TEST_SERVICE, testService } from '../support/keychain.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tessera.js');
const REQUIRED = process.env.TESSERA_REQUIRE_KEYCHAIN === '1';
const keychainReachable = (await createKeychainStore({ service: testService('probe'), timeoutMs: 3_000 }).list()).ok;

let t: TestIssuer;
let home: string;
let configPath: string;
/** Everything every command printed, for the final secrets scan. */
const transcript: string[] = [];

/** Runs the CLI as a process. Asynchronously: the issuer answering it lives in this process. */
async function tessera(args: readonly string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  const run = await runCli(BIN, args, { env: { TESSERA_HOME: home, ...options.env }, ...(options.stdin === undefined ? {} : { stdin: options.stdin }) });
  transcript.push(run.stdout, run.stderr);
  return run;
}

const withConfig = (...args: string[]): string[] => [...args, '--config', configPath];

function demo(policy: string): { id: string; key: string } {
  const found = t.issuer.licenses.find((license) => license.policy === policy);
  if (found === undefined) throw new Error(`no demo license ${policy}`);
  return found;
}

function secretTool(account: string): string {
  return spawnSync('secret-tool', ['lookup', 'service', TEST_SERVICE, 'account', account], { encoding: 'utf8', timeout: 5_000 }).stdout;
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(folder, entry.name)) : [join(folder, entry.name)],
  );
}

describe.skipIf(!keychainReachable && !REQUIRED)('tessera licensing commands, end to end with the real keychain', () => {
  beforeAll(async () => {
    t = await startTestIssuer({ seed: 'demo' });
    home = mkdtempSync(join(tmpdir(), 'tessera-e2e-'));
    configPath = join(home, 'vendor.json');
    writeFileSync(configPath, JSON.stringify(t.issuer.config));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('reaches the keychain (required under npm test)', () => {
    expect(keychainReachable).toBe(true);
  });

  it('node-locked: activate (key on stdin) → licensed → renew → check-in refused → deactivate frees the seat', async () => {
    const license = demo('Node-locked');
    const activated = await tessera(withConfig('activate', '-', '--json'), { stdin: `${license.key}\n` });
    expect(activated.status, activated.stderr).toBe(0);
    expect(activated.json.status).toMatchObject({ licensed: true, code: 'VALID' });
    expect(activated.json.status.license.entitlements).toEqual(['CORE', 'PRO']);
    // The key is in the OS keychain, readable with the platform's own tool.
    expect(secretTool(`license:${license.id}`)).toBe(license.key);

    const status = await tessera(withConfig('status', '--json'));
    expect(status.status).toBe(0);
    expect(status.json).toMatchObject({ licensed: true, code: 'VALID', source: 'online' });

    // Activating again recognises this machine: still one seat on the server.
    expect((await tessera(withConfig('activate', '--json'), { env: { TESSERA_LICENSE_KEY: license.key } })).status).toBe(0);
    expect((await t.admin('GET', `/licenses/${license.id}/machines`)).json.data).toHaveLength(1);

    const renewed = await tessera(withConfig('renew', '--json'));
    expect(renewed.status, renewed.stderr).toBe(0);

    const checkIn = await tessera(withConfig('check-in', '--json'));
    expect(checkIn.status).toBe(1);
    expect(checkIn.json).toMatchObject({ ok: false, code: 'CHECK_IN_NOT_REQUIRED' });

    const seats = await tessera(withConfig('seats', 'list', '--license', '-', '--json'), { stdin: license.key });
    expect(seats.status, seats.stderr).toBe(0);
    expect(seats.json.data).toHaveLength(1);
    expect(seats.json.data[0].current).toBe(true);

    const deactivated = await tessera(withConfig('deactivate', '--yes', '--json'));
    expect(deactivated.status, deactivated.stderr).toBe(0);
    expect((await t.admin('GET', `/licenses/${license.id}/machines`)).json.data).toHaveLength(0);
    expect(secretTool(`license:${license.id}`)).toBe('');
    const after = await tessera(withConfig('status', '--json'));
    expect(after.status).toBe(1);
    expect(after.json).toMatchObject({ licensed: false, code: 'NOT_ACTIVATED' });
  });

  it('refusals carry their Keygen codes: suspended, unknown key', async () => {
    const suspended = await tessera(withConfig('activate', '--json'), { env: { TESSERA_LICENSE_KEY: demo('Suspended').key } });
    expect(suspended.status).toBe(1);
    expect(suspended.json.code).toBe('SUSPENDED');
    const unknown = await tessera(withConfig('activate', '--json'), { env: { TESSERA_LICENSE_KEY: 'NOPE-NOPE-NOPE-NOPE' } });
    expect(unknown.status).toBe(1);
    expect(unknown.json.code).toBe('NOT_FOUND');
  });

  it('limits reached: a full floating license refuses this machine (MACHINE_LIMIT_EXCEEDED); an admin frees seats in bulk', async () => {
    const license = demo('Floating (3 seats)');
    // Three other machines take every seat.
    const others: string[] = [];
    for (const fingerprint of ['other-a', 'other-b', 'other-c']) {
      const created = await t.admin('POST', '/machines', {
        data: { type: 'machines', attributes: { fingerprint }, relationships: { license: { data: { type: 'licenses', id: license.id } } } },
      });
      expect(created.status).toBe(201);
      others.push(created.json.data.id);
    }
    const refused = await tessera(withConfig('activate', '--json'), { env: { TESSERA_LICENSE_KEY: license.key } });
    expect(refused.status).toBe(1);
    expect(refused.json.code).toBe('MACHINE_LIMIT_EXCEEDED');

    const seats = await tessera(withConfig('seats', 'list', '--license-id', license.id, '--json'), { env: { TESSERA_ADMIN_TOKEN: t.issuer.adminToken } });
    expect(seats.status, seats.stderr).toBe(0);
    expect(seats.json.data.map((seat: { id: string }) => seat.id).sort()).toEqual([...others].sort());
    const freed = await tessera(withConfig('seats', 'deactivate', ...others.slice(0, 2), '--license-id', license.id, '--json'), { env: { TESSERA_ADMIN_TOKEN: t.issuer.adminToken } });
    expect(freed.status, freed.stderr).toBe(0);
    expect([...freed.json.deactivated].sort()).toEqual(others.slice(0, 2).sort());
    expect((await t.admin('GET', `/licenses/${license.id}/machines`)).json.data).toHaveLength(1);
    // Remove the last one too, so the offline test below can activate here.
    expect((await t.admin('DELETE', `/machines/${others[2]}`)).status).toBe(204);
  });

  it('expired and overdue licenses are refused with their codes', async () => {
    const expiring = demo('Short expiry');
    const past = new Date(Date.now() - 60_000).toISOString();
    expect((await t.admin('PATCH', `/licenses/${expiring.id}`, { data: { type: 'licenses', attributes: { expiry: past } } })).status).toBe(200);
    const expired = await tessera(withConfig('activate', '--json'), { env: { TESSERA_LICENSE_KEY: expiring.key } });
    // Keygen checks the fingerprint scope before the expiry, so the machine is activated; the
    // answer after activation is then "not licensed: EXPIRED", exit 1.
    expect(expired.status).toBe(1);
    expect(expired.json.status, expired.stdout).toMatchObject({ licensed: false, code: 'EXPIRED' });
    expect((await tessera(withConfig('status', '--json'))).json).toMatchObject({ licensed: false, code: 'EXPIRED' });
    expect((await tessera(withConfig('deactivate', '--yes'))).status).toBe(0);

    const checkIn = demo('Check-in required');
    expect((await tessera(withConfig('activate', '--json'), { env: { TESSERA_LICENSE_KEY: checkIn.key } })).status).toBe(0);
    // The license last checked in two days ago on the server: its daily check-in is overdue.
    const row = t.issuer.store.licenses.findById(t.issuer.account, checkIn.id);
    if (row === null) throw new Error('license vanished');
    t.issuer.store.licenses.update(row, { lastCheckInAt: Date.now() - 2 * 86_400_000 }, Date.now());
    const overdue = await tessera(withConfig('status', '--json'));
    expect(overdue.status).toBe(1);
    expect(overdue.json).toMatchObject({ licensed: false, code: 'OVERDUE', source: 'online' });
    // A check-in brings it back.
    const checkedIn = await tessera(withConfig('check-in', '--json'));
    expect(checkedIn.status, checkedIn.stdout).toBe(0);
    expect(checkedIn.json.status).toMatchObject({ licensed: true, code: 'VALID' });
    expect((await tessera(withConfig('deactivate', '--yes'))).status).toBe(0);
  });

  it('check-in required: activate, check in, status shows the next check-in', async () => {
    const activated = await tessera(withConfig('activate', '--json'), { env: { TESSERA_LICENSE_KEY: demo('Check-in required').key } });
    expect(activated.status, activated.stderr).toBe(0);
    const checkIn = await tessera(withConfig('check-in', '--json'));
    expect(checkIn.status, checkIn.stderr).toBe(0);
    expect(checkIn.json.status.nextCheckIn).toEqual(expect.any(String));
    expect(Date.parse(checkIn.json.status.nextCheckIn)).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    expect((await tessera(withConfig('deactivate', '--yes'))).status).toBe(0);
  });

  it('heartbeat required: activation leaves the machine alive on the server', async () => {
    const license = demo('Heartbeat required');
    expect((await tessera(withConfig('activate', '--json'), { env: { TESSERA_LICENSE_KEY: license.key } })).status).toBe(0);
    const machines = (await t.admin('GET', `/licenses/${license.id}/machines`)).json.data;
    expect(machines).toHaveLength(1);
    expect(machines[0].attributes.heartbeatStatus).toBe('ALIVE');
    expect((await tessera(withConfig('deactivate', '--yes'))).status).toBe(0);
  });

  it('import: a license file of a license with a machine limit is refused; an encrypted machine file for this machine needs its key, then is installed; licenses list/show', async () => {
    const license = demo('Unencrypted check-out');
    const checkout = await t.admin('POST', `/licenses/${license.id}/actions/check-out?encrypt=true&include=entitlements`);
    const licenseFile = join(home, 'license.lic');
    writeFileSync(licenseFile, checkout.json.data.attributes.certificate);
    const refusedFile = await tessera(withConfig('import', licenseFile, '--license-key', '-', '--json'), { stdin: license.key });
    expect(refusedFile.status).toBe(1);
    expect(refusedFile.json.code).toBe('MACHINE_FILE_REQUIRED');

    // What a vendor issues for an air-gapped machine: a machine file bound to its fingerprint.
    const fingerprint = (await tessera(['fingerprint', '--json'])).json.fingerprint as string;
    const created = await t.admin('POST', '/machines', { data: { type: 'machines', attributes: { fingerprint }, relationships: { license: { data: { type: 'licenses', id: license.id } } } } });
    expect(created.status, created.text).toBe(201);
    const machineFile = await t.admin('POST', `/machines/${created.json.data.id}/actions/check-out?encrypt=true&include=license,license.entitlements`);
    const file = join(home, 'carried.lic');
    writeFileSync(file, machineFile.json.data.attributes.certificate);

    const withoutKey = await tessera(withConfig('import', file, '--json'));
    expect(withoutKey.status).toBe(1);
    expect(withoutKey.json.code).toBe('LICENSE_KEY_REQUIRED');
    const imported = await tessera(withConfig('import', file, '--license-key', '-', '--json'), { stdin: license.key });
    expect(imported.status, imported.stderr).toBe(0);

    const list = await tessera(withConfig('licenses', 'list', '--json'));
    expect(list.json.data.map((entry: { id: string }) => entry.id)).toContain(license.id);
    const shown = await tessera(withConfig('licenses', 'show', license.id, '--json'));
    expect(shown.status).toBe(0);
    expect(shown.json.license).toMatchObject({ id: license.id, kind: 'machine', source: 'import', licensed: true });
    const tampered = join(home, 'tampered.lic');
    writeFileSync(tampered, readFileSync(file, 'utf8').replace(/(\n[A-Za-z0-9+/]{10})[A-Za-z0-9+/]/, (_match, head: string) => `${head}${head.endsWith('A') ? 'B' : 'A'}`));
    const refused = await tessera(withConfig('import', tampered, '--license-key', '-', '--json'), { stdin: license.key });
    expect(refused.status).toBe(1);
    expect(refused.json.code).toMatch(/^LICENSE_FILE_(NOT_GENUINE|MALFORMED)$/);
  });

  it('the agent answers the licensed software with its token, and refuses without it', async () => {
    const child: ChildProcessByStdio<null, Readable, Readable> = spawn(process.execPath, [BIN, ...withConfig('serve', '--port', '0', '--json')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TESSERA_HOME: home },
    });
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      transcript.push(line);
      const started = JSON.parse(line);
      expect(statSync(started.tokenFile).mode & 0o777).toBe(0o600);
      const token = readFileSync(started.tokenFile, 'utf8').trim();
      const check = await fetch(`${started.url}/v1/license/check`, { headers: { Authorization: `Bearer ${token}` } });
      expect(check.status).toBe(200);
      expect(await check.json()).toBe(true);
      expect((await fetch(`${started.url}/v1/license/check`)).status).toBe(401);
      const license = await fetch(`${started.url}/v1/license`, { headers: { Authorization: `Bearer ${token}` } });
      expect(license.status).toBe(200);
      const report = (await license.json()) as { licensed: boolean };
      expect(report.licensed).toBe(true);
      transcript.push(JSON.stringify(report));
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('offline: with the issuer stopped, status stays licensed from the machine file; deactivating stops licensing here at once and leaves the seat for later (exit 3)', async () => {
    const license = demo('Floating (3 seats)');
    const carried = demo('Unencrypted check-out');
    expect((await tessera(withConfig('activate', '--json'), { env: { TESSERA_LICENSE_KEY: license.key } })).status).toBe(0);
    await t.close();
    const offline = await tessera(withConfig('status', '--json'));
    expect(offline.status, offline.stderr).toBe(0);
    // Activating a key chose its license as the active one.
    expect(offline.json).toMatchObject({ licensed: true, source: 'offline', license: { id: license.id } });
    const deactivate = await tessera(withConfig('deactivate', '--yes', '--json'));
    expect(deactivate.status).toBe(3);
    expect(deactivate.json.code).toBe('DEACTIVATION_INCOMPLETE');
    // The floating license no longer licenses this machine; the machine file imported earlier does, and status says a deactivation waits.
    const after = await tessera(withConfig('status', '--json'));
    expect(after.json).toMatchObject({ licensed: true, license: { id: carried.id } });
    expect(after.json.warnings.map((warning: { code: string }) => warning.code)).toContain('DEACTIVATION_PENDING');
  });

  it('no license key is ever written in the data folder or printed by any command', () => {
    const keys = t.issuer.licenses.map((license) => license.key);
    const files = filesUnder(home).filter((path) => !path.endsWith('vendor.json') && !path.endsWith('.lic'));
    expect(files.length).toBeGreaterThan(0);
    for (const path of files) {
      const content = readFileSync(path, 'latin1');
      for (const key of keys) expect(content.includes(key), `${path} contains a license key`).toBe(false);
    }
    const output = transcript.join('\n');
    for (const key of keys) expect(output.includes(key), 'a command printed a license key').toBe(false);
  });
});
