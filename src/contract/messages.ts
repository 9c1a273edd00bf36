import type { Failure, FailureCode } from './codes.js';

/** What a person is told about one failure code. */
export interface CodeMessage {
  /** A few words, for a heading or a toast. */
  readonly title: string;
  /** One sentence saying what happened. */
  readonly message: string;
  /** One sentence saying what to do next. */
  readonly action: string;
}

/**
 * The one place where user-facing text for a code lives. `satisfies Record<FailureCode, …>`
 * makes the compiler fail when a code has no message.
 */
export const MESSAGES = {
  LICENSE_FILE_MALFORMED: {
    title: 'Not a license file',
    message: 'The file is not a well-formed license or machine file.',
    action: 'Check that you chose the .lic file your vendor sent, unchanged and complete.',
  },
  LICENSE_FILE_TOO_LARGE: {
    title: 'File too large',
    message: 'The file is larger than any genuine license file (1 MiB at most).',
    action: 'Choose the license file itself, not an archive or a folder of files.',
  },
  LICENSE_FILE_UNSUPPORTED_ALGORITHM: {
    title: 'Unsupported license file',
    message: 'The file uses a signing or encryption algorithm that this vendor does not allow.',
    action: 'Ask your vendor for a new license file for this product.',
  },
  LICENSE_FILE_NOT_GENUINE: {
    title: 'License file not genuine',
    message: "The file's signature does not match the vendor's public key: it was altered or issued by someone else.",
    action: 'Use the original file from your vendor; if it came unchanged, ask them for a new one.',
  },
  LICENSE_FILE_DECRYPTION_FAILED: {
    title: 'Cannot decrypt the license file',
    message: 'The file is genuine but could not be decrypted with this license key and machine.',
    action: 'Check the license key, and that the file was issued for this machine.',
  },
  LICENSE_FILE_KIND_MISMATCH: {
    title: 'Wrong kind of license file',
    message: 'The file says it is one kind of license file but contains another.',
    action: 'Ask your vendor for a new license file.',
  },
  FINGERPRINT_MISMATCH: {
    title: 'Issued for another machine',
    message: 'This machine file was issued for a different machine.',
    action: 'Request a machine file for this machine (tessera fingerprint shows its fingerprint).',
  },
  LICENSE_FILE_ISSUED_IN_FUTURE: {
    title: 'Clock out of sync',
    message: "The file was issued later than this computer's clock says it is now.",
    action: "Correct this computer's date and time, then try again.",
  },
  LICENSE_FILE_EXPIRED: {
    title: 'License file expired',
    message: 'The license file has passed its expiry date.',
    action: 'Connect to renew it, or ask your vendor for a new file.',
  },
  CLOCK_ROLLED_BACK: {
    title: 'Clock set back',
    message: "This computer's clock is earlier than a time already seen by Tessera.",
    action: "Correct this computer's date and time, then try again.",
  },
  RESPONSE_SIGNATURE_MISSING: {
    title: 'Unsigned response',
    message: 'The licensing server sent a response without a signature.',
    action: 'Check that Tessera points at the right licensing server, and that no proxy alters its responses.',
  },
  RESPONSE_SIGNATURE_MALFORMED: {
    title: 'Unreadable response signature',
    message: "The licensing server's response signature could not be read.",
    action: 'Check that no proxy alters responses from the licensing server.',
  },
  RESPONSE_SIGNATURE_UNSUPPORTED_ALGORITHM: {
    title: 'Unexpected response signature',
    message: 'The licensing server signed its response with an algorithm other than the one expected.',
    action: "Check the vendor configuration's public key and server address.",
  },
  RESPONSE_SIGNATURE_INVALID: {
    title: 'Response not genuine',
    message: "The licensing server's response does not carry a valid signature from the vendor's key.",
    action: "Check the vendor configuration's public key, and that no proxy alters responses.",
  },
  RESPONSE_DIGEST_MISMATCH: {
    title: 'Response altered',
    message: 'The response body does not match the digest the licensing server signed.',
    action: 'Check that no proxy alters responses from the licensing server, then try again.',
  },
  RESPONSE_DATE_OUT_OF_WINDOW: {
    title: 'Stale or future response',
    message: "The response's date is more than 5 minutes away from this computer's clock.",
    action: "Correct this computer's date and time; if it is right, the response may be a replay.",
  },
  LICENSE_KEY_MALFORMED: {
    title: 'License key unreadable',
    message: 'The license key is not in the signed key format.',
    action: 'Copy the whole key again, from key/ to its end.',
  },
  LICENSE_KEY_NOT_GENUINE: {
    title: 'License key not genuine',
    message: "The license key's signature does not match the vendor's public key.",
    action: 'Copy the key again exactly as your vendor sent it.',
  },
  PUBLIC_KEY_INVALID: {
    title: 'Invalid public key',
    message: 'The public key is neither 64 hex characters (Ed25519) nor a PEM public key (ECDSA P-256 or RSA).',
    action: "Copy the vendor's public key again into the configuration.",
  },
  KEYCHAIN_UNAVAILABLE: {
    title: 'Keychain unavailable',
    message: "The operating system's keychain could not be reached, so secrets cannot be stored safely.",
    action:
      'On Linux, install and unlock a Secret Service keyring (gnome-keyring or KWallet); on macOS and Windows, sign in to your user session.',
  },
  KEYCHAIN_TIMEOUT: {
    title: 'Keychain not answering',
    message: 'The keychain did not answer in time; it may be locked and waiting for a password prompt.',
    action: 'Unlock your keychain (log in to the desktop session), then try again.',
  },
  MACHINE_ID_UNAVAILABLE: {
    title: 'Machine identity unavailable',
    message: "This machine's identifier could not be read, so it cannot be fingerprinted.",
    action: 'On Linux, check that /etc/machine-id exists and is readable (systemd-machine-id-setup creates it).',
  },
} as const satisfies Record<FailureCode, CodeMessage>;

/** The user-facing message for a code. */
export function messageFor(code: FailureCode): CodeMessage {
  return MESSAGES[code];
}

/** Builds the failure value for a code, with its one user-facing sentence. */
export function fail<C extends FailureCode>(code: C): Failure<C> {
  return { ok: false, code, message: MESSAGES[code].message };
}
