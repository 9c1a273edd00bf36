/**
 * Activation requests as QR codes for a phone to carry: the request's compact text split into
 * numbered parts (`TESSERA-REQ 1/2 …`), each small enough for a QR code a phone camera reads
 * from a screen, and joined back in any order. Portable and pure: the renderer draws the codes,
 * the Fulfil screen joins pasted parts.
 */

/** The header of every part: `TESSERA-REQ <n>/<total> `. */
export const QR_PART_PREFIX = 'TESSERA-REQ';
/**
 * Characters of request text per part. With its header and medium error correction that is a
 * version 20-something code, which phones read reliably from a laptop screen; a typical
 * request (about 800 characters) makes two codes.
 */
export const QR_PART_CHARS = 600;
const MAX_PARTS = 99;
const PART = /^TESSERA-REQ (\d{1,2})\/(\d{1,2}) /;

/** The parts for `text`: one per QR code (at most `size` characters each, all of about the same length), numbered from 1. A text too long for 99 parts gives []. */
export function splitForQr(text: string, size: number = QR_PART_CHARS): string[] {
  // Code points, not UTF-16 units: a part never ends in half a character.
  const characters = Array.from(text);
  const total = Math.max(1, Math.ceil(characters.length / size));
  if (total > MAX_PARTS) return [];
  // Parts of equal length: two codes of the same density read as easily as each other.
  const length = Math.max(1, Math.ceil(characters.length / total));
  return Array.from({ length: total }, (_, index) => `${QR_PART_PREFIX} ${index + 1}/${total} ${characters.slice(index * length, (index + 1) * length).join('')}`);
}

/**
 * The text the parts in `input` carry, joined in their order (the parts may come in any order,
 * one per line or run together). Null when a part is missing, repeated differently, or numbered
 * inconsistently, or when `input` holds no part at all.
 */
export function joinQrParts(input: string): string | null {
  const pieces = input.split(new RegExp(`(?=${QR_PART_PREFIX} \\d{1,2}/\\d{1,2} )`)).filter((piece) => piece.startsWith(QR_PART_PREFIX));
  if (pieces.length === 0) return null;
  const parts = new Map<number, string>();
  let total: number | null = null;
  for (const piece of pieces) {
    const header = PART.exec(piece);
    if (header === null) return null;
    const index = Number(header[1]);
    const count = Number(header[2]);
    if (total !== null && count !== total) return null;
    total = count;
    if (index < 1 || index > count) return null;
    // Line breaks between pasted parts are not part of the text.
    const body = piece.slice(header[0].length).replace(/\r?\n$/, '');
    const seen = parts.get(index);
    if (seen !== undefined && seen !== body) return null;
    parts.set(index, body);
  }
  if (total === null || parts.size !== total) return null;
  return Array.from({ length: total }, (_, index) => parts.get(index + 1) ?? '').join('');
}
