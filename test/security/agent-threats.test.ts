/**
 * Threats against the local agent, one `describe` per attack, over real sockets: a local
 * process or a web page without the token, with a wrong token or one lacking the scope, a page
 * reaching 127.0.0.1 through DNS rebinding, oversized bodies, cross-origin reads, a token file
 * others can read, a bind beyond loopback; the console's session cookie replayed from another
 * port or without fetch metadata, a login link minted to gain scopes; an impostor on the
 * agent's port, and signed requests replayed, stale or tampered with.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { createAgentClient } from '../../src/agent/agent-client.js';
import { createAgentConsole } from '../../src/agent/console.js';
import { hmacAuthorization, signResponse } from '../../src/agent/signature.js';
import type { OperationName } from '../../src/contract/operations.js';
import type { OperationsService } from '../../src/operations/operations.service.js';
import { createMemoryStore, type MemoryStore } from '../../src/vault/memory.store.js';
import { call as browserCall, signInTab } from '../agent/console-sign-in.js';

const KEY = 'C1B6DE-39A6E3-DE1529-8559A0-4AF593-V3';
const FINGERPRINT = '4f1c7e0b9a2d3c5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6';
const LICENSE_ID = '9b0c3f4e-2a1d-4c5b-8e7f-6a5b4c3d2e1f';
const CERTIFICATE = '-----BEGIN LICENSE FILE-----\neyJlbmMiOiJ4In0=\n-----END LICENSE FILE-----\n';

const REPORT: StatusReport = {
  licensed: true,
  code: 'VALID',
  message: 'The license is valid.',
  summary: 'The license is valid.',
  source: 'offline',
  license: null,
  fileExpiry: null,
  lastCheckIn: null,
  nextCheckIn: null,
  basis: null,
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
    installed: () => reach('installed', ok({ data: [INSTALLED], next: null })),
    dismissNotices: () => reach('dismissNotices', ok(undefined)),
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

/** An agent serving the console, whose operations only record their names. */
async function startConsole() {
  const ran: OperationName[] = [];
  const operations: OperationsService = {
    async run(name) {
      ran.push(name);
      return { ok: true, value: null } as never;
    },
  };
  const site = mkdtempSync(join(tmpdir(), 'tessera-console-site-'));
  cleanups.push(() => rmSync(site, { recursive: true, force: true }));
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>Tessera</title>');
  const started = await start({ options: { console: createAgentConsole({ staticFolder: site, operations }) } });
  const startupLink = (): string => {
    const link = new URL(started.agent.loginUrl() as string);
    return `${link.pathname}${link.search}`;
  };
  const op = (name: string, headers: Record<string, string>, body = '{}') =>
    browserCall(started.port, 'POST', `/v1/ops/${name}`, { 'Content-Type': 'application/json', ...headers }, body);
  return { ...started, ran, startupLink, op };
}

describe('console cookie replayed from another port\'s page', () => {
  it('refuses the cookie without its tab\'s secret, even sent with the console\'s own fetch metadata (403 CONSOLE_SESSION_UNBOUND)', async () => {
    const { port, ran, startupLink, op } = await startConsole();
    const tab = await signInTab(port, startupLink());
    // Cookies ignore ports: a server on 127.0.0.1:OTHER receives the cookie, and can replay it with any header it likes.
    const replayed = await op('license:deactivate', { Cookie: tab.cookie, Origin: tab.origin, 'Sec-Fetch-Site': 'same-origin' });
    expect([replayed.status, codeOf(replayed)]).toEqual([403, 'CONSOLE_SESSION_UNBOUND']);
    const guessed = await op('license:deactivate', { ...tab.headers, 'Tessera-Session': randomBytes(32).toString('base64url') });
    expect([guessed.status, codeOf(guessed)]).toEqual([403, 'CONSOLE_SESSION_UNBOUND']);
    // The other port's page itself: its fetch says same-site and names its own origin.
    const fromPage = await op('license:deactivate', { Cookie: tab.cookie, Origin: `http://127.0.0.1:${port + 1}`, 'Sec-Fetch-Site': 'same-site' });
    expect([fromPage.status, codeOf(fromPage)]).toEqual([403, 'CROSS_ORIGIN_REQUEST']);
    expect(ran).toEqual([]);
    // The tab that signed in keeps working.
    expect((await op('license:status', tab.headers)).status).toBe(200);
    expect(ran).toEqual(['license:status']);
  });

  it('names the cookie after the agent\'s port and scopes it to the operations route, so two agents never share it', async () => {
    const first = await startConsole();
    const second = await startConsole();
    const firstTab = await signInTab(first.port, first.startupLink());
    const secondTab = await signInTab(second.port, second.startupLink());
    expect(firstTab.cookie).toMatch(new RegExp(`^tessera_console_${first.port}=`));
    expect(secondTab.cookie).toMatch(new RegExp(`^tessera_console_${second.port}=`));
    expect(firstTab.cookieAttributes).toMatch(/^Path=\/v1\/ops\/; HttpOnly; SameSite=Strict; /);
    // One agent's session means nothing to the other, even with its secret.
    expect((await second.op('license:status', { ...firstTab.headers, Origin: secondTab.origin })).status).toBe(401);
    expect(second.ran).toEqual([]);
  });
});

describe('console cookie replayed without Origin or Sec-Fetch-Site', () => {
  it('refuses a request that does not say it comes from the console\'s page (403 CROSS_ORIGIN_REQUEST)', async () => {
    const { port, ran, startupLink, op } = await startConsole();
    const tab = await signInTab(port, startupLink());
    const bare = await op('license:deactivate', { Cookie: tab.cookie, 'Tessera-Session': tab.secret });
    expect([bare.status, codeOf(bare)]).toEqual([403, 'CROSS_ORIGIN_REQUEST']);
    const cookieAlone = await op('license:deactivate', { Cookie: tab.cookie });
    expect([cookieAlone.status, codeOf(cookieAlone)]).toEqual([403, 'CROSS_ORIGIN_REQUEST']);
    // An Origin alone must be the console's own; without Sec-Fetch-Site it then suffices (older browsers).
    const otherOrigin = await op('license:deactivate', { Cookie: tab.cookie, 'Tessera-Session': tab.secret, Origin: `http://localhost:${port}` });
    expect([otherOrigin.status, codeOf(otherOrigin)]).toEqual([403, 'CROSS_ORIGIN_REQUEST']);
    expect(ran).toEqual([]);
    expect((await op('license:status', { Cookie: tab.cookie, 'Tessera-Session': tab.secret, Origin: tab.origin })).status).toBe(200);
  });
});

describe('console request from another site (Sec-Fetch-Site: cross-site)', () => {
  it('refuses cross-site, same-site and user-initiated requests, whatever Origin they claim (403 CROSS_ORIGIN_REQUEST)', async () => {
    const { port, ran, startupLink, op } = await startConsole();
    const tab = await signInTab(port, startupLink());
    for (const site of ['cross-site', 'same-site', 'none']) {
      const answer = await op('license:deactivate', { ...tab.headers, 'Sec-Fetch-Site': site });
      expect([site, answer.status, codeOf(answer)]).toEqual([site, 403, 'CROSS_ORIGIN_REQUEST']);
    }
    const evil = await op('license:deactivate', { ...tab.headers, Origin: 'http://evil.example' });
    expect([evil.status, codeOf(evil)]).toEqual([403, 'CROSS_ORIGIN_REQUEST']);
    expect(ran).toEqual([]);
  });
});

describe('login link minted by a token without licensing:delete', () => {
  it('gives a session with at most the minting token\'s scopes: deleting through it is refused (403 FORBIDDEN)', async () => {
    const { port, tokens, ran, op } = await startConsole();
    const writer = await tokens.issueToken(['licensing:read', 'licensing:write']);
    const minted = await call(port, 'POST', '/v1/console/login-links', { token: writer.token, body: {} });
    expect(minted.status).toBe(201);
    const tab = await signInTab(port, (JSON.parse(minted.text) as { path: string }).path);
    for (const [name, body] of [
      ['license:deactivate', '{}'],
      ['licenses:remove', JSON.stringify({ id: LICENSE_ID })],
      ['seats:deactivate', JSON.stringify({ access: { kind: 'active-license' }, ids: ['a'] })],
    ] as const) {
      const answer = await op(name, tab.headers, body);
      expect([name, answer.status, codeOf(answer)]).toEqual([name, 403, 'FORBIDDEN']);
    }
    expect(ran).toEqual([]);
    // What the token may do, its session may do.
    expect((await op('license:activate', tab.headers, JSON.stringify({ licenseKey: KEY }))).status).toBe(200);
    expect(ran).toEqual(['license:activate']);
  });

  it('the startup link (the main token\'s) gives every scope', async () => {
    const { port, ran, startupLink, op } = await startConsole();
    const tab = await signInTab(port, startupLink());
    expect((await op('license:deactivate', tab.headers)).status).toBe(200);
    expect(ran).toEqual(['license:deactivate']);
  });
});

/** A server on a loopback port that answers every request with `answer`, and records what it was sent. */
async function impostor(answer: (nonce: string) => { readonly status: number; readonly headers: Record<string, string>; readonly body: string }) {
  const received: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    received.push(req.headers);
    req.resume();
    const reply = answer(String(req.headers['tessera-nonce'] ?? ''));
    res.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers });
    res.end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe('impostor on the agent\'s port', () => {
  it('fails the signature check, whether its answer is unsigned, forged, or a genuine answer replayed; the agent\'s own answer holds', async () => {
    const { agent, token } = await start();
    expect(await createAgentClient({ url: agent.url, token }).licensed()).toBe(true);
    expect(await createAgentClient({ url: agent.url, token, auth: 'bearer' }).licensed()).toBe(true);

    // A genuine answer, recorded by whoever saw one, for a nonce the client will never send again.
    const recorded = await call(agent.port, 'GET', '/v1/license/check', { token, headers: { 'tessera-nonce': 'recorded-nonce-0123456789' } });
    expect(recorded.headers['tessera-signature']).toMatch(/^sha256=[A-Za-z0-9_-]{43}$/);
    const fakes = {
      unsigned: await impostor(() => ({ status: 200, headers: {}, body: 'true' })),
      forged: await impostor((nonce) => ({
        status: 200,
        headers: { 'Tessera-Signature': signResponse(randomBytes(32).toString('base64url'), { method: 'GET', target: '/v1/license/check', nonce, status: 200, body: 'true' }) },
        body: 'true',
      })),
      replayed: await impostor(() => ({ status: 200, headers: { 'Tessera-Signature': String(recorded.headers['tessera-signature']) }, body: recorded.text })),
    };
    for (const [kind, fake] of Object.entries(fakes)) {
      const client = createAgentClient({ url: fake.url, token });
      expect([kind, await client.licensed()]).toEqual([kind, false]);
      const answer = await client.request('GET', '/v1/license/check');
      expect([kind, answer.ok, answer.ok ? null : answer.reason]).toEqual([kind, false, kind === 'unsigned' ? 'unsigned' : 'not-genuine']);
      // Signed requests never hand the token to whatever listens on the port.
      for (const headers of fake.received) expect(JSON.stringify(headers)).not.toContain(token);
    }
  });
});

/** A signed request to the agent at `port`, as `createAgentClient` makes it, with every part under the test's control. */
function signedCall(port: number, token: string, parts: { method: string; target: string; ts: number; nonce: string; body?: string; sent?: { method?: string; target?: string; body?: string } }) {
  const authorization = hmacAuthorization('main', token, { method: parts.method, target: parts.target, ts: parts.ts, nonce: parts.nonce, body: parts.body ?? '' });
  const body = parts.sent?.body ?? parts.body;
  return call(port, parts.sent?.method ?? parts.method, parts.sent?.target ?? parts.target, { headers: { authorization }, ...(body === undefined ? {} : { body }) });
}

const seconds = (ms: number): number => Math.floor(ms / 1000);
const nonce = (): string => randomBytes(18).toString('base64url');

describe('replayed signed request', () => {
  it('accepts a signed request once: the same nonce again is refused (401 SIGNATURE_REPLAYED), even with a fresh signature of a new time', async () => {
    const { port, token, manager } = await start();
    const once = { method: 'DELETE', target: `/v1/licenses/${LICENSE_ID}`, ts: seconds(Date.now()), nonce: nonce() };
    expect((await signedCall(port, token, once)).status).toBe(204);
    const replayed = await signedCall(port, token, once);
    expect([replayed.status, codeOf(replayed)]).toEqual([401, 'SIGNATURE_REPLAYED']);
    const resigned = await signedCall(port, token, { ...once, ts: once.ts + 1 });
    expect([resigned.status, codeOf(resigned)]).toEqual([401, 'SIGNATURE_REPLAYED']);
    expect(manager.reached).toEqual(['remove']);
  });
});

describe('stale signed request', () => {
  it('refuses a time more than five minutes from the agent\'s clock, either way (401 SIGNATURE_EXPIRED)', async () => {
    const clock = Date.parse('2030-06-01T12:00:00Z');
    const { port, token, manager } = await start({ options: { now: () => clock } });
    for (const ts of [seconds(clock) - 301, seconds(clock) + 301, 0]) {
      const answer = await signedCall(port, token, { method: 'GET', target: '/v1/license/check', ts, nonce: nonce() });
      expect([ts, answer.status, codeOf(answer)]).toEqual([ts, 401, 'SIGNATURE_EXPIRED']);
    }
    expect(manager.reached).toEqual([]);
    for (const ts of [seconds(clock) - 300, seconds(clock) + 300]) {
      expect((await signedCall(port, token, { method: 'GET', target: '/v1/license/check', ts, nonce: nonce() })).status).toBe(200);
    }
  });
});

describe('tampered body of a signed request', () => {
  it('refuses a body, target or method other than the signed one (401 SIGNATURE_INVALID), and reaches nothing', async () => {
    const { port, token, manager } = await start();
    const signed = { method: 'PUT', target: '/v1/license', ts: seconds(Date.now()), body: JSON.stringify({ licenseKey: KEY }) };
    const tampered = [
      { body: JSON.stringify({ licenseKey: 'ATTACKER-KEY' }) },
      { body: `${signed.body} ` },
      { target: '/v1/license?online=true' },
      { method: 'POST', target: '/v1/licenses' },
    ];
    for (const sent of tampered) {
      const answer = await signedCall(port, token, { ...signed, nonce: nonce(), sent });
      expect([sent, answer.status, codeOf(answer)]).toEqual([sent, 401, 'SIGNATURE_INVALID']);
    }
    const otherKey = await signedCall(port, randomBytes(32).toString('base64url'), { ...signed, nonce: nonce() });
    expect([otherKey.status, codeOf(otherKey)]).toEqual([401, 'SIGNATURE_INVALID']);
    expect(manager.reached).toEqual([]);
    expect((await signedCall(port, token, { ...signed, nonce: nonce() })).status).toBe(201);
    expect(manager.reached).toEqual(['activate']);
  });
});
