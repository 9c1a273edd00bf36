/**
 * Request bodies of the agent: read raw under a size cap (a signed request's body is hashed
 * before it is parsed), then parsed as UTF-8 JSON.
 */
import type { IncomingMessage } from 'node:http';
import { agentError, type Reply } from './routes.js';

/** Past this multiple of the cap an oversized upload is cut off instead of drained to let the client read the 413. */
const DRAIN_LIMIT_FACTOR = 16;

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reply: Reply };

/** Whether the request carries a body (declared length or chunked). */
export function hasBody(req: IncomingMessage): boolean {
  return (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Reads the body's bytes: media type (415) and size cap (413). No body is an empty buffer. An
 * oversized upload is drained up to a bound so the client can read the 413.
 */
export async function readRawBody(req: IncomingMessage, maxBytes: number): Promise<Outcome<Buffer>> {
  if (!hasBody(req)) return { ok: true, value: Buffer.alloc(0) };
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType !== 'application/json') return { ok: false, reply: agentError('UNSUPPORTED_MEDIA_TYPE') };

  const tooLarge: Outcome<Buffer> = { ok: false, reply: { ...agentError('PAYLOAD_TOO_LARGE'), headers: { Connection: 'close' } } };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes * DRAIN_LIMIT_FACTOR) return tooLarge;
  const raw = await new Promise<Buffer | 'too-large' | 'aborted'>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else if (size > maxBytes * DRAIN_LIMIT_FACTOR) resolve('too-large');
    });
    req.on('end', () => resolve(size > maxBytes ? 'too-large' : Buffer.concat(chunks)));
    // A client that hangs up mid-body gets no answer; settle so that nothing waits for ever.
    req.on('error', () => resolve('aborted'));
    req.on('close', () => resolve('aborted'));
  });
  if (raw === 'too-large') return tooLarge;
  if (raw === 'aborted') return { ok: false, reply: agentError('INVALID_REQUEST', 'The request body was cut off.') };
  return { ok: true, value: raw };
}

/** Parses a body read by `readRawBody`: empty is `undefined`; anything but UTF-8 JSON is a 400. */
export function parseJsonBody(raw: Buffer): Outcome<unknown> {
  if (raw.length === 0) return { ok: true, value: undefined };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reply: agentError('INVALID_REQUEST', 'The body is not valid UTF-8 JSON.') };
  }
}
