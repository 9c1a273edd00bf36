/**
 * `npm start` on a machine with no OS keychain (a headless server, a container): the embedded
 * issuer's demo still works end to end. Secrets go to the owner-only secrets file, with a
 * warning; the console signs in, activates a demo key and shows its seats to an admin; the
 * other commands find the same secrets. Two ways of having no keychain are tried: no D-Bus
 * session at all, and a session bus on which no Secret Service is installed (what a machine
 * without gnome-keyring has).
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TEST_SERVICE } from '../support/keychain.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tessera.js');
const root = mkdtempSync(join(tmpdir(), 'tessera-no-keychain-'));
const running: { kill(signal?: NodeJS.Signals): boolean; exitCode: number | null }[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A D-Bus session bus that offers no service at all: no Secret Service can be found or started on it. */
async function busWithoutSecretService(folder: string): Promise<string> {
  const socket = join(folder, 'bus');
  const config = join(folder, 'bus.xml');
  writeFileSync(
    config,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path=${socket}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow user="*"/><allow send_destination="*"/><allow receive_sender="*"/><allow own="*"/></policy></busconfig>`,
  );
  const daemon = spawn('dbus-daemon', [`--config-file=${config}`, '--nofork', '--print-address'], { stdio: ['ignore', 'pipe', 'ignore'] });
  running.push(daemon);
  const [line] = (await once(createInterface({ input: daemon.stdout }), 'line')) as [string];
  return line.trim();
}

const hasDbusDaemon = process.platform === 'linux' && spawnSync('sh', ['-c', 'command -v dbus-daemon'], { stdio: 'ignore' }).status === 0;

interface Started {
  readonly issuer: { readonly url: string; readonly account: string; readonly adminToken: string };
  readonly licenses: readonly { readonly id: string; readonly key: string; readonly policy: string }[];
  readonly ui: { readonly kind: 'console'; readonly url: string; readonly loginUrl: string };
}

/** The environment of a machine without a keychain, for the data folder `home`. */
function noKeychainEnv(home: string, bus: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TESSERA_HOME: home, DBUS_SESSION_BUS_ADDRESS: bus, TESSERA_KEYCHAIN_SERVICE: TEST_SERVICE };
  // With a display, libsecret could try to start a bus of its own through X11.
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  delete env.TESSERA_SECRET_STORE;
  return env;
}

async function startTessera(env: NodeJS.ProcessEnv): Promise<{ started: Started; stderr: () => string; child: ChildProcessByStdio<null, Readable, Readable> }> {
  const child = spawn(process.execPath, [BIN, 'start', '--ui', 'console', '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env });
  running.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const line = await Promise.race([
    once(createInterface({ input: child.stdout }), 'line').then(([text]) => String(text)),
    once(child, 'exit').then(([code]) => {
      throw new Error(`tessera start exited with ${String(code)}: ${stderr}`);
    }),
  ]);
  return { started: JSON.parse(line) as Started, stderr: () => stderr, child };
}

/** A console session: the one-time link exchanged for its cookie and tab secret, and operations sent as the page sends them. */
async function signIn(loginUrl: string): Promise<(name: string, input: unknown) => Promise<{ status: number; body: any }>> { // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON answers are walked by the assertions
  const login = await fetch(loginUrl, { redirect: 'manual' });
  expect(login.status).toBe(303);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const secret = /#session=(.+)$/.exec(login.headers.get('location') ?? '')?.[1] ?? '';
  const origin = new URL(loginUrl).origin;
  return async (name, input) => {
    const answer = await fetch(`${origin}/v1/ops/${name}`, {
      method: 'POST',
      headers: { Cookie: cookie, 'Tessera-Session': secret, Origin: origin, 'Sec-Fetch-Site': 'same-origin', 'Content-Type': 'application/json' },
      body: JSON.stringify(input),
    });
    return { status: answer.status, body: await answer.json() };
  };
}

const variants = [
  { name: 'no D-Bus session at all', bus: async (folder: string) => `unix:path=${join(folder, 'no-such-bus')}` },
  ...(hasDbusDaemon ? [{ name: 'a session bus with no Secret Service installed', bus: busWithoutSecretService }] : []),
];

describe.each(variants)('npm start with $name', ({ bus }) => {
  it('serves a working console: demo keys, admin token, login link; activation and seats work; secrets go to the owner-only file', { timeout: 60_000 }, async () => {
    const home = mkdtempSync(join(root, 'home-'));
    const env = noKeychainEnv(home, await bus(home));
    const { started, stderr, child } = await startTessera(env);

    expect(started.licenses.length).toBeGreaterThan(0);
    expect(started.issuer.adminToken).toMatch(/^admin-[0-9a-f]+v3$/);
    expect(started.ui).toMatchObject({ kind: 'console', loginUrl: expect.stringMatching(/\/login\?code=/) });
    const secretsFile = join(home, 'secrets', 'secrets.json');
    expect(stderr()).toContain(`keeps its secrets (license keys, tokens) in a file: ${secretsFile}`);

    const op = await signIn(started.ui.loginUrl);
    expect((await op('license:status', {})).body).toMatchObject({ ok: true, value: { licensed: false } });
    const license = started.licenses.find((entry) => entry.policy === 'Node-locked');
    if (license === undefined) throw new Error('no node-locked demo license');
    const activated = await op('license:activate', { licenseKey: license.key });
    expect(activated.body).toMatchObject({ ok: true, value: { licensed: true } });
    expect((await op('license:status', {})).body).toMatchObject({ ok: true, value: { licensed: true } });
    const seats = await op('seats:list', { access: { kind: 'admin', adminToken: started.issuer.adminToken, licenseId: license.id } });
    expect(seats.body).toMatchObject({ ok: true, value: { data: [expect.objectContaining({ current: true })] } });

    // The secrets are in the file, readable by this user only; the license key is nowhere else on disk.
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, 'secrets')).mode & 0o777).toBe(0o700);
    const kept = JSON.parse(readFileSync(secretsFile, 'utf8')).services[TEST_SERVICE];
    expect(Object.values(kept)).toContain(license.key);
    expect(readFileSync(join(home, 'licensing', 'state.json'), 'utf8')).not.toContain(license.key);

    // Another command on the same machine finds the same secrets, and says where they are.
    const status = spawnSync(process.execPath, [BIN, 'status', '--offline', '--json'], { env, encoding: 'utf8', timeout: 20_000 });
    expect(status.status, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ licensed: true });
    expect(status.stderr).toContain(secretsFile);

    child.kill('SIGTERM');
    expect((await once(child, 'exit'))[0]).toBe(0);
  });

  it('with a vendor configuration, keeps the keychain error instead of writing a file, unless TESSERA_SECRET_STORE=file', { timeout: 60_000 }, async () => {
    const home = mkdtempSync(join(root, 'vendor-'));
    const env = noKeychainEnv(home, await bus(home));
    // The embedded issuer stands in for a vendor's server; its configuration is named with --config.
    const { started, child } = await startTessera({ ...env, TESSERA_HOME: join(home, 'issuer-home') });
    const config = join(home, 'vendor.json');
    writeFileSync(config, readFileSync(join(home, 'issuer-home', 'issuer', 'tessera.config.json')));
    const key = started.licenses.find((entry) => entry.policy === 'Floating (3 seats)')?.key as string;

    const refused = spawnSync(process.execPath, [BIN, 'activate', '-', '--config', config, '--json'], { env, input: key, encoding: 'utf8', timeout: 30_000 });
    expect(refused.status).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE' });
    expect(existsSync(join(home, 'secrets'))).toBe(false);

    const optedIn = spawnSync(process.execPath, [BIN, 'activate', '-', '--config', config, '--json'], { env: { ...env, TESSERA_SECRET_STORE: 'file' }, input: key, encoding: 'utf8', timeout: 30_000 });
    expect(optedIn.status, optedIn.stderr).toBe(0);
    expect(JSON.parse(optedIn.stdout)).toMatchObject({ ok: true, status: { licensed: true } });
    expect(optedIn.stderr).toMatch(/TESSERA_SECRET_STORE=file asks for no OS keychain/);
    expect(statSync(join(home, 'secrets', 'secrets.json')).mode & 0o777).toBe(0o600);

    child.kill('SIGTERM');
    expect((await once(child, 'exit'))[0]).toBe(0);
  });
});
