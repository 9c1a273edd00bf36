/**
 * The Keygen API client (`KeygenClient`). Every response is verified against the pinned key
 * (`Keygen-Signature`, `Digest`, `Date`, our own request target and host) before its status or
 * body is looked at; only a 429 may come unsigned (Keygen's rate limiter answers before the
 * controllers: protocol §2.4), and nothing in it is trusted but `Retry-After`. Validations send
 * a random nonce and require it, and every scope key, back in the signed body (protocol §3.2 step 5).
 */
import { randomInt } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { parseErrorDocument, parseListDocument, parseResourceDocument, parseValidationDocument } from './documents.js';
import { KEYGEN_ERROR_CODES, type Failure, type FailureCode, type KeygenErrorCode, type Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import type { VendorConfig } from '../config/vendor-config.types.js';
import { parsePublicKey } from '../license-file/public-key.js';
import type {
  ApiResource,
  CheckoutOptions,
  Credentials,
  KeygenAdminClient,
  KeygenClient,
  MachineAttributes,
  Page,
  Paced,
  PacedDeactivation,
  RateLimitHint,
  TokenBearer,
  Validation,
  ValidationScope,
} from './client.types.js';
import { verifyResponse } from './response-signature.js';
import { createNodeTransport, type Transport, type TransportRequest, type TransportResponse } from './transport.js';
import type { Environment } from './proxy.js';

/** How to build a client. */
export interface KeygenClientOptions {
  readonly config: VendorConfig;
  /** Milliseconds since the epoch, for the signature's date window; default `Date.now`. */
  readonly now?: () => number;
  /** Per-request deadline; default 10 s. */
  readonly timeoutMs?: number;
  /** Extra attempts for idempotent calls on network errors, 5xx and 429; default 2. */
  readonly retries?: number;
  /** Default: node:http(s) with proxies from `env`. */
  readonly transport?: Transport;
  /** Where proxy variables are read when no transport is given; default `process.env`. */
  readonly env?: Environment;
  /** Waits between attempts; injected by tests so that nothing really waits. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A failure that also carries the server's own explanation (`errors[0].detail`), when it gave one. */
export type ClientFailure = Failure & { readonly detail?: string };

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

  async function exchange(call: Call): Promise<Result<unknown>> {
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

    for (let attempt = 0; ; attempt += 1) {
      const mayRetry = call.idempotent && attempt < retries;
      const sent = await transport.send({ method: call.method, url, headers, body, timeoutMs, maxResponseBytes: MAX_RESPONSE_BYTES });
      if (!sent.ok) {
        if (sent.reason === 'too-large') return fail('RESPONSE_MALFORMED');
        if (mayRetry) {
          await sleep(backoff(attempt));
          continue;
        }
        return fail('ISSUER_UNREACHABLE');
      }
      const response = sent.response;
      if (response.status === 429) {
        call.observe?.(response);
        const wait = retryAfterMs(response.headers['retry-after'], now()) ?? backoff(attempt);
        if (call.onRateLimit !== 'report' && mayRetry && wait <= MAX_RETRY_AFTER_MS) {
          await sleep(wait);
          continue;
        }
        return fail('ISSUER_RATE_LIMITED');
      }
      const verified = verifyResponse(response, { method: call.method, url }, { publicKey: pinned.value, now: now(), keyId });
      if (!verified.ok) return verified;
      call.observe?.(response);
      if (response.status >= 500 && response.status <= 599) {
        if (mayRetry) {
          await sleep(backoff(attempt));
          continue;
        }
        return withDetail('ISSUER_ERROR', errorDetail(parseJson(response.body)));
      }
      return interpret(call, response);
    }
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
    const result = await exchange({ ...call, body: { meta: { ...meta, nonce, ...(Object.keys(sentScope).length === 0 ? {} : { scope: sentScope }) } } });
    if (!result.ok) return result;
    const parsed = parseValidationDocument(result.value);
    if (!parsed.success || (parsed.data.data !== null && parsed.data.data.type !== 'licenses')) return fail('RESPONSE_MALFORMED');
    const { meta: answer, data } = parsed.data;
    if (answer.nonce !== nonce) return fail('RESPONSE_NONCE_MISMATCH');
    for (const [key, value] of Object.entries(sentScope)) {
      if (!sameJson(answer.scope?.[key], value)) return fail('RESPONSE_SCOPE_MISMATCH');
    }
    if (!expected(data)) return fail('RESPONSE_SCOPE_MISMATCH');
    return { ok: true, value: { valid: answer.valid, code: answer.code, detail: answer.detail, license: data } };
  }

  /** A call answered by one resource of `type`, which `matches` must accept (it is the one asked about). */
  async function resource(call: Call, type: string, matches: (resource: ApiResource) => boolean): Promise<Result<ApiResource>> {
    const result = await exchange(call);
    if (!result.ok) return result;
    const parsed = parseResourceDocument(result.value);
    if (!parsed.success || parsed.data.data.type !== type) return fail('RESPONSE_MALFORMED');
    return matches(parsed.data.data) ? { ok: true, value: parsed.data.data } : fail('RESPONSE_SCOPE_MISMATCH');
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
    const parsed = parseListDocument(result.value);
    if (!parsed.success || parsed.data.data.some((item) => item.type !== type)) return fail('RESPONSE_MALFORMED');
    const next = nextPage(parsed.data.links?.next ?? null);
    if (next === undefined) return fail('RESPONSE_MALFORMED');
    return { ok: true, value: { data: parsed.data.data, next, total: listCount(result.value) } };
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
      const parsed = parseResourceDocument(result.value);
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
function baseUrl(config: VendorConfig): string | null {
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
