/**
 * Air-gapped machines end to end, as people run them: `node bin/tessera.js` processes in two
 * data folders, one connected to the local issuer over real sockets, one air-gapped. The
 * air-gapped one runs with no network at all: inside a network namespace without interfaces
 * when this machine allows one (`unshare --net`), and in any case with its licensing URL
 * unroutable and every proxy pointing at a recorder that fails the test if anything reaches it.
 *
 * request → fulfil → import → licensed offline; a second fulfilment takes no second seat;
 * another machine's response on the same stick is reported as such; offline deactivation →
 * receipt → fulfil → the seat is free on the server; applied twice → already deactivated;
 * forged, unknown-machine and wrong-key receipts refused with their codes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MACHINE_KEY_METADATA } from '../../src/airgap/machine-key.js';
import { startTestIssuer, type TestIssuer } from '../issuer/support.js';
import { otherMachine, receiptFrom, requestFrom } from '../airgap/support.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tessera.js');
/** Whether processes can be put in a network namespace of their own (root, or unprivileged user namespaces). */
const NAMESPACE = spawnSync('unshare', ['--net', 'true']).status === 0 ? ['unshare', '--net'] : spawnSync('unshare', ['--user', '--net', 'true']).status === 0 ? ['unshare', '--user', '--net'] : null;

let t: TestIssuer;
let root: string;
let stick: string;
let proxy: Server;
const proxyHits: string[] = [];
const connectedConfig = (): string => join(root, 'connected.json');
const airGappedConfig = (): string => join(root, 'air-gapped.json');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- reports are checked field by field
}

async function tessera(side: 'connected' | 'air-gapped', args: readonly string[], options: { stdin?: string } = {}): Promise<Run> {
  const home = join(root, side);
  const config = side === 'connected' ? connectedConfig() : airGappedConfig();
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const env: Record<string, string | undefined> = {
    ...process.env,
    TESSERA_HOME: home,
    TESSERA_SECRET_STORE: 'file',
    TESSERA_LICENSE_KEY: undefined,
    TESSERA_ADMIN_TOKEN: undefined,
    ...(side === 'air-gapped' ? { HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, http_proxy: proxyUrl, https_proxy: proxyUrl, NO_PROXY: '', no_proxy: '' } : {}),
  };
  const argv = [BIN, ...args, '--config', config];
  const [command, ...prefix] = side === 'air-gapped' && NAMESPACE !== null ? [...NAMESPACE, process.execPath] : [process.execPath];
  const child = spawn(command as string, [...prefix, ...argv], { stdio: ['pipe', 'pipe', 'pipe'], env, cwd: root });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.end(options.stdin ?? '');
  const [status] = (await once(child, 'close')) as [number | null];
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    json = undefined;
  }
  return { status, stdout, stderr, json };
}

function demo(policy: string): { id: string; key: string } {
  const found = t.issuer.licenses.find((license) => license.policy === policy);
  if (found === undefined) throw new Error(`no demo license ${policy}`);
  return found;
}

async function machinesOf(licenseId: string): Promise<{ id: string; fingerprint: string; metadata: Record<string, unknown> }[]> {
  const listed = await t.admin('GET', `/licenses/${licenseId}/machines?page[size]=100&page[number]=1`);
  return (listed.json.data as { id: string; attributes: { fingerprint: string; metadata: Record<string, unknown> } }[]).map((machine) => ({
    id: machine.id,
    fingerprint: machine.attributes.fingerprint,
    metadata: machine.attributes.metadata,
  }));
}

const onStick = (suffix: string): string[] => readdirSync(stick).filter((name) => name.endsWith(suffix));

describe('air-gapped machines, end to end (two data folders, the air-gapped one without a network)', () => {
  const floating = (): { id: string; key: string } => demo('Floating (3 seats)');
  let fingerprint = '';

  beforeAll(async () => {
    t = await startTestIssuer({ seed: 'demo' });
    root = mkdtempSync(join(tmpdir(), 'tessera-airgap-e2e-'));
    stick = join(root, 'stick');
    for (const folder of ['connected', 'air-gapped', 'stick']) mkdirSync(join(root, folder));
    writeFileSync(connectedConfig(), JSON.stringify(t.issuer.config));
    // Unroutable: `.invalid` never resolves (RFC 6761 §6.4); and the proxies below catch any attempt.
    writeFileSync(airGappedConfig(), JSON.stringify({ ...t.issuer.config, apiUrl: 'https://licensing.invalid' }));
    proxy = createServer((request, response) => {
      proxyHits.push(`${request.method ?? ''} ${request.url ?? ''}`);
      response.writeHead(502).end();
    });
    proxy.on('connect', (request, socket) => {
      proxyHits.push(`CONNECT ${request.url ?? ''}`);
      socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    });
    proxy.listen(0, '127.0.0.1');
    await once(proxy, 'listening');
  });

  afterAll(async () => {
    await t?.close();
    proxy?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('request on the air-gapped machine: a signed file named after the machine, without any key', async () => {
    const made = await tessera('air-gapped', ['request', '--out', stick, '--json']);
    expect(made.status, `${made.stderr}\n${made.stdout}`).toBe(0);
    expect(made.json).toMatchObject({ ok: true });
    fingerprint = made.json.fingerprint;
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(made.json.file).toContain(stick);
    const request = JSON.parse(readFileSync(made.json.file, 'utf8'));
    expect(request).toMatchObject({ format: 'tessera.activation-request', version: 1, account: t.issuer.config.account, product: t.issuer.config.product, machine: { fingerprint } });
    expect(request.licenseKey).toBeUndefined();
    expect(JSON.stringify(request)).not.toContain(floating().key);
  });

  it('fulfil on the connected machine: the fingerprint is activated with its machine key, and a second run takes no second seat', async () => {
    const fulfilled = await tessera('connected', ['fulfil', stick, '--license-key', '-', '--json'], { stdin: floating().key });
    expect(fulfilled.status, fulfilled.stderr).toBe(0);
    expect(fulfilled.json.ok).toBe(true);
    expect(fulfilled.json.results).toHaveLength(1);
    const [result] = fulfilled.json.results;
    expect(Object.keys(result).sort()).toEqual(['file', 'kind', 'machine', 'ok', 'output']);
    expect(result).toMatchObject({ kind: 'activation', ok: true });
    expect(onStick('.activation-response.json')).toHaveLength(1);
    const seats = await machinesOf(floating().id);
    expect(seats).toHaveLength(1);
    expect(seats[0]).toMatchObject({ id: result.machine, fingerprint });
    expect(seats[0]?.metadata[MACHINE_KEY_METADATA]).toMatch(/^ed25519:[0-9a-f]{64}$/);

    const again = await tessera('connected', ['fulfil', stick, '--license-key', '-', '--json'], { stdin: floating().key });
    expect(again.status, again.stderr).toBe(0);
    expect(again.json.results[0].machine).toBe(result.machine);
    expect(await machinesOf(floating().id)).toHaveLength(1);
  });

  it("import on the air-gapped machine: its own response is installed, another machine's is reported as such; licensed offline", async () => {
    // A second machine of the fleet, fulfilled onto the same stick.
    const other = otherMachine('other-node');
    const request = await requestFrom(other, t.issuer.config);
    writeFileSync(join(stick, request.name), request.text);
    const fulfilled = await tessera('connected', ['fulfil', stick, '--json'], { stdin: '' });
    // Without credentials, requests that carry no key are refused, each with its code.
    expect(fulfilled.status).toBe(1);
    expect(fulfilled.json.results.every((entry: { code?: string }) => entry.code === 'FULFIL_CREDENTIALS_REQUIRED')).toBe(true);
    expect((await tessera('connected', ['fulfil', stick, '--license-key', '-', '--json'], { stdin: floating().key })).status).toBe(0);
    expect(onStick('.activation-response.json')).toHaveLength(2);

    const noKey = await tessera('air-gapped', ['import', stick, '--json']);
    expect(noKey.status).toBe(1);
    expect(noKey.json.results.map((entry: { code: string }) => entry.code).sort()).toEqual(['FINGERPRINT_MISMATCH', 'LICENSE_KEY_REQUIRED']);

    const imported = await tessera('air-gapped', ['import', stick, '--license-key', '-', '--json'], { stdin: floating().key });
    expect(imported.status, imported.stderr).toBe(0);
    const byFile = Object.fromEntries(imported.json.results.map((entry: { file: string }) => [entry.file.includes('other-node') ? 'other' : 'own', entry]));
    expect(byFile.own).toMatchObject({ kind: 'response', ok: true, licenseId: floating().id });
    expect(byFile.other).toMatchObject({ kind: 'response', ok: false, code: 'FINGERPRINT_MISMATCH' });

    const status = await tessera('air-gapped', ['status', '--offline', '--json']);
    expect(status.status, status.stderr).toBe(0);
    expect(status.json).toMatchObject({ licensed: true, code: 'VALID', source: 'offline' });
    expect(status.json.license.machine.fingerprint).toBe(fingerprint);
  });

  it('receipts that are forged, for an unknown machine, or signed by another key are refused with their codes', async () => {
    const [own] = (await machinesOf(floating().id)).filter((machine) => machine.fingerprint === fingerprint);
    const stranger = otherMachine('stranger');
    // A genuine-looking receipt for this machine, signed by a key that is not the one registered.
    const wrongKey = receiptFrom({ ...stranger, fingerprint, hostname: 'impostor' }, t.issuer.config, floating().id, own?.id as string);
    // One for a machine the server never had.
    const unknown = receiptFrom(stranger, t.issuer.config, floating().id, '00000000-0000-4000-8000-000000000000');
    // And one altered after signing.
    const forged = JSON.stringify({ ...wrongKey.document, machine: { ...wrongKey.document.machine, hostname: 'altered' } });
    const folder = join(root, 'bad-receipts');
    mkdirSync(folder);
    writeFileSync(join(folder, 'wrong-key.deactivation-receipt.json'), wrongKey.text);
    writeFileSync(join(folder, 'unknown.deactivation-receipt.json'), unknown.text);
    writeFileSync(join(folder, 'forged.deactivation-receipt.json'), forged);
    const refused = await tessera('connected', ['fulfil', folder, '--license-key', '-', '--json'], { stdin: floating().key });
    expect(refused.status).toBe(1);
    const codes = Object.fromEntries(refused.json.results.map((entry: { file: string; code: string; kind: string }) => [entry.file.split('/').pop(), `${entry.kind}:${entry.code}`]));
    expect(codes).toEqual({
      'forged.deactivation-receipt.json': 'deactivation:AIRGAP_FILE_NOT_GENUINE',
      'unknown.deactivation-receipt.json': 'deactivation:AIRGAP_MACHINE_UNKNOWN',
      'wrong-key.deactivation-receipt.json': 'deactivation:AIRGAP_MACHINE_KEY_MISMATCH',
    });
    expect((await machinesOf(floating().id)).map((machine) => machine.fingerprint)).toContain(fingerprint);
  });

  it('offline deactivation → receipt → fulfil: the seat is free on the server; applied twice it is "already deactivated"', async () => {
    const done = await tessera('air-gapped', ['deactivate', '--offline', '--yes', '--out', stick, '--json']);
    expect(done.status, done.stderr).toBe(0);
    expect(done.json).toMatchObject({ ok: true, licenseId: floating().id });
    expect(done.json.receipt).toContain(stick);
    expect((await tessera('air-gapped', ['status', '--offline', '--json'])).json).toMatchObject({ licensed: false, code: 'NOT_ACTIVATED' });
    // The seat is still taken until the receipt reaches a connected machine.
    expect((await machinesOf(floating().id)).map((machine) => machine.fingerprint)).toContain(fingerprint);

    const receipt = join(root, 'receipt.deactivation-receipt.json');
    copyFileSync(done.json.receipt, receipt);
    const applied = await tessera('connected', ['fulfil', receipt, '--license-key', '-', '--json'], { stdin: floating().key });
    expect(applied.status, applied.stderr).toBe(0);
    expect(applied.json.results[0]).toMatchObject({ kind: 'deactivation', ok: true, machine: done.json.machineId });
    expect(applied.json.results[0].code).toBeUndefined();
    expect((await machinesOf(floating().id)).map((machine) => machine.fingerprint)).not.toContain(fingerprint);

    const twice = await tessera('connected', ['fulfil', receipt, '--license-key', '-', '--json'], { stdin: floating().key });
    expect(twice.status, twice.stderr).toBe(0);
    expect(twice.json.results[0]).toMatchObject({ kind: 'deactivation', ok: true, code: 'MACHINE_ALREADY_DEACTIVATED' });
  });

  it('the air-gapped machine never opened a connection', () => {
    expect(proxyHits).toEqual([]);
    if (NAMESPACE === null) console.warn('unshare is not available: the air-gapped side ran with an unroutable licensing URL and a recording proxy only');
  });
});
