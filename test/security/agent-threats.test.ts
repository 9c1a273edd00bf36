/**
 * Threats against the local agent, one `describe` per attack, over real sockets: a local
 * process or a web page without the token, with a wrong token or one lacking the scope, a page
 * reaching 127.0.0.1 through DNS rebinding, oversized bodies, cross-origin reads, a token file
 * others can read, and a bind beyond loopback.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Result } from '../../src/contract/codes.js';
import { fail } from '../../src/contract/messages.js';
import type { InstalledLicense, LicenseManager, StatusReport } from '../../src/licensing/manager.types.js';
import { startAgent, type AgentOptions, type RunningAgent } from '../../src/agent/server.js';
import { createAgentTokenStore, type AgentTokenStore } from '../../src/agent/token.js';
import type { AgentScope } from '../../src/agent/schemas.js';
import { createMemoryStore, type MemoryStore } from '../../src/vault/memory.store.js';

const KEY = 'C1B6DE-39A6E3-DE1529-8559A0-4AF593-V3';
const FINGERPRINT = '4f1c7e0b9a2d3c5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6';
const LICENSE_ID = '9b0c3f4e-2a1d-4c5b-8e7f-6a5b4c3d2e1f';
const CERTIFICATE = '-----BEGIN LICENSE FILE-----\neyJlbmMiOiJ4In0=\n-----END LICENSE FILE-----\n';

const REPORT: StatusReport = {
  licensed: true,
  code: 'VALID',
  message: 'The license is valid.',
  source: 'offline',
  license: null,
  fileExpiry: null,
  lastCheckIn: null,
  nextCheckIn: null,
  warnings: [],
};
const INSTALLED: InstalledLicense = {
  id: LICENSE_ID,
  kind: 'license',
  source: 'import',
  label: null,
  pinned: false,
  active: true,
  licensed: true,
  code: 'VALID',
  license: null,
  fileExpiry: null,
  installedAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:00.000Z',
};
const ok = <T>(value: T): Result<T> => ({ ok: true, value });

/** A manager that succeeds at everything and records which methods were reached. */
function recordingManager(): LicenseManager & { readonly reached: string[] } {
  const reached: string[] = [];
  const reach = <T>(name: string, value: T): Promise<T> => {
    reached.push(name);
    return Promise.resolve(value);
  };
  return {
    reached,
    activate: () => reach('activate', ok(REPORT)),
    status: () => reach('status', REPORT),
    checkIn: () => reach('checkIn', ok(REPORT)),
    renew: () => reach('renew', ok(REPORT)),
    deactivate: () => reach('deactivate', ok({ licenseId: LICENSE_ID, machineId: 'machine-1' })),
    heartbeat: () => reach('heartbeat', ok({ sent: false })),
    importFile: () => reach('importFile', ok(INSTALLED)),
    installed: () => reach('installed', { data: [INSTALLED], next: null }),
    get: () => reach('get', ok(INSTALLED)),
    update: () => reach('update', ok(INSTALLED)),
    remove: () => reach('remove', ok(undefined)),
    seats: () => reach('seats', fail('ADMIN_CREDENTIALS_REQUIRED')),
    deactivateSeats: () => reach('deactivateSeats', fail('ADMIN_CREDENTIALS_REQUIRED')),
    seatAccess: () => reach('seatAccess', fail('ADMIN_CREDENTIALS_REQUIRED')),
    seatsDeactivated: () => reach('seatsDeactivated', undefined),
  };
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

interface CallOptions {
  readonly token?: string;
  readonly body?: unknown;
  readonly headers?: OutgoingHttpHeaders;
  /** False: send no Host header at all. */
  readonly setHost?: boolean;
}

/** One request over a fresh connection with node:http, which lets the test set any Host header. */
function call(port: number, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: OutgoingHttpHeaders = { ...options.headers };
  if (options.token !== undefined) headers.authorization ??= `Bearer ${options.token}`;
  const payload = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  if (payload !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] ??= String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false, setHost: options.setHost ?? true }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const codeOf = (answer: Answer): unknown => (JSON.parse(answer.text) as { code?: unknown }).code;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  readonly secrets?: MemoryStore;
  readonly dataFolder?: string;
  readonly options?: Partial<AgentOptions>;
}

async function start(setup: Setup = {}) {
  const manager = recordingManager();
  const secrets = setup.secrets ?? createMemoryStore();
  const dataFolder = setup.dataFolder ?? mkdtempSync(join(tmpdir(), 'tessera-agent-threats-'));
  if (setup.dataFolder === undefined) cleanups.push(() => rmSync(dataFolder, { recursive: true, force: true }));
  const tokens: AgentTokenStore = createAgentTokenStore({ secrets, dataFolder });
  const agent: RunningAgent = await startAgent({ manager, tokenStore: tokens, port: 0, machineFingerprint: async () => FINGERPRINT, log: () => undefined, ...setup.options });
  cleanups.push(() => agent.close());
  const token = readFileSync(tokens.tokenFile, 'utf8').trim();
  return { agent, manager, secrets, dataFolder, tokens, token, port: agent.port };
}

/** One request per endpoint, each valid when sent with the main token. */
const ENDPOINTS: readonly { readonly method: string; readonly path: string; readonly body?: unknown; readonly scope: AgentScope }[] = [
  { method: 'GET', path: '/v1/license/check', scope: 'licensing:read' },
  { method: 'GET', path: '/v1/license', scope: 'licensing:read' },
  { method: 'PUT', path: '/v1/license', body: { licenseKey: KEY }, scope: 'licensing:write' },
  { method: 'POST', path: '/v1/license/renew', scope: 'licensing:write' },
  { method: 'DELETE', path: '/v1/license', body: { machine: FINGERPRINT }, scope: 'licensing:delete' },
  { method: 'GET', path: '/v1/licenses', scope: 'licensing:read' },
  { method: 'POST', path: '/v1/licenses', body: { certificate: CERTIFICATE }, scope: 'licensing:write' },
  { method: 'GET', path: `/v1/licenses/${LICENSE_ID}`, scope: 'licensing:read' },
  { method: 'PUT', path: `/v1/licenses/${LICENSE_ID}`, body: { certificate: CERTIFICATE }, scope: 'licensing:write' },
  { method: 'PATCH', path: `/v1/licenses/${LICENSE_ID}`, body: { pinned: true }, scope: 'licensing:write' },
  { method: 'DELETE', path: `/v1/licenses/${LICENSE_ID}`, scope: 'licensing:delete' },
];

describe('agent without a token', () => {
  it('answers 401 with a Bearer challenge on every endpoint, and reaches nothing', async () => {
    const { port, manager } = await start();
    for (const endpoint of ENDPOINTS) {
      const answer = await call(port, endpoint.method, endpoint.path, { body: endpoint.body });
      expect([endpoint.method, endpoint.path, answer.status, codeOf(answer)]).toEqual([endpoint.method, endpoint.path, 401, 'UNAUTHORIZED']);
      expect(answer.headers['www-authenticate']).toMatch(/^Bearer /);
    }
    expect(manager.reached).toEqual([]);
  });

  it('takes no token from the query string or a cookie', async () => {
    const { port, token, manager } = await start();
    expect((await call(port, 'GET', `/v1/license?access_token=${token}`)).status).toBe(401);
    expect((await call(port, 'GET', `/v1/license?token=${token}`)).status).toBe(401);
    expect((await call(port, 'GET', '/v1/license', { headers: { cookie: `token=${token}` } })).status).toBe(401);
    expect(manager.reached).toEqual([]);
  });
});

describe('wrong token', () => {
  it('answers 401 for any token that is not the agent\'s, and never echoes it', async () => {
    const { port, token, manager } = await start();
    const flipped = token[0] === 'A' ? `B${token.slice(1)}` : `A${token.slice(1)}`;
    const wrong = [
      randomBytes(32).toString('base64url'),
      flipped,
      token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase(),
      `${token}x`,
      token.slice(0, -1),
      '',
    ];
    for (const candidate of wrong) {
      const answer = await call(port, 'GET', '/v1/license', { token: candidate });
      expect([candidate, answer.status]).toEqual([candidate, 401]);
      if (candidate !== '') expect(answer.text).not.toContain(candidate);
    }
    for (const authorization of [`Basic ${Buffer.from(`user:${token}`).toString('base64')}`, `Token ${token}`, token, `Bearer ${token} extra`]) {
      expect([authorization, (await call(port, 'GET', '/v1/license', { headers: { authorization } })).status]).toEqual([authorization, 401]);
    }
    expect(manager.reached).toEqual([]);
  });

  it('accepts the right token whatever the case of the scheme (RFC 6750)', async () => {
    const { port, token } = await start();
    expect((await call(port, 'GET', '/v1/license/check', { headers: { authorization: `bearer ${token}` } })).status).toBe(200);
  });

  it('answers 401 for a revoked token', async () => {
    const { port, tokens } = await start();
    const issued = await tokens.issueToken(['licensing:read']);
    expect((await call(port, 'GET', '/v1/license', { token: issued.token })).status).toBe(200);
    await tokens.revokeToken(issued.id);
    expect((await call(port, 'GET', '/v1/license', { token: issued.token })).status).toBe(401);
  });
});

describe('token without the scope', () => {
  it('a read-only token reads, and gets 403 for every write and delete without reaching the manager', async () => {
    const { port, tokens, manager } = await start();
    const readOnly = await tokens.issueToken(['licensing:read']);
    for (const endpoint of ENDPOINTS) {
      const answer = await call(port, endpoint.method, endpoint.path, { token: readOnly.token, body: endpoint.body });
      const expected = endpoint.scope === 'licensing:read' ? [200] : [403, 'FORBIDDEN'];
      expect([endpoint.method, endpoint.path, answer.status, ...(answer.status === 200 ? [] : [codeOf(answer)])]).toEqual([endpoint.method, endpoint.path, ...expected]);
      if (answer.status === 403) {
        expect(answer.headers['www-authenticate']).toContain('error="insufficient_scope"');
        expect(answer.headers['www-authenticate']).toContain(`scope="${endpoint.scope}"`);
      }
    }
    expect(manager.reached).toEqual(['status', 'status', 'installed', 'get']);
  });

  it('a write-only token cannot read or delete; a delete-only token cannot read or write', async () => {
    const { port, tokens, manager } = await start();
    const writeOnly = await tokens.issueToken(['licensing:write']);
    const deleteOnly = await tokens.issueToken(['licensing:delete']);
    for (const endpoint of ENDPOINTS) {
      const asWriter = await call(port, endpoint.method, endpoint.path, { token: writeOnly.token, body: endpoint.body });
      const asDeleter = await call(port, endpoint.method, endpoint.path, { token: deleteOnly.token, body: endpoint.body });
      expect([endpoint.path, endpoint.method, asWriter.status === 403, asDeleter.status === 403]).toEqual([
        endpoint.path,
        endpoint.method,
        endpoint.scope !== 'licensing:write',
        endpoint.scope !== 'licensing:delete',
      ]);
    }
    expect(manager.reached.sort()).toEqual(['activate', 'deactivate', 'importFile', 'importFile', 'installed', 'remove', 'renew', 'update'].sort());
  });
});

describe('foreign Host header (DNS rebinding)', () => {
  it('answers 403 for a host that is not a loopback name with the agent\'s port, even with the token', async () => {
    const { port, token, manager } = await start();
    const foreign = [
      `evil.example:${port}`,
      'evil.example',
      `127.0.0.1:${port + 1}`,
      '127.0.0.1',
      'localhost',
      `localhost.evil.example:${port}`,
      `127.0.0.1.nip.io:${port}`,
      `127.0.0.1:${port}@evil.example`,
      `[::1]:${port + 1}`,
      `0.0.0.0:${port}`,
    ];
    for (const host of foreign) {
      const answer = await call(port, 'GET', '/v1/license', { token, headers: { host } });
      expect([host, answer.status, codeOf(answer)]).toEqual([host, 403, 'HOST_NOT_ALLOWED']);
    }
    const deletion = await call(port, 'DELETE', '/v1/license', { token, headers: { host: `evil.example:${port}` }, body: { machine: FINGERPRINT } });
    expect(deletion.status).toBe(403);
    expect(manager.reached).toEqual([]);
  });

  it('answers 403 without a Host header', async () => {
    const { port, token, manager } = await start();
    const answer = await call(port, 'GET', '/v1/license', { token, setHost: false });
    expect([answer.status, codeOf(answer)]).toEqual([403, 'HOST_NOT_ALLOWED']);
    expect(manager.reached).toEqual([]);
  });

  it('answers 403 before authentication, so a rebinding page learns nothing', async () => {
    const { port } = await start();
    const answer = await call(port, 'GET', '/v1/nothing-here', { headers: { host: `evil.example:${port}` } });
    expect([answer.status, codeOf(answer)]).toEqual([403, 'HOST_NOT_ALLOWED']);
    expect(answer.headers['www-authenticate']).toBeUndefined();
  });

  it('refuses an absolute-form target that names another host', async () => {
    const { port, token, manager } = await start();
    const answer = await call(port, 'GET', `http://evil.example:${port}/v1/license`, { token });
    expect(answer.status).toBe(400);
    expect(manager.reached).toEqual([]);
  });

  it('answers loopback names with the agent\'s port', async () => {
    const { port, token } = await start();
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LocalHost:${port}`, `[::1]:${port}`]) {
      expect([host, (await call(port, 'GET', '/v1/license/check', { token, headers: { host } })).status]).toEqual([host, 200]);
    }
  });
});

describe('oversized body', () => {
  it('answers 413 past the configured cap, without reaching the manager', async () => {
    const { port, token, manager } = await start({ options: { maxBodyBytes: 1024 } });
    const bare = Buffer.byteLength(JSON.stringify({ certificate: CERTIFICATE, licenseKey: '' }));
    const atCap = JSON.stringify({ certificate: CERTIFICATE, licenseKey: 'K'.repeat(1024 - bare) });
    expect(Buffer.byteLength(atCap)).toBe(1024);
    expect((await call(port, 'POST', '/v1/licenses', { token, body: atCap })).status).toBe(201);
    expect(manager.reached).toEqual(['importFile']);
    const answer = await call(port, 'POST', '/v1/licenses', { token, body: `${atCap} ` });
    expect([answer.status, codeOf(answer)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(manager.reached).toEqual(['importFile']);
  });

  it('answers 413 past the default cap of 1 MiB', async () => {
    const { port, token, manager } = await start();
    const body = JSON.stringify({ certificate: `${CERTIFICATE}${'A'.repeat(1024 * 1024)}` });
    const answer = await call(port, 'PUT', '/v1/license', { token, body });
    expect([answer.status, codeOf(answer)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(manager.reached).toEqual([]);
  });

  it('answers 413 for a chunked body past the cap', async () => {
    const { port, token, manager } = await start({ options: { maxBodyBytes: 1024 } });
    const answer = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, method: 'POST', path: '/v1/licenses', agent: false, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 4; i += 1) req.write('x'.repeat(512));
      req.end();
    });
    expect(answer).toBe(413);
    expect(manager.reached).toEqual([]);
  });

  it('answers 413 at once when the declared length is far past the cap', async () => {
    const { port, token } = await start();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'PUT',
          path: '/v1/license',
          agent: false,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': String(1024 * 1024 * 1024) },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', (error) => reject(error));
      req.write('{"licenseKey":"');
    });
    expect(status).toBe(413);
  });
});

describe('cross-origin reads (CORS)', () => {
  const corsHeaders = (answer: Answer): string[] => Object.keys(answer.headers).filter((name) => name.toLowerCase().startsWith('access-control-'));

  it('never sends an Access-Control-* header, on successes or errors', async () => {
    const { port, token, tokens } = await start({ options: { maxBodyBytes: 1024 } });
    const readOnly = await tokens.issueToken(['licensing:read']);
    const origin = { origin: 'https://evil.example' };
    const answers = [
      await call(port, 'GET', '/v1/license/check', { token, headers: origin }),
      await call(port, 'PUT', '/v1/license', { token, headers: origin, body: { licenseKey: KEY } }),
      await call(port, 'DELETE', `/v1/licenses/${LICENSE_ID}`, { token, headers: origin }),
      await call(port, 'PUT', '/v1/license', { token, headers: origin, body: {} }),
      await call(port, 'GET', '/v1/license', { headers: origin }),
      await call(port, 'PUT', '/v1/license', { token: readOnly.token, headers: origin, body: { licenseKey: KEY } }),
      await call(port, 'GET', '/v1/license', { token, headers: { ...origin, host: `evil.example:${port}` } }),
      await call(port, 'GET', '/v1/unknown', { token, headers: origin }),
      await call(port, 'POST', '/v1/license/check', { token, headers: origin }),
      await call(port, 'POST', '/v1/licenses', { token, headers: origin, body: 'x'.repeat(2048) }),
      await call(port, 'POST', '/v1/licenses', { token, headers: { ...origin, 'content-type': 'text/plain' }, body: 'x' }),
      await call(port, 'DELETE', '/v1/license', { token, headers: origin, body: { machine: 'f'.repeat(64) } }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 201, 204, 400, 401, 403, 403, 404, 405, 413, 415, 422]);
    for (const answer of answers) expect(corsHeaders(answer)).toEqual([]);
  });

  it('answers a preflight (OPTIONS) with 405 and no Access-Control-* header', async () => {
    const { port, token, manager } = await start();
    for (const path of ['/v1/license', '/v1/licenses', `/v1/licenses/${LICENSE_ID}`, '/v1/license/renew']) {
      const answer = await call(port, 'OPTIONS', path, {
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization, content-type' },
      });
      expect([path, answer.status, codeOf(answer)]).toEqual([path, 405, 'METHOD_NOT_ALLOWED']);
      expect(corsHeaders(answer)).toEqual([]);
      // Even with the token, OPTIONS is not a method of the agent.
      expect((await call(port, 'OPTIONS', path, { token })).status).toBe(405);
    }
    expect(manager.reached).toEqual([]);
  });
});

describe('token file readable by others', () => {
  const posix = process.platform !== 'win32';

  it.runIf(posix)('creates the token file 0600 in a 0700 folder', async () => {
    const { tokens } = await start();
    expect(statSync(tokens.tokenFile).mode & 0o777).toBe(0o600);
    expect(statSync(tokens.folder).mode & 0o777).toBe(0o700);
  });

  it.runIf(posix)('replaces a token whose file was widened (it may have leaked), and narrows the folder', async () => {
    const first = await start();
    await first.agent.close();
    chmodSync(first.tokens.tokenFile, 0o644);
    chmodSync(first.tokens.folder, 0o755);
    const second = await start({ secrets: first.secrets, dataFolder: first.dataFolder });
    expect(second.token).not.toBe(first.token);
    expect(statSync(second.tokens.tokenFile).mode & 0o777).toBe(0o600);
    expect(statSync(second.tokens.folder).mode & 0o777).toBe(0o700);
    expect((await call(second.port, 'GET', '/v1/license/check', { token: first.token })).status).toBe(401);
    expect((await call(second.port, 'GET', '/v1/license/check', { token: second.token })).status).toBe(200);
  });

  it('keeps the token when the file is intact', async () => {
    const first = await start();
    await first.agent.close();
    const second = await start({ secrets: first.secrets, dataFolder: first.dataFolder });
    expect(second.token).toBe(first.token);
  });
});

describe('agent bound beyond loopback', () => {
  it('refuses to start on any address but 127.0.0.1', async () => {
    for (const host of ['0.0.0.0', '::', 'localhost']) {
      await expect(start({ options: { host } })).rejects.toThrow(/127\.0\.0\.1 only/);
    }
  });

  const external = Object.values(networkInterfaces())
    .flat()
    .find((address) => address !== undefined && !address.internal && address.family === 'IPv4')?.address;

  it.runIf(external !== undefined)('cannot be reached on another interface of this machine', async () => {
    const { port } = await start();
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({ host: external ?? '', port });
      socket.on('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(outcome).toBe('ECONNREFUSED');
  });
});
