/**
 * The Keygen API client (`KeygenClient`). Every response is verified against the pinned key
 * (`Keygen-Signature`, `Digest`, `Date`, our own request target and host) before its status or
 * body is looked at; only a 429 may come unsigned (Keygen's rate limiter answers before the
 * controllers: protocol §2.4), and nothing in it is trusted but `Retry-After`. Any other unsigned
 * answer came from something else (a gateway, a captive portal, a cut-off connection) and is
 * `ISSUER_ANSWER_UNVERIFIABLE`, as good as no answer; one whose signature does not hold is refused
 * with that signature's code. Validations send a random nonce and require it, and every scope
 * key, back in the signed body (protocol §3.2 step 5).
 */
import { randomInt } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { parseErrorDocument, parseListDocument, parseResourceDocument, parseValidationDocument } from './documents.js';
import { KEYGEN_ERROR_CODES, type FailureCode, type KeygenErrorCode, type Result } from '../contract/codes.js';
import { isTransient } from '../contract/failures.js';
import { fail } from '../contract/messages.js';
import type { VendorConfig } from '../config/vendor-config.types.js';
import { parsePublicKey } from '../license-file/public-key.js';
import type {
  Answered,
  ApiResource,
  CheckoutOptions,
  ClientFailure,
  Credentials,
  KeygenAdminClient,
  KeygenClient,
  MachineAttributes,
  Paced,
  PacedDeactivation,
  Page,
  RateLimitHint,
  SignedAnswer,
  TokenBearer,
  Validation,
  ValidationScope,
} from './client.types.js';
import { verifyResponse } from './response-signature.js';
import { createNodeTransport, type Transport, type TransportFailure, type TransportRequest, type TransportResponse } from './transport.js';
import type { Environment } from './proxy.js';

/** How to build a client. */
export interface KeygenClientOptions {
  readonly config: VendorConfig;
  /** Milliseconds since the epoch, for the signature's date window; default `Date.now`. */
  readonly now?: () => number;
  /** Per-request deadline; default 10 s. */
  readonly timeoutMs?: number;
  /** Extra attempts for idempotent calls on transient failures (network errors, unverifiable answers, 5xx, 429); default 2. */
  readonly retries?: number;
  /** Default: node:http(s) with proxies from `env`. */
  readonly transport?: Transport;
  /** Where proxy variables are read when no transport is given; default `process.env`. */
  readonly env?: Environment;
  /** Waits between attempts; injected by tests so that nothing really waits. */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Told the server's signed time of every validation (which echoes our random nonce, so the
   * time is fresh) as it arrives: a clock that is off can then be corrected and reported
   * instead of failing the answer.
   */
  readonly onServerTime?: (serverTime: number) => void;
}

export type { ClientFailure } from './client.types.js';

export const KEYGEN_API_VERSION = '1.8';
/** Far above any real Keygen document (a machine file with includes is tens of KB). */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** Longest `Retry-After` honoured; a server asking for more gets `ISSUER_RATE_LIMITED` at once. */
export const MAX_RETRY_AFTER_MS = 30_000;
const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 4_000;
const JSON_API = 'application/vnd.api+json';
const USER_AGENT = `Tessera (Node.js ${process.versions.node}; ${process.platform})`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Visible ASCII only: anything else in a header is either a paste error or header injection. */
const HEADER_SAFE = /^[\x21-\x7e]{1,4096}$/;
/** Keygen fingerprints are at most 4 KB (protocol §2.2 step 3). */
const MAX_ID_CHARS = 4096;

/** One API call, described before it is sent. */
interface Call {
  readonly method: TransportRequest['method'];
  readonly path: readonly string[];
  readonly query?: readonly (readonly [string, string])[];
  readonly body?: unknown;
  readonly credentials: Credentials | null;
  /** Safe to send again (GET, DELETE, validations); state-changing calls never are. */
  readonly idempotent: boolean;
  /** A 422 here means the policy does not require check-in. */
  readonly checkIn?: boolean;
  /** `report`: a 429 is returned at once (ISSUER_RATE_LIMITED) for the caller to pace itself, never waited out here. */
  readonly onRateLimit?: 'wait' | 'report';
  /** Sees a 429 as it came, and every response once its signature verified (headers a caller paces by). */
  readonly observe?: (response: TransportResponse) => void;
  /**
   * The body carries our random nonce back (validations): its freshness is proven by the
   * nonce, not by its `Date`, which is then the server's clock and checked by the caller.
   */
  readonly nonced?: boolean;
}

/** A verified, interpreted answer: the document and the signed answer it came in. */
interface Exchanged {
  readonly document: unknown;
  readonly answer: SignedAnswer | null;
  /** The signed `Date`, in ms. */
  readonly date: number;
}

/** Creates a client for the vendor's account. A bad `apiUrl` or public key fails every call (`CONFIG_INVALID`, `PUBLIC_KEY_INVALID`). */
export function createKeygenClient(options: KeygenClientOptions): KeygenClient & KeygenAdminClient {
  const { config } = options;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retries = Math.max(0, Math.floor(options.retries ?? 2));
  const transport = options.transport ?? createNodeTransport({ env: options.env ?? process.env });
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const pinned = parsePublicKey(config.publicKey);
  const base = baseUrl(config);
  const keyId = UUID.test(config.account) ? config.account : undefined;

  async function exchange(call: Call): Promise<Result<Exchanged> | ClientFailure> {
    if (!pinned.ok) return pinned;
    if (base === null) return fail('CONFIG_INVALID');
    const segments = call.path.map(pathSegment);
    if (segments.includes(null)) return fail('RESOURCE_NOT_FOUND');
    const headers: Record<string, string> = { Accept: JSON_API, 'Keygen-Version': KEYGEN_API_VERSION, 'User-Agent': USER_AGENT };
    if (call.credentials !== null) {
      const secret = call.credentials.kind === 'license-key' ? call.credentials.key : call.credentials.token;
      if (!HEADER_SAFE.test(secret)) return fail(call.credentials.kind === 'license-key' ? 'LICENSE_INVALID' : 'TOKEN_INVALID');
      headers.Authorization = call.credentials.kind === 'license-key' ? `License ${secret}` : `Bearer ${secret}`;
    }
    let body: Uint8Array | null = null;
    if (call.body !== undefined) {
      body = Buffer.from(JSON.stringify(call.body), 'utf8');
      headers['Content-Type'] = JSON_API;
      headers['Content-Length'] = String(body.length);
    }
    const query = (call.query ?? []).map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&');
    // One URL object: its `pathname + search` is both what the transport sends and what the signature is checked against.
    const url = new URL(`${base}/${segments.join('/')}${query === '' ? '' : `?${query}`}`);

    // Retries follow the failure table: only transient failures (no connection, an answer that
    // cannot be verified, a signed 5xx, the rate limiter) are asked again, and only when safe to repeat.
    for (let attempt = 0; ; attempt += 1) {
      const sent = await transport.send({ method: call.method, url, headers, body, timeoutMs, maxResponseBytes: MAX_RESPONSE_BYTES });
      const answer = sent.ok ? judge(call, url, sent.response) : { result: transportFailure(sent) };
      const { result } = answer;
      if (result.ok || !call.idempotent || attempt >= retries || !isTransient(result.code)) return result;
      // A caller that paces itself hears of a 429 at once, with its hints (observe), never waits here.
      if (!result.ok && result.code === 'ISSUER_RATE_LIMITED' && call.onRateLimit === 'report') return result;
      const wait = answer.retryAfterMs ?? backoff(attempt);
      // A server asking for a longer pause than the bound is not waited for.
      if (wait > MAX_RETRY_AFTER_MS) return result;
      await sleep(wait);
    }
  }

  /**
   * What one complete response means. Only the rate limiter's 429 may come unsigned (protocol
   * §2.4); any other answer without a signature came from something other than the licensing
   * server (a gateway, a captive portal) and says nothing: ISSUER_ANSWER_UNVERIFIABLE. An answer
   * that carries a signature must verify (forged or altered ones fail with their own code).
   */
  function judge(call: Call, url: URL, response: TransportResponse): { readonly result: Result<Exchanged> | ClientFailure; readonly retryAfterMs?: number } {
    if (response.status === 429) {
      call.observe?.(response);
      const retryAfter = retryAfterMs(response.headers['retry-after'], now());
      return { result: fail('ISSUER_RATE_LIMITED'), ...(retryAfter === null ? {} : { retryAfterMs: retryAfter }) };
    }
    if ((response.headers['keygen-signature'] ?? '').trim() === '') return { result: withDetail('ISSUER_ANSWER_UNVERIFIABLE', describeUnsigned(response)) };
    if (!pinned.ok) return { result: pinned };
    // A nonced success is checked for freshness by its nonce; everything else by its date.
    const nonceDecides = call.nonced === true && response.status >= 200 && response.status <= 299;
    const verified = verifyResponse(response, { method: call.method, url }, { publicKey: pinned.value, now: now(), keyId, ...(nonceDecides ? { maxClockSkewMs: Number.POSITIVE_INFINITY } : {}) });
    if (!verified.ok) return { result: verified };
    call.observe?.(response);
    if (response.status >= 500 && response.status <= 599) return { result: withDetail('ISSUER_ERROR', errorDetail(parseJson(response.body))) };
    const answer = signedAnswer(call.method, url, response);
    const interpreted = interpret(call, response);
    // A refusal the server signed is kept whole, so that it can be remembered as evidence.
    if (!interpreted.ok) return { result: answer === null ? interpreted : ({ ...interpreted, answer } satisfies ClientFailure) };
    return { result: { ok: true, value: { document: interpreted.value, answer, date: verified.value.date } } };
  }

  /** `validate-key` and `validate` share the nonce and scope checks. */
  async function validation(
    call: Omit<Call, 'body'>,
    meta: Record<string, unknown>,
    scope: ValidationScope,
    expected: (license: ApiResource | null) => boolean,
  ): Promise<Result<Validation>> {
    const nonce = randomInt(1, 2 ** 48);
    const sentScope = withDefaults(scope, config);
    const result = await exchange({ ...call, nonced: true, body: { meta: { ...meta, nonce, ...(Object.keys(sentScope).length === 0 ? {} : { scope: sentScope }) } } });
    if (!result.ok) return result;
    const parsed = parseValidationDocument(result.value.document);
    if (!parsed.success || (parsed.data.data !== null && parsed.data.data.type !== 'licenses')) return fail('RESPONSE_MALFORMED');
    const { meta: answer, data } = parsed.data;
    if (answer.nonce !== nonce) return fail('RESPONSE_NONCE_MISMATCH');
    for (const [key, value] of Object.entries(sentScope)) {
      if (!sameJson(answer.scope?.[key], value)) return fail('RESPONSE_SCOPE_MISMATCH');
    }
    if (!expected(data)) return fail('RESPONSE_SCOPE_MISMATCH');
    if (result.value.answer === null) return fail('RESPONSE_MALFORMED');
    options.onServerTime?.(result.value.date);
    return {
      ok: true,
      value: { valid: answer.valid, code: answer.code, detail: answer.detail, license: data, answer: result.value.answer, serverTime: result.value.date },
    };
  }

  /** A call answered by one resource of `type`, which `matches` must accept (it is the one asked about). */
  async function resource(call: Call, type: string, matches: (resource: ApiResource) => boolean): Promise<Result<ApiResource & Answered>> {
    const result = await exchange(call);
    if (!result.ok) return result;
    const parsed = parseResourceDocument(result.value.document);
    if (!parsed.success || parsed.data.data.type !== type || result.value.answer === null) return fail('RESPONSE_MALFORMED');
    return matches(parsed.data.data) ? { ok: true, value: { ...parsed.data.data, answer: result.value.answer } } : fail('RESPONSE_SCOPE_MISMATCH');
  }

  const isMachine = (idOrFingerprint: string) => (machine: ApiResource) =>
    machine.id === idOrFingerprint || machine.attributes.fingerprint === idOrFingerprint;

  /** A page of a list of `type`, with the next page's number and the server's count. */
  async function list(path: readonly string[], type: string, filters: Readonly<Record<string, string>>, page: { readonly number: number; readonly size: number }, credentials: Credentials): Promise<Result<Page<ApiResource>>> {
    if (!isPageNumber(page.number) || !isPageNumber(page.size) || page.size > 100) {
      return withDetail('REQUEST_REFUSED', 'page number must be ≥ 1 and page size between 1 and 100');
    }
    const query: [string, string][] = [];
    for (const [key, value] of Object.entries(filters)) {
      // Filter names are the caller's own constants; anything else would reshape the query string.
      if (!/^[a-z][A-Za-z]{0,31}$/.test(key)) return withDetail('REQUEST_REFUSED', 'unknown list filter');
      query.push([key, value]);
    }
    query.push(['page[number]', String(page.number)], ['page[size]', String(page.size)]);
    const result = await exchange({ method: 'GET', path, query, credentials, idempotent: true });
    if (!result.ok) return result;
    const parsed = parseListDocument(result.value.document);
    if (!parsed.success || parsed.data.data.some((item) => item.type !== type)) return fail('RESPONSE_MALFORMED');
    const next = nextPage(parsed.data.links?.next ?? null);
    if (next === undefined) return fail('RESPONSE_MALFORMED');
    return { ok: true, value: { data: parsed.data.data, next, total: listCount(result.value.document) } };
  }

  const admin: KeygenAdminClient = {
    async me(credentials): Promise<Result<TokenBearer>> {
      let tokenId: string | null = null;
      const observe = (response: TransportResponse): void => {
        const id = response.headers['keygen-token-id'] ?? response.headers['keygen-token'];
        tokenId = id !== undefined && UUID.test(id) ? id.toLowerCase() : null;
      };
      const result = await exchange({ method: 'GET', path: ['me'], credentials, idempotent: true, observe });
      if (!result.ok) return result;
      const parsed = parseResourceDocument(result.value.document);
      if (!parsed.success || !['users', 'products', 'licenses'].includes(parsed.data.data.type)) return fail('RESPONSE_MALFORMED');
      return { ok: true, value: { resource: parsed.data.data, tokenId } };
    },
    license: (idOrKey, credentials) =>
      resource({ method: 'GET', path: ['licenses', idOrKey], credentials, idempotent: true }, 'licenses', (license) => license.id === idOrKey || UUID.test(license.id)),
    licenses: (filters, page, credentials) => list(['licenses'], 'licenses', filters, page, credentials),
    policies: (filters, page, credentials) => list(['policies'], 'policies', filters, page, credentials),
    licenseMachines: (licenseId, page, credentials) => list(['licenses', licenseId, 'machines'], 'machines', {}, page, credentials),
    async deactivatePaced(idOrFingerprint, credentials): Promise<Paced<PacedDeactivation>> {
      let hint: RateLimitHint = NO_HINT;
      const observe = (response: TransportResponse): void => {
        hint = rateLimitHint(response, now());
      };
      const result = await exchange({ method: 'DELETE', path: ['machines', idOrFingerprint], credentials, idempotent: true, onRateLimit: 'report', observe });
      if (result.ok) return { outcome: { kind: 'deactivated' }, hint };
      if (result.code === 'ISSUER_RATE_LIMITED') return { outcome: { kind: 'rate-limited' }, hint };
      // Only a verified answer reaches interpret(): a 404 here is the server's signed word.
      if (result.code === 'RESOURCE_NOT_FOUND') return { outcome: { kind: 'gone' }, hint };
      return { outcome: { kind: 'failed', failure: result }, hint };
    },
  };

  return {
    validateKey: (key, scope) =>
      validation(
        { method: 'POST', path: ['licenses', 'actions', 'validate-key'], credentials: null, idempotent: true },
        { key },
        scope,
        // A key attribute, when the server shows it, must be the key we asked about.
        (license) => license === null || license.attributes.key === undefined || license.attributes.key === key,
      ),
    validate: (licenseId, scope, credentials) =>
      validation(
        { method: 'POST', path: ['licenses', licenseId, 'actions', 'validate'], credentials, idempotent: true },
        {},
        scope,
        (license) => license !== null && license.id === licenseId,
      ),
    activate: (licenseId, machine, credentials) =>
      resource(
        { method: 'POST', path: ['machines'], body: activationDocument(licenseId, machine), credentials, idempotent: false },
        'machines',
        (created) => created.attributes.fingerprint === machine.fingerprint,
      ),
    machine: (idOrFingerprint, credentials) =>
      resource({ method: 'GET', path: ['machines', idOrFingerprint], credentials, idempotent: true }, 'machines', isMachine(idOrFingerprint)),
    async checkOutMachine(idOrFingerprint, checkout, credentials) {
      const file = await resource(
        { method: 'POST', path: ['machines', idOrFingerprint, 'actions', 'check-out'], query: checkoutQuery(checkout), credentials, idempotent: false },
        'machine-files',
        () => true,
      );
      if (!file.ok) return file;
      const certificate = file.value.attributes.certificate;
      return typeof certificate === 'string' && certificate !== '' ? { ok: true, value: certificate } : fail('RESPONSE_MALFORMED');
    },
    checkIn: (licenseId, credentials) =>
      resource(
        { method: 'POST', path: ['licenses', licenseId, 'actions', 'check-in'], credentials, idempotent: false, checkIn: true },
        'licenses',
        (license) => license.id === licenseId,
      ),
    ping: (idOrFingerprint, credentials) =>
      resource(
        { method: 'POST', path: ['machines', idOrFingerprint, 'actions', 'ping'], credentials, idempotent: false },
        'machines',
        isMachine(idOrFingerprint),
      ),
    async deactivate(idOrFingerprint, credentials) {
      const result = await exchange({ method: 'DELETE', path: ['machines', idOrFingerprint], credentials, idempotent: true });
      return result.ok ? { ok: true, value: undefined } : result;
    },
    licenseMachines: admin.licenseMachines,
    me: admin.me,
    license: admin.license,
    licenses: admin.licenses,
    policies: admin.policies,
    deactivatePaced: admin.deactivatePaced,
  };
}

const NO_HINT: RateLimitHint = { limit: null, remaining: null, resetAtMs: null, retryAfterMs: null };

/** A non-negative header integer, or null. */
function headerInteger(value: string | undefined): number | null {
  return value !== undefined && /^\d{1,12}$/.test(value.trim()) ? Number(value.trim()) : null;
}

/**
 * The rate-limit hints of a response. `X-RateLimit-Reset` is unix seconds on the server's
 * clock: it is read against the response's own `Date`, so that a skewed local clock does not
 * stretch or cut the wait.
 */
function rateLimitHint(response: TransportResponse, nowMs: number): RateLimitHint {
  const { headers } = response;
  const reset = headerInteger(headers['x-ratelimit-reset']);
  const served = Date.parse(headers.date ?? '');
  const resetAtMs = reset === null ? null : nowMs + Math.max(0, reset * 1000 - (Number.isFinite(served) ? served : nowMs));
  return {
    limit: headerInteger(headers['x-ratelimit-limit']),
    remaining: headerInteger(headers['x-ratelimit-remaining']),
    resetAtMs,
    retryAfterMs: response.status === 429 ? retryAfterMs(headers['retry-after'], nowMs) : null,
  };
}

/** `links.meta.count` (Keygen's paginated lists), or null. */
function listCount(document: unknown): number | null {
  const links = (document as { links?: { meta?: { count?: unknown } } } | null)?.links;
  const count = links?.meta?.count;
  return typeof count === 'number' && Number.isSafeInteger(count) && count >= 0 ? count : null;
}

/** `${apiUrl}/v1/accounts/${account}`, or null when the configuration cannot name an account safely. */
export function baseUrl(config: VendorConfig): string | null {
  let api: URL;
  try {
    api = new URL(config.apiUrl);
  } catch {
    return null;
  }
  // Credentials in the URL would travel in clear to any proxy; a query or fragment would corrupt every path.
  if (api.protocol !== 'https:' && api.protocol !== 'http:') return null;
  if (api.username !== '' || api.password !== '' || api.search !== '' || api.hash !== '') return null;
  const account = pathSegment(config.account);
  if (account === null) return null;
  return `${api.origin}${api.pathname.replace(/\/+$/, '')}/v1/accounts/${account}`;
}

/** One encoded path segment; null for what would change the path's shape (`..`, empty, oversized). */
function pathSegment(value: string): string | null {
  if (value === '' || value.length > MAX_ID_CHARS) return null;
  let encoded: string;
  try {
    encoded = encodeURIComponent(value);
  } catch {
    return null; // a lone surrogate
  }
  // WHATWG URLs treat `.`, `..` and their %2e spellings as dot segments: they would climb out of the account.
  return /^(\.|%2e){1,2}$/i.test(encoded) ? null : encoded;
}

/** The verified response kept whole; null when its body is not UTF-8 text (it could not be stored faithfully). */
function signedAnswer(method: Call['method'], url: URL, response: TransportResponse): SignedAnswer | null {
  const header = (name: string): string | undefined => response.headers[name];
  const date = header('keygen-date') ?? header('date');
  const digest = header('keygen-digest') ?? header('digest');
  const signature = header('keygen-signature');
  if (date === undefined || digest === undefined || signature === undefined) return null;
  let body: string;
  try {
    body = new TextDecoder('utf-8', { fatal: true }).decode(response.body);
  } catch {
    return null;
  }
  return { method, target: url.pathname + url.search, host: url.hostname, status: response.status, date, digest, signature, body };
}

/** What a verified, non-5xx, non-429 response means for this call. */
function interpret(call: Call, response: TransportResponse): Result<unknown> {
  const document = parseJson(response.body);
  const { status } = response;
  if (status >= 200 && status <= 299) {
    // The status line is not signed: a success must also look like one.
    if (response.body.length === 0) return { ok: true, value: null };
    if (document === undefined || typeof document !== 'object' || document === null || 'errors' in document) return fail('RESPONSE_MALFORMED');
    return { ok: true, value: document };
  }
  if (status < 400 || status > 499) return fail('RESPONSE_MALFORMED');
  const errors = parseErrorDocument(document);
  if (!errors.success) return fail('RESPONSE_MALFORMED');
  const first = errors.data.errors[0];
  const known = (KEYGEN_ERROR_CODES as readonly string[]).includes(first?.code ?? '') ? (first?.code as KeygenErrorCode) : null;
  let code: FailureCode;
  if (known !== null) code = known;
  else if (status === 404) code = 'RESOURCE_NOT_FOUND';
  else if (status === 401) code = call.credentials?.kind === 'token' ? 'TOKEN_INVALID' : 'LICENSE_INVALID';
  else if (status === 403) code = 'ACCESS_DENIED';
  else if (status === 422 && call.checkIn === true) code = 'CHECK_IN_NOT_REQUIRED';
  else code = 'REQUEST_REFUSED';
  return withDetail(code, errorDetail(document));
}

/** The failure for a request that got no complete answer: no connection, a cut-off answer, or TLS. */
function transportFailure(sent: { readonly reason: TransportFailure; readonly detail?: string }): ClientFailure {
  const detail = sent.detail ?? null;
  switch (sent.reason) {
    case 'unreachable':
    case 'timeout':
      return fail('ISSUER_UNREACHABLE');
    case 'too-large':
      return fail('RESPONSE_MALFORMED');
    case 'cut-off':
      return withDetail('ISSUER_ANSWER_UNVERIFIABLE', `a cut-off reply${detail === null ? '' : ` (${detail})`}`);
    case 'tls-untrusted':
      return withDetail('TLS_CERTIFICATE_UNTRUSTED', detail);
    case 'tls-name-mismatch':
      return withDetail('TLS_CERTIFICATE_NAME_MISMATCH', detail);
    case 'tls-expired':
      return withDetail('TLS_CERTIFICATE_EXPIRED', detail);
    case 'tls-handshake':
      return withDetail('TLS_HANDSHAKE_FAILED', detail);
  }
}

/** Statuses that gateways and load balancers answer with when the server behind them fails. */
const GATEWAY_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/** What came back instead of a signed answer, in a few words: "HTTP 502 from a gateway", "an HTML page (HTTP 200)". */
export function describeUnsigned(response: TransportResponse): string {
  const { status, body } = response;
  if (GATEWAY_STATUSES.has(status)) return `HTTP ${status} from a gateway`;
  if (status >= 300 && status <= 399) return `a redirect (HTTP ${status}), as captive portals send`;
  const head = Buffer.from(body.subarray(0, 512)).toString('latin1');
  if (/text\/html/i.test(response.headers['content-type'] ?? '') || /^\s*<(!doctype\s+html|html|head|body)\b/i.test(head)) {
    return `an HTML page (HTTP ${status}), as captive portals send`;
  }
  if (body.length === 0) return `an empty reply (HTTP ${status})`;
  if (parseJson(body) === undefined) return `a truncated or non-JSON reply (HTTP ${status})`;
  return `an unsigned reply (HTTP ${status})`;
}

function withDetail(code: FailureCode, detail: string | null): ClientFailure {
  return detail === null ? fail(code) : { ...fail(code), detail };
}

/** `errors[0].detail` (else its title), without control characters and bounded: it is shown to people. */
function errorDetail(document: unknown): string | null {
  const parsed = parseErrorDocument(document);
  const first = parsed.success ? parsed.data.errors[0] : undefined;
  const text = first?.detail ?? first?.title;
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return text === undefined ? null : text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').slice(0, 500);
}

/** Strict UTF-8, then JSON; undefined for anything else. */
function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body)) as unknown;
  } catch {
    return undefined;
  }
}

/** The vendor's product and required entitlements, unless the caller named its own. */
function withDefaults(scope: ValidationScope, config: VendorConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const product = scope.product ?? config.product ?? undefined;
  if (product !== undefined) out.product = product;
  if (scope.fingerprint !== undefined) out.fingerprint = scope.fingerprint;
  const entitlements = scope.entitlements ?? (config.requiredEntitlements?.length ? config.requiredEntitlements : undefined);
  if (entitlements !== undefined) out.entitlements = [...entitlements];
  return out;
}

function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => sameJson(item, b[index]));
  }
  return a === b;
}

function activationDocument(licenseId: string, machine: MachineAttributes): unknown {
  const { fingerprint, name, hostname, platform, cores, memory, disk, metadata } = machine;
  return {
    data: {
      type: 'machines',
      attributes: { fingerprint, name, hostname, platform, cores, memory, disk, metadata },
      relationships: { license: { data: { type: 'licenses', id: licenseId } } },
    },
  };
}

/** `encrypt`, `ttl` (empty: never expires), `include` (comma list) and `algorithm`, as Keygen reads them from the query. */
function checkoutQuery(options: CheckoutOptions): [string, string][] {
  const query: [string, string][] = [];
  if (options.encrypt !== undefined) query.push(['encrypt', String(options.encrypt)]);
  if (options.ttl !== undefined) query.push(['ttl', options.ttl === null ? '' : String(options.ttl)]);
  if (options.include !== undefined && options.include.length > 0) query.push(['include', options.include.join(',')]);
  if (options.algorithm !== undefined) query.push(['algorithm', options.algorithm]);
  return query;
}

const isPageNumber = (value: number): boolean => Number.isSafeInteger(value) && value >= 1;

/** The page number in `links.next`; null when there is none, undefined when it is unreadable. */
function nextPage(link: string | null): number | null | undefined {
  if (link === null) return null;
  let number: string | null;
  try {
    number = new URL(link, 'http://link.invalid').searchParams.get('page[number]');
  } catch {
    return undefined;
  }
  return number !== null && /^\d{1,15}$/.test(number) && Number(number) >= 1 ? Number(number) : undefined;
}

/** `Retry-After` as delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
function retryAfterMs(header: string | undefined, nowMs: number): number | null {
  if (header === undefined) return null;
  const value = header.trim();
  if (/^\d{1,9}$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : null;
}

/** Exponential backoff with equal jitter: half the step fixed, half random, so clients spread out. */
function backoff(attempt: number): number {
  const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return step / 2 + Math.random() * (step / 2);
}
