/**
 * The administrator commands end to end, as an IT admin runs them: `node bin/tessera.js …`
 * processes against the local issuer over real sockets with a rate limit on (30 requests per
 * second per client), with the real OS keychain. Sign-in keeps the token in the keychain;
 * licenses and seats are listed, filtered by staleness and exported; stale seats are piped
 * into a bulk deactivation that rides the rate limit, repeated (already gone counts as done)
 * and cancelled with Ctrl-C; bad tokens, an unknown license and a page failing mid-export each
 * say what happened; the audit log records it all. Ends with a scan: the token is never
 * printed nor written to a file.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeychainStore } from '../../src/vault/keychain.store.js';
import { startTestIssuer, type TestIssuer } from '../issuer/support.js';
import { startCli, type CliRun } from '../support/cli-run.js';
import { TEST_SERVICE, testService } from '../support/keychain.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tessera.js');
const REQUIRED = process.env.TESSERA_REQUIRE_KEYCHAIN === '1';
const keychainReachable = (await createKeychainStore({ service: testService('admin-probe'), timeoutMs: 3_000 }).list()).ok;
const LIMIT = 30;
const DAY = 86_400_000;

let t: TestIssuer;
let other: TestIssuer;
let home: string;
let configPath: string;
let policyId: string;
const transcript: string[] = [];

function started(args: readonly string[], options: { stdin?: string; env?: Record<string, string> } = {}): { child: ChildProcess; done: Promise<CliRun> } {
  const run = startCli(BIN, args, { env: { TESSERA_HOME: home, ...options.env }, ...(options.stdin === undefined ? {} : { stdin: options.stdin }) });
  return {
    child: run.child,
    done: run.done.then((ended) => {
      transcript.push(ended.stdout, ended.stderr);
      return ended;
    }),
  };
}

/** Runs the CLI as a process, asynchronously: the issuer answering it lives in this process. */
const tessera = (args: readonly string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<CliRun> => started([...args, '--config', configPath], options).done;

/** A license of the test's unlimited policy, with `fresh` machines seen now and `stale` ones last seen 45 days ago, added through the issuer's store. */
function fleet(name: string, fresh: number, stale: number, prefix = name): { id: string; key: string } {
  const store = t.issuer.store;
  const account = t.issuer.account;
  const policy = store.policies.findById(account, policyId);
  if (policy === null) throw new Error('policy vanished');
  const license = store.licenses.create(account, { policyId, productId: policy.productId, key: `${name.toUpperCase()}-${Date.now()}-V3`, name }, Date.now());
  for (let index = 0; index < fresh + stale; index += 1) {
    const old = index >= fresh;
    store.machines.create(license.id, { fingerprint: `${prefix}-${index}`, name: old ? `=stale-${index}` : `fresh-${index}`, platform: 'linux' }, old ? Date.now() - 45 * DAY : Date.now());
  }
  return { id: license.id, key: license.key };
}

const machineCount = (licenseId: string): number => t.issuer.store.machines.usageForLicense(licenseId).count;

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(folder, entry.name)) : [join(folder, entry.name)]));
}

describe.skipIf(!keychainReachable && !REQUIRED)('tessera admin commands, end to end against a rate-limited issuer', () => {
  beforeAll(async () => {
    [t, other] = await Promise.all([startTestIssuer({ seed: 'demo', rateLimit: `${LIMIT}/1s` }), startTestIssuer({ seed: 'demo' })]);
    home = mkdtempSync(join(tmpdir(), 'tessera-admin-e2e-'));
    configPath = join(home, 'vendor.json');
    writeFileSync(configPath, JSON.stringify(t.issuer.config));
    const product = t.issuer.store.products.findById(t.issuer.account, t.issuer.config.product as string);
    if (product === null) throw new Error('no demo product');
    policyId = t.issuer.store.policies.create(t.issuer.account, product.id, { name: 'Admin e2e', floating: true, maxMachines: null }, Date.now()).id;
  });
  afterAll(async () => {
    await Promise.all([t?.close(), other?.close()]);
    rmSync(home, { recursive: true, force: true });
  });

  it('signs in with the token on standard input: kept in the keychain, shown by its id only', async () => {
    const signed = await tessera(['admin', 'sign-in', '--admin-token', '-', '--json'], { stdin: `${t.issuer.adminToken}\n` });
    expect(signed.status, signed.stderr).toBe(0);
    expect(signed.json).toMatchObject({ ok: true, session: { bearer: { kind: 'admin' }, tokenId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string } });
    const stored = spawnSync('secret-tool', ['lookup', 'service', TEST_SERVICE, 'account', 'admin:token'], { encoding: 'utf8', timeout: 5_000 }).stdout;
    expect(stored).toBe(t.issuer.adminToken);
    const status = await tessera(['admin', 'status']);
    expect(status.stdout).toContain(`token ${signed.json.session.tokenId}`);
    expect(statSync(join(home, 'admin', 'session.json')).mode & 0o777).toBe(0o600);
  });

  it('lists the product\'s licenses: one page, every page as CSV to a file, a search', async () => {
    const table = await tessera(['licenses', 'list', '--remote']);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/Demo: Floating \(3 seats\)\s+\S+…V3\s+Floating \(3 seats\)\s+ACTIVE\s+\S+\s+0 of 3/);
    const file = join(home, 'licenses.csv');
    const exported = await tessera(['licenses', 'list', '--remote', '--all', '--format', 'csv', '--output', file]);
    expect(exported.status, exported.stderr).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe('id,name,key,policy_id,policy,status,expiry,seats_used,seats_max,last_validated,owner,created');
    expect(lines).toHaveLength(t.issuer.licenses.length + 1);
    const searched = await tessera(['licenses', 'list', '--remote', '--search', 'node-locked', '--json']);
    expect(searched.json.data.map((license: { name: string }) => license.name)).toEqual(['Demo: Node-locked']);
  });

  it('lists every seat of a license (three pages) and the stale ones, as JSON and as a neutralised CSV file', async () => {
    const license = fleet('stale-list', 200, 50);
    const all = await tessera(['seats', 'list', '--license-id', license.id, '--all', '--format', 'json']);
    expect(all.status, all.stderr).toBe(0);
    expect(all.json).toMatchObject({ kind: 'seats', license: license.id, count: 250 });
    const stale = await tessera(['seats', 'list', '--license-id', license.id, '--all', '--stale', '30', '--format', 'json']);
    expect(stale.json.count).toBe(50);
    expect(stale.json.data.every((seat: { name: string; lastSeen: string }) => seat.name.startsWith('=stale-') && Date.parse(seat.lastSeen) < Date.now() - 30 * DAY)).toBe(true);
    const file = join(home, 'stale.csv');
    expect((await tessera(['seats', 'list', '--license-id', license.id, '--all', '--stale', '30', '--format', 'csv', '--output', file])).status).toBe(0);
    const csv = readFileSync(file, 'utf8');
    expect(csv.trim().split('\r\n')).toHaveLength(51);
    expect(csv).toContain(",'=stale-");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // One page for people, with the next page's command keeping --license-id.
    const page = await tessera(['seats', 'list', '--license-id', license.id, '--size', '100']);
    expect(page.stdout).toContain(`More seats: tessera seats list --license-id ${license.id} --page 2 --size 100`);
  });

  it('pipes the stale seats into a bulk deactivation that rides the rate limit: none failed, the fresh ones kept; again, all already gone', async () => {
    const license = fleet('stale-bulk', 20, 120);
    const stale = await tessera(['seats', 'list', '--license-id', license.id, '--all', '--stale', '30', '--format', 'json']);
    expect(stale.json.count).toBe(120);
    const begun = Date.now();
    const freed = await tessera(['seats', 'deactivate', '--license-id', license.id, '-', '--json'], { stdin: stale.stdout });
    const seconds = (Date.now() - begun) / 1000;
    expect(freed.status, freed.stderr).toBe(0);
    expect(freed.json).toMatchObject({ ok: true, failed: [], notAttempted: [], stopped: null });
    expect(freed.json.deactivated).toHaveLength(120);
    // 120 requests at 30 per second cannot all go in one window: the run waited for the next ones.
    expect(seconds).toBeGreaterThan(120 / LIMIT - 1);
    expect(machineCount(license.id)).toBe(20);

    const again = await tessera(['seats', 'deactivate', '--license-id', license.id, '-', '--json'], { stdin: stale.stdout });
    expect(again.status, again.stderr).toBe(0);
    expect(again.json.deactivated).toEqual([]);
    expect(again.json.alreadyGone).toHaveLength(120);
  });

  it('Ctrl-C stops a bulk deactivation after the requests in flight and reports what was done', async () => {
    const license = fleet('cancel', 0, 600);
    const ids = (await tessera(['seats', 'list', '--license-id', license.id, '--all', '--format', 'json'])).stdout;
    const run = started(['seats', 'deactivate', '--license-id', license.id, '-', '--json', '--config', configPath], { stdin: ids });
    // Wait until the run is under way (some seats gone), then interrupt it.
    while (machineCount(license.id) > 560) await new Promise((resolve) => setTimeout(resolve, 50));
    run.child.kill('SIGINT');
    const cancelled = await run.done;
    expect(cancelled.status).toBe(1);
    expect(cancelled.json).toMatchObject({ ok: false, stopped: 'cancelled', failed: [] });
    expect(cancelled.json.notAttempted.length).toBeGreaterThan(0);
    expect(cancelled.json.deactivated.length + cancelled.json.notAttempted.length).toBe(600);
    expect(machineCount(license.id)).toBe(cancelled.json.notAttempted.length);
  });

  it('bad input says what happened and what to do: revoked, expired and other accounts\' tokens, an unknown license', async () => {
    // Made through the issuer's store: its API is rate limited for this test's own requests too.
    const { tokens } = t.issuer.store;
    const product = { kind: 'product-token', bearerType: 'products', bearerId: t.issuer.config.product as string } as const;
    const revoked = tokens.create(t.issuer.account, product, Date.now());
    tokens.revoke(revoked.token);
    const expired = tokens.create(t.issuer.account, { ...product, expiry: Date.now() - 60_000 }, Date.now());
    const cases: [string, string][] = [
      [revoked.secret, 'ADMIN_TOKEN_REFUSED'],
      [expired.secret, 'ADMIN_TOKEN_EXPIRED'],
      [other.issuer.adminToken, 'ADMIN_TOKEN_REFUSED'],
    ];
    for (const [token, code] of cases) {
      const refused = await tessera(['licenses', 'list', '--remote', '--json'], { env: { TESSERA_ADMIN_TOKEN: token } });
      expect(refused.status).toBe(1);
      expect(refused.json).toMatchObject({ ok: false, code });
      const human = await tessera(['seats', 'list', '--license-id', t.issuer.licenses[0]?.id as string], { env: { TESSERA_ADMIN_TOKEN: token } });
      expect(human.stderr).toContain(`Code: ${code}`);
      expect(human.stderr).toContain('Next step:');
      expect(`${refused.stdout}${refused.stderr}${human.stdout}${human.stderr}`).not.toContain(token);
    }
    const unknown = await tessera(['seats', 'list', '--license-id', '0b0c3f4e-0000-4000-8000-000000000000', '--all', '--format', 'csv', '--output', join(home, 'unknown.csv')]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('Code: ADMIN_LICENSE_NOT_FOUND');
    expect(existsSync(join(home, 'unknown.csv'))).toBe(false);
  });

  it('a page failing mid-export: the export says where it stopped and leaves no file', async () => {
    const license = fleet('flaky', 250, 0);
    // A proxy in front of the issuer that drops the connection of the third page.
    const proxy: Server = createServer((incoming, outgoing) => {
      if ((incoming.url ?? '').includes('page[number]=3') || (incoming.url ?? '').includes('page%5Bnumber%5D=3')) {
        incoming.socket.destroy();
        return;
      }
      const upstream = new URL(t.issuer.url);
      const forwarded = httpRequest({ host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      });
      incoming.pipe(forwarded);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const proxied = join(home, 'proxied.json');
      writeFileSync(proxied, JSON.stringify({ ...t.issuer.config, apiUrl: `http://127.0.0.1:${(proxy.address() as { port: number }).port}` }));
      const file = join(home, 'partial.csv');
      const stopped = await started(['seats', 'list', '--license-id', license.id, '--all', '--format', 'csv', '--output', file, '--config', proxied]).done;
      expect(stopped.status).toBe(1);
      expect(stopped.stderr).toContain('Code: EXPORT_INCOMPLETE');
      expect(stopped.stderr).toMatch(/stopped at page 3 of 3, after \d+ of 250 seats \(ISSUER_UNREACHABLE/);
      expect(existsSync(file)).toBe(false);
      expect(readdirSync(home).filter((name) => name.startsWith('partial.csv'))).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });

  it('the audit log records sign-in, exports and deactivations with the token id, owner-only, as CSV too', async () => {
    const log = join(home, 'admin', 'audit.jsonl');
    expect(statSync(log).mode & 0o777).toBe(0o600);
    const json = await tessera(['audit', '--json']);
    expect(json.status, json.stderr).toBe(0);
    const actions = (json.json.entries as { action: string; result: string }[]).map((entry) => `${entry.action}:${entry.result}`);
    expect(actions).toContain('sign-in:ok');
    expect(actions).toContain('deactivate:ok');
    expect(actions).toContain('deactivate:cancelled');
    expect(actions).toContain('export:ok');
    expect(actions).toContain('export:failed');
    const csv = await tessera(['audit', '--format', 'csv']);
    expect(csv.stdout.split('\r\n')[0]).toBe('time,action,license,machines,result,credential,token_id,detail');
    expect(csv.stdout).toMatch(/deactivate,[0-9a-f-]{36},.*,cancelled,admin-token,[0-9a-f-]{36},/);
  });

  it('signs out: the keychain entry is gone, and the token was never printed nor written to a file', async () => {
    expect((await tessera(['admin', 'sign-out'])).status).toBe(0);
    expect(spawnSync('secret-tool', ['lookup', 'service', TEST_SERVICE, 'account', 'admin:token'], { encoding: 'utf8', timeout: 5_000 }).stdout).toBe('');
    for (const path of filesUnder(home)) expect(readFileSync(path, 'latin1').includes(t.issuer.adminToken), `${path} holds the token`).toBe(false);
    expect(transcript.join('\n').includes(t.issuer.adminToken)).toBe(false);
  });
});
