/**
 * The local agent (`tessera serve`): the license manager over HTTP on 127.0.0.1, for the web
 * console and for scripts. Per request, in this order: Host header (DNS rebinding, 403), route
 * (404, or 405 with Allow), nonce (400), authentication (401: bearer token, signed request or
 * console session; 403 for a session used from elsewhere) and scope (403), query, body
 * (415/413/400), handler. Every answer to a caller that authenticated with a token is signed
 * with it (`Tessera-Signature`), so the licensed software can tell the agent from an impostor
 * on its port. No CORS headers are ever sent, so no other origin can read an answer or pass a
 * preflight. Tokens, license keys and bodies are never logged.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import FindMyWay from 'find-my-way';
import type { FailureCode } from '../contract/codes.js';
import type { LicenseManager } from '../licensing/manager.types.js';
import type { AgentConsole } from './console.js';
import { createRequestAuthenticator } from './request-auth.js';
import { hasBody, parseJsonBody, readRawBody } from './request-body.js';
import { AGENT_METHODS, AGENT_ROUTES, agentError, SCOPE_FOR_METHOD, type AgentMethod, type AgentRoute, type Reply } from './routes.js';
import { queryObject } from './schemas.js';
import { NONCE_FORMAT, NONCE_HEADER, SIGNATURE_HEADER, signResponse } from './signature.js';
import type { AgentTokenStore } from './token.js';

/** The agent's port in production (`tessera serve` without `--port`). */
export const DEFAULT_AGENT_PORT = 7369;
/** The only address the agent listens on. */
export const AGENT_HOST = '127.0.0.1';
/** Cap on request bodies: a certificate is at most 1 MiB (LICENSE_FILE_TOO_LARGE beyond). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** How the agent is put together; the composition root fills this in. */
export interface AgentOptions {
  readonly manager: LicenseManager;
  readonly tokenStore: AgentTokenStore;
  /** This machine's fingerprint, confirmed by `DELETE /v1/license`; rejecting means it cannot be read. */
  readonly machineFingerprint: () => Promise<string>;
  /** 0 picks a free port (tests); `DEFAULT_AGENT_PORT` when omitted. */
  readonly port?: number;
  /** Must be `127.0.0.1` (the default): anything else is refused. */
  readonly host?: string;
  readonly maxBodyBytes?: number;
  /** Where unexpected errors are reported (default: stderr), without request data. */
  readonly log?: (line: string) => void;
  /** The web console (`serve --ui`): its pages, login links and the contract's operations. */
  readonly console?: AgentConsole;
  /** The clock that signed requests' times are checked against (tests); `Date.now` by default. */
  readonly now?: () => number;
}

/** A running agent. */
export interface RunningAgent {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** A new one-time login link to the web console, or null when the console is not served. */
  loginUrl(): string | null;
  /** Stops accepting connections and waits for the open ones to finish. Idempotent. */
  close(): Promise<void>;
}

/** The agent could not start because its token could not be kept in the keychain. */
export class AgentStartError extends Error {
  constructor(
    readonly code: FailureCode,
    message: string,
  ) {
    super(message);
    this.name = 'AgentStartError';
  }
}

/** How an answer is signed: the caller's token, and the request it answers. */
interface Signing {
  readonly key: string;
  readonly method: string;
  readonly target: string;
  readonly nonce: string;
}

/**
 * Starts the agent. Throws a RangeError for a host other than 127.0.0.1 or an invalid port,
 * `AgentStartError` when the token cannot be created or read (keychain unavailable), and the
 * listen error (EADDRINUSE …) when the port is taken.
 */
export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const host = options.host ?? AGENT_HOST;
  // Loopback only: the token guards the API, but nothing else on the network should even reach it.
  if (host !== AGENT_HOST) throw new RangeError(`The agent listens on ${AGENT_HOST} only, not on "${host}".`);
  const port = options.port ?? DEFAULT_AGENT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError('The agent port must be an integer from 0 to 65535.');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) throw new RangeError('maxBodyBytes must be a positive integer.');
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  const token = await options.tokenStore.ensure();
  if (!token.ok) throw new AgentStartError(token.code, token.message);

  const router = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: 1024 });
  for (const route of [...AGENT_ROUTES, ...(options.console?.routes ?? [])]) router.on(route.method, route.path, () => undefined, route);
  let allowedHosts: ReadonlySet<string> = new Set();
  const authenticator = createRequestAuthenticator({ tokenStore: options.tokenStore, console: options.console, ...(options.now === undefined ? {} : { now: options.now }) });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let routeName = 'unrouted';
    let signing: Signing | null = null;
    try {
      // DNS rebinding: a page on evil.example that re-resolves to 127.0.0.1 still sends its own Host.
      if (!allowedHosts.has((req.headers.host ?? '').toLowerCase())) return send(req, res, agentError('HOST_NOT_ALLOWED'));
      const target = req.url ?? '';
      // Origin-form only: an absolute-form target would name a host of its own (RFC 9112 §3.2.2).
      if (!target.startsWith('/')) return send(req, res, agentError('INVALID_REQUEST', 'The request target must be a path.'));
      const queryAt = target.indexOf('?');
      const path = queryAt === -1 ? target : target.slice(0, queryAt);
      const search = new URLSearchParams(queryAt === -1 ? '' : target.slice(queryAt + 1));
      if (options.console !== undefined && (await options.console.serve(req, res, path, search))) return;

      const method = req.method ?? '';
      const found = isAgentMethod(method) ? router.find(method, path) : null;
      if (found === null) {
        const allow = AGENT_METHODS.filter((candidate) => router.find(candidate, path) !== null);
        // A CORS preflight (OPTIONS) lands here too: 405, and never an Access-Control-* header.
        if (allow.length > 0) return send(req, res, { ...agentError('METHOD_NOT_ALLOWED'), headers: { Allow: allow.join(', ') } });
        return send(req, res, agentError('ENDPOINT_NOT_FOUND'));
      }
      const route = found.store as AgentRoute;
      routeName = `${route.method} ${route.path}`;

      const nonce = req.headers[NONCE_HEADER.toLowerCase()];
      if (nonce !== undefined && (typeof nonce !== 'string' || !NONCE_FORMAT.test(nonce))) {
        return send(req, res, agentError('INVALID_REQUEST', `${NONCE_HEADER} must be 16 to 64 base64url characters, sent once.`));
      }
      const caller = await authenticator.authenticate(req, { method, target, session: route.session === true, readBody: () => readRawBody(req, maxBodyBytes) });
      if (!caller.ok) return send(req, res, caller.reply);
      const { scopes, key } = caller.value;
      if (key !== null) signing = { key, method, target, nonce: nonce ?? caller.value.nonce ?? '' };

      const needed = route.scope ?? SCOPE_FOR_METHOD[route.method];
      if (!scopes.includes(needed)) {
        // RFC 6750 §3.1: the scope the token lacks.
        const challenge = `Bearer realm="tessera-agent", error="insufficient_scope", scope="${needed}"`;
        return send(req, res, { ...agentError('FORBIDDEN'), headers: { 'WWW-Authenticate': challenge } }, signing);
      }

      const query = queryObject(search);
      if (query === null) return send(req, res, agentError('INVALID_REQUEST', 'A query parameter is repeated.'), signing);
      let body: unknown;
      if (route.method !== 'GET') {
        // A signed request's body was already read (and hashed) to authenticate it.
        const raw = caller.value.body !== null ? ({ ok: true, value: caller.value.body } as const) : await readRawBody(req, maxBodyBytes);
        if (!raw.ok) return send(req, res, raw.reply, signing);
        const parsed = parseJsonBody(raw.value);
        if (!parsed.ok) return send(req, res, parsed.reply, signing);
        body = parsed.value;
      }

      const params: Record<string, string> = {};
      for (const [key, value] of Object.entries(found.params)) if (value !== undefined) params[key] = value;
      send(req, res, await route.handler({ manager: options.manager, machineFingerprint: options.machineFingerprint, params, query, body, scopes }), signing);
    } catch (error) {
      log(`tessera-agent: ${routeName} failed: ${describeError(error)}`);
      send(req, res, agentError('INTERNAL_ERROR'), signing);
    }
  }

  // Node's own 400 for a missing Host would bypass the agent's answer; the Host check refuses it (403).
  const server = createServer({ requireHostHeader: false }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Only a failure while writing lands here; the socket may already be gone.
      log(`tessera-agent: response failed: ${describeError(error)}`);
      res.destroy();
    });
  });
  // Slow clients may not hold connections open for ever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.on('clientError', (_error, socket) => {
    const body = JSON.stringify({ code: 'INVALID_REQUEST', message: 'The request is not valid HTTP.' });
    if (!socket.writable) return socket.destroy();
    socket.end(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nCache-Control: no-store\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, AGENT_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  allowedHosts = loopbackHosts(actualPort);

  let closing: Promise<void> | null = null;
  return {
    url: `http://${AGENT_HOST}:${actualPort}`,
    port: actualPort,
    loginUrl() {
      return options.console === undefined ? null : `http://${AGENT_HOST}:${actualPort}${options.console.newLoginPath()}`;
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

/** The Host header values that name this agent: a loopback name with its port. */
function loopbackHosts(port: number): ReadonlySet<string> {
  const names = ['127.0.0.1', 'localhost', '[::1]'];
  const hosts = names.map((name) => `${name}:${port}`);
  // Clients leave the default port out of Host.
  if (port === 80) hosts.push(...names);
  return new Set(hosts);
}

function isAgentMethod(method: string): method is AgentMethod {
  return (AGENT_METHODS as readonly string[]).includes(method);
}

/**
 * Writes a reply with the common headers: JSON, never cached, never sniffed, never shared
 * across origins; signed with the caller's token when it authenticated with one.
 */
function send(req: IncomingMessage, res: ServerResponse, reply: Reply, signing: Signing | null = null): void {
  if (res.headersSent) return;
  const payload = reply.body === undefined || reply.status === 204 ? Buffer.alloc(0) : Buffer.from(JSON.stringify(reply.body), 'utf8');
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Resource-Policy': 'same-origin',
    ...reply.headers,
  };
  if (signing !== null) {
    headers[SIGNATURE_HEADER] = signResponse(signing.key, { method: signing.method, target: signing.target, nonce: signing.nonce, status: reply.status, body: payload });
    if (signing.nonce !== '') headers[NONCE_HEADER] = signing.nonce;
  }
  if (reply.status !== 204) headers['Content-Length'] = String(payload.length);
  // A body refused unread is not drained for a kept-alive connection: Node closes it after the reply.
  if (hasBody(req) && !req.readableEnded) headers.Connection = 'close';
  res.writeHead(reply.status, headers);
  res.end(reply.status === 204 ? undefined : payload);
}

/** An error's name and stack frames, without its message (which a caller may have filled with a key). */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const frames = (error.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at ')).slice(0, 8);
  return [error.name, ...frames].join('\n');
}
