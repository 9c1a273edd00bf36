/**
 * Attacks on the Keygen client's online answers, one `describe` per attack, against a fake
 * licensing server on 127.0.0.1 that signs (or mis-signs) its responses with an Ed25519 key
 * generated here, exactly as Keygen does (protocol §3.1). In none of them may the client report
 * a valid license; each must fail with its exact code.
 */
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../src/contract/codes.js';
import { createKeygenClient, type KeygenClientOptions } from '../../src/keygen/client.js';
import type { KeygenClient, Validation } from '../../src/keygen/client.types.js';
import { bodyDigest, buildSigningString } from '../../src/keygen/response-signature.js';

const ACCOUNT = randomUUID();
const LICENSE_ID = randomUUID();
const OTHER_LICENSE_ID = randomUUID();
const KEY = 'A1B2C3-D4E5F6-A7B8C9-D0E1F2-V3';
const FINGERPRINT = 'f'.repeat(64);
const vendor = generateKeyPairSync('ed25519');
const attacker = generateKeyPairSync('ed25519');
const MINUTE = 60_000;

/** A request as the fake server received it. */
interface Received {
  readonly method: string;
  /** Path + query exactly as sent. */
  readonly target: string;
  /** Host header without port. */
  readonly host: string;
  readonly body: string;
}

/** A response the fake server writes as is. */
interface Reply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Cuts the connection after this many body bytes (the declared length stays the whole body's). */
  readonly cutAfter?: number;
}

let server: Server;
let port: number;
let handler: (request: Received) => Reply;
let received: Received[];

interface SignOptions {
  readonly key?: KeyObject;
  readonly keyId?: string;
  readonly date?: number;
  readonly algorithm?: string;
  /** Signs for this exchange instead of the one received (a response made for another request). */
  readonly as?: Partial<Received>;
}

/** Keygen's signature headers for `body` in answer to `request` (signature_headers.rb). */
function signatureHeaders(request: Received, body: string, options: SignOptions = {}): Record<string, string> {
  const date = new Date(options.date ?? Date.now()).toUTCString();
  const digest = bodyDigest(body);
  const exchange = { ...request, ...options.as };
  const signingString = buildSigningString({ method: exchange.method, target: exchange.target, host: exchange.host, date, digest });
  const signature = sign(null, Buffer.from(signingString, 'utf8'), options.key ?? vendor.privateKey).toString('base64');
  return {
    Date: date,
    Digest: digest,
    'Keygen-Date': date,
    'Keygen-Digest': digest,
    'Keygen-Signature': `keyid="${options.keyId ?? ACCOUNT}", algorithm="${options.algorithm ?? 'ed25519'}", signature="${signature}", headers="(request-target) host date digest"`,
  };
}

function signed(request: Received, status: number, body: string, options: SignOptions = {}): Reply {
  return { status, body, headers: { 'Content-Type': 'application/vnd.api+json', ...signatureHeaders(request, body, options) } };
}

/** The answer a genuine server gives to a validation: nonce and scope echoed, license in `data`. */
function validationBody(request: Received, meta: Record<string, unknown> = {}, licenseId = LICENSE_ID): string {
  const sent = JSON.parse(request.body) as { meta: { nonce: number; scope?: unknown } };
  return JSON.stringify({
    meta: { ts: new Date().toISOString(), valid: true, detail: 'is valid', code: 'VALID', nonce: sent.meta.nonce, scope: sent.meta.scope, ...meta },
    data: { id: licenseId, type: 'licenses', attributes: { key: KEY, status: 'ACTIVE' } },
  });
}

const genuine = (request: Received): Reply => signed(request, 200, validationBody(request));

function client(options: Partial<KeygenClientOptions> = {}): KeygenClient {
  const publicKey = vendor.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  return createKeygenClient({
    config: { apiUrl: `http://127.0.0.1:${port}`, account: ACCOUNT, product: null, publicKey },
    env: {},
    sleep: async () => {},
    ...options,
  });
}

const validateKey = (api = client()) => api.validateKey(KEY, { fingerprint: FINGERPRINT });
const validateById = (id = LICENSE_ID, api = client()) => api.validate(id, { fingerprint: FINGERPRINT }, { kind: 'license-key', key: KEY });

/** The one rule of this file: whatever happened, the answer is not "valid". */
function expectFailure(result: Result<Validation>, code: string): void {
  expect(result.ok && result.value.valid).not.toBe(true);
  expect(result.ok ? `ok:${result.value.code}` : result.code).toBe(code);
}

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: Received = {
        method: req.method ?? '',
        target: req.url ?? '/',
        host: (req.headers.host ?? '').replace(/:\d+$/, ''),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      const reply = handler(request);
      res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(Buffer.byteLength(reply.body)) });
      if (reply.cutAfter === undefined) {
        res.end(reply.body);
        return;
      }
      res.write(Buffer.from(reply.body).subarray(0, reply.cutAfter), () => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  received = [];
  handler = genuine;
});

describe('control: a genuine signed answer', () => {
  it('is accepted, so that every failure below is caused by its attack alone', async () => {
    const result = await validateKey();
    expect(result.ok && result.value).toMatchObject({ valid: true, code: 'VALID' });
    const byId = await validateById();
    expect(byId.ok && byId.value).toMatchObject({ valid: true, code: 'VALID' });
  });
});

describe('forged response (signed by another key)', () => {
  it('is RESPONSE_SIGNATURE_INVALID when the attacker signs with its own key under the vendor keyid', async () => {
    handler = (request) => signed(request, 200, validationBody(request), { key: attacker.privateKey });
    expectFailure(await validateKey(), 'RESPONSE_SIGNATURE_INVALID');
    expectFailure(await validateById(), 'RESPONSE_SIGNATURE_INVALID');
  });

  it('is RESPONSE_SIGNATURE_INVALID when the signature names another account', async () => {
    handler = (request) => signed(request, 200, validationBody(request), { keyId: randomUUID() });
    expectFailure(await validateKey(), 'RESPONSE_SIGNATURE_INVALID');
  });

  it('is RESPONSE_SIGNATURE_UNSUPPORTED_ALGORITHM when the header claims a weaker algorithm', async () => {
    handler = (request) => signed(request, 200, validationBody(request), { algorithm: 'rsa-sha256' });
    expectFailure(await validateKey(), 'RESPONSE_SIGNATURE_UNSUPPORTED_ALGORITHM');
  });
});

describe('replayed response', () => {
  it('a genuinely signed VALID answer to an earlier validation fails on the nonce: RESPONSE_NONCE_MISMATCH', async () => {
    let captured: Reply | null = null;
    handler = (request) => (captured = genuine(request));
    const first = await validateKey();
    expect(first.ok && first.value.valid).toBe(true);
    // e.g. captured before the license was suspended, and served again by a local interceptor
    handler = () => captured as Reply;
    expectFailure(await validateKey(), 'RESPONSE_NONCE_MISMATCH');
  });

  it('a genuinely signed VALID answer about another license fails on the request target: RESPONSE_SIGNATURE_INVALID', async () => {
    let captured: Reply | null = null;
    handler = (request) => (captured = signed(request, 200, validationBody(request, {}, OTHER_LICENSE_ID)));
    const other = await validateById(OTHER_LICENSE_ID);
    expect(other.ok && other.value.valid).toBe(true);
    handler = () => captured as Reply;
    expectFailure(await validateById(LICENSE_ID), 'RESPONSE_SIGNATURE_INVALID');
  });

  it('a fresh signature over an answer made for another request (another host) is RESPONSE_SIGNATURE_INVALID', async () => {
    handler = (request) => signed(request, 200, validationBody(request), { as: { host: 'api.keygen.sh' } });
    expectFailure(await validateKey(), 'RESPONSE_SIGNATURE_INVALID');
  });
});

describe('stale date', () => {
  /** A machine answer: no nonce comes back in it, so only its signed date says it is fresh. */
  const machineAnswer = (request: Received, date: number): Reply =>
    signed(request, 200, JSON.stringify({ data: { id: 'machine-1', type: 'machines', attributes: { fingerprint: FINGERPRINT } } }), { date });
  const getMachine = (api = client()) => api.machine('machine-1', { kind: 'license-key', key: KEY });

  it('a correctly signed answer dated 10 minutes ago is RESPONSE_DATE_OUT_OF_WINDOW when nothing else proves it fresh (a replay)', async () => {
    handler = (request) => machineAnswer(request, Date.now() - 10 * MINUTE);
    const result = await getMachine();
    expect(result.ok ? 'ok' : result.code).toBe('RESPONSE_DATE_OUT_OF_WINDOW');
  });

  it('a correctly signed answer dated 10 minutes ahead is RESPONSE_DATE_OUT_OF_WINDOW too', async () => {
    handler = (request) => machineAnswer(request, Date.now() + 10 * MINUTE);
    const result = await getMachine();
    expect(result.ok ? 'ok' : result.code).toBe('RESPONSE_DATE_OUT_OF_WINDOW');
  });

  it('is judged by the injected clock, not the machine clock', async () => {
    handler = (request) => machineAnswer(request, Date.now());
    const result = await getMachine(client({ now: () => Date.now() + 10 * MINUTE }));
    expect(result.ok ? 'ok' : result.code).toBe('RESPONSE_DATE_OUT_OF_WINDOW');
  });

  it("a validation carrying our nonce back is fresh whatever its date: the date is the server's clock, reported, not refused", async () => {
    const serverTime = Math.floor((Date.now() - 10 * MINUTE) / 1000) * 1000;
    handler = (request) => signed(request, 200, validationBody(request), { date: serverTime });
    const told: number[] = [];
    const result = await validateKey(client({ onServerTime: (time) => told.push(time) }));
    expect(result.ok && result.value).toMatchObject({ valid: true, code: 'VALID', serverTime });
    expect(told).toEqual([serverTime]);
  });

  it('a replayed validation (its nonce is not ours) is refused whatever its date', async () => {
    handler = (request) => signed(request, 200, validationBody({ ...request, body: JSON.stringify({ meta: { nonce: 1 } }) }), { date: Date.now() - 10 * MINUTE });
    expectFailure(await validateKey(), 'RESPONSE_NONCE_MISMATCH');
  });
});

describe('unsigned answer (a forger who cannot sign, a gateway, a captive portal)', () => {
  /** The failure's code and detail, and how many requests the client sent for it. */
  async function unverifiable(call: () => Promise<Result<unknown>>): Promise<{ code: string; detail: string | undefined; requests: number }> {
    received = [];
    const result = await call();
    expect(result.ok && (result.value as Partial<Validation>).valid).not.toBe(true);
    return { code: result.ok ? 'ok' : result.code, detail: result.ok ? undefined : (result as { detail?: string }).detail, requests: received.length };
  }

  it('a 200 VALID answer without Keygen-Signature is ISSUER_ANSWER_UNVERIFIABLE, never valid, and asked again like a network error', async () => {
    handler = (request) => {
      const body = validationBody(request);
      return { status: 200, body, headers: { 'Content-Type': 'application/vnd.api+json', Date: new Date().toUTCString(), Digest: bodyDigest(body) } };
    };
    expect(await unverifiable(() => validateKey())).toEqual({ code: 'ISSUER_ANSWER_UNVERIFIABLE', detail: 'an unsigned reply (HTTP 200)', requests: 3 });
  });

  it('an empty Keygen-Signature header counts as none: ISSUER_ANSWER_UNVERIFIABLE', async () => {
    handler = (request) => ({ ...genuine(request), headers: { ...genuine(request).headers, 'Keygen-Signature': ' ' } });
    expect((await unverifiable(() => validateKey())).code).toBe('ISSUER_ANSWER_UNVERIFIABLE');
  });

  it('an unsigned refusal is ISSUER_ANSWER_UNVERIFIABLE, not the refusal it claims, and a state-changing call is sent once', async () => {
    handler = () => ({ status: 403, headers: {}, body: JSON.stringify({ errors: [{ title: 'Access denied', code: 'LICENSE_SUSPENDED' }] }) });
    const activation = () => client().activate(LICENSE_ID, { fingerprint: FINGERPRINT }, { kind: 'license-key', key: KEY });
    expect(await unverifiable(activation)).toEqual({ code: 'ISSUER_ANSWER_UNVERIFIABLE', detail: 'an unsigned reply (HTTP 403)', requests: 1 });
  });

  it("a gateway's 502, 503 or 504 page is ISSUER_ANSWER_UNVERIFIABLE naming the gateway, retried", async () => {
    for (const status of [502, 503, 504]) {
      handler = () => ({ status, headers: { 'Content-Type': 'text/html' }, body: `<html><body><h1>${status} Bad Gateway</h1>nginx</body></html>` });
      expect(await unverifiable(() => validateKey())).toEqual({ code: 'ISSUER_ANSWER_UNVERIFIABLE', detail: `HTTP ${status} from a gateway`, requests: 3 });
    }
  });

  it("a captive portal's login page (200 HTML) or redirect is ISSUER_ANSWER_UNVERIFIABLE", async () => {
    handler = () => ({ status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: '<!DOCTYPE html><html><title>Sign in to Hotel Wi-Fi</title></html>' });
    expect(await unverifiable(() => validateKey())).toMatchObject({ code: 'ISSUER_ANSWER_UNVERIFIABLE', detail: 'an HTML page (HTTP 200), as captive portals send' });
    handler = () => ({ status: 302, headers: { Location: 'http://portal.example/login' }, body: '' });
    expect(await unverifiable(() => validateKey())).toMatchObject({ code: 'ISSUER_ANSWER_UNVERIFIABLE', detail: 'a redirect (HTTP 302), as captive portals send' });
  });

  it('a truncated, unsigned JSON body is ISSUER_ANSWER_UNVERIFIABLE', async () => {
    handler = (request) => ({ status: 200, headers: { 'Content-Type': 'application/vnd.api+json' }, body: validationBody(request).slice(0, 40) });
    expect(await unverifiable(() => validateKey())).toMatchObject({ code: 'ISSUER_ANSWER_UNVERIFIABLE', detail: 'a truncated or non-JSON reply (HTTP 200)' });
  });

  it('a genuinely signed answer whose connection is cut mid-body is ISSUER_ANSWER_UNVERIFIABLE (a cut-off reply), retried', async () => {
    handler = (request) => ({ ...genuine(request), cutAfter: 20 });
    expect(await unverifiable(() => validateKey())).toEqual({ code: 'ISSUER_ANSWER_UNVERIFIABLE', detail: 'a cut-off reply (HTTP 200)', requests: 3 });
  });

  it('a signed answer shortened with its length fixed up is altered, not unverifiable: RESPONSE_DIGEST_MISMATCH', async () => {
    handler = (request) => {
      const honest = genuine(request);
      return { ...honest, body: honest.body.slice(0, 40) };
    };
    expect(await unverifiable(() => validateKey())).toMatchObject({ code: 'RESPONSE_DIGEST_MISMATCH', requests: 1 });
  });
});

describe('body altered after signing', () => {
  it('flipping an invalid answer to valid after signing is RESPONSE_DIGEST_MISMATCH', async () => {
    handler = (request) => {
      const honest = signed(request, 200, validationBody(request, { valid: false, code: 'SUSPENDED', detail: 'is suspended' }));
      return { ...honest, body: validationBody(request) };
    };
    expectFailure(await validateKey(), 'RESPONSE_DIGEST_MISMATCH');
  });

  it('recomputing the Digest for the altered body breaks the signature: RESPONSE_SIGNATURE_INVALID', async () => {
    handler = (request) => {
      const honest = signed(request, 200, validationBody(request, { valid: false, code: 'SUSPENDED', detail: 'is suspended' }));
      const body = validationBody(request);
      return { ...honest, body, headers: { ...honest.headers, Digest: bodyDigest(body), 'Keygen-Digest': bodyDigest(body) } };
    };
    expectFailure(await validateKey(), 'RESPONSE_SIGNATURE_INVALID');
  });
});

describe('scope changed in the echo', () => {
  it('another fingerprint in meta.scope is RESPONSE_SCOPE_MISMATCH', async () => {
    handler = (request) => signed(request, 200, validationBody(request, { scope: { fingerprint: 'e'.repeat(64) } }));
    expectFailure(await validateKey(), 'RESPONSE_SCOPE_MISMATCH');
  });

  it('a scope left out of the echo is RESPONSE_SCOPE_MISMATCH', async () => {
    handler = (request) => signed(request, 200, validationBody(request, { scope: undefined }));
    expectFailure(await validateKey(), 'RESPONSE_SCOPE_MISMATCH');
  });

  it('an answer about another license for validate(id) is RESPONSE_SCOPE_MISMATCH', async () => {
    handler = (request) => signed(request, 200, validationBody(request, {}, OTHER_LICENSE_ID));
    expectFailure(await validateById(LICENSE_ID), 'RESPONSE_SCOPE_MISMATCH');
  });

  it('a missing nonce is RESPONSE_NONCE_MISMATCH', async () => {
    handler = (request) => signed(request, 200, validationBody(request, { nonce: undefined }));
    expectFailure(await validateKey(), 'RESPONSE_NONCE_MISMATCH');
  });
});

describe('signed server error (retry storm)', () => {
  const error = JSON.stringify({ errors: [{ title: 'Internal server error', detail: 'Looks like something went wrong!' }] });

  it('a signed 500 is ISSUER_ERROR after a bounded number of attempts', async () => {
    handler = (request) => signed(request, 500, error);
    const waits: number[] = [];
    expectFailure(await validateKey(client({ sleep: async (ms) => void waits.push(ms) })), 'ISSUER_ERROR');
    expect(received).toHaveLength(3); // one try and the default two retries
    expect(waits).toHaveLength(2);
    received = [];
    expectFailure(await validateKey(client({ retries: 0 })), 'ISSUER_ERROR');
    expect(received).toHaveLength(1);
  });

  it('state-changing calls are never repeated', async () => {
    handler = (request) => signed(request, 500, error);
    const activation = await client().activate(LICENSE_ID, { fingerprint: FINGERPRINT }, { kind: 'license-key', key: KEY });
    expect(activation.ok ? 'ok' : activation.code).toBe('ISSUER_ERROR');
    expect(received).toHaveLength(1);
  });
});

describe('unsigned 429 carrying a VALID body', () => {
  it('is rate limiting and nothing else: ISSUER_RATE_LIMITED, and a Retry-After beyond the bound is not waited for', async () => {
    handler = (request) => ({ status: 429, headers: { 'Retry-After': '3600' }, body: validationBody(request) });
    const waits: number[] = [];
    expectFailure(await validateKey(client({ sleep: async (ms) => void waits.push(ms) })), 'ISSUER_RATE_LIMITED');
    expect(received).toHaveLength(1);
    expect(waits).toEqual([]);
  });
});

describe('status line rewritten (the status is not signed)', () => {
  it('a signed refusal served as 200 is RESPONSE_MALFORMED', async () => {
    handler = (request) => {
      const refusal = signed(request, 403, JSON.stringify({ errors: [{ title: 'Access denied', detail: 'License is suspended', code: 'LICENSE_SUSPENDED' }] }));
      return { ...refusal, status: 200 };
    };
    expectFailure(await validateKey(), 'RESPONSE_MALFORMED');
  });

  it('a signed refusal served as a success does not deactivate: RESPONSE_MALFORMED', async () => {
    handler = (request) => ({ ...signed(request, 404, JSON.stringify({ errors: [{ title: 'Not found', code: 'NOT_FOUND' }] })), status: 200 });
    const result = await client().deactivate('machine-id', { kind: 'license-key', key: KEY });
    expect(result.ok ? 'ok' : result.code).toBe('RESPONSE_MALFORMED');
  });

  it('a signed refusal served as 204 (body dropped) does not deactivate: RESPONSE_DIGEST_MISMATCH', async () => {
    handler = (request) => ({ ...signed(request, 404, JSON.stringify({ errors: [{ title: 'Not found', code: 'NOT_FOUND' }] })), status: 204, body: '' });
    const result = await client().deactivate('machine-id', { kind: 'license-key', key: KEY });
    expect(result.ok ? 'ok' : result.code).toBe('RESPONSE_DIGEST_MISMATCH');
  });
});
