/**
 * Keygen stores metadata keys in snake_case and serializes them in camelCase, deeply; the
 * issuer stores them camelCased so that what it returns is what it stored.
 */
import type { Metadata } from './types.js';

/** Keygen's metadata limit (`validates :metadata, length: { maximum: 64 }`). */
export const MAX_METADATA_KEYS = 64;

/** `customer_id`, `customer-id` and `customerId` all become `customerId` (Rails `underscore` then `camelize(:lower)`). */
export function camelizeKey(key: string): string {
  const underscored = key
    .replace(/([A-Z\d]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .replace(/-/g, '_')
    .toLowerCase();
  return underscored.replace(/_+([a-z\d])/g, (_, next: string) => next.toUpperCase());
}

/** Camelizes every object key, recursively (arrays are walked, scalars are kept). */
export function camelizeMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelizeMetadata);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [camelizeKey(key), camelizeMetadata(inner)]));
  }
  return value;
}

/** The stored form of client metadata. */
export function normalizeMetadata(value: Metadata): Metadata {
  return camelizeMetadata(value) as Metadata;
}
