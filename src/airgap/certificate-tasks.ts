/**
 * The folder verifier's task (`tessera verify FOLDER`), on its own so that a worker doing only
 * this loads the license-file engine and nothing else (no schema library): start-up is part of
 * every folder's time.
 */
import { relative } from 'node:path';
import type { LicenseFileCode } from '../contract/codes.js';
import { parsePublicKey, type PinnedKey } from '../license-file/public-key.js';
import { MAX_CERTIFICATE_BYTES, type VerifyOptions } from '../license-file/types.js';
import { verifyLicenseFile } from '../license-file/verify.js';
import { readUntrustedFile } from './untrusted-file.js';

/** One certificate's verdict in a folder scan (`tessera verify FOLDER`). */
export type CertificateVerdict = { readonly path: string; readonly ok: true } | { readonly path: string; readonly ok: false; readonly code: LicenseFileCode | 'FILE_UNREADABLE' };

/** Input of `verifyCertificates`: everything by value, so that it crosses to a worker. */
export interface VerifyCertificatesInput {
  readonly root: string;
  readonly paths: readonly string[];
  /** The pinned key as configured (hex or PEM): parsed once per thread. */
  readonly publicKey: string;
  readonly options: Omit<VerifyOptions, 'licenseKey'> & { readonly licenseKey?: string | null };
  /** Per-file license keys, by absolute path; they win over `options.licenseKey`. */
  readonly licenseKeys?: Readonly<Record<string, string>>;
}

const keys = new Map<string, PinnedKey | null>();
/** The pinned key, parsed once per thread; null when it does not parse (the caller checked it already). */
export function pinnedKey(text: string): PinnedKey | null {
  let key = keys.get(text);
  if (key === undefined) {
    const parsed = parsePublicKey(text);
    key = parsed.ok ? parsed.value : null;
    keys.set(text, key);
  }
  return key;
}

/** Verifies license and machine files (the engine's full pipeline), one verdict per path. */
export function verifyCertificates(input: VerifyCertificatesInput): CertificateVerdict[] {
  const key = pinnedKey(input.publicKey);
  return input.paths.map((path): CertificateVerdict => {
    const shown = relative(input.root, path);
    if (key === null) return { path: shown, ok: false, code: 'LICENSE_FILE_UNSUPPORTED_ALGORITHM' };
    const read = readUntrustedFile(path, MAX_CERTIFICATE_BYTES);
    if (!read.ok) return { path: shown, ok: false, code: read.code === 'AIRGAP_FILE_TOO_LARGE' ? 'LICENSE_FILE_TOO_LARGE' : 'FILE_UNREADABLE' };
    const licenseKey = input.licenseKeys?.[path] ?? input.options.licenseKey ?? null;
    const result = verifyLicenseFile(read.bytes, key, { ...input.options, licenseKey });
    return result.ok ? { path: shown, ok: true } : { path: shown, ok: false, code: result.code };
  });
}

