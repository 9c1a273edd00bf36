/**
 * The Keygen client against the real local issuer over real sockets: validation, activation,
 * check-out (verified with the license-file engine), check-in, heartbeat, deactivation, paging,
 * refusals, rate limiting, unreachable servers, timeouts, the response cap and proxies
 * (HTTP_PROXY absolute-form, HTTPS_PROXY CONNECT tunnels, NO_PROXY).
 */
import { generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer, connect as tcpConnect, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailureCode, Result } from '../../src/contract/codes.js';
import { isTransient } from '../../src/contract/failures.js';
import { messageFor } from '../../src/contract/messages.js';
import { createKeygenClient, MAX_RETRY_AFTER_MS, type ClientFailure, type KeygenClientOptions } from '../../src/keygen/client.js';
import type { ApiResource, KeygenClient } from '../../src/keygen/client.types.js';
import { bypassesProxy, proxyRoute } from '../../src/keygen/proxy.js';
import { bodyDigest, buildSigningString } from '../../src/keygen/response-signature.js';
import { createNodeTransport, type Transport, type TransportFailure, type TransportRequest } from '../../src/keygen/transport.js';
import { verifyLicenseFile } from '../../src/license-file/verify.js';
import { startTestIssuer, type TestIssuer } from '../issuer/support.js';
import { value } from '../support/result.js';

let t: TestIssuer;

const fingerprint = (): string => randomBytes(32).toString('hex');
const license = (policy: string) => {
  const found = t.issuer.licenses.find((candidate) => candidate.policy === policy);
  if (found === undefined) throw new Error(`no demo license for ${policy}`);
  return found;
};
const keyOf = (policy: string) => ({ kind: 'license-key', key: license(policy).key }) as const;

/** Unwraps a success, failing the test with the code otherwise. */

/** A transport that records what it was asked to send, then sends it for real. */
function recording(inner: Transport = createNodeTransport({ env: {} })): { transport: Transport; sent: TransportRequest[] } {
  const sent: TransportRequest[] = [];
  return { sent, transport: { send: (request) => (sent.push(request), inner.send(request)) } };
}

function client(overrides: Partial<KeygenClientOptions> = {}): KeygenClient {
  // An empty environment: the machine's own proxy variables must not change what these tests see.
  return createKeygenClient({ config: t.issuer.config, env: {}, sleep: async () => {}, ...overrides });
}

beforeAll(async () => {
  t = await startTestIssuer({ seed: 'demo' });
});
afterAll(async () => {
  await t.close();
});

describe('requests on the wire', () => {
  it('sends JSON:API headers, Keygen-Version 1.8, a Tessera User-Agent and the credentials', async () => {
    const { transport, sent } = recording();
    const api = client({ transport });
    value(await api.validateKey(license('Node-locked').key, {}));
    value(await api.licenseMachines(license('Node-locked').id, { number: 1, size: 5 }, keyOf('Node-locked')));

    const [post, get] = sent as [TransportRequest, TransportRequest];
    expect(post.method).toBe('POST');
    expect(post.url.pathname).toBe(`/v1/accounts/${t.issuer.account}/licenses/actions/validate-key`);
    expect(post.headers).toMatchObject({ Accept: 'application/vnd.api+json', 'Content-Type': 'application/vnd.api+json', 'Keygen-Version': '1.8' });
    expect(post.headers['User-Agent']).toMatch(/^Tessera\b/);
    expect(post.headers.Authorization).toBeUndefined();
    const sentBody = JSON.parse(Buffer.from(post.body ?? new Uint8Array()).toString('utf8'));
    expect(Number.isSafeInteger(sentBody.meta.nonce)).toBe(true);
    expect(sentBody.meta.scope).toEqual({ product: t.issuer.config.product });

    expect(get.method).toBe('GET');
    expect(get.url.search).toBe('?page[number]=1&page[size]=5');
    expect(get.headers.Authorization).toBe(`License ${license('Node-locked').key}`);
    expect(get.headers['Content-Type']).toBeUndefined();
    expect(get.body).toBeNull();
  });

  it('sends a token as Bearer', async () => {
    const { transport, sent } = recording();
    const result = await client({ transport }).machine('anything', { kind: 'token', token: t.issuer.adminToken });
    expect(result.ok ? 'ok' : result.code).toBe('RESOURCE_NOT_FOUND');
    expect(sent[0]?.headers.Authorization).toBe(`Bearer ${t.issuer.adminToken}`);
  });

  it('puts check-out options in the query, encoded as Keygen reads them', async () => {
    const { transport, sent } = recording();
    await client({ transport }).checkOutMachine(
      'no-such-machine',
      { encrypt: true, ttl: 3600, include: ['license', 'license.entitlements'], algorithm: 'aes-256-gcm+ed25519' },
      keyOf('Node-locked'),
    );
    expect(sent[0]?.url.pathname).toBe(`/v1/accounts/${t.issuer.account}/machines/no-such-machine/actions/check-out`);
    expect(sent[0]?.url.search).toBe('?encrypt=true&ttl=3600&include=license%2Clicense.entitlements&algorithm=aes-256-gcm%2Bed25519');
  });

  it('refuses ids that would change the path, and credentials that would break the header, without sending anything', async () => {
    const { transport, sent } = recording();
    const api = client({ transport });
    for (const id of ['..', '.', '']) {
      const result = await api.machine(id, keyOf('Node-locked'));
      expect(result.ok ? 'ok' : result.code, id).toBe('RESOURCE_NOT_FOUND');
    }
    const injected = await api.machine('x', { kind: 'license-key', key: 'KEY\r\nX-Evil: 1' });
    expect(injected.ok ? 'ok' : injected.code).toBe('LICENSE_INVALID');
    const badToken = await api.machine('x', { kind: 'token', token: 'tok en' });
    expect(badToken.ok ? 'ok' : badToken.code).toBe('TOKEN_INVALID');
    const badPage = await api.licenseMachines(license('Node-locked').id, { number: 0, size: 10 }, keyOf('Node-locked'));
    expect(badPage.ok ? 'ok' : badPage.code).toBe('REQUEST_REFUSED');
    expect(sent).toHaveLength(0);
  });

  it('encodes ids as one path segment', async () => {
    const { transport, sent } = recording();
    await client({ transport }).machine('a/b?c#d', keyOf('Node-locked'));
    expect(sent[0]?.url.pathname).toBe(`/v1/accounts/${t.issuer.account}/machines/a%2Fb%3Fc%23d`);
    expect(sent[0]?.url.search).toBe('');
    // An id that merely spells a dot segment in percent-encoding stays a literal segment.
    await client({ transport }).machine('%2e%2E', keyOf('Node-locked'));
    expect(sent[1]?.url.pathname).toBe(`/v1/accounts/${t.issuer.account}/machines/%252e%252E`);
  });

  it('fails every call when the configuration is unusable', async () => {
    const badKey = createKeygenClient({ config: { ...t.issuer.config, publicKey: 'not a key' }, env: {} });
    const r1 = await badKey.validateKey('KEY', {});
    expect(r1.ok ? 'ok' : r1.code).toBe('PUBLIC_KEY_INVALID');
    const badUrl = createKeygenClient({ config: { ...t.issuer.config, apiUrl: 'ftp://example.com' }, env: {} });
    const r2 = await badUrl.validateKey('KEY', {});
    expect(r2.ok ? 'ok' : r2.code).toBe('CONFIG_INVALID');
  });
});

describe('validation', () => {
  it('reports NOT_FOUND for an unknown key', async () => {
    const validation = value(await client().validateKey('NO-SUCH-KEY', { fingerprint: fingerprint() }));
    expect(validation).toMatchObject({ valid: false, code: 'NOT_FOUND', license: null });
  });

  it('reports NO_MACHINE for a node-locked key with a fingerprint scope, with the license', async () => {
    const validation = value(await client().validateKey(license('Node-locked').key, { fingerprint: fingerprint() }));
    expect(validation.valid).toBe(false);
    expect(validation.code).toBe('NO_MACHINE');
    expect(validation.license?.id).toBe(license('Node-locked').id);
  });

  it('scopes validation to the configured product', async () => {
    const api = createKeygenClient({ config: { ...t.issuer.config, product: '00000000-0000-4000-8000-000000000000' }, env: {} });
    const validation = value(await api.validateKey(license('Node-locked').key, {}));
    expect(validation.code).toBe('PRODUCT_SCOPE_MISMATCH');
    expect(validation.valid).toBe(false);
  });

  it('reports the suspension of a suspended license', async () => {
    const validation = value(await client().validateKey(license('Suspended').key, {}));
    expect(validation).toMatchObject({ valid: false, code: 'SUSPENDED' });
  });
});

describe('machine lifecycle (Node-locked)', () => {
  const fp = fingerprint();
  let machine: ApiResource;

  it('activates a machine', async () => {
    machine = value(await client().activate(license('Node-locked').id, { fingerprint: fp, name: 'Test box', platform: 'linux/x64', cores: 4 }, keyOf('Node-locked')));
    expect(machine.type).toBe('machines');
    expect(machine.attributes).toMatchObject({ fingerprint: fp, name: 'Test box', platform: 'linux/x64', cores: 4 });
  });

  it('then validates as VALID, by key and by id', async () => {
    const byKey = value(await client().validateKey(license('Node-locked').key, { fingerprint: fp }));
    expect(byKey).toMatchObject({ valid: true, code: 'VALID' });
    const byId = value(await client().validate(license('Node-locked').id, { fingerprint: fp, entitlements: ['CORE'] }, keyOf('Node-locked')));
    expect(byId).toMatchObject({ valid: true, code: 'VALID' });
    expect(byId.license?.id).toBe(license('Node-locked').id);
  });

  it('refuses a second machine: MACHINE_LIMIT_EXCEEDED, with the server detail', async () => {
    const result = await client().activate(license('Node-locked').id, { fingerprint: fingerprint() }, keyOf('Node-locked'));
    expect(result.ok ? 'ok' : result.code).toBe('MACHINE_LIMIT_EXCEEDED');
    expect((result as ClientFailure).detail).toMatch(/maximum allowed/);
  });

  it('reads the machine by id and by fingerprint', async () => {
    expect(value(await client().machine(machine.id, keyOf('Node-locked'))).id).toBe(machine.id);
    expect(value(await client().machine(fp, keyOf('Node-locked'))).id).toBe(machine.id);
  });

  it('checks out a machine file that verifies with the pinned key, the license key and the fingerprint', async () => {
    const certificate = value(
      await client().checkOutMachine(machine.id, { encrypt: true, ttl: 3600, include: ['license'], algorithm: 'aes-256-gcm+ed25519' }, keyOf('Node-locked')),
    );
    expect(certificate.startsWith('-----BEGIN MACHINE FILE-----\n')).toBe(true);
    const verified = verifyLicenseFile(certificate, t.pinned, { licenseKey: license('Node-locked').key, fingerprint: fp, now: Date.now() });
    expect(verified.ok ? 'ok' : verified.code).toBe('ok');
    if (!verified.ok) return;
    expect(verified.value).toMatchObject({ kind: 'machine', alg: 'aes-256-gcm+ed25519', encrypted: true });
    expect(verified.value.meta.ttl).toBe(3600);
    expect(verified.value.machine?.attributes.fingerprint).toBe(fp);
    expect(verified.value.license?.id).toBe(license('Node-locked').id);
    // Bound to this machine: another fingerprint cannot open it.
    expect(verifyLicenseFile(certificate, t.pinned, { licenseKey: license('Node-locked').key, fingerprint: fingerprint(), now: Date.now() }).ok).toBe(false);
  });

  it('answers CHECK_IN_NOT_REQUIRED for a license whose policy does not require check-in', async () => {
    const result = await client().checkIn(license('Node-locked').id, keyOf('Node-locked'));
    expect(result.ok ? 'ok' : result.code).toBe('CHECK_IN_NOT_REQUIRED');
  });

  it('deactivates, after which the machine is gone', async () => {
    value(await client().deactivate(machine.id, keyOf('Node-locked')));
    const gone = await client().machine(machine.id, keyOf('Node-locked'));
    expect(gone.ok ? 'ok' : gone.code).toBe('RESOURCE_NOT_FOUND');
    const again = await client().deactivate(machine.id, keyOf('Node-locked'));
    expect(again.ok ? 'ok' : again.code).toBe('RESOURCE_NOT_FOUND');
    const validation = value(await client().validateKey(license('Node-locked').key, { fingerprint: fp }));
    expect(validation.code).toBe('NO_MACHINE');
  });
});

describe('check-in, heartbeat, refusals', () => {
  it('checks in a license whose policy requires it', async () => {
    const checked = value(await client().checkIn(license('Check-in required').id, keyOf('Check-in required')));
    expect(checked.id).toBe(license('Check-in required').id);
    expect(checked.type).toBe('licenses');
  });

  it('pings a machine of a heartbeat policy', async () => {
    const fp = fingerprint();
    const machine = value(await client().activate(license('Heartbeat required').id, { fingerprint: fp }, keyOf('Heartbeat required')));
    const pinged = value(await client().ping(fp, keyOf('Heartbeat required')));
    expect(pinged.id).toBe(machine.id);
    expect(pinged.attributes.heartbeatStatus).toBe('ALIVE');
    value(await client().deactivate(machine.id, keyOf('Heartbeat required')));
  });

  it('refuses activation with a suspended license: LICENSE_SUSPENDED', async () => {
    const result = await client().activate(license('Suspended').id, { fingerprint: fingerprint() }, keyOf('Suspended'));
    expect(result.ok ? 'ok' : result.code).toBe('LICENSE_SUSPENDED');
  });

  it('refuses an unknown license key as credentials: LICENSE_INVALID', async () => {
    const result = await client().machine('x', { kind: 'license-key', key: 'NOT-A-REAL-KEY' });
    expect(result.ok ? 'ok' : result.code).toBe('LICENSE_INVALID');
  });

  it("refuses another license's machines: RESOURCE_NOT_FOUND, never the data", async () => {
    const result = await client().licenseMachines(license('Floating (3 seats)').id, { number: 1, size: 10 }, keyOf('Node-locked'));
    expect(result.ok ? 'ok' : result.code).toBe('RESOURCE_NOT_FOUND');
  });
});

describe('error mapping (signed answers through an injected transport)', () => {
  const keys = generateKeyPairSync('ed25519');
  const account = randomUUID();
  /** A transport that answers every request with `status` and `body`, signed as Keygen signs. */
  const answering = (status: number, body: string): Transport => ({
    send: async (request) => {
      const date = new Date().toUTCString();
      const digest = bodyDigest(body);
      const target = request.url.pathname + request.url.search;
      const signingString = buildSigningString({ method: request.method, target, host: request.url.hostname, date, digest });
      const signature = sign(null, Buffer.from(signingString), keys.privateKey).toString('base64');
      const headers = { date, digest, 'keygen-signature': `keyid="${account}", algorithm="ed25519", signature="${signature}", headers="(request-target) host date digest"` };
      return { ok: true, response: { status, headers, body: Buffer.from(body) } };
    },
  });
  const api = (status: number, body: string) =>
    createKeygenClient({
      config: { apiUrl: 'https://licensing.example', account, product: null, publicKey: keys.publicKey.export({ format: 'pem', type: 'spki' }).toString() },
      transport: answering(status, body),
      retries: 0,
    });
  const errors = (...list: object[]) => JSON.stringify({ errors: list });
  const token = { kind: 'token', token: 'admin-token' } as const;
  const licenseKey = { kind: 'license-key', key: 'KEY' } as const;

  const cases: [string, number, string, (client: KeygenClient) => Promise<Result<unknown>>, string][] = [
    ['a known Keygen code', 422, errors({ title: 'Unprocessable resource', detail: 'has already been taken', code: 'FINGERPRINT_TAKEN' }), (c) => c.activate('l', { fingerprint: 'f' }, licenseKey), 'FINGERPRINT_TAKEN'],
    ['404 without a known code', 404, errors({ title: 'Not found', code: 'NOT_FOUND' }), (c) => c.machine('m', licenseKey), 'RESOURCE_NOT_FOUND'],
    ['401 without a known code, license key', 401, errors({ title: 'Unauthorized', code: 'TOKEN_MISSING' }), (c) => c.machine('m', licenseKey), 'LICENSE_INVALID'],
    ['401 without a known code, token', 401, errors({ title: 'Unauthorized', code: 'TOKEN_FORMAT_INVALID' }), (c) => c.machine('m', token), 'TOKEN_INVALID'],
    ['403 without a code', 403, errors({ title: 'Access denied', detail: 'You do not have permission' }), (c) => c.machine('m', token), 'ACCESS_DENIED'],
    ['422 on check-in', 422, errors({ title: 'Unprocessable entity', detail: 'does not require it' }), (c) => c.checkIn('l', licenseKey), 'CHECK_IN_NOT_REQUIRED'],
    ['422 elsewhere', 422, errors({ title: 'Unprocessable entity', detail: 'nope' }), (c) => c.ping('m', licenseKey), 'REQUEST_REFUSED'],
    ['400 with a code outside the set', 400, errors({ title: 'Bad request', detail: 'must be ≥ 3600', code: 'CHECKOUT_TTL_INVALID' }), (c) => c.checkOutMachine('m', { ttl: 60 }, licenseKey), 'REQUEST_REFUSED'],
    ['a signed 503', 503, errors({ title: 'Service unavailable' }), (c) => c.machine('m', token), 'ISSUER_ERROR'],
    ['a 4xx that is not JSON:API', 400, '<html>bad</html>', (c) => c.machine('m', token), 'RESPONSE_MALFORMED'],
    ['a 2xx that is not JSON', 200, 'OK', (c) => c.machine('m', token), 'RESPONSE_MALFORMED'],
    ['a 2xx of the wrong type', 200, JSON.stringify({ data: { id: 'm', type: 'licenses', attributes: {} } }), (c) => c.machine('m', token), 'RESPONSE_MALFORMED'],
    ['a 2xx about another machine', 200, JSON.stringify({ data: { id: 'x', type: 'machines', attributes: { fingerprint: 'y' } } }), (c) => c.machine('m', token), 'RESPONSE_SCOPE_MISMATCH'],
    ['a redirect', 302, '', (c) => c.machine('m', token), 'RESPONSE_MALFORMED'],
    ['a check-out without a certificate', 200, JSON.stringify({ data: { id: 'f', type: 'machine-files', attributes: {} } }), (c) => c.checkOutMachine('m', {}, token), 'RESPONSE_MALFORMED'],
    ['a next link without a page number', 200, JSON.stringify({ data: [], links: { next: '/v1/x?page=2' } }), (c) => c.licenseMachines('l', { number: 1, size: 10 }, token), 'RESPONSE_MALFORMED'],
  ];
  it.each(cases)('%s', async (_name, status, body, call, code) => {
    const result = await call(api(status, body));
    expect(result.ok ? 'ok' : result.code).toBe(code);
  });

  it("keeps Keygen's detail, without control characters", async () => {
    const result = await api(422, errors({ title: 'Unprocessable resource', detail: 'machine count has exceeded\u001b[2J maximum (1)', code: 'MACHINE_LIMIT_EXCEEDED' })).activate('l', { fingerprint: 'f' }, licenseKey);
    expect(result.ok).toBe(false);
    expect((result as ClientFailure).detail).toBe('machine count has exceeded [2J maximum (1)');
    expect((result as ClientFailure).message).toBe(messageFor('MACHINE_LIMIT_EXCEEDED').message);
  });
});

describe('licenseMachines paging', () => {
  it('pages through the machines with page[number]/page[size] and returns next from links.next', async () => {
    const floating = license('Floating (3 seats)');
    const ids: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      ids.push(value(await client().activate(floating.id, { fingerprint: fingerprint() }, keyOf('Floating (3 seats)'))).id);
    }
    const first = value(await client().licenseMachines(floating.id, { number: 1, size: 2 }, keyOf('Floating (3 seats)')));
    expect(first.data).toHaveLength(2);
    expect(first.next).toBe(2);
    const second = value(await client().licenseMachines(floating.id, { number: 2, size: 2 }, keyOf('Floating (3 seats)')));
    expect(second.data).toHaveLength(1);
    expect(second.next).toBeNull();
    expect([...first.data, ...second.data].map((machine) => machine.id).sort()).toEqual([...ids].sort());
  });
});

describe('rate limiting', () => {
  // 50 s into a minute: the issuer's 60 s window resets in 10 s, which it says in Retry-After.
  const NOW = Date.UTC(2030, 0, 1, 12, 0, 50);
  let limited: TestIssuer;
  beforeAll(async () => {
    limited = await startTestIssuer({ seed: 'demo', rateLimit: '2/60s', clock: () => NOW });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('honours Retry-After for idempotent calls, then reports ISSUER_RATE_LIMITED; state-changing calls are not retried', async () => {
    const waits: number[] = [];
    const { transport, sent } = recording();
    const api = createKeygenClient({ config: limited.issuer.config, env: {}, now: () => NOW, transport, sleep: async (ms) => void waits.push(ms) });
    const key = limited.issuer.licenses[0]?.key ?? '';
    value(await api.validateKey(key, {}));
    value(await api.validateKey(key, {}));

    const third = await api.validateKey(key, {});
    expect(third.ok ? 'ok' : third.code).toBe('ISSUER_RATE_LIMITED');
    expect(sent).toHaveLength(5); // two answered, then one try and two retries
    expect(waits).toEqual([10_000, 10_000]);

    const activation = await api.activate(limited.issuer.licenses[0]?.id ?? '', { fingerprint: fingerprint() }, { kind: 'license-key', key });
    expect(activation.ok ? 'ok' : activation.code).toBe('ISSUER_RATE_LIMITED');
    expect(sent).toHaveLength(6);
    expect(waits).toHaveLength(2);
    expect(MAX_RETRY_AFTER_MS).toBeGreaterThanOrEqual(10_000);
  });
});

describe('network failures', () => {
  it('reports ISSUER_UNREACHABLE for a closed port, after bounded retries with growing backoff', async () => {
    const port = await freePort();
    const waits: number[] = [];
    const { transport, sent } = recording();
    const api = createKeygenClient({ config: { ...t.issuer.config, apiUrl: `http://127.0.0.1:${port}` }, env: {}, transport, sleep: async (ms) => void waits.push(ms) });
    const result = await api.validateKey('KEY', {});
    expect(result.ok ? 'ok' : result.code).toBe('ISSUER_UNREACHABLE');
    expect(sent).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(125);
    expect(waits[0]).toBeLessThanOrEqual(250);
    expect(waits[1]).toBeGreaterThanOrEqual(250);
    expect(waits[1]).toBeLessThanOrEqual(500);

    const once = recording();
    const activation = await createKeygenClient({ config: { ...t.issuer.config, apiUrl: `http://127.0.0.1:${port}` }, env: {}, transport: once.transport, sleep: async () => {} })
      .activate('id', { fingerprint: 'fp' }, keyOf('Node-locked'));
    expect(activation.ok ? 'ok' : activation.code).toBe('ISSUER_UNREACHABLE');
    expect(once.sent).toHaveLength(1);
  });

  it('reports ISSUER_UNREACHABLE when the server never answers within the deadline', async () => {
    const silent = createTcpServer((socket) => socket.resume()); // reads the request, never answers
    const port = await listen(silent);
    try {
      const api = createKeygenClient({ config: { ...t.issuer.config, apiUrl: `http://127.0.0.1:${port}` }, env: {}, timeoutMs: 200, retries: 0 });
      const result = await api.validateKey('KEY', {});
      expect(result.ok ? 'ok' : result.code).toBe('ISSUER_UNREACHABLE');
    } finally {
      await close(silent);
    }
  });

  it('abandons a response over the size cap: RESPONSE_MALFORMED', async () => {
    const huge = createHttpServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/vnd.api+json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      for (let index = 0; index < 5; index += 1) res.write(chunk);
      res.end();
    });
    const port = await listen(huge);
    try {
      const api = createKeygenClient({ config: { ...t.issuer.config, apiUrl: `http://127.0.0.1:${port}` }, env: {}, retries: 0 });
      const result = await api.validateKey('KEY', {});
      expect(result.ok ? 'ok' : result.code).toBe('RESPONSE_MALFORMED');
    } finally {
      huge.closeAllConnections();
      await close(huge);
    }
  });
});

describe('retries follow the failure table', () => {
  const failing = (reason: TransportFailure, detail?: string): { transport: Transport; count: () => number } => {
    let count = 0;
    return {
      transport: { send: async () => ((count += 1), { ok: false, reason, ...(detail === undefined ? {} : { detail }) }) },
      count: () => count,
    };
  };
  const cases: [TransportFailure, string, number][] = [
    ['unreachable', 'ISSUER_UNREACHABLE', 3],
    ['timeout', 'ISSUER_UNREACHABLE', 3],
    ['cut-off', 'ISSUER_ANSWER_UNVERIFIABLE', 3],
    ['too-large', 'RESPONSE_MALFORMED', 1],
    ['tls-untrusted', 'TLS_CERTIFICATE_UNTRUSTED', 1],
    ['tls-name-mismatch', 'TLS_CERTIFICATE_NAME_MISMATCH', 1],
    ['tls-expired', 'TLS_CERTIFICATE_EXPIRED', 1],
    ['tls-handshake', 'TLS_HANDSHAKE_FAILED', 1],
  ];
  it.each(cases)('a transport failure "%s" is %s after %i attempt(s) of an idempotent call', async (reason, code, attempts) => {
    const { transport, count } = failing(reason, 'what was seen');
    const result = await createKeygenClient({ config: t.issuer.config, transport, sleep: async () => {} }).validateKey('KEY', {});
    expect(result.ok ? 'ok' : result.code).toBe(code);
    expect(count()).toBe(attempts);
    expect(isTransient(code as FailureCode)).toBe(attempts > 1);
    if (reason.startsWith('tls-')) expect(result).toMatchObject({ detail: 'what was seen' });
    if (reason === 'cut-off') expect(result).toMatchObject({ detail: 'a cut-off reply (what was seen)' });
  });
});

describe('proxies', () => {
  /** What the test proxy saw. */
  interface Seen {
    readonly method: string;
    readonly url: string;
    readonly headers: IncomingMessage['headers'];
  }
  const seen: Seen[] = [];
  const tunnelBytes: Buffer[] = [];
  let proxy: Server;
  let proxyPort: number;
  let tlsSink: TcpServer;
  let sinkPort: number;
  let issuerPort: number;

  beforeAll(async () => {
    issuerPort = Number(new URL(t.issuer.url).port);
    // Records the first bytes a client sends through a tunnel (a TLS ClientHello), then hangs up.
    tlsSink = createTcpServer((socket) => socket.once('data', (data: Buffer) => (tunnelBytes.push(data), socket.destroy())));
    sinkPort = await listen(tlsSink);
    // A forward proxy that resolves `issuer.test` itself: the client can only reach that name through it.
    proxy = createHttpServer((req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      const target = new URL(req.url ?? '/');
      const { 'proxy-authorization': _credentials, ...headers } = req.headers;
      const upstream = httpRequest(
        { hostname: '127.0.0.1', port: target.port, method: req.method, path: target.pathname + target.search, headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    proxy.on('connect', (req: IncomingMessage, socket: Socket) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      const upstream = tcpConnect(sinkPort, '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        socket.pipe(upstream).pipe(socket);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    proxyPort = await listen(proxy);
  });
  afterAll(async () => {
    proxy.closeAllConnections();
    await close(proxy);
    await close(tlsSink);
  });

  const viaName = () => ({ ...t.issuer.config, apiUrl: `http://issuer.test:${issuerPort}` });

  it('sends http requests through HTTP_PROXY in absolute form, and the signed answer still verifies', async () => {
    const before = seen.length;
    const api = createKeygenClient({ config: viaName(), env: { HTTP_PROXY: `http://127.0.0.1:${proxyPort}` }, retries: 0 });
    const validation = value(await api.validateKey(license('Node-locked').key, {}));
    expect(validation.license?.id).toBe(license('Node-locked').id);
    expect(seen.slice(before).map((request) => request.url)).toEqual([`http://issuer.test:${issuerPort}/v1/accounts/${t.issuer.account}/licenses/actions/validate-key`]);
  });

  it('prefers http_proxy to HTTP_PROXY and sends the proxy credentials from its URL', async () => {
    const before = seen.length;
    const env = { http_proxy: `http://tess%40era:p%3Ass@127.0.0.1:${proxyPort}`, HTTP_PROXY: 'http://127.0.0.1:1' };
    value(await createKeygenClient({ config: viaName(), env, retries: 0 }).validateKey(license('Node-locked').key, {}));
    const request = seen[before];
    expect(request?.headers['proxy-authorization']).toBe(`Basic ${Buffer.from('tess@era:p:ss').toString('base64')}`);
  });

  it('bypasses the proxy for NO_PROXY hosts (suffix match), so the name is never resolved by the proxy', async () => {
    const before = seen.length;
    const api = createKeygenClient({ config: viaName(), env: { HTTP_PROXY: `http://127.0.0.1:${proxyPort}`, NO_PROXY: 'example.com, .test' }, retries: 0, timeoutMs: 5_000 });
    const result = await api.validateKey(license('Node-locked').key, {});
    // Direct, `issuer.test` does not resolve: unreachable, and the proxy saw nothing.
    expect(result.ok ? 'ok' : result.code).toBe('ISSUER_UNREACHABLE');
    expect(seen.length).toBe(before);
  });

  it('never proxies loopback addresses', async () => {
    const before = seen.length;
    const api = createKeygenClient({ config: t.issuer.config, env: { HTTP_PROXY: `http://127.0.0.1:${proxyPort}` }, retries: 0 });
    value(await api.validateKey(license('Node-locked').key, {}));
    expect(seen.length).toBe(before);
  });

  it('tunnels https through HTTPS_PROXY with CONNECT: the proxy sees the authority, never the request or its credentials', async () => {
    const before = seen.length;
    tunnelBytes.length = 0;
    const api = createKeygenClient({ config: { ...t.issuer.config, apiUrl: 'https://issuer.test' }, env: { HTTPS_PROXY: `127.0.0.1:${proxyPort}` }, retries: 0 });
    const result = await api.machine('m', keyOf('Node-locked'));
    // The sink is no TLS server: the handshake fails after the ClientHello went through the tunnel.
    expect(result.ok ? 'ok' : result.code).toBe('ISSUER_UNREACHABLE');
    const connect = seen.slice(before);
    expect(connect.map((request) => [request.method, request.url])).toEqual([['CONNECT', 'issuer.test:443']]);
    expect(connect[0]?.headers.authorization).toBeUndefined();
    const hello = Buffer.concat(tunnelBytes);
    expect(hello[0]).toBe(0x16); // TLS handshake record
    expect(hello.includes(Buffer.from('issuer.test'))).toBe(true); // SNI names the origin, not the proxy
    expect(hello.includes(Buffer.from(license('Node-locked').key))).toBe(false);
  });

  it('fails closed on an unusable proxy setting rather than bypassing it', async () => {
    const api = createKeygenClient({ config: viaName(), env: { HTTP_PROXY: 'socks5://127.0.0.1:1080' }, retries: 0 });
    const result = await api.validateKey('KEY', {});
    expect(result.ok ? 'ok' : result.code).toBe('ISSUER_UNREACHABLE');
  });
});

describe('NO_PROXY rules (curl semantics)', () => {
  const cases: [string, string, boolean][] = [
    ['https://api.keygen.sh', '*', true],
    ['https://api.keygen.sh', 'keygen.sh', true],
    ['https://api.keygen.sh', '.keygen.sh', true],
    ['https://keygen.sh', '.keygen.sh', true],
    ['https://api.keygen.sh', '*.keygen.sh', true],
    ['https://notkeygen.sh', 'keygen.sh', false],
    ['https://keygen.sh.evil.com', 'keygen.sh', false],
    ['https://API.Keygen.SH', 'api.keygen.sh', true],
    ['https://api.keygen.sh.', 'api.keygen.sh', true],
    ['https://api.keygen.sh', 'api.keygen.sh:443', true],
    ['https://api.keygen.sh', 'api.keygen.sh:8443', false],
    ['https://api.keygen.sh:8443', 'api.keygen.sh:8443', true],
    ['http://api.keygen.sh', 'api.keygen.sh:80', true],
    ['http://10.1.2.3', '10.0.0.0/8', true],
    ['http://11.1.2.3', '10.0.0.0/8', false],
    ['http://10.1.2.3', '10.1.2.3', true],
    ['http://10.1.2.3', '2.3', false],
    ['http://[fd00::1]', 'fd00::1', true],
    ['http://[fd00::1]', 'fd00:0::1', true],
    ['http://[fd00::1]:8080', '[fd00::1]:8080', true],
    ['http://[fd00::1]', 'fd00::/16', true],
    ['https://api.keygen.sh', 'example.com,  keygen.sh', true],
    ['https://api.keygen.sh', '', false],
    ['https://api.keygen.sh', ',,', false],
  ];
  it.each(cases)('%s with NO_PROXY=%j → bypass %s', (url, noProxy, expected) => {
    expect(bypassesProxy(new URL(url), noProxy)).toBe(expected);
  });

  it('chooses the variable by scheme, loopback always direct, lower case first', () => {
    const env = { HTTPS_PROXY: 'http://secure:3128', HTTP_PROXY: 'http://plain:3128', no_proxy: 'skip.example' };
    const route = (url: string, vars: Record<string, string> = env) => proxyRoute(new URL(url), vars);
    expect(route('https://api.keygen.sh')).toMatchObject({ kind: 'proxy', proxy: new URL('http://secure:3128') });
    expect(route('http://api.keygen.sh')).toMatchObject({ kind: 'proxy', proxy: new URL('http://plain:3128') });
    expect(route('https://skip.example')).toEqual({ kind: 'direct' });
    for (const loopback of ['http://localhost:1', 'http://app.localhost', 'http://127.0.0.1', 'http://127.9.9.9', 'http://[::1]:80']) {
      expect(route(loopback)).toEqual({ kind: 'direct' });
    }
    expect(route('https://api.keygen.sh', { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:1' })).toMatchObject({ proxy: new URL('http://lower:1') });
    expect(route('https://api.keygen.sh', { HTTPS_PROXY: '' })).toEqual({ kind: 'direct' });
    expect(route('https://api.keygen.sh', { HTTPS_PROXY: 'https://tls-proxy:443' })).toEqual({ kind: 'invalid' });
    expect(route('https://api.keygen.sh', { HTTPS_PROXY: 'http://proxy:3128/path' })).toEqual({ kind: 'invalid' });
  });
});

async function listen(server: Server | TcpServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function close(server: Server | TcpServer): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A port that nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server = createTcpServer();
  const port = await listen(server);
  await close(server);
  return port;
}
