/**
 * Parsing a vendor configuration, strictly: a configuration that Tessera does not fully
 * understand is refused rather than half-used. Also the one override a shipped configuration
 * accepts: another `apiUrl` (a relay or proxy), and nothing else.
 */
import { parsePublicKey } from '../license-file/public-key.js';
import { SECRET_STORE_MODES, type SecretStoreMode } from '../vault/secret-store.js';
import { accept, failWith, isPlainObject, own, reject, unknownKeys, type ConfigResult, type Field } from './config-fields.js';
import { offlineTermsProblem, parseOfflineSettings } from './offline-policy.js';
import type { VendorConfig } from './vendor-config.types.js';

export type ParseCode = 'CONFIG_INVALID' | 'PUBLIC_KEY_INVALID';
export type OverrideCode = 'CONFIG_INVALID' | 'CONFIG_OVERRIDE_REFUSED';

const KNOWN_KEYS: ReadonlySet<string> = new Set(['apiUrl', 'account', 'product', 'publicKey', 'checkoutTtl', 'requiredEntitlements', 'secretStore', 'offline']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SLUG = /^[a-z0-9-]+$/;
const MAX_TEXT_LENGTH = 2048;
/** Keygen refuses shorter check-outs (CHECKOUT_TTL_INVALID). */
const MIN_CHECKOUT_TTL = 3600;

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
 * account or product id, a TTL under an hour, offline terms out of range or at odds with
 * `checkoutTtl` (null without `offline.allowPerpetual`, longer than `offline.maxFileTtl`);
 * `PUBLIC_KEY_INVALID` when `publicKey` is not a supported key.
 */
export function parseVendorConfig(json: unknown): ConfigResult<VendorConfig, ParseCode> {
  if (!isPlainObject(json)) return failWith('CONFIG_INVALID', 'the configuration must be a JSON object');
  const unknown = unknownKeys(json, KNOWN_KEYS);
  if (unknown !== null) return failWith('CONFIG_INVALID', unknown);

  const apiUrl = parseApiUrl(own(json, 'apiUrl'));
  if (!apiUrl.ok) return failWith('CONFIG_INVALID', `"apiUrl" ${apiUrl.problem}`);
  const account = parseAccount(own(json, 'account'));
  if (!account.ok) return failWith('CONFIG_INVALID', `"account" ${account.problem}`);
  const product = parseProduct(own(json, 'product'));
  if (!product.ok) return failWith('CONFIG_INVALID', `"product" ${product.problem}`);
  const checkoutTtl = parseCheckoutTtl(own(json, 'checkoutTtl'));
  if (!checkoutTtl.ok) return failWith('CONFIG_INVALID', `"checkoutTtl" ${checkoutTtl.problem}`);
  const entitlements = parseEntitlements(own(json, 'requiredEntitlements'));
  if (!entitlements.ok) return failWith('CONFIG_INVALID', `"requiredEntitlements"${entitlements.problem.startsWith('[') ? '' : ' '}${entitlements.problem}`);
  const secretStore = parseSecretStore(own(json, 'secretStore'));
  if (!secretStore.ok) return failWith('CONFIG_INVALID', `"secretStore" ${secretStore.problem}`);
  const offline = parseOfflineSettings(own(json, 'offline'));
  if (!offline.ok) return failWith('CONFIG_INVALID', offline.problem);
  const terms = offlineTermsProblem(checkoutTtl.value, offline.value);
  if (terms !== null) return failWith('CONFIG_INVALID', terms);

  const publicKey = own(json, 'publicKey');
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
      ...(offline.value === undefined ? {} : { offline: offline.value }),
    },
  };
}

/**
 * Why each field of a shipped configuration stays as shipped. Present at all in an override, it
 * is refused, even with the shipped value: an override that restates the key would start
 * failing, or worse, the day the vendor ships a new one.
 */
const ANCHORED_FIELDS: readonly (readonly [string, string])[] = [
  ['publicKey', 'the shipped public key is the one every license file and server answer must be signed with'],
  ['account', 'licenses are checked against the shipped account'],
  ['product', 'licenses are checked against the shipped product'],
  ['checkoutTtl', "the vendor's licensing terms come from the shipped configuration only"],
  ['requiredEntitlements', "the vendor's licensing terms come from the shipped configuration only"],
  ['offline', "the vendor's licensing terms come from the shipped configuration only"],
  ['secretStore', 'set TESSERA_SECRET_STORE to choose where secrets are kept'],
];

/**
 * Validates an override of a shipped configuration: a JSON object holding `apiUrl` only (a
 * relay or proxy; its answers must still verify with the shipped key). Returns
 * `CONFIG_OVERRIDE_REFUSED` naming the first field it may not set (`publicKey`, `account`,
 * `product`, the offline terms, …), `CONFIG_INVALID` for an unknown key or a missing or bad `apiUrl`.
 */
export function parseApiUrlOverride(json: unknown): ConfigResult<string, OverrideCode> {
  if (!isPlainObject(json)) return failWith('CONFIG_INVALID', 'the configuration must be a JSON object');
  for (const [field, why] of ANCHORED_FIELDS) {
    if (Object.hasOwn(json, field)) return failWith('CONFIG_OVERRIDE_REFUSED', `sets "${field}", which an override may not set (${why}); it may set "apiUrl" only`);
  }
  const unknown = unknownKeys(json, new Set(['apiUrl']));
  if (unknown !== null) return failWith('CONFIG_INVALID', unknown);
  if (!Object.hasOwn(json, 'apiUrl')) return failWith('CONFIG_INVALID', '"apiUrl" is missing: an override of a shipped configuration holds "apiUrl" only (the address of a relay or proxy)');
  const apiUrl = parseApiUrl(json.apiUrl);
  if (!apiUrl.ok) return failWith('CONFIG_INVALID', `"apiUrl" ${apiUrl.problem}`);
  return { ok: true, value: apiUrl.value };
}
