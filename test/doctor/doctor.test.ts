/**
 * `tessera doctor`'s checks (`src/doctor/`), against the local issuer over real sockets, real
 * folders, an in-memory keychain that can be broken, a closed port, a self-signed TLS server
 * and a CONNECT proxy. Each check's verdict, code and fix; and nothing secret in the report.
 */
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorCheck, DoctorCheckId, DoctorReport } from '../../src/contract/doctor.js';
import { runDoctor, type DoctorOptions, type DoctorRuntime } from '../../src/doctor/doctor.js';
import type { SecretResult, SecretStore, SecretStoreMode } from '../../src/vault/secret-store.js';
import { createMemoryStore, type MemoryStore } from '../../src/vault/memory.store.js';
import { startTestIssuer, type TestIssuer } from '../issuer/support.js';
import { runCli } from '../support/cli-run.js';
import { tunnelProxy } from '../support/tunnel-proxy.js';
import { makeTestPki, opensslAvailable, type TestPki } from '../support/tls-certificates.js';

const MINUTE = 60_000;
let t: TestIssuer;
const folders: string[] = [];
const servers: (Server | HttpServer)[] = [];

beforeAll(async () => {
  t = await startTestIssuer();
});
afterAll(async () => {
  await t.close();
  for (const server of servers) {
    if ('closeAllConnections' in server) server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
afterEach(() => {
  for (const folder of folders.splice(0)) {
    chmodSync(folder, 0o700);
    rmSync(folder, { recursive: true, force: true });
  }
});

function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'tessera-doctor-'));
  folders.push(folder);
  return folder;
}

async function listen(server: Server | HttpServer): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A runtime pointed at the test issuer, keeping secrets in `secrets`. */
function runtime(overrides: { apiUrl?: string; secrets?: SecretStore; mode?: SecretStoreMode; filePath?: string } = {}): DoctorRuntime {
  return {
    config: { ...t.issuer.config, ...(overrides.apiUrl === undefined ? {} : { apiUrl: overrides.apiUrl }) },
    source: { kind: 'file', path: '/etc/acme/tessera.config.json' },
    secrets: overrides.secrets ?? createMemoryStore('tessera-doctor-test'),
    secretStorage: { mode: overrides.mode ?? 'keychain', filePath: overrides.filePath ?? '/nonexistent/secrets/secrets.json' },
  };
}

function doctor(options: Partial<DoctorOptions> = {}): Promise<DoctorReport> {
  return runDoctor({ runtime: runtime(), dataFolder: tempFolder(), env: {}, ...options });
}

function check(report: DoctorReport, id: DoctorCheckId): DoctorCheck {
  const found = report.checks.find((entry) => entry.id === id);
  if (found === undefined) throw new Error(`no ${id} check`);
  return found;
}

const verdicts = (report: DoctorReport): Record<string, string> => Object.fromEntries(report.checks.map((entry) => [entry.id, entry.verdict]));

describe('a healthy machine against the local issuer', () => {
  it('passes every check, in order, each with what it found', async () => {
    const report = await doctor();
    expect(report.checks.map((entry) => entry.id)).toEqual(['config', 'keychain', 'data-folder', 'state', 'proxy', 'dns', 'tcp', 'tls', 'clock']);
    expect(verdicts(report)).toEqual({ config: 'ok', keychain: 'ok', 'data-folder': 'ok', state: 'ok', proxy: 'ok', dns: 'ok', tcp: 'ok', tls: 'ok', clock: 'ok' });
    expect(report.ok).toBe(true);
    expect(check(report, 'config').summary).toContain('/etc/acme/tessera.config.json');
    expect(check(report, 'keychain').summary).toMatch(/^Secrets are kept in the OS keychain \(service tessera-doctor-test\): unlocked, a test entry was stored, read back and deleted/);
    expect(check(report, 'data-folder').summary).toMatch(/is writable; [\d.]+ (MiB|GiB|TiB) free\.$/);
    expect(check(report, 'state').summary).toBe('No state yet: nothing is installed on this machine.');
    expect(check(report, 'clock').summary).toMatch(/^Within \d+ s of the licensing server's signed time/);
    for (const entry of report.checks) expect([entry.id, entry.fix, entry.code]).toEqual([entry.id, null, null]);
  });

  it('leaves nothing behind: no test entry in the keychain, no probe file, and never the test secret in the report', async () => {
    const written: string[] = [];
    const store = createMemoryStore('tessera-doctor-test');
    const recording: SecretStore = { ...bind(store), set: (account, secret) => (written.push(secret), store.set(account, secret)) };
    const dataFolder = tempFolder();
    const report = await doctor({ runtime: runtime({ secrets: recording }), dataFolder });
    expect(written).toHaveLength(1);
    expect(JSON.stringify(report)).not.toContain(written[0]);
    expect(await store.list()).toEqual({ ok: true, value: [] });
    expect(readdirSync(dataFolder)).toEqual([]);
  });
});

/** The store's methods bound to it, for spreading into a wrapper. */
function bind(store: SecretStore): SecretStore {
  return { service: store.service, set: store.set.bind(store), get: store.get.bind(store), delete: store.delete.bind(store), list: store.list.bind(store) };
}

describe('keychain', () => {
  it('a keychain that is not there fails KEYCHAIN_UNAVAILABLE with its next step', async () => {
    const broken = createMemoryStore('tessera-doctor-test');
    broken.simulateFailure('KEYCHAIN_UNAVAILABLE');
    const keychain = check(await doctor({ runtime: runtime({ secrets: broken }) }), 'keychain');
    expect(keychain).toMatchObject({ verdict: 'fail', code: 'KEYCHAIN_UNAVAILABLE' });
    expect(keychain.summary).toContain('(while storing a test entry)');
    expect(keychain.fix).toContain('TESSERA_SECRET_STORE=file');
  });

  it('a locked keychain that does not answer fails KEYCHAIN_TIMEOUT, bounded in time', async () => {
    const hanging: SecretStore = { ...bind(createMemoryStore('tessera-doctor-test')), set: () => new Promise<SecretResult<void>>(() => undefined) };
    const started = Date.now();
    const report = await doctor({ runtime: runtime({ secrets: hanging }), checkTimeoutMs: 300 });
    expect(check(report, 'keychain')).toMatchObject({ verdict: 'fail', code: 'KEYCHAIN_TIMEOUT', summary: 'Did not finish within 300 ms.' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(report.ok).toBe(false);
  });

  it('a keychain that reads back something else fails', async () => {
    const lying: SecretStore = { ...bind(createMemoryStore('tessera-doctor-test')), get: async () => ({ ok: true, value: 'other' }) };
    expect(check(await doctor({ runtime: runtime({ secrets: lying }) }), 'keychain')).toMatchObject({ verdict: 'fail', code: 'KEYCHAIN_UNAVAILABLE' });
  });

  it('in auto mode without a keychain, warns that secrets go to the file, without creating it', async () => {
    const folder = tempFolder();
    const filePath = join(folder, 'secrets', 'secrets.json');
    const missing = (service: string): MemoryStore => {
      const store = createMemoryStore(service);
      store.simulateFailure('KEYCHAIN_UNAVAILABLE');
      return store;
    };
    const keychain = check(await doctor({ runtime: runtime({ mode: 'auto', filePath }), keychain: missing }), 'keychain');
    expect(keychain).toMatchObject({ verdict: 'warn', code: 'KEYCHAIN_UNAVAILABLE' });
    expect(keychain.summary).toContain(filePath);
    expect(existsSync(filePath)).toBe(false);
  });

  it('a secrets file in use is a warning naming the file and the way to a keychain', async () => {
    const keychain = check(await doctor({ runtime: runtime({ mode: 'file', filePath: '/home/me/.local/share/tessera/secrets/secrets.json' }) }), 'keychain');
    expect(keychain).toMatchObject({ verdict: 'warn', code: null });
    expect(keychain.summary).toContain('/home/me/.local/share/tessera/secrets/secrets.json');
    expect(keychain.fix).toContain('TESSERA_SECRET_STORE=keychain');
  });
});

describe('data folder', () => {
  it('creates a missing data folder, as Tessera would, and says so', async () => {
    const dataFolder = join(tempFolder(), 'new', 'tessera');
    expect(check(await doctor({ dataFolder }), 'data-folder').summary).toMatch(/\(created now\) is writable/);
    expect(existsSync(dataFolder)).toBe(true);
  });

  it('a file where the folder should be is DATA_FOLDER_UNUSABLE (ENOTDIR), with the next step', async () => {
    const file = join(tempFolder(), 'not-a-folder');
    writeFileSync(file, 'x');
    const folder = check(await doctor({ dataFolder: join(file, 'tessera') }), 'data-folder');
    expect(folder).toMatchObject({ verdict: 'fail', code: 'DATA_FOLDER_UNUSABLE' });
    expect(folder.summary).toContain('ENOTDIR');
    expect(folder.fix).toContain('TESSERA_HOME');
  });

  // chmod does not stop root from writing, so the folder is made read-only the way the kernel
  // reports it (EROFS, test/faults/fs-faults.mjs), through the command line: this runs as any user.
  it('a read-only data folder is DATA_FOLDER_READ_ONLY, with the next step', async () => {
    const home = tempFolder();
    const run = await runCli(join(import.meta.dirname, '..', '..', 'bin', 'tessera.js'), ['doctor', '--json'], {
      env: { TESSERA_HOME: home, TESSERA_TEST_FS_FAULT: 'EROFS', TESSERA_TEST_FS_FAULT_UNDER: home },
      nodeArgs: ['--import', pathToFileURL(join(import.meta.dirname, '..', 'faults', 'fs-faults.mjs')).href],
    });
    expect(run.status).toBe(1);
    const folder = (run.json as DoctorReport).checks.find((entry) => entry.id === 'data-folder');
    expect(folder).toMatchObject({ verdict: 'fail', code: 'DATA_FOLDER_READ_ONLY' });
    expect(folder?.summary).toContain('EROFS');
    expect(folder?.fix).toMatch(/writable/);
  });
});

describe('license state', () => {
  function withState(text: string | null, aside: string[] = []): string {
    const dataFolder = tempFolder();
    mkdirSync(join(dataFolder, 'licensing'), { recursive: true });
    if (text !== null) writeFileSync(join(dataFolder, 'licensing', 'state.json'), text);
    for (const name of aside) writeFileSync(join(dataFolder, 'licensing', name), '{');
    return dataFolder;
  }

  it('reports the version and the number of licenses', async () => {
    const dataFolder = withState(JSON.stringify({ version: 1, licenses: [], watermark: 0 }));
    expect(check(await doctor({ dataFolder }), 'state')).toMatchObject({ verdict: 'ok', summary: `${join(dataFolder, 'licensing', 'state.json')}: version 1, 0 licenses installed.` });
  });

  it('a damaged state is STATE_UNREADABLE, and is left where it is', async () => {
    const dataFolder = withState('{"version":1,"licen');
    expect(check(await doctor({ dataFolder }), 'state')).toMatchObject({ verdict: 'fail', code: 'STATE_UNREADABLE' });
    expect(readFileSync(join(dataFolder, 'licensing', 'state.json'), 'utf8')).toBe('{"version":1,"licen');
  });

  it('a state written by a newer Tessera is STATE_TOO_NEW', async () => {
    const dataFolder = withState(JSON.stringify({ version: 99, licenses: [] }));
    const state = check(await doctor({ dataFolder }), 'state');
    expect(state).toMatchObject({ verdict: 'fail', code: 'STATE_TOO_NEW' });
    expect(state.summary).toContain('version 99');
  });

  it('damaged copies set aside are a warning that names them', async () => {
    const dataFolder = withState(null, ['state.json.corrupt-1700000000000', 'state.json.corrupt-1700000000001']);
    const state = check(await doctor({ dataFolder }), 'state');
    expect(state).toMatchObject({ verdict: 'warn', code: 'STATE_UNREADABLE' });
    expect(state.summary).toContain('2 damaged state files were set aside');
    expect(state.summary).toContain('state.json.corrupt-1700000000000');
  });

  it('a state.json that is a folder is DATA_FOLDER_UNUSABLE (EISDIR), not a crash', async () => {
    const dataFolder = withState(null);
    mkdirSync(join(dataFolder, 'licensing', 'state.json'));
    const state = check(await doctor({ dataFolder }), 'state');
    expect(state).toMatchObject({ verdict: 'fail', code: 'DATA_FOLDER_UNUSABLE' });
    expect(state.summary).toContain('EISDIR');
  });
});

describe('vendor configuration', () => {
  it('one that cannot be loaded fails with its code and detail; the local checks still run, the rest wait for it', async () => {
    const report = await runDoctor({
      runtime: null,
      configFailure: { code: 'CONFIG_INVALID', message: 'The vendor configuration file is not valid.', detail: '/etc/acme/tessera.config.json: apiUrl is required' },
      dataFolder: tempFolder(),
      env: {},
    });
    expect(check(report, 'config')).toMatchObject({ verdict: 'fail', code: 'CONFIG_INVALID' });
    expect(check(report, 'config').summary).toContain('apiUrl is required');
    expect(verdicts(report)).toMatchObject({ keychain: 'warn', 'data-folder': 'ok', state: 'ok', proxy: 'warn', dns: 'warn', clock: 'warn' });
    expect(report.ok).toBe(false);
  });
});

describe('clock', () => {
  it("a clock 2 minutes fast is a warning with both times; 10 minutes is RESPONSE_DATE_OUT_OF_WINDOW", async () => {
    const ahead = check(await doctor({ now: () => Date.now() + 2 * MINUTE }), 'clock');
    expect(ahead).toMatchObject({ verdict: 'warn', code: 'RESPONSE_DATE_OUT_OF_WINDOW' });
    expect(ahead.summary).toMatch(/^This computer's clock \(.+\) is (1 min 59 s|2 min( \d+ s)?) ahead of the licensing server \(.+\)\.$/);
    const far = check(await doctor({ now: () => Date.now() - 10 * MINUTE }), 'clock');
    expect(far).toMatchObject({ verdict: 'fail', code: 'RESPONSE_DATE_OUT_OF_WINDOW' });
    // The server's Date counts whole seconds, so the distance measured may be a second short.
    expect(far.summary).toMatch(/is (9 min 59 s|10 min( \d+ s)?) behind the licensing server/);
  });

  it('an answer that does not verify with the pinned key is not believed: RESPONSE_SIGNATURE_INVALID', async () => {
    const otherKey = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
    const pinnedElsewhere: DoctorRuntime = { ...runtime(), config: { ...t.issuer.config, publicKey: otherKey } };
    expect(check(await doctor({ runtime: pinnedElsewhere }), 'clock')).toMatchObject({ verdict: 'fail', code: 'RESPONSE_SIGNATURE_INVALID' });
  });

  it('something other than the licensing server answering is ISSUER_ANSWER_UNVERIFIABLE, naming what came back', async () => {
    const gateway = createHttpServer((_req, res) => res.writeHead(502, { 'Content-Type': 'text/html' }).end('<html>Bad Gateway</html>'));
    const port = await listen(gateway);
    const clock = check(await doctor({ runtime: runtime({ apiUrl: `http://127.0.0.1:${port}` }) }), 'clock');
    expect(clock).toMatchObject({ verdict: 'fail', code: 'ISSUER_ANSWER_UNVERIFIABLE' });
    expect(clock.summary).toContain('HTTP 502 from a gateway came back instead of a signed answer');
  });
});

describe('network', () => {
  it('an unreachable licensing server fails TCP with ISSUER_UNREACHABLE; TLS and the clock are left unchecked', async () => {
    const closed = createTcpServer();
    const port = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    servers.splice(servers.indexOf(closed), 1);
    const report = await doctor({ runtime: runtime({ apiUrl: `http://127.0.0.1:${port}` }) });
    expect(check(report, 'tcp')).toMatchObject({ verdict: 'fail', code: 'ISSUER_UNREACHABLE' });
    expect(check(report, 'tcp').summary).toContain('ECONNREFUSED');
    expect(verdicts(report)).toMatchObject({ dns: 'ok', tls: 'warn', clock: 'warn' });
    expect(check(report, 'clock').summary).toBe('Not checked: the TCP check failed.');
    expect(report.ok).toBe(false);
  });

  it('a name that does not resolve fails DNS', async () => {
    const report = await doctor({ runtime: runtime({ apiUrl: 'https://licensing.invalid' }) });
    expect(check(report, 'dns')).toMatchObject({ verdict: 'fail', code: 'ISSUER_UNREACHABLE' });
    expect(check(report, 'dns').summary).toContain('licensing.invalid could not be resolved');
  });

  it('shows the proxy in use with its password hidden, and fails on an unusable one', async () => {
    const env = { HTTPS_PROXY: 'http://alice:s3cr3t-pa55@127.0.0.1:9', NO_PROXY: 'internal.example' };
    const report = await doctor({ runtime: runtime({ apiUrl: 'https://licensing.invalid' }), env });
    expect(check(report, 'proxy')).toMatchObject({ verdict: 'ok', summary: 'Through http://alice:•••@127.0.0.1:9 (from HTTPS_PROXY).' });
    expect(JSON.stringify(report)).not.toContain('s3cr3t-pa55');
    // The local issuer is plain HTTP on this machine: HTTP_PROXY is the variable for it, and loopback is never proxied.
    const bypassed = await doctor({ env: { HTTP_PROXY: env.HTTPS_PROXY } });
    expect(check(bypassed, 'proxy').summary).toBe('HTTP_PROXY=http://alice:•••@127.0.0.1:9 is set, but 127.0.0.1 is reached directly: this machine is never reached through a proxy.');
    expect(check(await doctor({ env }), 'proxy').summary).toMatch(/^None: Tessera connects to 127\.0\.0\.1:\d+ directly\.$/);
    const invalid = await doctor({ runtime: runtime({ apiUrl: 'https://licensing.invalid' }), env: { HTTPS_PROXY: 'socks5://proxy:1080' } });
    expect(check(invalid, 'proxy')).toMatchObject({ verdict: 'fail', code: 'ISSUER_UNREACHABLE' });
    expect(verdicts(invalid)).toMatchObject({ dns: 'warn', tcp: 'warn', tls: 'warn', clock: 'warn' });
  });
});

const tls = opensslAvailable();
describe.skipIf(!tls)('TLS (certificates made by openssl)', () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = makeTestPki();
  });
  afterAll(() => pki.remove());

  it('TLS interception: a self-signed server fails TLS_CERTIFICATE_UNTRUSTED, naming its issuer', async () => {
    const server = createHttpsServer({ cert: pki.selfSigned.cert, key: pki.selfSigned.key }, (_req, res) => res.end());
    server.on('tlsClientError', () => undefined);
    const port = await listen(server);
    const report = await doctor({ runtime: runtime({ apiUrl: `https://127.0.0.1:${port}` }), ca: [pki.root.cert] });
    const result = check(report, 'tls');
    expect(result).toMatchObject({ verdict: 'fail', code: 'TLS_CERTIFICATE_UNTRUSTED' });
    expect(result.summary).toContain('issued by "CN=127.0.0.1, O=Self Signed"');
    expect(result.fix).toContain('NODE_EXTRA_CA_CERTS');
    expect(check(report, 'clock').verdict).toBe('warn');
  });

  it('a trusted certificate passes, showing its subject and issuer', async () => {
    const server = createHttpsServer({ cert: pki.valid.cert, key: pki.valid.key }, (_req, res) => res.end());
    const port = await listen(server);
    const report = await doctor({ runtime: runtime({ apiUrl: `https://127.0.0.1:${port}` }), ca: [pki.root.cert] });
    expect(check(report, 'tls')).toMatchObject({ verdict: 'ok' });
    expect(check(report, 'tls').summary).toMatch(/^TLSv1\.[23] with 127\.0\.0\.1; the certificate has subject "CN=valid\.tessera\.test, O=Tessera tests", issued by "CN=Tessera Test Root, O=Tessera tests"/);
  });

  it('through an HTTPS_PROXY tunnel, the certificate behind the proxy is the one judged', async () => {
    const server = createHttpsServer({ cert: pki.intercepted.cert, key: pki.intercepted.key }, (_req, res) => res.end());
    server.on('tlsClientError', () => undefined);
    const port = await listen(server);
    const proxy = tunnelProxy(() => port);
    const proxyPort = await listen(proxy);
    const report = await doctor({ runtime: runtime({ apiUrl: 'https://licensing.tessera.test' }), env: { HTTPS_PROXY: `http://127.0.0.1:${proxyPort}` }, ca: [pki.root.cert] });
    expect(verdicts(report)).toMatchObject({ proxy: 'ok', dns: 'ok', tcp: 'ok', tls: 'fail' });
    expect(check(report, 'tls')).toMatchObject({ code: 'TLS_CERTIFICATE_UNTRUSTED' });
    expect(check(report, 'tls').summary).toContain('issued by "CN=Corporate TLS Inspection, O=Example Corp Proxy"');
  });
});
