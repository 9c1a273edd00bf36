/**
 * The issuer's HTTP server: node:http + find-my-way. Per request, in Keygen's order: rate limit
 * (unsigned 429), account (unsigned 404), API version, route (404), query, body (413/400),
 * credentials (401/403), handler. Every response for a resolved account is signed; anything a
 * handler throws that is not an `ApiError` becomes a signed 500 error object, and is logged
 * without the request path (which may hold a license key).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Store } from '../db/store.js';
import type { Account } from '../domain/types.js';
import { ROUTES } from '../routes/index.js';
import { accountTargetOf, resolveAccount } from './account-resolution.js';
import { authenticate, type Bearer } from './auth.js';
import { DEFAULT_MAX_BODY_BYTES, isPayloadTooLarge, parseJsonBody, readBody } from './body.js';
import type { HttpMethod, Reply, RequestContext, RouteDefinition } from './context.js';
import { ApiError, badRequest, endpointNotFound, internalError, unauthorized } from './errors.js';
import { parseQuery } from './query.js';
import { RateLimiter, type RateLimitConfig } from './rate-limit.js';
import { createRouter } from './router.js';
import { hostWithoutPort, ResponseSigner } from './signing.js';

/** How the server is put together; `startIssuer` fills this in. */
export interface IssuerServerOptions {
  readonly store: Store;
  /** Milliseconds since the epoch; injected so that tests control time. */
  readonly clock: () => number;
  readonly routes?: readonly RouteDefinition[];
  readonly rateLimit?: RateLimitConfig | null;
  readonly maxBodyBytes?: number;
  /**
   * The account id that paths without an account segment (`/v1/licenses`) are for. Null or
   * absent: the only account in the database, and a 404 when there are several.
   */
  readonly defaultAccount?: string | null;
  /** Where unexpected errors are reported (default: stderr). */
  readonly log?: (line: string) => void;
}

/** The API version the issuer implements, and those a client may pin (`Keygen-Version`). */
export const KEYGEN_API_VERSION = '1.8';
const SUPPORTED_VERSIONS = new Set(['1.0', '1.1', '1.2', '1.3', '1.4', '1.5', '1.6', '1.7', '1.8']);
const TOO_MANY_REQUESTS =
  'Throttle limit has been reached for your IP address. Please slow down. See https://keygen.sh/docs/api/rate-limiting/ for more info.';

/** Per-response state gathered while the request is processed. */
interface Exchange {
  readonly requestId: string;
  readonly now: number;
  account: Account | null;
  bearer: Bearer | null;
  version: string;
  headers: Record<string, string>;
}

/** Creates (but does not start) the HTTP server. */
export function createIssuerServer(options: IssuerServerOptions): Server {
  const router = createRouter(options.routes ?? ROUTES);
  const limiter = options.rateLimit ? new RateLimiter(options.rateLimit) : null;
  const signer = new ResponseSigner();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const exchange: Exchange = { requestId: randomUUID(), now: options.clock(), account: null, bearer: null, version: KEYGEN_API_VERSION, headers: {} };
    let routeName = 'unrouted';
    try {
      if (limiter !== null) {
        const decision = limiter.hit(req.socket.remoteAddress ?? 'unknown', exchange.now);
        exchange.headers = { ...decision.headers };
        if (!decision.allowed) {
          // Rack::Attack answers before any controller: no account, no signature, no meta.
          const body = { errors: [{ title: 'Too many requests', detail: TOO_MANY_REQUESTS, code: 'TOO_MANY_REQUESTS' }] };
          write(res, req, exchange, { status: 429, body, headers: { 'Retry-After': String(decision.retryAfter) } }, null);
          return;
        }
      }
      const url = req.url ?? '/';
      const queryAt = url.indexOf('?');
      const path = queryAt === -1 ? url : url.slice(0, queryAt);
      const account = resolveAccount(accountTargetOf(path), options.store, options.defaultAccount ?? null);
      exchange.account = account;

      exchange.version = apiVersion(req.headers['keygen-version']);
      const match = router.find(req.method ?? 'GET', path);
      if (match === null) throw endpointNotFound();
      routeName = `${match.route.method} ${match.route.path}`;
      const query = parseQuery(queryAt === -1 ? '' : url.slice(queryAt + 1));
      const body = parseJsonBody(await readBody(req, maxBodyBytes), req.headers['content-type']);
      exchange.bearer = authenticate({ authorization: req.headers.authorization, query }, account, options.store, exchange.now);
      if (match.route.auth === 'required' && exchange.bearer === null) throw unauthorized('TOKEN_MISSING');

      const ctx: RequestContext = {
        requestId: exchange.requestId,
        method: match.route.method as HttpMethod,
        path,
        query,
        params: match.params,
        body,
        headers: req.headers,
        account,
        bearer: exchange.bearer,
        store: options.store,
        now: exchange.now,
        base: `/v1/accounts/${account.id}`,
      };
      write(res, req, exchange, await match.route.handler(ctx), signer);
    } catch (error) {
      if (!(error instanceof ApiError)) log(`tessera-issuer: ${routeName} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      const failure = error instanceof ApiError ? error : internalError();
      // An oversized body may still be arriving: close the connection after answering.
      const extra: Record<string, string> = isPayloadTooLarge(error) ? { Connection: 'close' } : {};
      const reply: Reply = { status: failure.status, body: { meta: { id: exchange.requestId }, errors: failure.errors }, headers: { ...failure.headers, ...extra } };
      write(res, req, exchange, reply, exchange.account === null ? null : signer);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Only a failure while writing lands here; the socket may already be gone.
      log(`tessera-issuer: response failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // A request line or headers past node's limit (a very long query) is RFC 6585 §5's 431, as node itself answers it.
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });
  return server;
}

/** Serializes, signs (when `signer` and an account are present) and writes a reply. */
function write(res: ServerResponse, req: IncomingMessage, exchange: Exchange, reply: Reply, signer: ResponseSigner | null): void {
  if (res.headersSent) return;
  // A string body is sent as is (a raw certificate download); anything else is a JSON document.
  const body =
    reply.body === undefined ? Buffer.alloc(0) : Buffer.from(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body), 'utf8');
  const headers: Record<string, string> = {
    'Content-Type': `${contentTypeFor(req.headers.accept)}; charset=utf-8`,
    'Cache-Control': 'no-store, max-age=0',
    'Keygen-Version': exchange.version,
    'X-Request-Id': exchange.requestId,
    ...exchange.headers,
    ...(reply.headers ?? {}),
  };
  if (exchange.account !== null && signer !== null) {
    headers['Keygen-Account'] = exchange.account.id;
    if (exchange.bearer !== null) headers['Keygen-Bearer'] = exchange.bearer.id;
    const token = exchange.bearer?.token ?? null;
    if (token !== null) headers['Keygen-Token'] = token.id;
    Object.assign(
      headers,
      signer.headers(exchange.account, { method: req.method ?? 'GET', target: req.url ?? '/', host: hostWithoutPort(req.headers.host), body, now: exchange.now }),
    );
  } else {
    headers.Date = new Date(exchange.now).toUTCString();
  }
  headers['Content-Length'] = String(body.length);
  res.writeHead(reply.status, headers);
  res.end(body);
}

/** Keygen answers `application/json` to clients that ask for it and not for JSON:API. */
function contentTypeFor(accept: string | undefined): string {
  const types = (accept ?? '').split(',').map((part) => part.split(';')[0]?.trim().toLowerCase());
  if (types.includes('application/vnd.api+json') || types.includes('*/*')) return 'application/vnd.api+json';
  return types.includes('application/json') ? 'application/json' : 'application/vnd.api+json';
}

/** `Keygen-Version: 1.7` or `v1.7`; absent means the current version. Throws 400 INVALID_API_VERSION otherwise. */
function apiVersion(header: string | string[] | undefined): string {
  const requested = (Array.isArray(header) ? header[0] : header)?.trim().replace(/^v/i, '');
  if (requested === undefined || requested === '') return KEYGEN_API_VERSION;
  if (SUPPORTED_VERSIONS.has(requested)) return requested;
  throw badRequest('unsupported API version requested', { code: 'INVALID_API_VERSION', links: { about: 'https://keygen.sh/docs/api/versioning/' } });
}
