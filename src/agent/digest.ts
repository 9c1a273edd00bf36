/** Comparing secrets without keeping or leaking them: their SHA-256, and constant-time equality. */
import { createHash, timingSafeEqual } from 'node:crypto';

/** The SHA-256 of a text (UTF-8). */
export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Whether two texts are equal, in constant time: both are hashed first, so their lengths never leak. */
export function sameText(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}
