/**
 * Request documents, validated with zod and reported the way Keygen's typed parameters report
 * them (`400 Bad request` with `source.pointer`): "unpermitted parameter", "is missing",
 * "cannot be null", "cannot be blank", "type mismatch (received integer expected string)",
 * "must be one of: …". Keys arrive camelCased or snake_cased; both are accepted, as Keygen
 * accepts both, and errors name them camelCased, as Keygen does.
 */
import { z } from 'zod';
import { camelizeMetadata } from '../domain/metadata.js';
import { badRequest, type ErrorObject } from './errors.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID string (any version, either case), Keygen's `UUID_RE`. */
export const uuid = (): z.ZodString => z.string().regex(UUID_RE);

/** A timestamp attribute: ISO 8601 text, read with `Date.parse`; null allowed. */
export const timestamp = () =>
  z
    .string()
    .refine((text) => /^\d{4}-\d{2}-\d{2}/.test(text) && Number.isFinite(Date.parse(text)), { message: 'could not be coerced' })
    .nullable();

/** A 32-bit non-negative integer limit (`maxMachines`, …); null removes an override. */
export const limit = () => z.int().nullable();

/** `metadata`: any JSON object. */
export const metadata = () => z.record(z.string(), z.unknown());

/** `{"data": {"type": …, "id": …}}` naming a related record. */
export function linkage(types: readonly [string, ...string[]]) {
  return z.strictObject({ data: z.strictObject({ type: z.enum(types), id: uuid() }) });
}

/** Like `linkage`, but `data` may be null (to clear an optional relationship). */
export function nullableLinkage(types: readonly [string, ...string[]]) {
  return z.strictObject({ data: z.strictObject({ type: z.enum(types), id: uuid() }).nullable() });
}

/**
 * Validates a request document against `schema` after camelizing its keys. Returns the typed
 * document; throws `ApiError` 400 naming the first problem found.
 */
export function parseDocument<T>(schema: z.ZodType<T>, body: unknown): T {
  const document = camelizeMetadata(body ?? null);
  const result = schema.safeParse(document);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw badRequest();
  const error = toErrorObject(issue, document);
  throw badRequest(error.detail, error.source === undefined ? {} : { source: error.source });
}

function pointer(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '/' : `/${path.map(String).join('/')}`;
}

function valueAt(document: unknown, path: readonly PropertyKey[]): unknown {
  let value = document;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/** typed_params' names for JSON values. */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  return typeof value;
}

const EXPECTED: Readonly<Record<string, string>> = { int: 'integer', number: 'integer', record: 'object', object: 'object' };

function toErrorObject(issue: z.core.$ZodIssue, document: unknown): ErrorObject {
  const value = valueAt(document, issue.path);
  const at = { source: { pointer: pointer(issue.path) } };
  switch (issue.code) {
    case 'unrecognized_keys':
      return { title: 'Bad request', detail: 'unpermitted parameter', source: { pointer: pointer([...issue.path, issue.keys[0] ?? '']) } };
    case 'invalid_type':
      if (value === undefined) return { title: 'Bad request', detail: 'is missing', ...at };
      if (value === null) return { title: 'Bad request', detail: 'cannot be null', ...at };
      return { title: 'Bad request', detail: `type mismatch (received ${typeName(value)} expected ${EXPECTED[issue.expected] ?? issue.expected})`, ...at };
    case 'invalid_value':
      return { title: 'Bad request', detail: `must be one of: ${issue.values.map(String).join(', ')} (received ${String(value)})`, ...at };
    case 'invalid_format':
      return { title: 'Bad request', detail: 'type mismatch (received string expected UUID string)', ...at };
    case 'too_small':
      return { title: 'Bad request', detail: issue.origin === 'string' ? 'cannot be blank' : `must be greater than or equal to ${String(issue.minimum)}`, ...at };
    case 'too_big':
      return { title: 'Bad request', detail: `must be less than or equal to ${String(issue.maximum)}`, ...at };
    default:
      return { title: 'Bad request', detail: issue.message, ...at };
  }
}
