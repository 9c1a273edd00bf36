/**
 * The local agent over real sockets, against a fake license manager that records its calls and
 * returns canned answers: every endpoint of the DESIGN table with its status codes and shapes,
 * the common headers, signed answers and signed requests, and the token store (creation,
 * reuse, repair, extra tokens).
 */
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FAILURE_CODES, type FailureCode, type Result } from '../../src/contract/codes.js';
import { FAILURES } from '../../src/contract/failures.js';
import { fail, messageFor, MESSAGES } from '../../src/contract/messages.js';
import type { InstalledLicense, LicenseManager, Paged, StatusReport } from '../../src/licensing/manager.types.js';
import { AgentStartError, DEFAULT_AGENT_PORT, startAgent, type AgentOptions, type RunningAgent } from '../../src/agent/server.js';
import { AGENT_TOKEN_ACCOUNT, createAgentTokenStore, issuedTokenAccount, type AgentTokenStore } from '../../src/agent/token.js';
import { createAgentClient } from '../../src/agent/agent-client.js';
import { hmacAuthorization, signResponse } from '../../src/agent/signature.js';
import { createMemoryStore, type MemoryStore } from '../../src/vault/memory.store.js';

const KEY = 'C1B6DE-39A6E3-DE1529-8559A0-4AF593-V3';
const FINGERPRINT = '4f1c7e0b9a2d3c5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6';
const LICENSE_ID = '9b0c3f4e-2a1d-4c5b-8e7f-6a5b4c3d2e1f';
const OTHER_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const CERTIFICATE = '-----BEGIN LICENSE FILE-----\neyJlbmMiOiJ4In0=\n-----END LICENSE FILE-----\n';

const LICENSED: StatusReport = {
  licensed: true,
  code: 'VALID',
  message: 'The license is valid.',
  summary: 'The license is valid.',
  source: 'offline',
  license: {
    id: LICENSE_ID,
    name: 'Acme Studio Pro',
    keyHint: 'C1B6DE…V3',
    status: 'ACTIVE',
    expiry: '2031-01-01T00:00:00.000Z',
    policy: { id: 'policy-1', name: 'Node-locked' },
    product: { id: 'product-1', name: 'Acme Studio' },
    entitlements: ['EXPORT_PDF'],
    machine: { id: 'machine-1', name: 'build-box', fingerprint: FINGERPRINT },
  },
  fileExpiry: '2030-02-01T00:00:00.000Z',
  lastCheckIn: null,
  nextCheckIn: null,
  basis: null,
  warnings: [],
};
const NOT_LICENSED: StatusReport = {
  ...LICENSED,
  licensed: false,
  code: 'NOT_ACTIVATED',
  message: messageFor('NOT_ACTIVATED').message,
  summary: messageFor('NOT_ACTIVATED').message,
  license: null,
  fileExpiry: null,
};
const EXPIRED: StatusReport = { ...LICENSED, licensed: false, code: 'LICENSE_FILE_EXPIRED', message: messageFor('LICENSE_FILE_EXPIRED').message };

const installedLicense = (id: string, changes: Partial<InstalledLicense> = {}): InstalledLicense => ({
  id,
  kind: 'license',
  source: 'import',
  label: null,
  pinned: false,
  active: true,
  licensed: true,
  code: 'VALID',
  license: LICENSED.license,
  fileExpiry: null,
  installedAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:00.000Z',
  ...changes,
});

const ok = <T>(value: T): Result<T> => ({ ok: true, value });

/** A license manager that records every call and answers what the test set. */
class FakeManager implements LicenseManager {
  readonly calls: { readonly method: string; readonly args: readonly unknown[] }[] = [];
  report: StatusReport = LICENSED;
  activateResult: Result<StatusReport> = ok(LICENSED);
  importResult: Result<InstalledLicense> = ok(installedLicense(LICENSE_ID));
  renewResult: Result<StatusReport> = ok(LICENSED);
  deactivateResult: Result<{ licenseId: string; machineId: string }> = ok({ licenseId: LICENSE_ID, machineId: 'machine-1' });
  page: Paged<InstalledLicense> = { data: [installedLicense(LICENSE_ID)], next: null };
  known = new Set([LICENSE_ID]);
  throwOn: string | null = null;

  #record(method: string, args: readonly unknown[]): void {
    this.calls.push({ method, args });
    if (this.throwOn === method) throw new Error(`manager bug while handling ${KEY}`);
  }
  names(): string[] {
    return this.calls.map((call) => call.method);
  }
  async activate(licenseKey: string) {
    this.#record('activate', [licenseKey]);
    return this.activateResult;
  }
  async status(...args: [options?: { online?: boolean }]) {
    this.#record('status', args);
    return this.report;
  }
  async checkIn(): Promise<Result<StatusReport>> {
    throw new Error('not exposed by the agent');
  }
  async renew() {
    this.#record('renew', []);
    return this.renewResult;
  }
  async deactivate() {
    this.#record('deactivate', []);
    return this.deactivateResult;
  }
  async heartbeat(): Promise<Result<{ sent: boolean }>> {
    throw new Error('not exposed by the agent');
  }
  async importFile(...args: [certificate: string, options?: { licenseKey?: string }]) {
    this.#record('importFile', args);
    return this.importResult;
  }
  async installed(...args: [page?: { after?: string; limit?: number }]) {
    this.#record('installed', args);
    return ok(this.page);
  }
  async dismissNotices() {
    this.#record('dismissNotices', []);
    return ok(undefined);
  }
  async get(id: string) {
    this.#record('get', [id]);
    return this.known.has(id) ? ok(installedLicense(id)) : fail('LICENSE_NOT_INSTALLED');
  }
  async update(id: string, changes: { label?: string | null; pinned?: boolean }) {
    this.#record('update', [id, changes]);
    return this.known.has(id) ? ok(installedLicense(id, { label: changes.label ?? null, pinned: changes.pinned ?? false })) : fail('LICENSE_NOT_INSTALLED');
  }
  async remove(id: string): Promise<Result<void>> {
    this.#record('remove', [id]);
    return this.known.has(id) ? ok(undefined) : fail('LICENSE_NOT_INSTALLED');
  }
  async seats(): Promise<never> {
    throw new Error('not exposed by the agent');
  }
  async deactivateSeats(): Promise<never> {
    throw new Error('not exposed by the agent');
  }
  async seatAccess(): Promise<never> {
    throw new Error('not exposed by the agent');
  }
  async seatsDeactivated(): Promise<never> {
    throw new Error('not exposed by the agent');
  }
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  readonly json: unknown;
}

interface CallOptions {
  readonly token?: string | null;
  /** An object is sent as JSON; a string as is. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** One request over a fresh connection (node:http, so that any header can be set). */
function call(agent: RunningAgent, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let payload: string | undefined;
  if (options.body !== undefined) {
    payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['Content-Type'] ??= 'application/json';
    // Node sends a DELETE body neither chunked nor with a length unless told.
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: agent.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text === '' ? undefined : (JSON.parse(text) as unknown);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'tessera-agent-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

interface Harness {
  readonly agent: RunningAgent;
  readonly manager: FakeManager;
  readonly tokens: AgentTokenStore;
  readonly secrets: MemoryStore;
  readonly token: string;
  readonly logged: string[];
  readonly fingerprintCalls: { count: number };
  send(method: string, path: string, options?: CallOptions): Promise<Answer>;
}

async function start(overrides: Partial<AgentOptions> = {}): Promise<Harness> {
  const manager = new FakeManager();
  const secrets = createMemoryStore();
  const tokens = createAgentTokenStore({ secrets, dataFolder: tempFolder() });
  const logged: string[] = [];
  const fingerprintCalls = { count: 0 };
  const agent = await startAgent({
    manager,
    tokenStore: tokens,
    port: 0,
    machineFingerprint: async () => {
      fingerprintCalls.count += 1;
      return FINGERPRINT;
    },
    log: (line) => logged.push(line),
    ...overrides,
  });
  cleanups.push(() => agent.close());
  const token = readFileSync(tokens.tokenFile, 'utf8').trim();
  return {
    agent,
    manager,
    tokens,
    secrets,
    token,
    logged,
    fingerprintCalls,
    send: (method, path, options = {}) => call(agent, method, path, { token, ...options }),
  };
}

const failure = (code: FailureCode) => ({ code, message: messageFor(code).message });

describe('startAgent', () => {
  it('listens on 127.0.0.1 and answers JSON that is never cached', async () => {
    const h = await start();
    expect(h.agent.url).toBe(`http://127.0.0.1:${h.agent.port}`);
    const answer = await h.send('GET', '/v1/license/check');
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses any host but 127.0.0.1, before creating a token', async () => {
    const secrets = createMemoryStore();
    const tokens = createAgentTokenStore({ secrets, dataFolder: tempFolder() });
    const base = { manager: new FakeManager(), tokenStore: tokens, port: 0, machineFingerprint: async () => FINGERPRINT };
    for (const host of ['0.0.0.0', 'localhost', '::', '::1', '192.168.1.10']) {
      await expect(startAgent({ ...base, host })).rejects.toThrow(RangeError);
    }
    expect(await secrets.list()).toEqual({ ok: true, value: [] });
  });

  it('defaults to port 7369 in production', () => {
    expect(DEFAULT_AGENT_PORT).toBe(7369);
  });

  it('does not start when the keychain is unavailable', async () => {
    const secrets = createMemoryStore();
    secrets.simulateFailure('KEYCHAIN_UNAVAILABLE');
    const tokens = createAgentTokenStore({ secrets, dataFolder: tempFolder() });
    const started = startAgent({ manager: new FakeManager(), tokenStore: tokens, port: 0, machineFingerprint: async () => FINGERPRINT });
    await expect(started).rejects.toBeInstanceOf(AgentStartError);
    await expect(started).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
  });

  it('close is idempotent and stops answering', async () => {
    const h = await start();
    await h.agent.close();
    await h.agent.close();
    await expect(h.send('GET', '/v1/license/check')).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('GET /v1/license/check', () => {
  it('answers true when licensed, decided offline', async () => {
    const h = await start();
    const answer = await h.send('GET', '/v1/license/check');
    expect([answer.status, answer.text]).toEqual([200, 'true']);
    expect(h.manager.calls).toEqual([{ method: 'status', args: [{ online: false }] }]);
  });

  it('answers false when not licensed', async () => {
    const h = await start();
    h.manager.report = EXPIRED;
    const answer = await h.send('GET', '/v1/license/check');
    expect([answer.status, answer.text]).toEqual([200, 'false']);
  });
});

describe('GET /v1/license', () => {
  it('answers the status report of the active license', async () => {
    const h = await start();
    const answer = await h.send('GET', '/v1/license');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(LICENSED);
    expect(h.manager.calls).toEqual([{ method: 'status', args: [] }]);
  });

  it('passes ?online=true|false to the manager', async () => {
    const h = await start();
    await h.send('GET', '/v1/license?online=true');
    await h.send('GET', '/v1/license?online=false');
    expect(h.manager.calls.map((c) => c.args)).toEqual([[{ online: true }], [{ online: false }]]);
  });

  it('answers a report that is not valid with 200: the license exists', async () => {
    const h = await start();
    h.manager.report = EXPIRED;
    const answer = await h.send('GET', '/v1/license');
    expect([answer.status, (answer.json as StatusReport).code]).toEqual([200, 'LICENSE_FILE_EXPIRED']);
  });

  it('answers 404 with a JSON error when nothing is activated', async () => {
    const h = await start();
    h.manager.report = NOT_LICENSED;
    const answer = await h.send('GET', '/v1/license');
    expect([answer.status, answer.json]).toEqual([404, failure('NOT_ACTIVATED')]);
  });

  it('refuses unknown or repeated query parameters with 400', async () => {
    const h = await start();
    for (const path of ['/v1/license?verbose=1', '/v1/license?online=yes', '/v1/license?online=true&online=false']) {
      const answer = await h.send('GET', path);
      expect([path, answer.status, (answer.json as { code: string }).code]).toEqual([path, 400, 'INVALID_REQUEST']);
    }
    expect(h.manager.calls).toEqual([]);
  });
});

describe('PUT /v1/license', () => {
  it('activates online with a license key: 201 with the report', async () => {
    const h = await start();
    const answer = await h.send('PUT', '/v1/license', { body: { licenseKey: `  ${KEY}\n` } });
    expect([answer.status, answer.json]).toEqual([201, LICENSED]);
    expect(h.manager.calls).toEqual([{ method: 'activate', args: [KEY] }]);
  });

  it('imports a certificate with its key: 201 with the installed license', async () => {
    const h = await start();
    const answer = await h.send('PUT', '/v1/license', { body: { certificate: CERTIFICATE, licenseKey: KEY } });
    expect([answer.status, answer.json]).toEqual([201, installedLicense(LICENSE_ID)]);
    expect(h.manager.calls).toEqual([{ method: 'importFile', args: [CERTIFICATE, { licenseKey: KEY }] }]);
  });

  it('imports an unencrypted certificate without a key', async () => {
    const h = await start();
    expect((await h.send('PUT', '/v1/license', { body: { certificate: CERTIFICATE } })).status).toBe(201);
    expect(h.manager.calls).toEqual([{ method: 'importFile', args: [CERTIFICATE] }]);
  });

  it('answers 400 with the code when the key is refused or the file is not genuine', async () => {
    const h = await start();
    h.manager.activateResult = fail('LICENSE_INVALID');
    h.manager.importResult = fail('LICENSE_FILE_NOT_GENUINE');
    const refused = await h.send('PUT', '/v1/license', { body: { licenseKey: KEY } });
    expect([refused.status, refused.json]).toEqual([400, failure('LICENSE_INVALID')]);
    const forged = await h.send('PUT', '/v1/license', { body: { certificate: CERTIFICATE } });
    expect([forged.status, forged.json]).toEqual([400, failure('LICENSE_FILE_NOT_GENUINE')]);
  });

  it('maps an unreachable licensing server to 503', async () => {
    const h = await start();
    h.manager.activateResult = fail('ISSUER_UNREACHABLE');
    const answer = await h.send('PUT', '/v1/license', { body: { licenseKey: KEY } });
    expect([answer.status, answer.json]).toEqual([503, failure('ISSUER_UNREACHABLE')]);
  });

  it('refuses malformed bodies with 400 and never echoes the key', async () => {
    const h = await start();
    const bodies: unknown[] = [
      undefined,
      {},
      { licenseKey: 42 },
      { licenseKey: '' },
      { licenseKey: 'with space inside' },
      { licenseKey: KEY, extra: true },
      { certificate: 'not armored', licenseKey: KEY },
      [KEY],
      '{"licenseKey":',
    ];
    for (const body of bodies) {
      const answer = await h.send('PUT', '/v1/license', { body });
      expect([JSON.stringify(body), answer.status, (answer.json as { code: string }).code]).toEqual([JSON.stringify(body), 400, 'INVALID_REQUEST']);
      expect(answer.text).not.toContain(KEY);
    }
    expect(h.manager.calls).toEqual([]);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const h = await start();
    const answer = await h.send('PUT', '/v1/license', { body: `licenseKey=${KEY}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect([answer.status, (answer.json as { code: string }).code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect(h.manager.calls).toEqual([]);
  });
});

describe('POST /v1/license/renew', () => {
  it('answers 200 with the fresh report, with an empty body or {}', async () => {
    const h = await start();
    expect((await h.send('POST', '/v1/license/renew')).json).toEqual(LICENSED);
    const answer = await h.send('POST', '/v1/license/renew', { body: {} });
    expect([answer.status, answer.json]).toEqual([200, LICENSED]);
    expect(h.manager.names()).toEqual(['renew', 'renew']);
  });

  it('answers failures with their code: 503 unreachable, 404 not activated, 400 refused', async () => {
    const h = await start();
    const cases: [FailureCode, number][] = [
      ['ISSUER_UNREACHABLE', 503],
      ['NOT_ACTIVATED', 404],
      ['LICENSE_SUSPENDED', 400],
      ['RESPONSE_SIGNATURE_INVALID', 502],
      ['ISSUER_ERROR', 502],
      ['ISSUER_ANSWER_UNVERIFIABLE', 502],
      ['TLS_CERTIFICATE_UNTRUSTED', 502],
      ['KEYCHAIN_LOCKED', 503],
      ['STATE_BUSY', 503],
      ['DISK_FULL', 500],
      ['SECRET_FILE_UNUSABLE', 500],
    ];
    for (const [code, status] of cases) {
      h.manager.renewResult = fail(code);
      const answer = await h.send('POST', '/v1/license/renew');
      expect([answer.status, answer.json]).toEqual([status, failure(code)]);
    }
  });

  it('answers every failure code with the status of the failure table', async () => {
    const h = await start();
    const mismatches: string[] = [];
    for (const code of FAILURE_CODES) {
      h.manager.renewResult = fail(code);
      const answer = await h.send('POST', '/v1/license/renew');
      if (answer.status !== FAILURES[code].status || (answer.json as { code: string }).code !== code) mismatches.push(`${code}: ${answer.status}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('refuses a body with fields', async () => {
    const h = await start();
    expect((await h.send('POST', '/v1/license/renew', { body: { force: true } })).status).toBe(400);
    expect(h.manager.calls).toEqual([]);
  });
});

describe('DELETE /v1/license', () => {
  it('deactivates when the body names this machine: 202', async () => {
    const h = await start();
    const answer = await h.send('DELETE', '/v1/license', { body: { machine: FINGERPRINT } });
    expect([answer.status, answer.json]).toEqual([202, { licenseId: LICENSE_ID, machineId: 'machine-1' }]);
    expect(h.manager.names()).toEqual(['deactivate']);
  });

  it('accepts the confirmation in the query', async () => {
    const h = await start();
    expect((await h.send('DELETE', `/v1/license?machine=${FINGERPRINT}`)).status).toBe(202);
    expect(h.manager.names()).toEqual(['deactivate']);
  });

  it('answers 422 and deactivates nothing when the machine does not match', async () => {
    const h = await start();
    const other = 'f'.repeat(64);
    const answer = await h.send('DELETE', '/v1/license', { body: { machine: other } });
    expect([answer.status, (answer.json as { code: string }).code]).toEqual([422, 'MACHINE_MISMATCH']);
    expect((await h.send('DELETE', `/v1/license?machine=${other}`)).status).toBe(422);
    expect(h.manager.calls).toEqual([]);
  });

  it('answers 400 without a confirmation, or with two that disagree', async () => {
    const h = await start();
    expect((await h.send('DELETE', '/v1/license')).status).toBe(400);
    expect((await h.send('DELETE', '/v1/license', { body: { instance: FINGERPRINT } })).status).toBe(400);
    expect((await h.send('DELETE', `/v1/license?machine=${'f'.repeat(64)}`, { body: { machine: FINGERPRINT } })).status).toBe(400);
    expect(h.manager.calls).toEqual([]);
    expect(h.fingerprintCalls.count).toBe(0);
  });

  it('answers 202 {} when nothing was activated (Grafana: removed or did not exist)', async () => {
    const h = await start();
    h.manager.deactivateResult = fail('NOT_ACTIVATED');
    const answer = await h.send('DELETE', '/v1/license', { body: { machine: FINGERPRINT } });
    expect([answer.status, answer.json]).toEqual([202, {}]);
  });

  it('answers 503 when the seat cannot be freed offline', async () => {
    const h = await start();
    h.manager.deactivateResult = fail('OFFLINE_DEACTIVATION_UNAVAILABLE');
    const answer = await h.send('DELETE', '/v1/license', { body: { machine: FINGERPRINT } });
    expect([answer.status, answer.json]).toEqual([503, failure('OFFLINE_DEACTIVATION_UNAVAILABLE')]);
  });

  it('answers 500 MACHINE_ID_UNAVAILABLE when this machine cannot be identified', async () => {
    const h = await start({
      machineFingerprint: async () => {
        throw new Error('no machine id');
      },
    });
    const answer = await h.send('DELETE', '/v1/license', { body: { machine: FINGERPRINT } });
    expect([answer.status, (answer.json as { code: string }).code]).toEqual([500, 'MACHINE_ID_UNAVAILABLE']);
    expect(h.manager.calls).toEqual([]);
  });
});

describe('GET /v1/licenses', () => {
  it('answers { data, next } with 100 per page by default', async () => {
    const h = await start();
    h.manager.page = { data: [installedLicense(LICENSE_ID), installedLicense(OTHER_ID, { active: false })], next: 'cursor-2' };
    const answer = await h.send('GET', '/v1/licenses');
    expect([answer.status, answer.json]).toEqual([200, { data: h.manager.page.data, next: 'cursor-2' }]);
    expect(h.manager.calls).toEqual([{ method: 'installed', args: [{ limit: 100 }] }]);
  });

  it('pages with ?size=N&after=cursor', async () => {
    const h = await start();
    const answer = await h.send('GET', '/v1/licenses?size=2&after=cursor-2');
    expect(answer.json).toEqual({ data: h.manager.page.data, next: null });
    expect(h.manager.calls).toEqual([{ method: 'installed', args: [{ after: 'cursor-2', limit: 2 }] }]);
  });

  it('refuses a bad size or cursor with 400', async () => {
    const h = await start();
    for (const query of ['size=0', 'size=1001', 'size=abc', 'size=-1', 'after=', 'after=a%20b', 'offset=5']) {
      expect([query, (await h.send('GET', `/v1/licenses?${query}`)).status]).toEqual([query, 400]);
    }
    expect(h.manager.calls).toEqual([]);
  });
});

describe('POST /v1/licenses', () => {
  it('adds a certificate: 201 with the installed license', async () => {
    const h = await start();
    const answer = await h.send('POST', '/v1/licenses', { body: { certificate: CERTIFICATE, licenseKey: KEY } });
    expect([answer.status, answer.json]).toEqual([201, installedLicense(LICENSE_ID)]);
    expect(h.manager.calls).toEqual([{ method: 'importFile', args: [CERTIFICATE, { licenseKey: KEY }] }]);
  });

  it('answers 400 when the file is not genuine, and for a body without a certificate', async () => {
    const h = await start();
    h.manager.importResult = fail('LICENSE_FILE_NOT_GENUINE');
    const forged = await h.send('POST', '/v1/licenses', { body: { certificate: CERTIFICATE } });
    expect([forged.status, forged.json]).toEqual([400, failure('LICENSE_FILE_NOT_GENUINE')]);
    const keyOnly = await h.send('POST', '/v1/licenses', { body: { licenseKey: KEY } });
    expect([keyOnly.status, (keyOnly.json as { code: string }).code]).toEqual([400, 'INVALID_REQUEST']);
    expect(h.manager.names()).toEqual(['importFile']);
  });
});

describe('PUT /v1/licenses/{id}', () => {
  it('installs or replaces the license {id}: 200', async () => {
    const h = await start();
    const answer = await h.send('PUT', `/v1/licenses/${LICENSE_ID}`, { body: { certificate: CERTIFICATE } });
    expect([answer.status, answer.json]).toEqual([200, installedLicense(LICENSE_ID)]);
    expect(h.manager.names()).toEqual(['installed', 'importFile']);
  });

  it('answers 400 INVALID_ID for an id that is not a UUID, without importing', async () => {
    const h = await start();
    const answer = await h.send('PUT', '/v1/licenses/not-a-uuid', { body: { certificate: CERTIFICATE } });
    expect([answer.status, (answer.json as { code: string }).code]).toEqual([400, 'INVALID_ID']);
    expect(h.manager.calls).toEqual([]);
  });

  it('refuses a certificate for another license and removes it when it was new', async () => {
    const h = await start();
    h.manager.page = { data: [], next: null };
    h.manager.importResult = ok(installedLicense(OTHER_ID));
    h.manager.known.add(OTHER_ID);
    const answer = await h.send('PUT', `/v1/licenses/${LICENSE_ID}`, { body: { certificate: CERTIFICATE } });
    expect([answer.status, (answer.json as { code: string }).code]).toEqual([400, 'LICENSE_ID_MISMATCH']);
    expect(h.manager.calls.at(-1)).toEqual({ method: 'remove', args: [OTHER_ID] });
  });

  it('refuses a certificate for another license and keeps that license when it was already installed', async () => {
    const h = await start();
    h.manager.page = { data: [installedLicense(OTHER_ID)], next: null };
    h.manager.importResult = ok(installedLicense(OTHER_ID));
    const answer = await h.send('PUT', `/v1/licenses/${LICENSE_ID}`, { body: { certificate: CERTIFICATE } });
    expect(answer.status).toBe(400);
    expect(h.manager.names()).not.toContain('remove');
  });

  it('answers 400 when the file is not genuine', async () => {
    const h = await start();
    h.manager.importResult = fail('LICENSE_FILE_NOT_GENUINE');
    const answer = await h.send('PUT', `/v1/licenses/${LICENSE_ID}`, { body: { certificate: CERTIFICATE } });
    expect([answer.status, answer.json]).toEqual([400, failure('LICENSE_FILE_NOT_GENUINE')]);
  });

  it('answers 405 without an id, with Allow', async () => {
    const h = await start();
    const answer = await h.send('PUT', '/v1/licenses', { body: { certificate: CERTIFICATE } });
    expect([answer.status, answer.headers.allow, (answer.json as { code: string }).code]).toEqual([405, 'GET, POST', 'METHOD_NOT_ALLOWED']);
    expect(h.manager.calls).toEqual([]);
  });
});

describe('PATCH /v1/licenses/{id}', () => {
  it('updates the label and pin: 200', async () => {
    const h = await start();
    const answer = await h.send('PATCH', `/v1/licenses/${LICENSE_ID}`, { body: { label: ' Studio seat ', pinned: true } });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ id: LICENSE_ID, label: 'Studio seat', pinned: true });
    expect(h.manager.calls).toEqual([{ method: 'update', args: [LICENSE_ID, { label: 'Studio seat', pinned: true }] }]);
  });

  it('clears the label with null or an empty string', async () => {
    const h = await start();
    await h.send('PATCH', `/v1/licenses/${LICENSE_ID}`, { body: { label: null } });
    await h.send('PATCH', `/v1/licenses/${LICENSE_ID}`, { body: { label: '' } });
    expect(h.manager.calls.map((c) => c.args[1])).toEqual([{ label: null }, { label: null }]);
  });

  it('answers 404 for an unknown license', async () => {
    const h = await start();
    const answer = await h.send('PATCH', `/v1/licenses/${OTHER_ID}`, { body: { pinned: false } });
    expect([answer.status, answer.json]).toEqual([404, failure('LICENSE_NOT_INSTALLED')]);
  });

  it('answers 400 for an invalid body or id', async () => {
    const h = await start();
    for (const body of [{}, { pinned: 'yes' }, { label: 'a\u0000b' }, { label: 'x'.repeat(1025) }, { id: LICENSE_ID }]) {
      expect([body, (await h.send('PATCH', `/v1/licenses/${LICENSE_ID}`, { body })).status]).toEqual([body, 400]);
    }
    expect((await h.send('PATCH', '/v1/licenses/123', { body: { pinned: true } })).status).toBe(400);
    expect(h.manager.calls).toEqual([]);
  });
});

describe('GET and DELETE /v1/licenses/{id}', () => {
  it('GET answers 200 with the license, 404 for an unknown one', async () => {
    const h = await start();
    const found = await h.send('GET', `/v1/licenses/${LICENSE_ID}`);
    expect([found.status, found.json]).toEqual([200, installedLicense(LICENSE_ID)]);
    const missing = await h.send('GET', `/v1/licenses/${OTHER_ID}`);
    expect([missing.status, missing.json]).toEqual([404, failure('LICENSE_NOT_INSTALLED')]);
    expect(h.manager.calls).toEqual([
      { method: 'get', args: [LICENSE_ID] },
      { method: 'get', args: [OTHER_ID] },
    ]);
  });

  it('DELETE answers 204 without a body, 404 for an unknown one', async () => {
    const h = await start();
    const removed = await h.send('DELETE', `/v1/licenses/${LICENSE_ID}`);
    expect([removed.status, removed.text]).toEqual([204, '']);
    const missing = await h.send('DELETE', `/v1/licenses/${OTHER_ID}`);
    expect([missing.status, missing.json]).toEqual([404, failure('LICENSE_NOT_INSTALLED')]);
    expect(h.manager.names()).toEqual(['remove', 'remove']);
  });

  it('answers 400 for an id that is not a UUID', async () => {
    const h = await start();
    expect((await h.send('GET', '/v1/licenses/..%2F..%2Fetc')).status).toBe(400);
    expect((await h.send('DELETE', '/v1/licenses/abc')).status).toBe(400);
    expect(h.manager.calls).toEqual([]);
  });
});

describe('routing', () => {
  it("answers 404 ENDPOINT_NOT_FOUND for an unknown route, never Keygen's NOT_FOUND (an unknown license key)", async () => {
    const h = await start();
    for (const path of ['/', '/v1', '/v2/license', '/v1/license/check/extra', '/V1/LICENSE']) {
      const answer = await h.send('GET', path);
      expect([path, answer.status, answer.json]).toEqual([path, 404, { code: 'ENDPOINT_NOT_FOUND', message: MESSAGES.ENDPOINT_NOT_FOUND.message }]);
    }
  });

  it('answers 405 with Allow for a known route and a wrong method', async () => {
    const h = await start();
    const cases: [string, string, string][] = [
      ['POST', '/v1/license/check', 'GET'],
      ['POST', '/v1/license', 'GET, PUT, DELETE'],
      ['GET', '/v1/license/renew', 'POST'],
      ['POST', `/v1/licenses/${LICENSE_ID}`, 'GET, PUT, PATCH, DELETE'],
      ['HEAD', '/v1/licenses', 'GET, POST'],
    ];
    for (const [method, path, allow] of cases) {
      const answer = await h.send(method, path);
      expect([method, path, answer.status, answer.headers.allow]).toEqual([method, path, 405, allow]);
    }
    expect(h.manager.calls).toEqual([]);
  });

  it('ignores a trailing slash', async () => {
    const h = await start();
    expect((await h.send('GET', '/v1/license/check/')).text).toBe('true');
  });

  it('answers 500 INTERNAL_ERROR when the manager throws, and logs no key', async () => {
    const h = await start();
    h.manager.throwOn = 'activate';
    const answer = await h.send('PUT', '/v1/license', { body: { licenseKey: KEY } });
    expect([answer.status, (answer.json as { code: string }).code]).toEqual([500, 'INTERNAL_ERROR']);
    expect(h.logged.join('\n')).toContain('PUT /v1/license');
    expect(h.logged.join('\n')).not.toContain(KEY);
    expect(h.logged.join('\n')).not.toContain(h.token);
  });
});

describe('signed answers', () => {
  const NONCE = 'a-nonce-of-the-client-0123';

  it('signs every answer to a token with it, over method, target, nonce, status and body, and echoes the nonce', async () => {
    const h = await start();
    for (const [method, path, status] of [
      ['GET', '/v1/license/check', 200],
      ['GET', `/v1/licenses/${OTHER_ID}`, 404],
      ['GET', '/v1/license?online=maybe', 400],
      ['DELETE', `/v1/licenses/${LICENSE_ID}`, 204],
    ] as const) {
      const answer = await h.send(method, path, { headers: { 'Tessera-Nonce': NONCE } });
      expect([path, answer.status]).toEqual([path, status]);
      expect(answer.headers['tessera-nonce']).toBe(NONCE);
      expect(answer.headers['tessera-signature']).toBe(signResponse(h.token, { method, target: path, nonce: NONCE, status, body: answer.text }));
    }
  });

  it('signs without a nonce too (over an empty one), and never signs an answer to a caller without a token', async () => {
    const h = await start();
    const answer = await h.send('GET', '/v1/license/check');
    expect(answer.headers['tessera-signature']).toBe(signResponse(h.token, { method: 'GET', target: '/v1/license/check', nonce: '', status: 200, body: 'true' }));
    expect(answer.headers['tessera-nonce']).toBeUndefined();
    const refused = await call(h.agent, 'GET', '/v1/license/check', { headers: { 'Tessera-Nonce': NONCE } });
    expect(refused.status).toBe(401);
    expect(refused.headers['tessera-signature']).toBeUndefined();
  });

  it('refuses a nonce that is not 16 to 64 base64url characters with 400', async () => {
    const h = await start();
    for (const nonce of ['short', 'x'.repeat(65), 'has spaces in it 0123', 'plus+slash/equals=0123']) {
      const answer = await h.send('GET', '/v1/license/check', { headers: { 'Tessera-Nonce': nonce } });
      expect([nonce, answer.status, (answer.json as { code?: string }).code]).toEqual([nonce, 400, 'INVALID_REQUEST']);
    }
    expect(h.manager.calls).toEqual([]);
  });
});

describe('signed requests (Tessera-HMAC)', () => {
  it('authenticate with the main token (id "main") without sending it, body and all', async () => {
    const h = await start();
    const client = createAgentClient({ url: h.agent.url, token: h.token });
    expect(await client.request('PUT', '/v1/license', { licenseKey: KEY })).toEqual({ ok: true, status: 201, body: LICENSED });
    expect(await client.request('GET', '/v1/licenses?size=1')).toMatchObject({ ok: true, status: 200, body: { next: null } });
    expect(await client.licensed()).toBe(true);
    expect(h.manager.names()).toEqual(['activate', 'installed', 'status']);
  });

  it('authenticate with an issued token by its id, with its scopes only; a revoked one is refused', async () => {
    const h = await start();
    const reader = await h.tokens.issueToken(['licensing:read']);
    const client = createAgentClient({ url: h.agent.url, token: reader.token, tokenId: reader.id });
    expect(await client.licensed()).toBe(true);
    // The refusal is signed too: the caller authenticated.
    expect(await client.request('DELETE', `/v1/licenses/${LICENSE_ID}`)).toMatchObject({ ok: true, status: 403, body: { code: 'FORBIDDEN' } });
    await h.tokens.revokeToken(reader.id);
    expect(await client.request('GET', '/v1/license/check')).toEqual({ ok: false, reason: 'unsigned', status: 401 });
  });

  it('answer a signed request with its own nonce when no Tessera-Nonce header is sent', async () => {
    const h = await start();
    const ts = Math.floor(Date.now() / 1000);
    const nonce = 'the-signed-request-nonce';
    const authorization = hmacAuthorization('main', h.token, { method: 'GET', target: '/v1/license/check', ts, nonce, body: '' });
    const answer = await call(h.agent, 'GET', '/v1/license/check', { headers: { Authorization: authorization } });
    expect(answer.status).toBe(200);
    expect(answer.headers['tessera-nonce']).toBe(nonce);
    expect(answer.headers['tessera-signature']).toBe(signResponse(h.token, { method: 'GET', target: '/v1/license/check', nonce, status: 200, body: 'true' }));
  });

  it('refuse a malformed authorization or an unknown token id with 401 SIGNATURE_INVALID', async () => {
    const h = await start();
    const ts = Math.floor(Date.now() / 1000);
    const good = hmacAuthorization('main', h.token, { method: 'GET', target: '/v1/license/check', ts, nonce: 'n'.repeat(16), body: '' });
    for (const authorization of [
      'Tessera-HMAC',
      'Tessera-HMAC id=main',
      good.replace('nonce=nnnnnnnnnnnnnnnn', 'nonce=short'),
      `${good}, extra=1`,
      `${good}, id=main`,
      good.replace('id=main', `id=${OTHER_ID}`),
      good.replace('id=main', 'id=not/an/id'),
    ]) {
      const answer = await call(h.agent, 'GET', '/v1/license/check', { headers: { Authorization: authorization } });
      expect([authorization, answer.status, (answer.json as { code?: string }).code]).toEqual([authorization, 401, 'SIGNATURE_INVALID']);
      expect(answer.headers['www-authenticate']).toMatch(/^Tessera-HMAC /);
    }
    expect(h.manager.calls).toEqual([]);
  });

  it('offer both schemes in the 401 challenge', async () => {
    const h = await start();
    const answer = await call(h.agent, 'GET', '/v1/license/check');
    expect(answer.headers['www-authenticate']).toBe('Bearer realm="tessera-agent", Tessera-HMAC realm="tessera-agent"');
  });
});

describe('AgentTokenStore', () => {
  const stores = (secrets: MemoryStore = createMemoryStore()) => {
    const dataFolder = tempFolder();
    return { secrets, dataFolder, open: () => createAgentTokenStore({ secrets, dataFolder }) };
  };
  const value = async (result: Promise<Result<string>>): Promise<string> => {
    const settled = await result;
    if (!settled.ok) throw new Error(settled.code);
    return settled.value;
  };

  it('creates a 32-byte base64url token on first start, in the keychain and a 0600 file in a 0700 folder', async () => {
    const { secrets, open } = stores();
    const tokens = open();
    const token = await value(tokens.ensure());
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(await secrets.get(AGENT_TOKEN_ACCOUNT)).toEqual({ ok: true, value: token });
    expect(readFileSync(tokens.tokenFile, 'utf8').trim()).toBe(token);
    if (process.platform !== 'win32') {
      expect(statSync(tokens.tokenFile).mode & 0o777).toBe(0o600);
      expect(statSync(tokens.folder).mode & 0o777).toBe(0o700);
    }
  });

  it('reuses the token on later starts', async () => {
    const { open } = stores();
    const first = await value(open().ensure());
    expect(await value(open().ensure())).toBe(first);
  });

  it('rewrites a missing file from the keychain', async () => {
    const { open } = stores();
    const first = await value(open().ensure());
    const tokens = open();
    unlinkSync(tokens.tokenFile);
    expect(await value(tokens.ensure())).toBe(first);
    expect(readFileSync(tokens.tokenFile, 'utf8').trim()).toBe(first);
  });

  it('rewrites a file that disagrees with the keychain (the keychain wins)', async () => {
    const { open } = stores();
    const first = await value(open().ensure());
    const tokens = open();
    writeFileSync(tokens.tokenFile, `${'A'.repeat(43)}\n`, { mode: 0o600 });
    expect(await value(tokens.ensure())).toBe(first);
    expect(readFileSync(tokens.tokenFile, 'utf8').trim()).toBe(first);
    expect(await tokens.authenticate('A'.repeat(43))).toBeNull();
  });

  it('never adopts a file whose token is not in the keychain', async () => {
    const { secrets, open } = stores();
    const first = await value(open().ensure());
    await secrets.delete(AGENT_TOKEN_ACCOUNT);
    const tokens = open();
    const second = await value(tokens.ensure());
    expect(second).not.toBe(first);
    expect(await tokens.authenticate(first)).toBeNull();
    expect(await secrets.get(AGENT_TOKEN_ACCOUNT)).toEqual({ ok: true, value: second });
  });

  it('reports an unavailable keychain as a value', async () => {
    const secrets = createMemoryStore();
    secrets.simulateFailure('KEYCHAIN_TIMEOUT');
    const { open } = stores(secrets);
    expect(await open().ensure()).toEqual(fail('KEYCHAIN_TIMEOUT'));
  });

  it('authenticates the main token with every scope, and nothing else', async () => {
    const { open } = stores();
    const tokens = open();
    const token = await value(tokens.ensure());
    expect(await tokens.authenticate(token)).toEqual(['licensing:read', 'licensing:write', 'licensing:delete']);
    expect(await tokens.authenticate(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(await tokens.authenticate('')).toBeNull();
    expect(await tokens.authenticate(`${token}x`)).toBeNull();
  });

  it('issues extra tokens with limited scopes, storing only their SHA-256 digests (0600)', async () => {
    const { open } = stores();
    const tokens = open();
    await value(tokens.ensure());
    const issued = await tokens.issueToken(['licensing:read', 'licensing:read']);
    expect(issued.scopes).toEqual(['licensing:read']);
    const file = join(tokens.folder, 'tokens.json');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(issued.token);
    const { createHash } = await import('node:crypto');
    expect(text).toContain(createHash('sha256').update(issued.token).digest('hex'));
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await tokens.authenticate(issued.token)).toEqual(['licensing:read']);
    // Another process (a new store on the same folder) sees it too.
    expect(await open().authenticate(issued.token)).toEqual(['licensing:read']);
    expect(await tokens.listTokens()).toEqual([{ id: issued.id, scopes: ['licensing:read'], createdAt: issued.createdAt }]);
  });

  it('revokes an extra token', async () => {
    const { open } = stores();
    const tokens = open();
    await value(tokens.ensure());
    const issued = await tokens.issueToken(['licensing:write']);
    expect(await tokens.revokeToken(issued.id)).toBe(true);
    expect(await tokens.revokeToken(issued.id)).toBe(false);
    expect(await tokens.authenticate(issued.token)).toBeNull();
  });

  it('finds the main token by the id "main", and an extra token by its id, for signed requests', async () => {
    const { secrets, open } = stores();
    const tokens = open();
    const main = await value(tokens.ensure());
    expect(await tokens.signingKey('main')).toEqual({ key: main, scopes: ['licensing:read', 'licensing:write', 'licensing:delete'] });
    const issued = await tokens.issueToken(['licensing:read']);
    expect(await secrets.get(issuedTokenAccount(issued.id))).toEqual({ ok: true, value: issued.token });
    expect(await tokens.signingKey(issued.id)).toEqual({ key: issued.token, scopes: ['licensing:read'] });
    // Another process (a new store on the same folder and keychain) finds it too.
    expect(await open().signingKey(issued.id)).toEqual({ key: issued.token, scopes: ['licensing:read'] });
    expect(await tokens.signingKey(LICENSE_ID)).toBeNull();
    expect(await tokens.signingKey('')).toBeNull();
  });

  it('forgets an extra token\'s keychain copy when it is revoked, and trusts no copy that is not the listed token', async () => {
    const { secrets, open } = stores();
    const tokens = open();
    await value(tokens.ensure());
    const issued = await tokens.issueToken(['licensing:write']);
    const other = await tokens.issueToken(['licensing:read']);
    await secrets.set(issuedTokenAccount(other.id), 'B'.repeat(43));
    expect(await open().signingKey(other.id)).toBeNull();
    expect(await tokens.revokeToken(issued.id)).toBe(true);
    expect(await secrets.get(issuedTokenAccount(issued.id))).toEqual({ ok: true, value: null });
    expect(await tokens.signingKey(issued.id)).toBeNull();
  });

  it('refuses to issue a token without a known scope', async () => {
    const { open } = stores();
    await expect(open().issueToken([])).rejects.toThrow(TypeError);
    await expect(open().issueToken(['licensing:admin' as never])).rejects.toThrow(TypeError);
  });

  it('grants nothing from a tokens.json that is not valid', async () => {
    const { open } = stores();
    const tokens = open();
    await value(tokens.ensure());
    const issued = await tokens.issueToken(['licensing:read']);
    writeFileSync(join(tokens.folder, 'tokens.json'), '{"version":1,"tokens":[{"oops":true}]}');
    expect(await tokens.authenticate(issued.token)).toBeNull();
  });
});
