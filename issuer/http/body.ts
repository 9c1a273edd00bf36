/**
 * Reads and parses a request body: size cap, media type, UTF-8, nesting depth, JSON. Every
 * failure is one of Keygen's error objects (413, `CONTENT_TYPE_INVALID`, `ENCODING_INVALID`,
 * `JSON_INVALID`).
 */
import type { IncomingMessage } from 'node:http';
import { ApiError, contentTypeInvalid, encodingInvalid, jsonInvalid, payloadTooLarge } from './errors.js';
import { exceedsNesting } from './json-nesting.js';

/** Default cap on request bodies: far above any JSON:API document the API accepts. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Past this many bytes the connection is dropped instead of drained: draining lets an
 * oversized upload finish so the client can read the 413, but not without bound.
 */
const DRAIN_LIMIT_FACTOR = 16;

/**
 * Keygen's router accepts JSON:API and JSON; its `DefaultContentType` middleware parses a body
 * sent without a type, or with the defaults of curl and `fetch()`, as JSON too.
 */
const JSON_MEDIA_TYPES = new Set([
  'application/vnd.api+json',
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  '',
]);

/** Reads the raw body. Rejects with a 413 `ApiError` past `maxBytes` (after draining a little). */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes * DRAIN_LIMIT_FACTOR) {
      reject(payloadTooLarge(maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        if (size > maxBytes * DRAIN_LIMIT_FACTOR) {
          req.destroy();
          reject(payloadTooLarge(maxBytes));
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => (tooLarge ? reject(payloadTooLarge(maxBytes)) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

/**
 * Parses a body as JSON when there is one. Returns `undefined` for an empty body. Throws
 * `ApiError` for a media type that is not JSON, bytes that are not UTF-8, text that is not
 * JSON, or JSON nested deeper than Keygen parses (`JSON_INVALID` too, see `json-nesting.ts`).
 */
export function parseJsonBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!JSON_MEDIA_TYPES.has(mediaType)) throw contentTypeInvalid();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw encodingInvalid();
  }
  if (text.trim() === '') return undefined;
  if (exceedsNesting(text)) throw jsonInvalid();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw jsonInvalid();
  }
}

/** Whether a thrown value is a body-size rejection (the server then closes the connection). */
export function isPayloadTooLarge(error: unknown): boolean {
  return error instanceof ApiError && error.status === 413;
}
