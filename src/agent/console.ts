/**
 * The web console (`tessera serve --ui`): the built renderer served by the agent, signed in
 * with a one-time login link, talking to the core through `POST /v1/ops/<operation>` — the
 * same contract the Electron window uses over IPC.
 *
 * Sign-in: the link's code is single-use and short-lived. It is exchanged for a session: a
 * cookie (HttpOnly, SameSite=Strict, named after the agent's port) and a per-session secret
 * handed to the page in the redirect's fragment (`/#session=…`), which the page keeps in its
 * tab's sessionStorage and sends as the `Tessera-Session` header. Cookies ignore ports, so any
 * server on 127.0.0.1 may receive the cookie; only the console's own tab knows the secret. The
 * operations route accepts a session only with both, and only from the console's own origin
 * (`Sec-Fetch-Site: same-origin`, or a matching `Origin`). A session has the scopes of whoever
 * minted its link. Scripts keep using tokens.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { OPERATIONS, isOperationName } from '../contract/operations.js';
import type { OperationsService } from '../operations/operations.service.js';
import { sha256 } from './digest.js';
import { agentError, type AgentRoute, type Reply, type RouteContext } from './routes.js';
import { AGENT_SCOPES, type AgentScope } from './schemas.js';

/**
 * The console's Content-Security-Policy: scripts and styles from the console itself only, no
 * inline code, no eval, requests only to its own origin, never framed (clickjacking).
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The session cookie's name on the agent at `port`: two agents on 127.0.0.1 never overwrite each other's. */
export const sessionCookieName = (port: number): string => `tessera_console_${port}`;
/** The header with the session's secret, sent by the console's page on every operation. */
export const SESSION_HEADER = 'Tessera-Session';
/** The fragment of the page the login link redirects to: `#session=<secret>`. */
export const SESSION_FRAGMENT = 'session';
/** A login link works once, within this time. */
const LOGIN_CODE_TTL_MS = 10 * 60_000;
/** A signed-in tab stays signed in for a working day. */
const SESSION_TTL_MS = 12 * 60 * 60_000;
/** Bounds on what an unauthenticated caller can make the agent remember. */
const MAX_LOGIN_CODES = 32;
const MAX_SESSIONS = 64;
/** The renderer's files are small; a bigger file here is not ours. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export interface ConsoleOptions {
  /** The built renderer (`dist/renderer`), with its `index.html`. */
  readonly staticFolder: string;
  readonly operations: OperationsService;
  readonly now?: () => number;
}

/** A request's console session: none (no or unknown cookie, expired), refused (from another origin or tab), or signed in. */
export type SessionCheck =
  | { readonly kind: 'none' }
  | { readonly kind: 'refused'; readonly reply: Reply }
  | { readonly kind: 'signed-in'; readonly scopes: readonly AgentScope[] };

export interface AgentConsole {
  /**
   * Answers GET/HEAD for the UI's files and `/login`; returns false for anything else (the API's
   * paths under `/v1/`), which the agent's router handles.
   */
  serve(req: IncomingMessage, res: ServerResponse, path: string, search: URLSearchParams): Promise<boolean>;
  /** The request's console session, checked against its origin and its tab's secret. */
  session(req: IncomingMessage): SessionCheck;
  /** A new one-time login path (`/login?code=…`) whose session gets `scopes` (all of them by default: the startup link). */
  newLoginPath(scopes?: readonly AgentScope[]): string;
  /** `POST /v1/ops/:operation` and `POST /v1/console/login-links`. */
  readonly routes: readonly AgentRoute[];
}

const token = (): string => randomBytes(32).toString('base64url');

/** Security headers on every console page and file. */
function pageHeaders(contentType: string, cache: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Cache-Control': cache,
    'Content-Security-Policy': CONSOLE_CSP,
    'X-Content-Type-Options': 'nosniff',
    // Old browsers that ignore frame-ancestors.
    'X-Frame-Options': 'DENY',
    // The login link's code must not leak to any other site through Referer.
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

function sendPage(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer): void {
  res.writeHead(status, { ...headers, 'Content-Length': String(body.length) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendText(req: IncomingMessage, res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  sendPage(req, res, status, { ...pageHeaders('text/plain; charset=utf-8', 'no-store'), ...extra }, Buffer.from(`${text}\n`, 'utf8'));
}

/** The file under `folder` that a URL path names, or null when it would leave the folder or is not a plain name. */
export function resolveStaticPath(folder: string, path: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const root = resolve(folder);
  const file = resolve(root, relative);
  return file.startsWith(root + sep) ? file : null;
}

/** The cookie's value, or null (RFC 6265 §4.2: `name=value` pairs separated by "; "). */
function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at !== -1 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return null;
}

/**
 * Whether the request says it comes from the console's own origin: `Sec-Fetch-Site:
 * same-origin`, or no Sec-Fetch-Site and an `Origin` equal to the console's. A request with
 * neither is refused: a cookie rides along with requests from other ports' pages (same site)
 * and from any local process that read it. The Host was checked to name this agent.
 */
function fromOwnOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`) return false;
  if (site !== undefined) return site === 'same-origin';
  return origin !== undefined;
}

/** A signed-in tab: until when, the digest of its secret, and the scopes of the link that made it. */
interface Session {
  readonly expires: number;
  readonly secret: Buffer;
  readonly scopes: readonly AgentScope[];
}

/** A login code: until when, and the scopes its session gets. */
interface LoginCode {
  readonly expires: number;
  readonly scopes: readonly AgentScope[];
}

export function createAgentConsole(options: ConsoleOptions): AgentConsole {
  const now = options.now ?? Date.now;
  const loginCodes = new Map<string, LoginCode>();
  const sessions = new Map<string, Session>();

  /** Drops expired entries, then the oldest beyond `max`. */
  const prune = (entries: Map<string, { readonly expires: number }>, max: number): void => {
    const time = now();
    for (const [key, entry] of entries) if (entry.expires <= time) entries.delete(key);
    while (entries.size > max) entries.delete(entries.keys().next().value as string);
  };

  function login(req: IncomingMessage, res: ServerResponse, search: URLSearchParams): void {
    const code = search.get('code') ?? '';
    prune(loginCodes, MAX_LOGIN_CODES);
    const entry = loginCodes.get(code);
    // Single use: a code is gone the moment it is presented, valid or not.
    loginCodes.delete(code);
    if (entry === undefined || entry.expires <= now()) {
      sendText(req, res, 401, 'This login link has already been used or has expired.\nNext step: run "tessera serve --ui" again (or npm start) and open the new link it prints.');
      return;
    }
    const id = token();
    const secret = token();
    sessions.set(id, { expires: now() + SESSION_TTL_MS, secret: sha256(secret), scopes: entry.scopes });
    prune(sessions, MAX_SESSIONS);
    res.writeHead(303, {
      ...pageHeaders('text/plain; charset=utf-8', 'no-store'),
      // The secret travels in the fragment: never sent to a server, never in a Referer; the page
      // moves it to its tab's sessionStorage and clears it from the address bar at once.
      Location: `/#${SESSION_FRAGMENT}=${secret}`,
      // Path: only the operations route needs it, so no other request of the page carries it.
      'Set-Cookie': `${sessionCookieName(req.socket.localPort ?? 0)}=${id}; Path=/v1/ops/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_TTL_MS / 1000}`,
      'Content-Length': '0',
    });
    res.end();
  }

  async function serveFile(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const file = resolveStaticPath(options.staticFolder, path);
    const type = file === null ? undefined : CONTENT_TYPES[extname(file).toLowerCase()];
    if (file === null || type === undefined) return sendText(req, res, 404, 'Not found.');
    try {
      const info = await stat(file);
      if (!info.isFile() || info.size > MAX_FILE_BYTES) return sendText(req, res, 404, 'Not found.');
      const body = await readFile(file);
      // Vite names assets by content hash, so they never change; the page itself always revalidates.
      const cache = path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      sendPage(req, res, 200, pageHeaders(type, cache), body);
    } catch {
      sendText(req, res, 404, path === '/' ? 'The console is not built.\nNext step: run "npm run build", then start it again.' : 'Not found.');
    }
  }

  async function runOperation(context: RouteContext): Promise<Reply> {
    const name = context.params.operation ?? '';
    if (!isOperationName(name) || OPERATIONS[name].servedBy !== 'core') return agentError('ENDPOINT_NOT_FOUND', 'There is no such operation.');
    const needed = OPERATIONS[name].scope;
    if (!context.scopes.includes(needed)) return agentError('FORBIDDEN');
    return { status: 200, body: await options.operations.run(name, context.body ?? {}) };
  }

  const console: AgentConsole = {
    async serve(req, res, path, search) {
      if (path.startsWith('/v1/')) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendText(req, res, 405, 'Method not allowed.', { Allow: 'GET, HEAD' });
        return true;
      }
      if (path === '/login') login(req, res, search);
      else await serveFile(req, res, path);
      return true;
    },
    session(req) {
      const id = cookieValue(req.headers.cookie, sessionCookieName(req.socket.localPort ?? 0));
      const session = id === null ? undefined : sessions.get(id);
      if (session === undefined || session.expires <= now()) return { kind: 'none' };
      if (!fromOwnOrigin(req)) return { kind: 'refused', reply: agentError('CROSS_ORIGIN_REQUEST') };
      const presented = req.headers[SESSION_HEADER.toLowerCase()];
      // Digests are 32 bytes each, so the comparison is constant-time and never leaks a length.
      if (typeof presented !== 'string' || !timingSafeEqual(sha256(presented), session.secret)) {
        return { kind: 'refused', reply: agentError('CONSOLE_SESSION_UNBOUND') };
      }
      return { kind: 'signed-in', scopes: session.scopes };
    },
    newLoginPath(scopes = AGENT_SCOPES) {
      const code = token();
      loginCodes.set(code, { expires: now() + LOGIN_CODE_TTL_MS, scopes: AGENT_SCOPES.filter((scope) => scopes.includes(scope)) });
      prune(loginCodes, MAX_LOGIN_CODES);
      return `/login?code=${code}`;
    },
    routes: [
      // Every scope is checked per operation in the handler; the route itself needs only reading.
      { method: 'POST', path: '/v1/ops/:operation', handler: runOperation, scope: 'licensing:read', session: true },
      {
        method: 'POST',
        path: '/v1/console/login-links',
        // The session gets at most the minting token's scopes: a link is no way to gain a scope.
        handler: async (context) => ({ status: 201, body: { path: console.newLoginPath(context.scopes) } }),
        scope: 'licensing:write',
      },
    ],
  };
  return console;
}
