/** What the configuration parsers share: failures that name the field and file, and field results. */
import type { Failure, FailureCode, Success } from '../contract/codes.js';
import { fail } from '../contract/messages.js';

/** A failure that also names what was wrong (the field, the file), for diagnostics. */
export type ConfigFailure<C extends FailureCode> = Failure<C> & { readonly detail: string };

/** A result whose failures carry a `detail`; assignable to `Result<T, C>`. */
export type ConfigResult<T, C extends FailureCode> = Success<T> | ConfigFailure<C>;

export function failWith<C extends FailureCode>(code: C, detail: string): ConfigFailure<C> {
  return { ...fail(code), detail };
}

/** A field's problem, or its accepted value. */
export type Field<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };
export const accept = <T>(value: T): Field<T> => ({ ok: true, value });
export const reject = (problem: string): Field<never> => ({ ok: false, problem });

/** A JSON object as `JSON.parse` makes it (no class instance, no array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** A key name quoted for a message, cut short (it comes from the file). */
export function quote(key: string): string {
  return JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key);
}

/** `json[key]`, own properties only (`__proto__` and friends are never inherited values). */
export function own(json: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(json, key) ? json[key] : undefined;
}

/** The keys of `json` outside `known`, quoted, as a phrase for a message; null when there are none. */
export function unknownKeys(json: Record<string, unknown>, known: ReadonlySet<string>, prefix = ''): string | null {
  const unknown = Object.keys(json).filter((key) => !known.has(key));
  if (unknown.length === 0) return null;
  const names = unknown.slice(0, 5).map((key) => quote(`${prefix}${key}`));
  return `unknown key${unknown.length > 1 ? 's' : ''} ${names.join(', ')} (known: ${[...known].map((key) => `${prefix}${key}`).join(', ')})`;
}
