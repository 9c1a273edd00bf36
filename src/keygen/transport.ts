/**
 * The HTTP transport under the Keygen client, on `node:http`/`node:https` rather than `fetch`:
 * the request target written on the wire is exactly `url.pathname + url.search`, the string the
 * response signature is checked against (fetch may re-encode it). One deadline covers connect,
 * proxy tunnel, request and the whole response; bodies are capped; proxies come from the
 * environment (`proxy.ts`). Redirects are never followed. A TLS failure says what failed
 * (`tls-failure.ts`), and an answer cut off mid-body is told apart from no answer at all.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import type * as Https from 'node:https';
import { isIP, type Socket } from 'node:net';
import type * as Tls from 'node:tls';
import { proxyRoute, type Environment } from './proxy.js';
import { classifyTlsError, summarizeCertificate, tlsFailureDetail, type CertificateSummary, type TlsFailureReason } from './tls-failure.js';

/** One request, fully described. */
export interface TransportRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** http: or https:; sent as `pathname + search` (absolute-URI form through an HTTP proxy). */
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | null;
  /** Deadline for the whole exchange, from connect to the last body byte. */
  readonly timeoutMs: number;
  /** Larger bodies are abandoned (`too-large`). */
  readonly maxResponseBytes: number;
}

/** A complete response. Header names are lower case; repeated headers are joined with `, `. */
export interface TransportResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/**
 * Why no complete response came back: no connection, the deadline passed, the body was over
 * the cap, the answer started but the connection ended before its body did (`cut-off`), or TLS
 * failed (an untrusted certificate, one for another name, an expired one, or the handshake).
 */
export type TransportFailure = 'unreachable' | 'timeout' | 'too-large' | 'cut-off' | TlsFailureReason;

export type TransportResult =
  | { readonly ok: true; readonly response: TransportResponse }
  | {
      readonly ok: false;
      readonly reason: TransportFailure;
      /** What was seen: the certificate presented (TLS failures), the status of a cut-off answer. Never a secret. */
      readonly detail?: string;
    };

/** Sends one request. Never rejects for network conditions: they are `TransportFailure`s. */
export interface Transport {
  send(request: TransportRequest): Promise<TransportResult>;
}

/** Options of the Node transport. */
export interface NodeTransportOptions {
  /** Where proxy variables are read; default `process.env`. */
  readonly env?: Environment;
  /**
   * Root certificates (PEM) to trust instead of the system's, for tests with their own
   * authority. People add a root with NODE_EXTRA_CA_CERTS instead, which keeps the system's.
   */
  readonly ca?: readonly string[];
  /**
   * Keep direct connections open between requests (a run of many calls, such as fulfilling a
   * fleet's requests); default false: one connection per request. Idle sockets never keep the
   * process alive.
   */
  readonly keepAlive?: boolean;
}

/** The real transport: node:http(s), with `HTTP(S)_PROXY` / `NO_PROXY` from `env`. */
export function createNodeTransport(options: NodeTransportOptions = {}): Transport {
  const env = options.env ?? process.env;
  const ca = options.ca === undefined ? {} : { ca: [...options.ca] };
  if (options.keepAlive !== true) return { send: (request) => send(request, env, ca) };
  const agents: { http?: HttpAgent; https?: HttpAgent } = {};
  return {
    async send(request) {
      const secure = request.url.protocol === 'https:';
      const agent = secure ? (agents.https ??= new (await import('node:https')).Agent({ keepAlive: true, ...ca })) : (agents.http ??= new HttpAgent({ keepAlive: true }));
      return send(request, env, ca, agent);
    },
  };
}

/** TLS, loaded on the first https request only: a plain-http exchange (the local issuer) never pays for it. */
interface Secure {
  readonly httpsRequest: typeof Https.request;
  readonly tlsConnect: typeof Tls.connect;
}
let secure: Promise<Secure> | null = null;
function loadSecure(): Promise<Secure> {
  secure ??= Promise.all([import('node:https'), import('node:tls')]).then(([https, tls]) => ({ httpsRequest: https.request, tlsConnect: tls.connect }));
  return secure;
}

async function send(request: TransportRequest, env: Environment, ca: { readonly ca?: string[] }, agent: HttpAgent | false = false): Promise<TransportResult> {
  const { httpsRequest, tlsConnect } = request.url.protocol === 'https:' ? await loadSecure() : NO_TLS;
  return new Promise<TransportResult>((resolve) => {
    /** Requests of this exchange (the CONNECT and the request itself), destroyed when it fails. */
    const outgoing: ClientRequest[] = [];
    const sockets: Socket[] = [];
    let settled = false;
    const finish = (result: TransportResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // A finished exchange has nothing left to cancel; a failed one may still be connecting or
      // sending. Destroyed directly, as an AbortSignal would: node:http pays about 75 us per
      // request for wiring a signal in, a fifth of a whole keep-alive exchange on loopback.
      if (!result.ok) for (const made of outgoing) made.destroy();
      for (const socket of sockets) socket.destroy();
      resolve(result);
    };
    const failed = (reason: TransportFailure) => (): void => finish({ ok: false, reason });
    const timer = setTimeout(failed('timeout'), request.timeoutMs);
    /** The certificate the server presented, seen before Node checks it (and, on failure, destroys the socket). */
    let presented: CertificateSummary | null = null;
    const watchHandshake = (socket: Socket): void => {
      // 'secure' fires when the handshake completes, before verification; only the certificate
      // is read here, and nothing has been sent yet.
      socket.prependOnceListener('secure', () => {
        presented = summarizeCertificate((socket as Tls.TLSSocket).getPeerCertificate?.());
      });
    };
    /** A connection error: a TLS failure with what the certificate said, else unreachable. */
    const connectionFailed = (error: unknown): void => {
      const tls = classifyTlsError(error);
      if (tls === null) finish({ ok: false, reason: 'unreachable' });
      else finish({ ok: false, reason: tls, detail: tlsFailureDetail(tls, error, presented, url.hostname) });
    };

    const route = proxyRoute(request.url, env);
    const url = request.url;
    const hostname = bareHost(url.hostname);
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    const target = url.pathname + url.search;
    const common = { method: request.method, headers: { ...request.headers } };

    const attach = (made: ClientRequest, handshake: boolean): void => {
      outgoing.push(made);
      // `on`, not `once`: a late second error (after it was destroyed) must not become an uncaught exception.
      made.on('error', connectionFailed);
      if (handshake) made.once('socket', watchHandshake);
      made.once('response', (response) => readResponse(response, request.maxResponseBytes, finish));
      made.end(request.body ?? undefined);
    };

    if (route.kind === 'invalid' || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      failed('unreachable')();
      return;
    }
    if (route.kind === 'direct') {
      const make = url.protocol === 'https:' ? httpsRequest : httpRequest;
      attach(make({ ...common, ...ca, hostname, port, path: target, agent }), url.protocol === 'https:');
      return;
    }
    const proxyHeaders: Record<string, string> = route.authorization === null ? {} : { 'Proxy-Authorization': route.authorization };
    const proxyHost = bareHost(route.proxy.hostname);
    const proxyPort = route.proxy.port === '' ? 80 : Number(route.proxy.port);
    if (url.protocol === 'http:') {
      // RFC 9112 §3.2.2: absolute-form to a proxy; the origin server still sees (and signs) the path.
      const absolute = `${url.protocol}//${url.host}${target}`;
      const headers = { ...common.headers, Host: url.host, ...proxyHeaders };
      attach(httpRequest({ ...common, headers, hostname: proxyHost, port: proxyPort, path: absolute, agent: false }), false);
      return;
    }
    // RFC 9110 §9.3.6: CONNECT host:port, then TLS to the origin through the tunnel. The proxy
    // sees only the authority, never the request or its credentials.
    const authority = `${url.hostname}:${port}`;
    const tunnel = httpRequest({
      method: 'CONNECT',
      hostname: proxyHost,
      port: proxyPort,
      path: authority,
      headers: { Host: authority, ...proxyHeaders },
      agent: false,
    });
    outgoing.push(tunnel);
    tunnel.on('error', failed('unreachable'));
    tunnel.once('connect', (response, socket, head) => {
      sockets.push(socket);
      socket.on('error', failed('unreachable'));
      // Node reports every answer to CONNECT here; anything but 2xx is a refused tunnel.
      const status = response.statusCode ?? 0;
      if (status < 200 || status > 299 || head.length > 0) {
        failed('unreachable')();
        return;
      }
      const tls = tlsConnect({ socket, host: hostname, ...ca, ...(isIP(hostname) === 0 ? { servername: hostname } : {}) });
      sockets.push(tls);
      watchHandshake(tls);
      tls.on('error', connectionFailed);
      attach(httpsRequest({ ...common, hostname, port, path: target, createConnection: () => tls }), false);
    });
    tunnel.end();
  });
}

/** Stands in for TLS on plain-http routes, where it is never called. */
const NO_TLS: Secure = {
  httpsRequest: () => {
    throw new Error('TLS requested on a plain-http route');
  },
  tlsConnect: () => {
    throw new Error('TLS requested on a plain-http route');
  },
};

/** Reads the body under the cap, then reports the response. */
function readResponse(response: IncomingMessage, maxBytes: number, finish: (result: TransportResult) => void): void {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    finish({ ok: false, reason: 'too-large' });
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  response.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) finish({ ok: false, reason: 'too-large' });
    else chunks.push(chunk);
  });
  response.once('end', () => {
    finish({ ok: true, response: { status: response.statusCode ?? 0, headers: joinHeaders(response.rawHeaders), body: Buffer.concat(chunks) } });
  });
  // The status line and headers came, then the connection ended before the body did.
  const cutOff = (): void => finish({ ok: false, reason: 'cut-off', detail: `HTTP ${response.statusCode ?? 0}` });
  response.on('error', cutOff);
  response.once('close', () => {
    if (!response.complete) cutOff();
  });
}

/**
 * Every header, lower-cased, repeats joined with `, `. Node's own `headers` keeps only the first
 * of some repeated names; joining all of them instead makes a doubled `Digest` or signature
 * fail verification rather than one copy being chosen silently.
 */
function joinHeaders(raw: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = (raw[index] as string).toLowerCase();
    const value = raw[index + 1] as string;
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return headers;
}

/** `[::1]` → `::1`: node:http wants IPv6 hosts without brackets. */
function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}
