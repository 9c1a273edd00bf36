/** Keygen-style license keys for policies without a cryptographic scheme. */
import { randomBytes } from 'node:crypto';

/**
 * A new key `XXXXXX-XXXXXX-XXXXXX-XXXXXX-XXXXXX-V3`: 120 random bits as five groups of six
 * upper-case hex digits, and Keygen's `V3` suffix (the shape of `generate_unencrypted_key!`).
 */
export function generateLicenseKey(): string {
  const hex = randomBytes(15).toString('hex').toUpperCase();
  const groups = hex.match(/.{6}/g) ?? [];
  return [...groups, 'V3'].join('-');
}
