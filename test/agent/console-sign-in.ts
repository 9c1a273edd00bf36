/**
 * Signing a console tab in over a real socket, as the browser does: the login path answers a
 * redirect that sets the session cookie and carries the session secret in its fragment.
 */
import { request, type IncomingHttpHeaders } from 'node:http';

export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/** One request over a fresh connection; the Host header names the agent unless given. */
export function call(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  const sent = { Host: `127.0.0.1:${port}`, ...headers, ...(body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }) };
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: sent, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A signed-in console tab. */
export interface ConsoleTab {
  /** The session cookie as a `Cookie` header value (`name=value`). */
  readonly cookie: string;
  /** The cookie's attributes as set (`Path=…; HttpOnly; …`). */
  readonly cookieAttributes: string;
  /** The per-session secret from the redirect's fragment ('' when there was none). */
  readonly secret: string;
  /** Where the login redirected to. */
  readonly location: string;
  /** The console's origin. */
  readonly origin: string;
  /** What the console's page sends with every operation: cookie, secret and fetch metadata. */
  readonly headers: Record<string, string>;
}

/** Opens `loginPath` (`/login?code=…`) as a browser tab would; fails the test unless it redirects. */
export async function signInTab(port: number, loginPath: string): Promise<ConsoleTab> {
  const answer = await call(port, 'GET', loginPath);
  if (answer.status !== 303) throw new Error(`login answered ${answer.status}: ${answer.text}`);
  const setCookie = String(answer.headers['set-cookie']?.[0] ?? '');
  const at = setCookie.indexOf(';');
  const cookie = at === -1 ? setCookie : setCookie.slice(0, at);
  const location = String(answer.headers.location ?? '');
  const secret = /#session=([^&]*)$/.exec(location)?.[1] ?? '';
  const origin = `http://127.0.0.1:${port}`;
  return {
    cookie,
    cookieAttributes: at === -1 ? '' : setCookie.slice(at + 1).trim(),
    secret,
    location,
    origin,
    headers: { Cookie: cookie, 'Tessera-Session': secret, Origin: origin, 'Sec-Fetch-Site': 'same-origin' },
  };
}
