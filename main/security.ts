/**
 * All of the Electron hardening in one place: web preferences, the content security policy,
 * the `app://` scheme that serves the renderer, and the guards on every webContents. Each
 * line says why, citing the Electron security checklist (electronjs.org/docs/latest/tutorial/security,
 * "§n") or the threat it answers. The pure pieces are exported so that tests check them directly.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { App, Protocol, Session, Shell, WebContents, WebPreferences } from 'electron';

/** The custom scheme the renderer is served from (§18: not `file://`, whose origin covers the whole disk). */
export const APP_SCHEME = 'app';
/** The one host of the scheme: the app's origin is `app://tessera`. */
export const APP_HOST = 'tessera';
/** What the window loads. */
export const APP_START_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

const here = dirname(fileURLToPath(import.meta.url));
/** The bundled sandboxed preload, next to the compiled main process (`dist/main/preload.cjs`). */
export const PRELOAD_PATH = join(here, 'preload.cjs');
/** The built renderer (`dist/renderer`), the only folder the `app://` scheme serves. */
export const RENDERER_FOLDER = resolve(here, '..', 'renderer');

/**
 * The production content security policy (§7): no inline or eval'd script, nothing fetched from
 * anywhere — the renderer talks to the core only through the preload's verbs (Signal keeps all
 * network in Node), so `connect-src 'none'`.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'", // deny by default: anything not listed below cannot load
  "script-src 'self'", // only the bundled scripts: an injected <script> or eval does not run
  "style-src 'self'", // only the bundled stylesheets
  "img-src 'self' data:", // bundled images and inline icons
  "font-src 'self'", // bundled fonts only
  "connect-src 'none'", // no fetch/XHR/WebSocket: a compromised renderer cannot exfiltrate
  "base-uri 'none'", // an injected <base> cannot redirect relative URLs
  "form-action 'none'", // an injected <form> cannot post anywhere
  "frame-ancestors 'none'", // the app cannot be framed (clickjacking)
].join('; ');

/** Hosts whose https pages may be opened in the person's browser (§15: no openExternal with untrusted content). */
export const EXTERNAL_LINK_HOSTS: readonly string[] = ['keygen.sh', 'tessera.dev', 'www.tessera.dev', 'docs.tessera.dev'];

/**
 * The hardened web preferences of every window. Never returns a weaker set: callers add
 * nothing to it.
 */
export function secureWebPreferences(preload: string = PRELOAD_PATH): WebPreferences {
  return {
    contextIsolation: true, // §3: the page cannot reach the preload's or Electron's objects
    sandbox: true, // §4: the renderer runs in Chromium's OS sandbox, with no Node
    nodeIntegration: false, // §2: page script gets no require/process (XSS ≠ RCE)
    nodeIntegrationInWorker: false, // §2: nor do its web workers
    webSecurity: true, // §6: keep the same-origin policy
    allowRunningInsecureContent: false, // §8: no http content inside the app's secure origin
    webviewTag: false, // §12: no <webview>, whose guest could get weaker preferences
    spellcheck: false, // typed license keys are not sent to an OS or cloud spellchecker
    preload, // absolute path (§3): the only bridge, exposing verbs from the contract
  };
}

/** Whether `url` is on the app's own origin, `app://tessera` (WHATWG gives non-special schemes an opaque origin, so compare scheme and host). */
export function isAppUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed !== null && parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
}

/** Whether `url` may be opened in the person's browser: https, default port, no credentials, a host from `EXTERNAL_LINK_HOSTS` (§15). */
export function isAllowedExternalUrl(url: string, hosts: readonly string[] = EXTERNAL_LINK_HOSTS): boolean {
  const parsed = parseUrl(url);
  if (parsed === null || parsed.protocol !== 'https:') return false; // no http (sniffable), file:, smb:, custom handlers
  if (parsed.username !== '' || parsed.password !== '' || parsed.port !== '') return false; // no look-alike `https://keygen.sh@evil`
  return hosts.includes(parsed.hostname);
}

/**
 * The file under `root` that an `app://tessera/…` URL names, or null when the URL is not on
 * the app's origin, is malformed, or resolves outside `root` (path traversal, encoded or not).
 */
export function resolveAppPath(root: string, url: string): string | null {
  const parsed = parseUrl(url);
  if (parsed === null || !isAppUrl(url)) return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname); // `%2e%2e%2f` becomes `../` here, and is judged below
  } catch {
    return null; // malformed percent-encoding
  }
  if (path.includes('\0')) return null; // NUL truncates paths in native code
  if (path.endsWith('/')) path += 'index.html';
  const base = resolve(root);
  const target = resolve(base, `.${path}`);
  const inside = relative(base, target);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return null; // outside the folder
  return target;
}

/** Content types of what the renderer's build emits; anything else is not served. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Headers on every `app://` response. */
function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY, // §7: the CSP comes with the document
    'X-Content-Type-Options': 'nosniff', // a file is only ever run as its declared type
  };
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' } });
}

/**
 * The `app://` request handler: serves files from `root` only, with the CSP and the right
 * Content-Type. Answers 404 for anything outside `root`, a missing file, a folder, a symbolic
 * link leading out of `root`, or an unknown file type; 405 for a method other than GET/HEAD.
 */
export function createAppRequestHandler(root: string = RENDERER_FOLDER): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405, headers: securityHeaders() });
    const path = resolveAppPath(root, request.url);
    if (path === null) return notFound();
    const type = CONTENT_TYPES[extname(path).toLowerCase()];
    if (type === undefined) return notFound();
    try {
      // A link inside the folder must not lead out of it.
      const [real, realRoot] = await Promise.all([realpath(path), realpath(root)]);
      if (real !== realRoot && !real.startsWith(`${realRoot}${sep}`)) return notFound();
      if (!(await stat(real)).isFile()) return notFound();
      const body = request.method === 'HEAD' ? null : await readFile(real);
      return new Response(body, { status: 200, headers: { ...securityHeaders(), 'Content-Type': type } });
    } catch {
      return notFound();
    }
  };
}

/**
 * Before `ready`: registers `app://` as a standard, secure scheme (so it has a real origin and
 * counts as a secure context) and turns on the sandbox for every renderer (§4). Never fails.
 */
export function registerAppScheme(app: Pick<App, 'enableSandbox'>, protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  app.enableSandbox(); // §4: sandbox every renderer, whatever a window's preferences say
  // standard: a real origin (`app://tessera`) for the same-origin policy; secure: like https.
  // Not bypassCSP, not corsEnabled: the scheme gets no privilege beyond being a secure origin.
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true } }]);
}

/** After `ready`: serves `app://` from the renderer's folder. */
export function serveAppScheme(protocol: Pick<Protocol, 'handle'>, root: string = RENDERER_FOLDER): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(root));
}

/** Denies every permission a page can ask for (§5): the UI needs no camera, notification or geolocation. */
export function denyPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false)); // Electron grants every request by default
  session.setPermissionCheckHandler(() => false); // synchronous checks (e.g. navigator.permissions, clipboard) too
}

/**
 * Guards one webContents: no navigation or redirect away from the app's origin (§13), no new
 * windows (§14; allowed external links go to the person's browser instead, §15), no `<webview>`
 * (§12), no permissions (§5).
 */
export function guardWebContents(contents: WebContents, shell: Pick<Shell, 'openExternal'>): void {
  const keepOnAppOrigin = (event: { readonly url: string; preventDefault(): void }): void => {
    if (!isAppUrl(event.url)) event.preventDefault(); // a hijacked page cannot navigate the privileged window elsewhere
  };
  contents.on('will-navigate', keepOnAppOrigin);
  contents.on('will-redirect', keepOnAppOrigin);
  contents.setWindowOpenHandler(({ url }) => {
    // Links to the vendor's pages open in the browser, where they have no bridge.
    if (isAllowedExternalUrl(url)) void shell.openExternal(url).catch(() => undefined);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault()); // §12: refused even if a page creates one
  denyPermissions(contents.session);
}

/** Guards every webContents the app ever creates (windows, devtools, anything), as it is created. */
export function guardAllWebContents(app: Pick<App, 'on'>, shell: Pick<Shell, 'openExternal'>): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, shell));
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
