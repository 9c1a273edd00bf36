/**
 * The canonical serialisation that request and receipt signatures cover. A subset of RFC 8785
 * (JSON Canonicalization Scheme) that needs no number formatting rules:
 * - values are objects, arrays, strings, booleans, null and safe integers (|n| ≤ 2^53 − 1);
 *   fractions, exponents, NaN and ±Infinity are refused, and so is -0;
 * - object members are sorted by key, comparing UTF-16 code units (RFC 8785 §3.2.3), with no
 *   whitespace anywhere;
 * - strings are written as ECMAScript's JSON.stringify writes them (RFC 8785 §3.2.2.2: the
 *   same escapes), which also rejects nothing: lone surrogates are escaped as \udXXX.
 * Within this subset the output is byte-for-byte RFC 8785's. The signed bytes are its UTF-8.
 */

/** A value the canonical form can carry. */
export type CanonicalValue = null | boolean | number | string | readonly CanonicalValue[] | { readonly [key: string]: CanonicalValue };

/** Deeper documents are not ours: a bound on recursion for untrusted input. */
const MAX_DEPTH = 16;

/**
 * The canonical text of `value`. Throws a TypeError for anything outside the subset (a
 * fraction, a non-plain object, a cycle, more than 16 levels): callers canonicalise only what
 * their schema already accepted, so this is a bug, not an expected failure.
 */
export function canonicalJson(value: unknown): string {
  return write(value, 0);
}

function write(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new TypeError('canonical JSON: nested too deeply');
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || Object.is(value, -0)) throw new TypeError('canonical JSON: only safe integers are allowed');
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map((item: unknown) => write(item, depth + 1)).join(',')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    // Default sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${write(item, depth + 1)}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON: ${typeof value} is not allowed`);
}

/** The bytes a signature covers: the canonical text's UTF-8. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}
