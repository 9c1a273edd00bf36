/**
 * Which proxy, if any, a request goes through: `https_proxy`/`HTTPS_PROXY` for https URLs,
 * `http_proxy`/`HTTP_PROXY` for http URLs, with curl's `no_proxy`/`NO_PROXY` rules
 * (CURLOPT_NOPROXY: a comma list; `*` matches every host; a name matches itself and its
 * subdomains, a leading dot being ignored; IP addresses match exactly or by CIDR; IPv6 without
 * brackets). Lower-case variables win over upper-case ones, as in curl.
 */
import { BlockList, isIP } from 'node:net';

/** The process environment, or an injected one. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** How a request reaches its server. */
export type ProxyRoute =
  | { readonly kind: 'direct' }
  | {
      readonly kind: 'proxy';
      /** `http://host:port` of the proxy (credentials removed). */
      readonly proxy: URL;
      /** `Basic …` built from the proxy URL's user info, or null. */
      readonly authorization: string | null;
    }
  /** The variable is set but unusable: fail rather than silently bypass the proxy a person configured. */
  | { readonly kind: 'invalid' };

/**
 * The route for `target` under `env`. Loopback hosts (`localhost`, `*.localhost`, 127.0.0.0/8,
 * `::1`) always go direct: a proxy cannot reach this machine's own services on its behalf.
 */
export function proxyRoute(target: URL, env: Environment): ProxyRoute {
  const configured = proxyVariable(target, env);
  if (configured === null) return { kind: 'direct' };
  if (isLoopback(target) || bypassesProxy(target, noProxyVariable(env)?.value)) return { kind: 'direct' };
  return parseProxy(configured.value);
}

/** The proxy variable that applies to `target`'s scheme, and its value (which may hold a password), or null. */
export function proxyVariable(target: URL, env: Environment): { readonly name: string; readonly value: string } | null {
  return firstSet(env, target.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY']);
}

/** `no_proxy` (or `NO_PROXY`) and its value, or null. */
export function noProxyVariable(env: Environment): { readonly name: string; readonly value: string } | null {
  return firstSet(env, ['no_proxy', 'NO_PROXY']);
}

/** A proxy setting fit to show: `http://user:•••@host:port`, its password hidden; null when it is not a URL. */
export function maskProxyPassword(value: string): string | null {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    return null;
  }
  const user = url.username === '' && url.password === '' ? '' : `${url.username}${url.password === '' ? '' : ':•••'}@`;
  return `${url.protocol}//${user}${url.host}`;
}

/** Whether `no_proxy` exempts `target` (curl semantics, plus optional `:port` on entries). */
export function bypassesProxy(target: URL, noProxy: string | undefined): boolean {
  if (noProxy === undefined) return false;
  const host = normalHost(target.hostname);
  const port = effectivePort(target);
  for (const raw of noProxy.split(/[\s,]+/)) {
    if (raw === '') continue;
    if (raw === '*') return true;
    const entry = parseEntry(raw.toLowerCase());
    if (entry === null) continue;
    if (entry.port !== null && entry.port !== port) continue;
    if (entryMatches(entry.host, host)) return true;
  }
  return false;
}

/** Whether `target` names this machine: such requests never leave it. */
export function isLoopback(target: URL): boolean {
  const host = normalHost(target.hostname);
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) {
    const list = new BlockList();
    list.addAddress('::1', 'ipv6');
    // IPv4-mapped loopback (`::ffff:127.0.0.1`).
    list.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');
    return list.check(host, 'ipv6');
  }
  return false;
}

function firstSet(env: Environment, names: readonly string[]): { readonly name: string; readonly value: string } | null {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value !== undefined && value !== '') return { name, value };
  }
  return null;
}

/** `host:port` or `http://[user:pass@]host[:port][/]`; a value without a scheme is http, as in curl. */
function parseProxy(value: string): ProxyRoute {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    return { kind: 'invalid' };
  }
  // Only plain-HTTP proxies are spoken here; an https:// or socks proxy must not be used as one.
  if (url.protocol !== 'http:' || url.hostname === '' || (url.pathname !== '/' && url.pathname !== '') || url.search !== '') {
    return { kind: 'invalid' };
  }
  let authorization: string | null = null;
  if (url.username !== '' || url.password !== '') {
    let user: string;
    let password: string;
    try {
      user = decodeURIComponent(url.username);
      password = decodeURIComponent(url.password);
    } catch {
      return { kind: 'invalid' };
    }
    authorization = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
  }
  return { kind: 'proxy', proxy: new URL(`http://${url.host}`), authorization };
}

/** Lower case, no IPv6 brackets, no trailing root dot. */
function normalHost(hostname: string): string {
  let host = hostname.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

function effectivePort(target: URL): number {
  if (target.port !== '') return Number(target.port);
  return target.protocol === 'https:' ? 443 : 80;
}

interface Entry {
  readonly host: string;
  readonly port: number | null;
}

/** `name`, `.name`, `*.name`, `name:port`, `1.2.3.4`, `10.0.0.0/8`, `::1`, `[::1]:8080`. Null when unusable. */
function parseEntry(text: string): Entry | null {
  let host = text;
  let port: number | null = null;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end === -1) return null;
    const rest = host.slice(end + 1);
    host = host.slice(1, end);
    if (rest !== '') {
      if (!/^:\d{1,5}$/.test(rest)) return null;
      port = Number(rest.slice(1));
    }
  } else if (host.split(':').length === 2) {
    // Exactly one colon: `name:port` (a bare IPv6 address has at least two).
    const [name, digits] = host.split(':') as [string, string];
    if (!/^\d{1,5}$/.test(digits)) return null;
    host = name;
    port = Number(digits);
  }
  if (host.startsWith('*.')) host = host.slice(1);
  if (host.startsWith('.')) host = host.slice(1);
  if (host.endsWith('.')) host = host.slice(0, -1);
  return host === '' ? null : { host, port };
}

function entryMatches(entry: string, host: string): boolean {
  const hostFamily = isIP(host);
  const slash = entry.indexOf('/');
  if (slash !== -1) return hostFamily !== 0 && inSubnet(host, hostFamily, entry.slice(0, slash), entry.slice(slash + 1));
  const entryFamily = isIP(entry);
  if (entryFamily !== 0 || hostFamily !== 0) {
    // Addresses match only addresses, exactly (compared canonically: `::1` equals `0::1`).
    if (entryFamily === 0 || entryFamily !== hostFamily) return false;
    const list = new BlockList();
    list.addAddress(entry, entryFamily === 4 ? 'ipv4' : 'ipv6');
    return list.check(host, hostFamily === 4 ? 'ipv4' : 'ipv6');
  }
  return host === entry || host.endsWith(`.${entry}`);
}

function inSubnet(host: string, hostFamily: number, network: string, bitsText: string): boolean {
  const family = isIP(network);
  const bits = Number(bitsText);
  if (family !== hostFamily || !/^\d{1,3}$/.test(bitsText) || bits > (family === 4 ? 32 : 128)) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  list.addSubnet(network, bits, type);
  return list.check(host, type);
}
