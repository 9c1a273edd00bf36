/**
 * The dataset a schemed license key carries, before it is signed or encrypted: the key the
 * client supplied, with its `{{…}}` template variables filled in, or else Keygen's default
 * dataset for the scheme (keygen-api `app/models/license.rb` `default_seed_key` and
 * `crypt_key`, `app/services/template_format_service.rb`). "A supplied key is used as the seed."
 */
import { randomUUID } from 'node:crypto';

/** What a license's seed may draw on, fixed before the key is made (Keygen sets id and timestamps first). */
export interface KeyFacts {
  readonly accountId: string;
  readonly productId: string;
  readonly policyId: string;
  /** The policy's duration in seconds (a license delegates `duration` to its policy), or null. */
  readonly duration: number | null;
  readonly owner: { readonly id: string; readonly email: string } | null;
  readonly licenseId: string;
  /** Milliseconds since the epoch. */
  readonly created: number;
  readonly expiry: number | null;
}

/** The issuer of `RSA_2048_JWT_RS256` claims, as Keygen Cloud writes it. */
const JWT_ISSUER = 'https://keygen.sh';

/** Ruby's `Time#iso8601(3)` of a UTC time: milliseconds and `Z`. */
const iso3 = (ms: number): string => new Date(ms).toISOString();
/** Ruby's `Time#to_i`: whole seconds, rounded down. */
const seconds = (ms: number): number => Math.floor(ms / 1000);

/**
 * Keygen's default dataset for `scheme`, as the JSON text it signs (`JSON.generate`, so key order
 * is Keygen's and there is no whitespace): the license's id and timestamps for
 * `RSA_2048_PKCS1_ENCRYPT`, JWT claims for `RSA_2048_JWT_RS256`, and for every other scheme the
 * account, product, policy, owner and license. `jti` is a fresh UUID per key.
 */
export function defaultKeySeed(scheme: string, facts: KeyFacts, jti: () => string = randomUUID): string {
  const expiry = facts.expiry === null ? null : iso3(facts.expiry);
  switch (scheme) {
    case 'RSA_2048_PKCS1_ENCRYPT':
      return JSON.stringify({ id: facts.licenseId, created: iso3(facts.created), duration: facts.duration, expiry });
    case 'RSA_2048_JWT_RS256': {
      const issued = seconds(facts.created);
      const claims: Record<string, unknown> = { jti: jti(), iss: JWT_ISSUER, aud: facts.accountId, sub: facts.licenseId, iat: issued, nbf: issued };
      if (facts.expiry !== null) claims.exp = seconds(facts.expiry);
      return JSON.stringify(claims);
    }
    default:
      return JSON.stringify({
        account: { id: facts.accountId },
        product: { id: facts.productId },
        policy: { id: facts.policyId, duration: facts.duration },
        user: facts.owner === null ? null : { id: facts.owner.id, email: facts.owner.email },
        license: { id: facts.licenseId, created: iso3(facts.created), expiry },
      });
  }
}

/** `{{name}}` with a word inside, in any case (`TEMPLATE_FORMAT_RE`). */
const TEMPLATE_VARIABLE = /\{\{(\w+)\}\}/gi;

/** Rails `underscore` then `parameterize(separator: '_')` of a `\w+` name: `ID` → `id`, `createdAt` → `created_at`. */
function variableName(name: string): string {
  return name
    .replace(/([A-Z\d]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
}

/**
 * A supplied key with Keygen's template variables replaced: `{{account}}`, `{{product}}`,
 * `{{policy}}`, `{{user}}`, `{{email}}`, `{{created}}`, `{{expiry}}`, `{{duration}}`, `{{id}}`.
 * An unknown variable, or one without a value (no owner, no expiry), becomes the empty string,
 * as Ruby's `gsub` makes of a nil.
 */
export function formatKeyTemplate(template: string, facts: KeyFacts): string {
  const values: Readonly<Record<string, string | number | null>> = {
    account: facts.accountId,
    product: facts.productId,
    policy: facts.policyId,
    user: facts.owner?.id ?? null,
    email: facts.owner?.email ?? null,
    created: iso3(facts.created),
    expiry: facts.expiry === null ? null : iso3(facts.expiry),
    duration: facts.duration,
    id: facts.licenseId,
  };
  return template.replace(TEMPLATE_VARIABLE, (_whole, name: string) => {
    const value = Object.hasOwn(values, variableName(name)) ? values[variableName(name)] : null;
    return value === null || value === undefined ? '' : String(value);
  });
}
