/**
 * `tessera-issuer serve` as a process: the start line, the demo seed, clean shutdown on
 * signals, usage errors; and the configurable rate limit (unsigned 429 with Retry-After).
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parsePublicKey } from '../../src/license-file/public-key.js';
import { startTestIssuer, type TestIssuer } from './support.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tessera-issuer.js');
const DEMO_POLICIES = ['Node-locked', 'Floating (3 seats)', 'Check-in required', 'Heartbeat required', 'Short expiry', 'Suspended', 'Unencrypted check-out'];

type Child = ChildProcessByStdio<null, Readable, Readable>;
const children: Child[] = [];
const folders: string[] = [];

/** Starts the CLI and resolves with its first stdout line (parsed) and everything on stderr so far. */
async function serve(args: readonly string[]): Promise<{ child: Child; line: any; stderr: () => string }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`exited with ${String(code)} before listening: ${stderr}`);
  });
  const [line] = (await Promise.race([once(lines, 'line'), exited])) as [string];
  lines.close();
  return { child, line: JSON.parse(line), stderr: () => stderr };
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('tessera-issuer serve', () => {
  it('prints one JSON start line with a ready vendor configuration and the demo license keys', async () => {
    const { child, line } = await serve(['--seed', 'demo']);
    expect(Object.keys(line)).toEqual(['url', 'account', 'publicKey', 'certificateKeys', 'adminToken', 'config', 'licenses']);
    expect(line.certificateKeys.ed25519).toBe(line.publicKey);
    for (const pem of [line.certificateKeys.ecdsaP256, line.certificateKeys.rsa2048]) expect(parsePublicKey(pem).ok).toBe(true);
    expect(line.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(parsePublicKey(line.publicKey).ok).toBe(true);
    expect(line.config).toEqual({ apiUrl: line.url, account: line.account, product: expect.any(String), publicKey: line.publicKey });
    expect(line.licenses.map((license: { policy: string }) => license.policy)).toEqual(DEMO_POLICIES);
    for (const license of line.licenses) expect(license.key).toMatch(/\S{16,}/);

    // The printed configuration works: a seeded key validates against the printed account.
    const nodeLocked = line.licenses[0];
    const response = await fetch(`${line.url}/v1/accounts/${line.account}/licenses/${nodeLocked.id}`, {
      headers: { Authorization: `Bearer ${line.adminToken}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('keygen-signature')).toMatch(/algorithm="ed25519"/);

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('shuts down cleanly on SIGINT and keeps its data in --db FILE across restarts', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tessera-issuer-'));
    folders.push(folder);
    const db = join(folder, 'issuer.db');
    const first = await serve(['--db', db, '--seed', 'demo']);
    first.child.kill('SIGINT');
    expect((await once(first.child, 'exit'))[0]).toBe(0);

    const second = await serve(['--db', db, '--seed', 'demo']);
    expect(second.line.account).toBe(first.line.account);
    expect(second.line.publicKey).toBe(first.line.publicKey);
    expect(second.line.certificateKeys).toEqual(first.line.certificateKeys);
    expect(second.line.licenses).toEqual(first.line.licenses);
    second.child.kill('SIGTERM');
    expect((await once(second.child, 'exit'))[0]).toBe(0);
  });

  it('never prints a license key or token on stderr', async () => {
    const { child, line, stderr } = await serve(['--seed', 'demo']);
    child.kill('SIGTERM');
    await once(child, 'exit');
    expect(stderr()).not.toContain(line.adminToken);
    for (const license of line.licenses) expect(stderr()).not.toContain(license.key);
  });

  it('warns when bound beyond loopback', async () => {
    const { child, stderr } = await serve(['--host', '0.0.0.0']);
    child.kill('SIGTERM');
    await once(child, 'exit');
    expect(stderr()).toMatch(/WARNING: binding 0\.0\.0\.0, not loopback/);
  });

  it.each([
    [['serve', '--port', 'eighty'], /invalid --port "eighty"/],
    [['serve', '--seed', 'big'], /unknown --seed "big"/],
    [['serve', '--rate-limit', 'lots'], /invalid --rate-limit "lots"/],
    [['serve', '--bogus'], /Unknown option '--bogus'/],
    [[], /missing command \(serve\)/],
    [['start'], /unknown command "start"/],
  ])('refuses %j with exit 2 and the usage', (args, message) => {
    const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('Usage: tessera-issuer serve');
  });

  it('--help prints the usage on stdout and exits 0', () => {
    const result = spawnSync(process.execPath, [BIN, 'serve', '--help'], { encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('--rate-limit N/WINDOW');
  });

  it('exits 1 with the reason when the port is taken', async () => {
    const { child, line } = await serve([]);
    const port = new URL(line.url).port;
    const result = spawnSync(process.execPath, [BIN, 'serve', '--port', port], { encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/could not start: .*EADDRINUSE/);
    child.kill('SIGTERM');
    await once(child, 'exit');
  });
});

describe('rate limit', () => {
  let t: TestIssuer | null = null;
  afterEach(async () => {
    await t?.close();
    t = null;
  });

  it('answers an unsigned 429 with Retry-After and X-RateLimit-* once the window is used up', async () => {
    let now = Date.parse('2026-01-01T00:00:10Z');
    t = await startTestIssuer({ rateLimit: '3/60s', clock: () => now });
    for (let count = 1; count <= 3; count += 1) {
      const allowed = await t.admin('GET', '/products');
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('x-ratelimit-remaining')).toBe(String(3 - count));
      expect(allowed.headers.get('x-ratelimit-limit')).toBe('3');
    }
    const refused = await t.request('GET', '/products', { token: t.issuer.adminToken, unsigned: true });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('50');
    expect(refused.headers.get('x-ratelimit-window')).toBe('60s');
    expect(refused.headers.get('x-ratelimit-reset')).toBe(String(Date.parse('2026-01-01T00:01:00Z') / 1000));
    expect(refused.json.errors[0]).toMatchObject({ title: 'Too many requests', code: 'TOO_MANY_REQUESTS' });

    now = Date.parse('2026-01-01T00:01:00Z');
    expect((await t.admin('GET', '/products')).status).toBe(200);
  });
});
