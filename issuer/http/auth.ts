/**
 * Who is calling. Accepts what Keygen accepts (keygen-api `authentication.rb`; protocol §2.1):
 * `Authorization: Bearer|Token <token>`, `License <key>`, Basic `license:<key>` or
 * `token:<token>` (a bare Basic user name is a token), and `?auth=`/`?token=` in the query.
 * Tokens are admin (`admin-…`), product (`prod-…`) or license tokens (`activ-…`).
 *
 * Failures are Keygen's: 401 `TOKEN_INVALID` / `TOKEN_EXPIRED` / `TOKEN_FORMAT_INVALID` /
 * `LICENSE_INVALID` (with `WWW-Authenticate: Bearer realm="keygen"`), 403 `LICENSE_BANNED`,
 * `LICENSE_SUSPENDED`, `LICENSE_EXPIRED` (only under REVOKE_ACCESS), `LICENSE_NOT_ALLOWED`,
 * `TOKEN_NOT_ALLOWED`. Missing credentials are not an error here: the route decides (401
 * `TOKEN_MISSING` when it needs a bearer).
 */
import { policyRules } from '../domain/policy-rules.js';
import type { Store } from '../db/store.js';
import { allowsLicenseAuth, allowsTokenAuth, isExpired, revokesAccessWhenExpired } from '../domain/license-facts.js';
import type { Account, License, Policy, Product, Token, User } from '../domain/types.js';
import { forbiddenCode, unauthorized } from './errors.js';
import { scalarParam, type Query } from './query.js';

/** The authenticated caller. `id` is what `Keygen-Bearer` reports. */
export type Bearer =
  | { readonly kind: 'admin'; readonly id: string; readonly user: User; readonly token: Token }
  | { readonly kind: 'product'; readonly id: string; readonly product: Product; readonly token: Token }
  | {
      readonly kind: 'license';
      readonly id: string;
      readonly license: License;
      readonly policy: Policy;
      /** The license token used, or null under license-key authentication. */
      readonly token: Token | null;
    };

/** What authentication looks at. */
export interface Credentials {
  readonly authorization: string | undefined;
  readonly query: Query;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Resolves the bearer of a request to `account`. Returns null when no credentials were given
 * (or they were blank); throws `ApiError` (401/403) when they were given and are not acceptable.
 */
export function authenticate(credentials: Credentials, account: Account, store: Store, now: number): Bearer | null {
  const header = credentials.authorization?.trim() ?? '';
  const space = header.search(/\s/);
  const scheme = (space === -1 ? header : header.slice(0, space)).toLowerCase();
  const value = space === -1 ? '' : header.slice(space).trim();
  const byToken = (token: string): Bearer | null => (token === '' ? null : tokenBearer(token, account, store, now));
  const byLicense = (key: string): Bearer | null => (key === '' ? null : licenseBearer(key, account, store, now));

  switch (scheme) {
    case 'bearer':
    case 'token':
      return byToken(unquoteToken(value));
    case 'license':
      return byLicense(value);
    case 'basic': {
      const [user = '', password = ''] = splitOnce(Buffer.from(value, 'base64').toString('utf8'), ':');
      if (user === 'license') return byLicense(password);
      if (user === 'token') return byToken(password);
      return byToken(user);
    }
    default: {
      const fromQuery = scalarParam(credentials.query, 'token') ?? scalarParam(credentials.query, 'auth') ?? '';
      const [user = '', password] = splitOnce(fromQuery, ':');
      if (password !== undefined && user === 'license') return byLicense(password);
      if (password !== undefined && user === 'token') return byToken(password);
      return byToken(user);
    }
  }
}

function tokenBearer(secret: string, account: Account, store: Store, now: number): Bearer {
  if (UUID_RE.test(secret)) {
    throw unauthorized(
      'TOKEN_FORMAT_INVALID',
      "Token format is invalid (make sure that you're providing a token value, not a token's UUID identifier)",
    );
  }
  const token = store.tokens.findBySecret(account.id, secret);
  if (token === null) throw unauthorized('TOKEN_INVALID');
  const bearer = resolveTokenBearer(token, account, store);
  if (bearer === null) throw unauthorized('TOKEN_INVALID');
  if (token.expiry !== null && token.expiry < now) throw unauthorized('TOKEN_EXPIRED', 'Token is expired');
  if (bearer.kind === 'license' && !allowsTokenAuth(policyRules(bearer.policy))) {
    throw forbiddenCode('TOKEN_NOT_ALLOWED', 'Token authentication is not allowed by policy');
  }
  return bearer;
}

function resolveTokenBearer(token: Token, account: Account, store: Store): Bearer | null {
  switch (token.bearerType) {
    case 'users': {
      const user = store.users.findById(account.id, token.bearerId);
      // Only admins hold user-kind tokens here; the issuer has no user-token endpoints yet.
      return user !== null && user.role === 'admin' ? { kind: 'admin', id: user.id, user, token } : null;
    }
    case 'products': {
      const product = store.products.findById(account.id, token.bearerId);
      return product === null ? null : { kind: 'product', id: product.id, product, token };
    }
    case 'licenses': {
      const license = store.licenses.findById(account.id, token.bearerId);
      const policy = license === null ? null : store.policies.findById(account.id, license.policyId);
      return license === null || policy === null ? null : { kind: 'license', id: license.id, license, policy, token };
    }
  }
}

function licenseBearer(key: string, account: Account, store: Store, now: number): Bearer {
  const license = store.licenses.findByKey(account.id, key);
  const policy = license === null ? null : store.policies.findById(account.id, license.policyId);
  if (license === null || policy === null) throw unauthorized('LICENSE_INVALID');
  const rules = policyRules(policy);
  const owner = license.ownerId === null ? null : store.users.findById(account.id, license.ownerId);
  if (owner !== null && owner.bannedAt !== null) throw forbiddenCode('LICENSE_BANNED', 'License is banned');
  if (license.suspended) throw forbiddenCode('LICENSE_SUSPENDED', 'License is suspended');
  if (revokesAccessWhenExpired(rules) && isExpired(license, now)) throw forbiddenCode('LICENSE_EXPIRED', 'License is expired');
  if (!allowsLicenseAuth(rules)) throw forbiddenCode('LICENSE_NOT_ALLOWED', 'License key authentication is not allowed by policy');
  return { kind: 'license', id: license.id, license, policy, token: null };
}

/** Rails also accepts `Token token="abc"`; plain `Bearer abc` is the common form. */
function unquoteToken(value: string): string {
  const match = /^token="?([^",]*)"?/.exec(value);
  return (match?.[1] ?? value).trim();
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}
