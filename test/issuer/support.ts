/**
 * Test harness for the issuer: starts one on 127.0.0.1 port 0 with `:memory:`, and a client
 * that checks, on EVERY response, that it is not a 500 and that its Keygen-Signature verifies
 * with the account's public key (unless the test says the response must be unsigned).
 */
import { expect } from 'vitest';
import { verifyResponse } from '../../src/keygen/response-signature.js';
import { parsePublicKey, type PinnedKey } from '../../src/license-file/public-key.js';
import { startIssuer, type IssuerHandle, type StartOptions } from '../../issuer/start.js';

/** One response, read completely. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed body (undefined when empty or not JSON). */
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test assertions walk arbitrary JSON:API documents
}

/** Options of one request. */
export interface RequestOptions {
  /** `Authorization` value, verbatim (`Bearer …`, `License …`). */
  readonly auth?: string;
  /** Shorthand for `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** A JSON-serializable body, or a raw string/Buffer sent as is. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** The response must carry no signature (429, unknown account). */
  readonly unsigned?: boolean;
}

/** A started issuer plus a verifying client. */
export interface TestIssuer {
  readonly issuer: IssuerHandle;
  /** `/v1/accounts/<account id>` */
  readonly base: string;
  readonly pinned: PinnedKey;
  /** `path` is relative to `base`, unless it is versioned (`/v1/…`): then it is sent as is. */
  request(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  /** `request` with the admin token. */
  admin(method: string, path: string, body?: unknown): Promise<ApiResponse>;
  close(): Promise<void>;
}

/** Starts an issuer for a test file. */
export async function startTestIssuer(options: StartOptions = {}): Promise<TestIssuer> {
  const issuer = await startIssuer({ db: ':memory:', host: '127.0.0.1', port: 0, ...options });
  const parsed = parsePublicKey(issuer.publicKey);
  if (!parsed.ok) throw new Error('issuer public key does not parse');
  const pinned = parsed.value;
  const base = `/v1/accounts/${issuer.account}`;
  const clock = options.clock ?? Date.now;

  async function request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    // A versioned path (`/v1/…`, `/v2/…`) is sent as is; anything else is relative to the account.
    const url = new URL(/^\/v\d+(\/|$)/.test(path) ? path : `${base}${path}`, issuer.url);
    const headers: Record<string, string> = { Accept: 'application/vnd.api+json', ...options.headers };
    if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
    if (options.auth !== undefined) headers.Authorization = options.auth;
    let body: string | Buffer | undefined;
    if (typeof options.body === 'string' || Buffer.isBuffer(options.body)) body = options.body;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = 'application/vnd.api+json';
    }
    // `fetch` would re-encode some characters; the signature covers the target exactly as sent.
    const response = await fetch(url, { method, headers, body });
    const bytes = Buffer.from(await response.arrayBuffer());
    const text = bytes.toString('utf8');
    expect(response.status, `${method} ${path} answered 500: ${text}`).not.toBe(500);
    if (options.unsigned) {
      expect(response.headers.get('keygen-signature')).toBeNull();
    } else {
      const verified = verifyResponse({ status: response.status, headers: response.headers, body: bytes }, { method, url }, {
        publicKey: pinned,
        now: clock(),
        keyId: issuer.account,
      });
      expect(verified.ok, `${method} ${path} (${response.status}) signature: ${verified.ok ? '' : verified.code}`).toBe(true);
    }
    const isJson = /json/.test(response.headers.get('content-type') ?? '');
    return { status: response.status, headers: response.headers, text, json: text === '' || !isJson ? undefined : JSON.parse(text) };
  }

  return {
    issuer,
    base,
    pinned,
    request,
    admin: (method, path, body) => request(method, path, { token: issuer.adminToken, body }),
    close: () => issuer.close(),
  };
}

/** A JSON:API create document. */
export function doc(type: string, attributes?: Record<string, unknown>, relationships?: Record<string, { type: string; id: string } | null>): unknown {
  const data: Record<string, unknown> = { type };
  if (attributes !== undefined) data.attributes = attributes;
  if (relationships !== undefined) {
    data.relationships = Object.fromEntries(Object.entries(relationships).map(([name, link]) => [name, { data: link }]));
  }
  return { data };
}

/** Creates a product and returns its id. */
export async function createProduct(t: TestIssuer, name = 'Product'): Promise<string> {
  const response = await t.admin('POST', '/products', doc('products', { name }));
  expect(response.status).toBe(201);
  return response.json.data.id as string;
}

/** Creates a policy for a product and returns its id. */
export async function createPolicy(t: TestIssuer, productId: string, attributes: Record<string, unknown> = {}): Promise<string> {
  const response = await t.admin('POST', '/policies', doc('policies', { name: 'Policy', authenticationStrategy: 'MIXED', ...attributes }, { product: { type: 'products', id: productId } }));
  expect(response.status, response.text).toBe(201);
  return response.json.data.id as string;
}

/** Creates a license and returns its resource object. */
export async function createLicense(
  t: TestIssuer,
  policyId: string,
  attributes: Record<string, unknown> = {},
  relationships: Record<string, { type: string; id: string }> = {},
): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const response = await t.admin('POST', '/licenses', doc('licenses', attributes, { policy: { type: 'policies', id: policyId }, ...relationships }));
  expect(response.status, response.text).toBe(201);
  return response.json.data;
}

/** The first error object of a response. */
export function firstError(response: ApiResponse): { title: string; detail?: string; code?: string; source?: Record<string, string> } {
  return response.json.errors[0];
}
