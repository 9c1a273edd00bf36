/**
 * Loading the vendor configuration (`tessera.config.json`): which licensing API to talk to and
 * whose public key to trust. Parsing is strict: a configuration that Tessera does not fully
 * understand is refused rather than half-used.
 */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Failure, FailureCode, Success } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { parsePublicKey } from '../license-file/public-key.js';
import { SECRET_STORE_MODES, type SecretStoreMode } from '../vault/secret-store.js';
import type { ConfigSource, VendorConfig } from './vendor-config.types.js';

/** The configuration file's name, in the app folder and beside the embedded issuer. */
export const CONFIG_FILE = 'tessera.config.json';

/** A failure that also names what was wrong (the field, the file), for diagnostics. */
export type ConfigFailure<C extends FailureCode> = Failure<C> & { readonly detail: string };

/** A result whose failures carry a `detail`; assignable to `Result<T, C>`. */
export type ConfigResult<T, C extends FailureCode> = Success<T> | ConfigFailure<C>;

export type ParseCode = 'CONFIG_INVALID' | 'PUBLIC_KEY_INVALID';
export type ResolveCode = 'CONFIG_NOT_FOUND' | ParseCode;

/** A configuration and where it came from. */
export interface ResolvedConfig {
  readonly config: VendorConfig;
  readonly source: ConfigSource;
}

/** Where to look, in order: `--config`, `TESSERA_CONFIG`, the app folder, the embedded issuer in the data folder. */
export interface ResolveOptions {
  readonly configPath?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly appFolder?: string | undefined;
  readonly dataFolder: string;
}

const KNOWN_KEYS: ReadonlySet<string> = new Set(['apiUrl', 'account', 'product', 'publicKey', 'checkoutTtl', 'requiredEntitlements', 'secretStore']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SLUG = /^[a-z0-9-]+$/;
const MAX_TEXT_LENGTH = 2048;
/** Keygen refuses shorter check-outs (CHECKOUT_TTL_INVALID). */
const MIN_CHECKOUT_TTL = 3600;
/** Far larger than any real configuration (a PEM RSA key is a few KB). */
const MAX_CONFIG_BYTES = 1024 * 1024;

function failWith<C extends FailureCode>(code: C, detail: string): ConfigFailure<C> {
  return { ...fail(code), detail };
}

/** A field's problem, or its accepted value. */
type Field<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };
const accept = <T>(value: T): Field<T> => ({ ok: true, value });
const reject = (problem: string): Field<never> => ({ ok: false, problem });

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** A key name quoted for a message, cut short (it comes from the file). */
function quote(key: string): string {
  return JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key);
}

/** Hosts that are this machine: plain HTTP to them never crosses a network. */
function isLoopback(hostname: string): boolean {
  // The URL parser has already canonicalized numeric hosts (127.1 → 127.0.0.1, [0::1] → [::1]).
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function parseApiUrl(value: unknown): Field<string> {
  if (typeof value !== 'string' || value === '') return reject('must be the URL of the licensing API (e.g. "https://api.keygen.sh")');
  if (value.length > MAX_TEXT_LENGTH || value.trim() !== value) return reject('must be a URL without spaces');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return reject('is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return reject('must be an http(s) URL');
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) return reject('must use https (plain http is allowed only for 127.0.0.1, ::1 or localhost)');
  if (url.username !== '' || url.password !== '') return reject('must not contain credentials');
  if (value.includes('?') || value.includes('#')) return reject('must not contain a query or a fragment');
  const base = url.href.replace(/\/+$/, '');
  if (/\/v1$/i.test(base)) return reject('must be the base URL, without "/v1"');
  return accept(base);
}

function parseAccount(value: unknown): Field<string> {
  if (typeof value !== 'string' || value === '') return reject('must be the Keygen account id or slug');
  if (UUID.test(value)) return accept(value.toLowerCase());
  if (value.length <= 255 && SLUG.test(value)) return accept(value);
  return reject('must be a UUID or a slug (lowercase letters, digits and "-")');
}

function parseProduct(value: unknown): Field<string | null> {
  if (value === undefined || value === null) return accept(null);
  if (typeof value === 'string' && UUID.test(value)) return accept(value.toLowerCase());
  return reject('must be the product id (a UUID), or null');
}

function parseCheckoutTtl(value: unknown): Field<number | null | undefined> {
  if (value === undefined || value === null) return accept(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= MIN_CHECKOUT_TTL) return accept(value);
  return reject(`must be a whole number of seconds, at least ${MIN_CHECKOUT_TTL}, or null`);
}

function parseEntitlements(value: unknown): Field<readonly string[] | undefined> {
  if (value === undefined) return accept(undefined);
  if (!Array.isArray(value)) return reject('must be an array of entitlement codes');
  const codes: string[] = [];
  for (const [index, code] of (value as unknown[]).entries()) {
    if (typeof code !== 'string' || code.trim() === '' || code.trim() !== code || code.length > MAX_TEXT_LENGTH) {
      return reject(`[${index}] must be a non-empty entitlement code without surrounding spaces`);
    }
    codes.push(code);
  }
  return accept(codes);
}

function parseSecretStore(value: unknown): Field<SecretStoreMode | undefined> {
  if (value === undefined) return accept(undefined);
  if (typeof value === 'string' && (SECRET_STORE_MODES as readonly string[]).includes(value)) return accept(value as SecretStoreMode);
  return reject(`must be one of ${SECRET_STORE_MODES.map((mode) => `"${mode}"`).join(', ')}`);
}

/**
 * Validates a parsed `tessera.config.json`. Returns `CONFIG_INVALID` (with a `detail` naming the
 * field) for a missing, mistyped or unknown field, an http URL to a non-loopback host, a bad
 * account or product id, or a TTL under an hour; `PUBLIC_KEY_INVALID` when `publicKey` is not a
 * supported key.
 */
export function parseVendorConfig(json: unknown): ConfigResult<VendorConfig, ParseCode> {
  if (!isPlainObject(json)) return failWith('CONFIG_INVALID', 'the configuration must be a JSON object');
  const unknownKeys = Object.keys(json).filter((key) => !KNOWN_KEYS.has(key));
  if (unknownKeys.length > 0) {
    return failWith('CONFIG_INVALID', `unknown key${unknownKeys.length > 1 ? 's' : ''} ${unknownKeys.slice(0, 5).map(quote).join(', ')} (known: ${[...KNOWN_KEYS].join(', ')})`);
  }
  const field = (key: string): unknown => (Object.hasOwn(json, key) ? json[key] : undefined);

  const apiUrl = parseApiUrl(field('apiUrl'));
  if (!apiUrl.ok) return failWith('CONFIG_INVALID', `"apiUrl" ${apiUrl.problem}`);
  const account = parseAccount(field('account'));
  if (!account.ok) return failWith('CONFIG_INVALID', `"account" ${account.problem}`);
  const product = parseProduct(field('product'));
  if (!product.ok) return failWith('CONFIG_INVALID', `"product" ${product.problem}`);
  const checkoutTtl = parseCheckoutTtl(field('checkoutTtl'));
  if (!checkoutTtl.ok) return failWith('CONFIG_INVALID', `"checkoutTtl" ${checkoutTtl.problem}`);
  const entitlements = parseEntitlements(field('requiredEntitlements'));
  if (!entitlements.ok) return failWith('CONFIG_INVALID', `"requiredEntitlements"${entitlements.problem.startsWith('[') ? '' : ' '}${entitlements.problem}`);

  const secretStore = parseSecretStore(field('secretStore'));
  if (!secretStore.ok) return failWith('CONFIG_INVALID', `"secretStore" ${secretStore.problem}`);

  const publicKey = field('publicKey');
  if (typeof publicKey !== 'string' || publicKey.trim() === '') {
    return failWith('CONFIG_INVALID', '"publicKey" must be the vendor\'s public key (64 hex characters, or a PEM)');
  }
  if (!parsePublicKey(publicKey).ok) {
    return failWith('PUBLIC_KEY_INVALID', '"publicKey" is neither an Ed25519 key (64 hex characters) nor a PEM public key (Ed25519, ECDSA P-256, RSA ≥ 2048 bits)');
  }

  return {
    ok: true,
    value: {
      apiUrl: apiUrl.value,
      account: account.value,
      product: product.value,
      publicKey: publicKey.trim(),
      ...(checkoutTtl.value === undefined ? {} : { checkoutTtl: checkoutTtl.value }),
      ...(entitlements.value === undefined ? {} : { requiredEntitlements: entitlements.value }),
      ...(secretStore.value === undefined ? {} : { secretStore: secretStore.value }),
    },
  };
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** What reading one candidate file gave. */
type ReadOutcome = { readonly kind: 'missing' } | { readonly kind: 'invalid'; readonly problem: string } | { readonly kind: 'json'; readonly json: unknown };

async function readConfigFile(path: string): Promise<ReadOutcome> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { kind: 'invalid', problem: 'is not a file' };
    if (info.size > MAX_CONFIG_BYTES) return { kind: 'invalid', problem: 'is too large to be a vendor configuration' };
    // A byte-order mark (Windows editors) is not part of the JSON.
    const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
    try {
      return { kind: 'json', json: JSON.parse(text) as unknown };
    } catch {
      return { kind: 'invalid', problem: 'is not valid JSON' };
    }
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'invalid', problem: `cannot be read (${code ?? 'I/O error'})` };
  }
}

/** `{}`: the packaged placeholder, meaning "no vendor configured here". */
function isPlaceholder(json: unknown): boolean {
  return isPlainObject(json) && Object.keys(json).length === 0;
}

const given = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

interface Candidate {
  readonly path: string;
  /** How the person named it (`--config`, `TESSERA_CONFIG`), or null for a default location. */
  readonly namedBy: string | null;
  readonly source: ConfigSource;
}

/**
 * Finds and validates the vendor configuration: `configPath` (--config), then
 * `env.TESSERA_CONFIG`, then `<appFolder>/tessera.config.json`, then the embedded local issuer's
 * `<dataFolder>/issuer/tessera.config.json` (written by `tessera start`). A file holding `{}`
 * counts as not configured. Returns `CONFIG_NOT_FOUND` when a named file does not exist or no
 * configuration exists anywhere, `CONFIG_INVALID` for an unreadable, non-JSON or invalid file,
 * `PUBLIC_KEY_INVALID` for a bad key; each with a `detail` naming the file.
 */
export async function resolveVendorConfig(options: ResolveOptions): Promise<ConfigResult<ResolvedConfig, ResolveCode>> {
  const candidates: Candidate[] = [];
  const named = (path: string, namedBy: string): Candidate => ({ path: resolve(path), namedBy, source: { kind: 'file', path: resolve(path) } });
  if (given(options.configPath)) candidates.push(named(options.configPath, '--config'));
  const fromEnv = options.env.TESSERA_CONFIG;
  if (given(fromEnv)) candidates.push(named(fromEnv, 'TESSERA_CONFIG'));
  if (given(options.appFolder)) {
    const path = resolve(options.appFolder, CONFIG_FILE);
    candidates.push({ path, namedBy: null, source: { kind: 'file', path } });
  }
  const issuerFolder = resolve(options.dataFolder, 'issuer');
  candidates.push({ path: join(issuerFolder, CONFIG_FILE), namedBy: null, source: { kind: 'embedded-issuer', database: join(issuerFolder, 'issuer.db') } });

  for (const candidate of candidates) {
    const read = await readConfigFile(candidate.path);
    if (read.kind === 'missing') {
      if (candidate.namedBy !== null) return failWith('CONFIG_NOT_FOUND', `${candidate.namedBy} names ${candidate.path}, which does not exist`);
      continue;
    }
    if (read.kind === 'invalid') return failWith('CONFIG_INVALID', `${candidate.path} ${read.problem}`);
    if (isPlaceholder(read.json)) continue;
    const parsed = parseVendorConfig(read.json);
    if (!parsed.ok) return { ...parsed, detail: `${candidate.path}: ${parsed.detail}` };
    return { ok: true, value: { config: parsed.value, source: candidate.source } };
  }
  return failWith(
    'CONFIG_NOT_FOUND',
    'no vendor configuration was found: run "npm start" (it starts the embedded local issuer and writes its configuration) or pass --config FILE',
  );
}
