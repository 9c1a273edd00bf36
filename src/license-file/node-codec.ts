/** Decoding for the Node engine: native base64 and text, with the strictness the format needs. */
import { decodedLength, hasCanonicalTail } from './base64.js';
import type { EnvelopeCodec } from './envelope.js';

/**
 * Strict base64 through Node's native decoder, which skips characters outside the alphabet and
 * stops at `=`: any such character makes the output shorter than the length the text implies.
 * It also accepts the URL-safe alphabet, which is refused here. Equivalent to `isStrictBase64`
 * (a property test holds the two together) at a fraction of a regular expression's cost.
 */
export function decodeStrict(text: string): Uint8Array | null {
  if (text.length % 4 !== 0 || text.indexOf('-') !== -1 || text.indexOf('_') !== -1) return null;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== decodedLength(text) || !hasCanonicalTail(text)) return null;
  return bytes;
}

/** Node's codec: native base64 and text decoding. */
export const nodeCodec: EnvelopeCodec = {
  decodeStrict,
  byteLength: (text) => Buffer.byteLength(text, 'utf8'),
  latin1: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'),
  utf8: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
};
