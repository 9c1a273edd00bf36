/**
 * Runs a certificate through both engines (node:crypto and the portable one) with the vendor
 * key a signer pins, asserts that they agree, and returns the code ('OK' when accepted): every
 * threat test states its expectation once and holds both engines to it.
 */
import { expect } from 'vitest';
import { importPortableKey, verifyLicenseFilePortable, type PortableKey } from '../../src/license-file/portable.js';
import { parsePublicKey, type PinnedKey } from '../../src/license-file/public-key.js';
import type { VerifyOptions } from '../../src/license-file/types.js';
import { verifyLicenseFile } from '../../src/license-file/verify.js';
import { trustedOptions, type SigningKeys } from './certificate-signer.js';

/** Parsed pinned keys, per public key text (parsing is the slow part of a test case). */
const pinnedKeys = new Map<string, [PinnedKey, PortableKey]>();

/** Runs both engines with the vendor key `keys` pins; asserts they agree; returns the code or 'OK'. */
export async function outcome(input: string | Uint8Array, keys: SigningKeys, options: VerifyOptions = trustedOptions()): Promise<string> {
  let pair = pinnedKeys.get(keys.publicKeyText);
  if (pair === undefined) {
    const node = parsePublicKey(keys.publicKeyText);
    const portable = await importPortableKey(keys.publicKeyText);
    if (!node.ok || !portable.ok) throw new Error('test key rejected');
    pair = [node.value, portable.value];
    pinnedKeys.set(keys.publicKeyText, pair);
  }
  const node = verifyLicenseFile(input, pair[0], options);
  const portable = await verifyLicenseFilePortable(input, pair[1], options);
  const code = node.ok ? 'OK' : node.code;
  expect(portable.ok ? 'OK' : portable.code, 'portable engine disagrees').toBe(code);
  return code;
}
