/**
 * The JSON:API documents the client reads, checked by hand (no schema library: a cold
 * `tessera status` must not pay for one). Each parser answers `{ success, data }` and never
 * throws; extra members are ignored, as JSON:API clients must.
 */
import type { ApiResource } from './client.types.js';

export type Parsed<T> = { readonly success: true; readonly data: T } | { readonly success: false };

type Json = Readonly<Record<string, unknown>>;

const NO: Parsed<never> = { success: false };
const yes = <T>(data: T): Parsed<T> => ({ success: true, data });

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

function resource(value: unknown): ApiResource | null {
  if (!isObject(value) || !isText(value.id) || !isText(value.type) || !isObject(value.attributes)) return null;
  if (value.relationships !== undefined && !isObject(value.relationships)) return null;
  return {
    id: value.id,
    type: value.type,
    attributes: value.attributes,
    ...(value.relationships === undefined ? {} : { relationships: value.relationships }),
  };
}

/** `{ data: resource }`. */
export function parseResourceDocument(document: unknown): Parsed<{ data: ApiResource }> {
  const data = isObject(document) ? resource(document.data) : null;
  return data === null ? NO : yes({ data });
}

/** What a validation answers in `meta`. */
export interface ValidationMeta {
  readonly valid: boolean;
  readonly code: string;
  readonly detail: string;
  readonly nonce?: unknown;
  readonly scope?: Json;
}

/** `{ data: resource | null, meta: { valid, code, detail, nonce?, scope? } }`. */
export function parseValidationDocument(document: unknown): Parsed<{ data: ApiResource | null; meta: ValidationMeta }> {
  if (!isObject(document) || !isObject(document.meta)) return NO;
  const { meta } = document;
  if (typeof meta.valid !== 'boolean' || !isText(meta.code) || typeof meta.detail !== 'string') return NO;
  if (meta.scope !== undefined && !isObject(meta.scope)) return NO;
  const data = document.data === null ? null : resource(document.data);
  if (data === null && document.data !== null) return NO;
  return yes({
    data,
    meta: {
      valid: meta.valid,
      code: meta.code,
      detail: meta.detail,
      ...(meta.nonce === undefined ? {} : { nonce: meta.nonce }),
      ...(meta.scope === undefined ? {} : { scope: meta.scope }),
    },
  });
}

/** `{ data: resource[], links?: { next?: string | null } }`. */
export function parseListDocument(document: unknown): Parsed<{ data: ApiResource[]; links?: { next?: string | null } }> {
  if (!isObject(document) || !Array.isArray(document.data)) return NO;
  const data: ApiResource[] = [];
  for (const item of document.data as unknown[]) {
    const parsed = resource(item);
    if (parsed === null) return NO;
    data.push(parsed);
  }
  if (document.links === undefined) return yes({ data });
  if (!isObject(document.links)) return NO;
  const next = document.links.next;
  if (next !== undefined && next !== null && typeof next !== 'string') return NO;
  return yes({ data, links: next === undefined ? {} : { next } });
}

/** One Keygen error object (only the members the client reads). */
export interface ErrorObject {
  readonly title?: string;
  readonly detail?: string;
  readonly code?: string;
}

/** `{ errors: [ErrorObject, …] }` with at least one error. */
export function parseErrorDocument(document: unknown): Parsed<{ errors: ErrorObject[] }> {
  if (!isObject(document) || !Array.isArray(document.errors) || document.errors.length === 0) return NO;
  const errors: ErrorObject[] = [];
  for (const item of document.errors as unknown[]) {
    if (!isObject(item)) return NO;
    const { title, detail, code } = item;
    if ([title, detail, code].some((member) => member !== undefined && typeof member !== 'string')) return NO;
    errors.push({
      ...(typeof title === 'string' ? { title } : {}),
      ...(typeof detail === 'string' ? { detail } : {}),
      ...(typeof code === 'string' ? { code } : {}),
    });
  }
  return yes({ errors });
}
