/**
 * The web console served by the agent, over real sockets: its pages and their headers, the
 * one-time login link and the session (cookie and per-tab secret), and the contract's
 * operations route with its scopes. The operations are a recording fake: what the core does is
 * tested elsewhere. The attacks on the session are in test/security/agent-threats.test.ts.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, createAgentConsole, resolveStaticPath, sessionCookieName } from '../../src/agent/console.js';
import { startAgent, type RunningAgent } from '../../src/agent/server.js';
import { createAgentTokenStore, type AgentTokenStore } from '../../src/agent/token.js';
import type { OperationName } from '../../src/contract/operations.js';
import type { LicenseManager } from '../../src/licensing/manager.types.js';
import type { OperationsService } from '../../src/operations/operations.service.js';
import { createMemoryStore } from '../../src/vault/memory.store.js';
import { call, signInTab, type Answer, type ConsoleTab } from './console-sign-in.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'tessera-console-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/** A built renderer in miniature: a page and a hashed asset, beside a secret just outside the folder. */
function staticSite(): string {
  const root = tempFolder();
  const site = join(root, 'renderer');
  mkdirSync(join(site, 'assets'), { recursive: true });
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>Tessera</title><script type="module" src="./assets/app-1a2b.js"></script>');
  writeFileSync(join(site, 'assets', 'app-1a2b.js'), 'console.log("ui")');
  writeFileSync(join(root, 'secret.json'), '{"secret":true}');
  return site;
}

interface Harness {
  readonly agent: RunningAgent;
  readonly port: number;
  readonly token: string;
  readonly tokens: AgentTokenStore;
  readonly ran: { readonly name: OperationName; readonly input: unknown }[];
  readonly clock: { now: number };
  /** Exchanges a fresh login link for a signed-in tab. */
  signIn(): Promise<ConsoleTab>;
  op(name: string, headers: Record<string, string>, body?: string): Promise<Answer>;
}

async function start(): Promise<Harness> {
  const ran: { name: OperationName; input: unknown }[] = [];
  const operations: OperationsService = {
    async run(name, input) {
      ran.push({ name, input });
      return { ok: true, value: { echoed: name } } as never;
    },
  };
  const clock = { now: Date.parse('2030-01-01T00:00:00Z') };
  const console = createAgentConsole({ staticFolder: staticSite(), operations, now: () => clock.now });
  const tokens = createAgentTokenStore({ secrets: createMemoryStore(), dataFolder: tempFolder() });
  const agent = await startAgent({ manager: {} as LicenseManager, tokenStore: tokens, port: 0, machineFingerprint: async () => 'fp', console, log: () => undefined });
  cleanups.push(() => agent.close());
  const port = agent.port;
  const token = readFileSync(tokens.tokenFile, 'utf8').trim();
  return {
    agent,
    port,
    token,
    tokens,
    ran,
    clock,
    async signIn() {
      const link = new URL(agent.loginUrl() as string);
      return signInTab(port, `${link.pathname}${link.search}`);
    },
    op: (name, headers, body = '{}') => call(port, 'POST', `/v1/ops/${name}`, { 'Content-Type': 'application/json', ...headers }, body),
  };
}

describe('console pages', () => {
  it('serves the UI with the strict CSP and hardening headers', async () => {
    const { port } = await start();
    const page = await call(port, 'GET', '/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Tessera</title>');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toMatch(/default-src 'none'/);
    expect(CONSOLE_CSP).toMatch(/script-src 'self';/);
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['cache-control']).toBe('no-cache');
    const asset = await call(port, 'GET', '/assets/app-1a2b.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toContain('immutable');
    const head = await call(port, 'HEAD', '/');
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
  });

  it('never serves a file outside the built UI', async () => {
    const { port } = await start();
    for (const path of ['/../secret.json', '/%2e%2e/secret.json', '/assets/%2e%2e%2f%2e%2e%2fsecret.json', '/..%5csecret.json', '/%00index.html', '/%E0%A4%A']) {
      const answer = await call(port, 'GET', path);
      expect(answer.status, path).toBe(404);
      expect(answer.text).not.toContain('secret');
    }
    expect(resolveStaticPath('/srv/ui', '/../etc/passwd')).toBeNull();
    expect(resolveStaticPath('/srv/ui', '/')).toBe('/srv/ui/index.html');
    expect((await call(port, 'GET', '/missing.js')).status).toBe(404);
    expect((await call(port, 'GET', '/index.exe')).status).toBe(404);
    expect((await call(port, 'POST', '/', { 'Content-Type': 'application/json' }, '{}')).status).toBe(405);
  });

  it('answers only requests addressed to a loopback name (DNS rebinding)', async () => {
    const { port } = await start();
    expect((await call(port, 'GET', '/', { Host: `evil.example:${port}` })).status).toBe(403);
  });
});

describe('sign-in with the one-time login link', () => {
  it('exchanges the code, once, for an HttpOnly, SameSite=Strict cookie and a per-tab secret in the redirect\'s fragment', async () => {
    const { agent, port } = await start();
    const link = new URL(agent.loginUrl() as string);
    expect(link.origin).toBe(`http://127.0.0.1:${port}`);
    const first = await call(port, 'GET', `${link.pathname}${link.search}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toMatch(/^\/#session=[A-Za-z0-9_-]{43}$/);
    expect(first.headers['cache-control']).toBe('no-store');
    const cookie = String(first.headers['set-cookie']?.[0]);
    expect(cookie).toMatch(new RegExp(`^${sessionCookieName(port)}=[A-Za-z0-9_-]{43}; `));
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    // The secret is never in the cookie.
    expect(cookie).not.toContain(String(first.headers.location).slice('/#session='.length));
    const again = await call(port, 'GET', `${link.pathname}${link.search}`);
    expect(again.status).toBe(401);
    expect(again.text).toContain('Next step');
    expect((await call(port, 'GET', '/login?code=guessed')).status).toBe(401);
    expect((await call(port, 'GET', '/login')).status).toBe(401);
  });

  it('refuses a link after ten minutes, and a session after twelve hours', async () => {
    const harness = await start();
    const stale = new URL(harness.agent.loginUrl() as string);
    harness.clock.now += 10 * 60_000 + 1;
    expect((await call(harness.port, 'GET', `${stale.pathname}${stale.search}`)).status).toBe(401);
    const tab = await harness.signIn();
    expect((await harness.op('license:status', tab.headers)).status).toBe(200);
    harness.clock.now += 12 * 60 * 60_000 + 1;
    expect((await harness.op('license:status', tab.headers)).status).toBe(401);
  });

  it('mints new links for a bearer with licensing:write only', async () => {
    const harness = await start();
    const minted = await call(harness.port, 'POST', '/v1/console/login-links', { Authorization: `Bearer ${harness.token}`, 'Content-Type': 'application/json' }, '{}');
    expect(minted.status).toBe(201);
    const { path } = JSON.parse(minted.text) as { path: string };
    expect((await call(harness.port, 'GET', path)).status).toBe(303);
    const reader = await harness.tokens.issueToken(['licensing:read']);
    expect((await call(harness.port, 'POST', '/v1/console/login-links', { Authorization: `Bearer ${reader.token}`, 'Content-Type': 'application/json' }, '{}')).status).toBe(403);
    const tab = await harness.signIn();
    expect((await call(harness.port, 'POST', '/v1/console/login-links', { ...tab.headers, 'Content-Type': 'application/json' }, '{}')).status).toBe(401);
  });

  it('gives a minted link\'s session the minting token\'s scopes', async () => {
    const harness = await start();
    const reader = await harness.tokens.issueToken(['licensing:read', 'licensing:write']);
    const minted = await call(harness.port, 'POST', '/v1/console/login-links', { Authorization: `Bearer ${reader.token}`, 'Content-Type': 'application/json' }, '{}');
    const tab = await signInTab(harness.port, (JSON.parse(minted.text) as { path: string }).path);
    expect((await harness.op('license:status', tab.headers)).status).toBe(200);
    expect((await harness.op('license:deactivate', tab.headers)).status).toBe(403);
    expect(harness.ran.map((entry) => entry.name)).toEqual(['license:status']);
  });
});

describe('POST /v1/ops/:operation', () => {
  it('runs the operation for a signed-in tab and answers its result value', async () => {
    const harness = await start();
    const tab = await harness.signIn();
    const answer = await harness.op('license:activate', tab.headers, '{"licenseKey":"K"}');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ ok: true, value: { echoed: 'license:activate' } });
    expect(harness.ran).toEqual([{ name: 'license:activate', input: { licenseKey: 'K' } }]);
    await harness.op('license:status', tab.headers, '');
    expect(harness.ran[1]).toEqual({ name: 'license:status', input: {} });
    // Answers to the page are not signed: no token took part (the page is the agent's own).
    expect(answer.headers['tessera-signature']).toBeUndefined();
  });

  it('refuses without a session, and a session sent from another origin or without its secret', async () => {
    const harness = await start();
    expect((await harness.op('license:status', {})).status).toBe(401);
    expect((await harness.op('license:status', { Cookie: `${sessionCookieName(harness.port)}=made-up` })).status).toBe(401);
    const tab = await harness.signIn();
    expect((await harness.op('license:activate', { ...tab.headers, Origin: 'http://evil.example' }, '{"licenseKey":"K"}')).status).toBe(403);
    expect((await harness.op('license:activate', { ...tab.headers, 'Sec-Fetch-Site': 'cross-site' }, '{"licenseKey":"K"}')).status).toBe(403);
    expect((await harness.op('license:activate', { Cookie: tab.cookie, Origin: tab.origin, 'Sec-Fetch-Site': 'same-origin' }, '{"licenseKey":"K"}')).status).toBe(403);
    expect((await harness.op('license:activate', { ...tab.headers, 'Content-Type': 'text/plain' }, '{"licenseKey":"K"}')).status).toBe(415);
    expect(harness.ran).toEqual([]);
  });

  it('accepts the session on the operations route only, not on the scripting API', async () => {
    const harness = await start();
    const tab = await harness.signIn();
    expect((await call(harness.port, 'GET', '/v1/license', tab.headers)).status).toBe(401);
  });

  it('checks each operation against the bearer token\'s scopes', async () => {
    const harness = await start();
    const reader = await harness.tokens.issueToken(['licensing:read']);
    const bearer = { Authorization: `Bearer ${reader.token}` };
    expect((await harness.op('license:status', bearer)).status).toBe(200);
    expect((await harness.op('license:activate', bearer, '{"licenseKey":"K"}')).status).toBe(403);
    expect((await harness.op('seats:deactivate', bearer, '{"access":{"kind":"active-license"},"ids":["a"]}')).status).toBe(403);
    const writer = await harness.tokens.issueToken(['licensing:read', 'licensing:write']);
    expect((await harness.op('license:deactivate', { Authorization: `Bearer ${writer.token}` })).status).toBe(403);
    expect((await harness.op('license:activate', { Authorization: `Bearer ${writer.token}` }, '{"licenseKey":"K"}')).status).toBe(200);
    expect(harness.ran.map((entry) => entry.name)).toEqual(['license:status', 'license:activate']);
  });

  it('serves choosing the active license and dismissing notices to a session that may write, and to no other', async () => {
    const harness = await start();
    const reader = { Authorization: `Bearer ${(await harness.tokens.issueToken(['licensing:read'])).token}` };
    expect((await harness.op('licenses:use', reader, '{"id":"lic-1"}')).status).toBe(403);
    expect((await harness.op('licenses:dismiss-notices', reader)).status).toBe(403);
    expect(harness.ran).toEqual([]);
    const tab = await harness.signIn();
    expect((await harness.op('licenses:use', tab.headers, '{"id":"lic-1"}')).status).toBe(200);
    expect((await harness.op('licenses:dismiss-notices', tab.headers)).status).toBe(200);
    expect(harness.ran).toEqual([
      { name: 'licenses:use', input: { id: 'lic-1' } },
      { name: 'licenses:dismiss-notices', input: {} },
    ]);
  });

  it('knows only the core\'s operations: unknown names and the window\'s file chooser are 404', async () => {
    const harness = await start();
    const tab = await harness.signIn();
    expect((await harness.op('license:format-disk', tab.headers)).status).toBe(404);
    expect((await harness.op('files:choose', tab.headers)).status).toBe(404);
    expect((await harness.op('__proto__', tab.headers)).status).toBe(404);
    expect(harness.ran).toEqual([]);
  });
});
