/**
 * `tessera start` (what `npm start` runs) with no vendor configured: the embedded local issuer
 * starts on loopback with the demo keys and an admin token, keeps its database in the data
 * folder, opens the app or the web console, and stops cleanly on a signal. Whether this machine
 * has an Electron binary does not matter: each test names the binary (TESSERA_ELECTRON_BINARY),
 * a missing one or a stand-in script.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { verifyResponse } from '../../src/keygen/response-signature.js';
import { parsePublicKey } from '../../src/license-file/public-key.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tessera.js');
const home = mkdtempSync(join(tmpdir(), 'tessera-start-'));
const running: ChildProcessByStdio<null, Readable, Readable>[] = [];

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** An Electron binary that does not exist: the app cannot open, whatever is installed here. */
const NO_ELECTRON = join(home, 'no-electron');

async function start(
  args: readonly string[],
  electron = NO_ELECTRON,
): Promise<{ child: ChildProcessByStdio<null, Readable, Readable>; lines: string[]; until: (pattern: RegExp) => Promise<void> }> {
  const child = spawn(process.execPath, [BIN, 'start', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TESSERA_HOME: home, TESSERA_ELECTRON_BINARY: electron } });
  running.push(child);
  const lines: string[] = [];
  const waiting: { pattern: RegExp; resolve: () => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const wait of waiting.filter((entry) => entry.pattern.test(line))) wait.resolve();
  });
  const until = (pattern: RegExp): Promise<void> =>
    lines.some((line) => pattern.test(line))
      ? Promise.resolve()
      : Promise.race([
          new Promise<void>((resolve) => waiting.push({ pattern, resolve })),
          once(child, 'exit').then(([code]) => {
            throw new Error(`tessera start exited with ${String(code)}: ${lines.join('\n')}`);
          }),
        ]);
  return { child, lines, until };
}

describe('tessera start without a vendor configuration', () => {
  it('--json: runs the local issuer with the demo keys; the printed configuration answers signed', async () => {
    const { child, lines, until } = await start(['--json']);
    await until(/^\{/);
    const started = JSON.parse(lines[0] as string);
    expect(started.issuer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(started.issuer.database).toBe(join(home, 'issuer', 'issuer.db'));
    expect(statSync(join(home, 'issuer')).mode & 0o777).toBe(0o700);
    expect(started.config).toMatchObject({ apiUrl: started.issuer.url, account: started.issuer.account, publicKey: started.issuer.publicKey });
    expect(started.licenses).toHaveLength(7);
    // The admin token works as one: it lists every license of the account.
    expect(started.issuer.adminToken).toMatch(/^admin-[0-9a-f]{32}v3$/);
    const asAdmin = await fetch(new URL(`/v1/accounts/${started.issuer.account}/licenses`, started.issuer.url), { headers: { Authorization: `Bearer ${started.issuer.adminToken}`, Accept: 'application/vnd.api+json' } });
    expect(asAdmin.status).toBe(200);
    expect(((await asAdmin.json()) as { data: unknown[] }).data).toHaveLength(7);
    // The configuration the other commands use to find the embedded issuer.
    const written = join(home, 'issuer', 'tessera.config.json');
    expect(JSON.parse(readFileSync(written, 'utf8'))).toEqual(started.config);
    expect(statSync(written).mode & 0o777).toBe(0o600);

    const key = parsePublicKey(started.config.publicKey);
    if (!key.ok) throw new Error('public key does not parse');
    const url = new URL(`/v1/accounts/${started.config.account}/licenses/actions/validate-key`, started.config.apiUrl);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/vnd.api+json', Accept: 'application/vnd.api+json' },
      body: JSON.stringify({ meta: { key: started.licenses[0].key } }),
    });
    const body = Buffer.from(await response.arrayBuffer());
    expect(response.status).toBe(200);
    const verified = verifyResponse({ status: response.status, headers: response.headers, body }, { method: 'POST', url }, { publicKey: key.value, now: Date.now() });
    expect(verified.ok).toBe(true);

    child.kill('SIGTERM');
    expect((await once(child, 'exit'))[0]).toBe(0);

    // Same data folder, same account and keys.
    const again = await start(['--json']);
    await again.until(/^\{/);
    const restarted = JSON.parse(again.lines[0] as string);
    expect(restarted.issuer.account).toBe(started.issuer.account);
    expect(restarted.licenses).toEqual(started.licenses);
    // Tokens are kept hashed, so each start mints a new one to print.
    expect(restarted.issuer.adminToken).not.toBe(started.issuer.adminToken);
    again.child.kill('SIGINT');
    expect((await once(again.child, 'exit'))[0]).toBe(0);
  });

  it('when tessera start is killed outright (kill -9), the issuer it started stops too instead of holding the port', async () => {
    const { child, lines, until } = await start(['--json', '--ui', 'none']);
    await until(/^\{/);
    const started = JSON.parse(lines[0] as string) as { issuer: { url: string } };
    const answering = (): Promise<'answering' | 'gone'> => fetch(new URL('/v1/me', started.issuer.url)).then(() => 'answering', () => 'gone');
    expect(await answering()).toBe('answering');
    child.kill('SIGKILL');
    await once(child, 'exit');
    // The issuer notices the end of its input; its port then refuses connections.
    await expect
      .poll(answering, { timeout: 10_000, interval: 100 })
      .toBe('gone');
  });

  it('prints a summary for people: address, public key, demo keys by policy, how to stop', async () => {
    const { child, lines, until } = await start([]);
    await until(/Press Ctrl-C to stop/);
    const text = lines.join('\n');
    expect(text).toMatch(/embedded local issuer/);
    expect(text).toMatch(/Licensing API {3}http:\/\/127\.0\.0\.1:\d+\/v1\/accounts\/[0-9a-f-]{36}/);
    for (const policy of ['Node-locked', 'Floating (3 seats)', 'Suspended']) expect(text).toContain(policy);
    expect(text).toMatch(/Suspended +\S+ +\(suspended/);
    expect(text).toMatch(/Admin token of the demo account \(sign in on the Licenses screen[^\n]*\n {2}admin-[0-9a-f]{32}v3\n/);
    child.kill('SIGTERM');
    expect((await once(child, 'exit'))[0]).toBe(0);
  });

  it('without the Electron binary, says so and serves the web console with a one-time login link', async () => {
    const { child, lines, until } = await start([]);
    await until(/Press Ctrl-C to stop/);
    const text = lines.join('\n');
    expect(text).toMatch(/The desktop app cannot open here: the Electron binary is not installed/);
    const link = /(http:\/\/127\.0\.0\.1:\d+\/login\?code=[A-Za-z0-9_-]{43})/.exec(text)?.[1];
    expect(link).toBeDefined();
    const login = await fetch(link as string, { redirect: 'manual' });
    expect(login.status).toBe(303);
    expect(login.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await fetch(link as string, { redirect: 'manual' })).status).toBe(401);
    child.kill('SIGTERM');
    expect((await once(child, 'exit'))[0]).toBe(0);
  });

  it('with an Electron binary, opens the app on the built main process and stops the issuer when the app is closed', async () => {
    // A stand-in for Electron: it records what it was started with, then quits like a closed window.
    const record = join(home, 'electron-args.json');
    const fake = join(home, 'fake-electron');
    writeFileSync(fake, `#!${process.execPath}\nrequire('node:fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify({ args: process.argv.slice(2), home: process.env.TESSERA_HOME }));\n`);
    chmodSync(fake, 0o755);
    const { child, lines, until } = await start([], fake);
    await until(/Press Ctrl-C to stop/);
    expect(lines.join('\n')).toMatch(/The Tessera app is open in its own window/);
    expect(lines.join('\n')).not.toMatch(/web console/);
    expect((await once(child, 'exit'))[0]).toBe(0);
    const ran = JSON.parse(readFileSync(record, 'utf8'));
    expect(ran.args).toEqual([expect.stringMatching(/dist[/\\]main[/\\]main\.js$/)]);
    expect(ran.home).toBe(home);
  });

  it('--ui none runs the issuer alone; --json reports the console it opened', async () => {
    const none = await start(['--json', '--ui', 'none']);
    await none.until(/^\{/);
    expect(JSON.parse(none.lines[0] as string).ui).toBeNull();
    none.child.kill('SIGTERM');
    expect((await once(none.child, 'exit'))[0]).toBe(0);
    const withConsole = await start(['--json', '--ui', 'console']);
    await withConsole.until(/^\{/);
    const { ui } = JSON.parse(withConsole.lines[0] as string);
    expect(ui).toMatchObject({ kind: 'console', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(ui.loginUrl.startsWith(`${ui.url}/login?code=`)).toBe(true);
    withConsole.child.kill('SIGTERM');
    expect((await once(withConsole.child, 'exit'))[0]).toBe(0);
  });

  it('refuses a bad --port with exit 2', async () => {
    const { child } = await start(['--port', 'x']);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    expect((await once(child, 'exit'))[0]).toBe(2);
    expect(stderr).toMatch(/invalid --port "x"/);
    const badUi = await start(['--ui', 'window']);
    let uiError = '';
    badUi.child.stderr.on('data', (chunk: Buffer) => (uiError += chunk.toString('utf8')));
    expect((await once(badUi.child, 'exit'))[0]).toBe(2);
    expect(uiError).toMatch(/--ui must be one of auto, console, none/);
  });
});
