/**
 * The doctor's checks of the way to the licensing server, in the order a request takes it: the
 * proxy in use (password masked), DNS, TCP, TLS (with the certificate's subject and issuer, so
 * that interception shows), and this computer's clock against the server's signed `Date`.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { DoctorCheck } from '../contract/doctor.js';
import type { FailureCode } from '../contract/codes.js';
import { messageFor } from '../contract/messages.js';
import { baseUrl, describeUnsigned, KEYGEN_API_VERSION } from '../keygen/client.js';
import { isLoopback, maskProxyPassword, noProxyVariable, proxyRoute, proxyVariable, type ProxyRoute } from '../keygen/proxy.js';
import { verifyResponse, DEFAULT_MAX_CLOCK_SKEW_MS } from '../keygen/response-signature.js';
import { classifyTlsError, describeCertificate, summarizeCertificate, tlsFailureDetail, type CertificateSummary, type TlsFailureReason } from '../keygen/tls-failure.js';
import { createNodeTransport } from '../keygen/transport.js';
import { parsePublicKey } from '../license-file/public-key.js';
import { failed, ok, skipped, warn, type DoctorOptions, type DoctorRuntime } from './doctor.types.js';

/** Each network step's own deadline. */
const STEP_TIMEOUT_MS = 5_000;
/** A clock closer than this to the server's is fine (the server's `Date` has one-second steps). */
const CLOCK_OK_WITHIN_MS = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const TLS_CODES: Readonly<Record<TlsFailureReason, FailureCode>> = {
  'tls-untrusted': 'TLS_CERTIFICATE_UNTRUSTED',
  'tls-name-mismatch': 'TLS_CERTIFICATE_NAME_MISMATCH',
  'tls-expired': 'TLS_CERTIFICATE_EXPIRED',
  'tls-handshake': 'TLS_HANDSHAKE_FAILED',
};

/** Where the first hop goes: the proxy when one is used, else the licensing server. */
interface Hop {
  readonly api: URL;
  readonly route: ProxyRoute;
  readonly host: string;
  readonly port: number;
}

const bare = (hostname: string): string => (hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname);
const portOf = (url: URL): number => (url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port));
const errorCode = (error: unknown): string => (error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : error instanceof Error ? error.name : 'error');

/** The way to the licensing server, or null when its address is not a URL. */
export function firstHop(config: DoctorRuntime['config'], env: DoctorOptions['env']): Hop | null {
  let api: URL;
  try {
    api = new URL(config.apiUrl);
  } catch {
    return null;
  }
  const route = proxyRoute(api, env);
  if (route.kind === 'proxy') return { api, route, host: bare(route.proxy.hostname), port: portOf(route.proxy) };
  return { api, route, host: bare(api.hostname), port: portOf(api) };
}

/** The proxy in use from HTTPS_PROXY/HTTP_PROXY and NO_PROXY, its password masked. */
export function checkProxy(hop: Hop, env: DoctorOptions['env']): DoctorCheck {
  const variable = proxyVariable(hop.api, env);
  if (variable === null) return ok('proxy', `None: Tessera connects to ${hop.api.host} directly.`);
  const shown = maskProxyPassword(variable.value);
  if (hop.route.kind === 'invalid' || shown === null) {
    return failed('proxy', 'ISSUER_UNREACHABLE', `${variable.name} is set but is not a usable http:// proxy (${shown ?? 'not a URL'}), so every request fails rather than bypass it.`, `Set ${variable.name} to http://host:port (user:password@ allowed), or unset it.`);
  }
  if (hop.route.kind === 'direct') {
    const exempt = isLoopback(hop.api) ? 'this machine is never reached through a proxy' : `${noProxyVariable(env)?.name ?? 'NO_PROXY'} exempts it`;
    return ok('proxy', `${variable.name}=${shown} is set, but ${hop.api.hostname} is reached directly: ${exempt}.`);
  }
  return ok('proxy', `Through ${shown} (from ${variable.name}).`);
}

/** Resolves the first hop's name. */
export async function checkDns(hop: Hop): Promise<DoctorCheck> {
  if (isIP(hop.host) !== 0) return ok('dns', `${hop.host} is an address: nothing to look up.`);
  try {
    const addresses = await withTimeout(lookup(hop.host, { all: true }), STEP_TIMEOUT_MS);
    return ok('dns', `${hop.host} resolves to ${addresses.map((entry) => entry.address).slice(0, 4).join(', ')}.`);
  } catch (error) {
    return failed('dns', 'ISSUER_UNREACHABLE', `${hop.host} could not be resolved (${errorCode(error)}).`, `Check the name in apiUrl${hop.route.kind === 'proxy' ? ' and in the proxy setting' : ''}, and this computer's DNS settings.`);
  }
}

/** Opens a TCP connection to the first hop. */
export async function checkTcp(hop: Hop): Promise<DoctorCheck> {
  const started = Date.now();
  try {
    const socket = await withTimeout(
      new Promise<Socket>((resolve, reject) => {
        const socket = tcpConnect({ host: hop.host, port: hop.port });
        socket.once('connect', () => resolve(socket));
        socket.once('error', reject);
      }),
      STEP_TIMEOUT_MS,
    );
    socket.destroy();
    return ok('tcp', `Connected to ${hop.host}:${hop.port}${hop.route.kind === 'proxy' ? ' (the proxy)' : ''} in ${Date.now() - started} ms.`);
  } catch (error) {
    return failed('tcp', 'ISSUER_UNREACHABLE', `No connection to ${hop.host}:${hop.port} (${errorCode(error)}).`, `Check your network, firewall${hop.route.kind === 'proxy' ? ' and the proxy' : ''}, and that apiUrl names the right port.`);
  }
}

/** A CONNECT tunnel through the proxy to the licensing server, as the client opens one. */
function tunnel(hop: Hop & { route: Extract<ProxyRoute, { kind: 'proxy' }> }): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const authority = `${hop.api.hostname}:${portOf(hop.api)}`;
    const headers: Record<string, string> = { Host: authority, ...(hop.route.authorization === null ? {} : { 'Proxy-Authorization': hop.route.authorization }) };
    const request = httpRequest({ method: 'CONNECT', hostname: hop.host, port: hop.port, path: authority, headers, agent: false });
    request.once('error', reject);
    request.once('connect', (response, socket) => {
      const status = response.statusCode ?? 0;
      if (status >= 200 && status <= 299) resolve(socket);
      else {
        socket.destroy();
        reject(Object.assign(new Error(`the proxy answered ${status} to CONNECT`), { code: `PROXY_${status}` }));
      }
    });
    request.end();
  });
}

/** The TLS handshake with the licensing server: verified as the client verifies it, with the certificate it presents. */
export async function checkTls(hop: Hop, options: Pick<DoctorOptions, 'ca'>): Promise<DoctorCheck> {
  if (hop.api.protocol !== 'https:') {
    if (isLoopback(hop.api)) return ok('tls', `Plain HTTP to this machine (${hop.api.host}): no TLS needed; answers are still signed and checked.`);
    return warn('tls', `Plain HTTP to ${hop.api.host}: answers are still signed and checked, but the connection is not private.`, 'Use an https:// apiUrl in the vendor configuration.');
  }
  const hostname = bare(hop.api.hostname);
  let presented: CertificateSummary | null = null;
  let socket: TLSSocket | null = null;
  try {
    const via = hop.route.kind === 'proxy' ? { socket: await withTimeout(tunnel({ ...hop, route: hop.route }), STEP_TIMEOUT_MS) } : { host: hostname, port: portOf(hop.api) };
    socket = await withTimeout(
      new Promise<TLSSocket>((resolve, reject) => {
        const tls = tlsConnect({ ...via, host: hostname, ...(isIP(hostname) === 0 ? { servername: hostname } : {}), ...(options.ca === undefined ? {} : { ca: [...options.ca] }) });
        // Read before Node verifies it, so that a refused certificate can still be described.
        tls.prependOnceListener('secure', () => (presented = summarizeCertificate(tls.getPeerCertificate())));
        tls.once('secureConnect', () => resolve(tls));
        tls.once('error', reject);
      }),
      STEP_TIMEOUT_MS,
    );
    const certificate = summarizeCertificate(socket.getPeerCertificate()) ?? presented;
    const protocol = socket.getProtocol() ?? 'TLS';
    return ok('tls', `${protocol} with ${hostname}; the certificate has ${certificate === null ? 'no details' : `${describeCertificate(certificate)}, valid until ${certificate.validTo ?? 'unknown'}`}. An unexpected issuer means something intercepts TLS.`);
  } catch (error) {
    const reason = classifyTlsError(error);
    if (reason === null) return failed('tls', 'ISSUER_UNREACHABLE', `No TLS connection to ${hostname} (${errorCode(error)}).`);
    const code = TLS_CODES[reason];
    return failed('tls', code, `${messageFor(code).message} ${tlsFailureDetail(reason, error, presented, hostname)}.`);
  } finally {
    socket?.destroy();
  }
}

/**
 * This computer's clock against the licensing server's signed `Date`: one validation of a
 * random key (which no license has), its signature checked with the pinned key and its nonce
 * required, so that the date is the server's, for this request. Signed answers are refused
 * beyond 5 minutes apart; a minute is fine.
 */
export async function checkClock(runtime: DoctorRuntime, options: Pick<DoctorOptions, 'env' | 'ca' | 'now'>): Promise<DoctorCheck> {
  const now = options.now ?? Date.now;
  const pinned = parsePublicKey(runtime.config.publicKey);
  const base = baseUrl(runtime.config);
  if (!pinned.ok || base === null) return failed('clock', pinned.ok ? 'CONFIG_INVALID' : pinned.code, 'The vendor configuration cannot be used to ask the licensing server.');
  const url = new URL(`${base}/licenses/actions/validate-key`);
  const nonce = randomInt(1, 2 ** 48);
  const body = Buffer.from(JSON.stringify({ meta: { key: `DOCTOR-${randomBytes(12).toString('hex').toUpperCase()}`, nonce } }), 'utf8');
  const headers = { Accept: 'application/vnd.api+json', 'Content-Type': 'application/vnd.api+json', 'Keygen-Version': KEYGEN_API_VERSION, 'Content-Length': String(body.length) };
  const transport = createNodeTransport({ env: options.env, ...(options.ca === undefined ? {} : { ca: options.ca }) });
  const sentAt = now();
  const sent = await transport.send({ method: 'POST', url, headers, body, timeoutMs: 2 * STEP_TIMEOUT_MS, maxResponseBytes: 1024 * 1024 });
  const receivedAt = now();
  if (!sent.ok) {
    const reason = sent.reason;
    const code: FailureCode = reason.startsWith('tls-') ? TLS_CODES[reason as TlsFailureReason] : reason === 'cut-off' ? 'ISSUER_ANSWER_UNVERIFIABLE' : 'ISSUER_UNREACHABLE';
    return failed('clock', code, `The licensing server's time could not be read: ${messageFor(code).message}${sent.detail === undefined ? '' : ` ${sent.detail}`}`);
  }
  const response = sent.response;
  if ((response.headers['keygen-signature'] ?? '').trim() === '') {
    return failed('clock', 'ISSUER_ANSWER_UNVERIFIABLE', `The licensing server's time could not be read: ${describeUnsigned(response)} came back instead of a signed answer.`);
  }
  // Any distance is accepted here, so that it can be measured; the signature and the nonce still bind the date to this request.
  const verified = verifyResponse(response, { method: 'POST', url }, { publicKey: pinned.value, now: receivedAt, maxClockSkewMs: Number.POSITIVE_INFINITY, keyId: UUID.test(runtime.config.account) ? runtime.config.account : undefined });
  let echoed: unknown;
  try {
    echoed = (JSON.parse(Buffer.from(response.body).toString('utf8')) as { meta?: { nonce?: unknown } }).meta?.nonce;
  } catch {
    echoed = undefined;
  }
  if (!verified.ok || echoed !== nonce) {
    const code = verified.ok ? 'RESPONSE_NONCE_MISMATCH' : verified.code;
    return failed('clock', code, `The licensing server's answer could not be trusted: ${messageFor(code).message}`);
  }
  // The server stamped its Date somewhere during the exchange: compare with the middle of it.
  const offset = verified.value.date - (sentAt + receivedAt) / 2;
  const local = new Date(receivedAt).toISOString();
  const server = new Date(verified.value.date).toISOString();
  const distance = `${formatDuration(Math.abs(offset))} ${offset > 0 ? 'behind' : 'ahead of'} the licensing server`;
  if (Math.abs(offset) <= CLOCK_OK_WITHIN_MS) return ok('clock', `Within ${formatDuration(Math.max(1000, Math.abs(offset)))} of the licensing server's signed time (${server}).`);
  const summary = `This computer's clock (${local}) is ${distance} (${server}).`;
  if (Math.abs(offset) <= DEFAULT_MAX_CLOCK_SKEW_MS) return warn('clock', summary, "Correct this computer's date and time (turn on automatic time): beyond 5 minutes, the licensing server's answers are refused.", 'RESPONSE_DATE_OUT_OF_WINDOW');
  return failed('clock', 'RESPONSE_DATE_OUT_OF_WINDOW', `${summary} Signed answers more than 5 minutes apart are refused.`);
}

/** `3 s`, `4 min 10 s`, `2 h 5 min`, `20 d 3 h`. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min${seconds % 60 === 0 ? '' : ` ${seconds % 60} s`}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h${minutes % 60 === 0 ? '' : ` ${minutes % 60} min`}`;
  return `${Math.floor(hours / 24)} d${hours % 24 === 0 ? '' : ` ${hours % 24} h`}`;
}

/** Rejects with ETIMEDOUT when `promise` has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** The network checks in order, each run through `guard` (its time bound); a step that fails leaves the ones after it unchecked. */
export async function networkChecks(options: DoctorOptions, guard: (id: DoctorCheck['id'], check: () => Promise<DoctorCheck>) => Promise<DoctorCheck>): Promise<DoctorCheck[]> {
  const { runtime } = options;
  const ids = ['proxy', 'dns', 'tcp', 'tls', 'clock'] as const;
  if (runtime === null) return ids.map((id) => skipped(id, 'no usable vendor configuration names the licensing server'));
  const hop = firstHop(runtime.config, options.env);
  if (hop === null) return ids.map((id) => skipped(id, 'apiUrl is not a URL'));
  const checks: DoctorCheck[] = [checkProxy(hop, options.env)];
  const steps: readonly [(typeof ids)[number], () => Promise<DoctorCheck>][] = [
    ['dns', () => checkDns(hop)],
    ['tcp', () => checkTcp(hop)],
    ['tls', () => checkTls(hop, options)],
    ['clock', () => checkClock(runtime, options)],
  ];
  let blocked = checks[0]?.verdict === 'fail' ? 'the proxy setting is unusable' : null;
  for (const [id, step] of steps) {
    if (blocked !== null) {
      checks.push(skipped(id, blocked));
      continue;
    }
    const check = await guard(id, step);
    checks.push(check);
    if (check.verdict === 'fail') blocked = `the ${check.title} check failed`;
  }
  return checks;
}
