/**
 * Rails-style query strings, one level deep: `limit=10`, `page[size]=15&page[number]=2`,
 * `metadata[customerId]=x`. That is every shape Keygen's list filters use. The reverse,
 * `toRailsQuery`, writes pagination links the way Rails' `Hash#to_query` does.
 */
import { parametersInvalid } from './errors.js';

/** A parsed query: scalars, or one-level objects for bracketed keys. */
export type Query = Readonly<Record<string, string | Readonly<Record<string, string>>>>;

const BRACKETED = /^([^[\]]+)\[([^[\]]*)\]$/;

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw parametersInvalid();
  }
}

/**
 * Parses `search` (with or without its `?`). Throws `PARAMETERS_INVALID` for bad
 * percent-encoding, deeper nesting, or a key used both as a scalar and as an object.
 * The last value of a repeated key wins, as in Rack.
 */
export function parseQuery(search: string): Query {
  const result: Record<string, string | Record<string, string>> = Object.create(null) as Record<string, string>;
  const text = search.startsWith('?') ? search.slice(1) : search;
  if (text === '') return result;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const rawKey = decode(equals === -1 ? pair : pair.slice(0, equals));
    const value = equals === -1 ? '' : decode(pair.slice(equals + 1));
    const bracketed = BRACKETED.exec(rawKey);
    if (bracketed === null) {
      if (rawKey.includes('[') || rawKey.includes(']')) throw parametersInvalid();
      if (typeof result[rawKey] === 'object') throw parametersInvalid();
      result[rawKey] = value;
      continue;
    }
    const [, name, inner] = bracketed as unknown as [string, string, string];
    const existing = result[name];
    if (typeof existing === 'string') throw parametersInvalid();
    const object = existing ?? (Object.create(null) as Record<string, string>);
    object[inner] = value;
    result[name] = object;
  }
  return result;
}

/** Ruby's `CGI.escape`: everything but `A-Z a-z 0-9 _ . - ~` is percent-encoded, spaces become `+`. */
function cgiEscape(text: string): string {
  return Array.from(new TextEncoder().encode(text), (byte) => {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9_.~-]/.test(char)) return char;
    if (char === ' ') return '+';
    return `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

/** Rails' `Hash#to_query`: `key=value` pairs, nested keys as `key[inner]`, escaped, then sorted. */
export function toRailsQuery(query: Query): string {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === 'string') pairs.push(`${cgiEscape(key)}=${cgiEscape(value)}`);
    else for (const [inner, innerValue] of Object.entries(value)) pairs.push(`${cgiEscape(`${key}[${inner}]`)}=${cgiEscape(innerValue)}`);
  }
  return pairs.sort().join('&');
}

/** A scalar parameter; undefined when absent or given in bracket (object) form. */
export function scalarParam(query: Query, name: string): string | undefined {
  const value = query[name];
  return typeof value === 'object' ? undefined : value;
}
