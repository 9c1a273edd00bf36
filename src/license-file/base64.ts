/**
 * Strict base64 checks shared by the Node and portable engines. Decoders on both platforms
 * are lenient (Node's skips invalid characters), so every string is checked here first.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const SHAPE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Whether `text` is canonical, padded, standard-alphabet base64 (RFC 4648 §4, §3.5): the
 * alphabet only, length a multiple of 4, and zero bits in the unused tail of the last group,
 * so that exactly one string encodes each byte sequence.
 */
export function isStrictBase64(text: string): boolean {
  const length = text.length;
  if (length % 4 !== 0 || !SHAPE.test(text)) return false;
  return hasCanonicalTail(text);
}

/**
 * Whether the unused tail bits of the last group are zero (RFC 4648 §3.5), given text of the
 * right alphabet and length. The second half of `isStrictBase64`, for decoders that check the
 * alphabet themselves.
 */
export function hasCanonicalTail(text: string): boolean {
  const length = text.length;
  if (text.endsWith('==')) return (ALPHABET.indexOf(text.charAt(length - 3)) & 0x0f) === 0;
  if (text.endsWith('=')) return (ALPHABET.indexOf(text.charAt(length - 2)) & 0x03) === 0;
  return true;
}

/** Decoded length of strict base64 text, without decoding it. */
export function decodedLength(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}
