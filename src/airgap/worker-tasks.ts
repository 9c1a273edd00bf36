/**
 * The CPU-bound work on files from a folder or a stick, as plain functions of plain data, so
 * that the same code runs in a worker thread (files.worker.ts) or, for a handful of files, in
 * the calling thread: read each file safely, then verify it (a license or machine file's
 * signature, a request's or receipt's machine-key signature).
 */
import type { FailureCode } from '../contract/codes.js';
import type { PinnedKey } from '../license-file/public-key.js';
import { MAX_CERTIFICATE_BYTES } from '../license-file/types.js';
import { verifyCertificateSignature } from '../license-file/verify.js';
import { pinnedKey, verifyCertificates } from './certificate-tasks.js';
import { MAX_RESPONSE_BYTES, MAX_SIGNED_FILE_BYTES, parseCarried, RESPONSE_FORMAT, type CarriedDocument } from './documents.js';
import { kindByName } from './file-names.js';
import { readUntrustedFile } from './untrusted-file.js';

/** What a carried file turned out to be, once read and checked as far as it can be without the network or the state. */
export type CarriedVerdict =
  | { readonly path: string; readonly ok: true; readonly kind: 'document'; readonly carried: CarriedDocument }
  | { readonly path: string; readonly ok: true; readonly kind: 'certificate'; readonly text: string; readonly certificateKind: 'license' | 'machine'; readonly encrypted: boolean }
  | { readonly path: string; readonly ok: false; readonly code: FailureCode; readonly looksLike: 'request' | 'response' | 'receipt' | 'certificate' | 'unknown' };

export interface ReadCarriedInput {
  readonly paths: readonly string[];
  /** The pinned key (hex or PEM), to check certificates' signatures; absent: certificates are refused. */
  readonly publicKey?: string;
}

/**
 * Reads carried files (requests, responses, receipts, confirmations, license and machine files)
 * and checks each as far as possible offline: size and kind of file, schema and version,
 * machine-key signature, and for certificates (alone or in a response) the vendor's signature.
 */
export function readCarried(input: ReadCarriedInput): CarriedVerdict[] {
  const key = input.publicKey === undefined ? null : pinnedKey(input.publicKey);
  return input.paths.map((path) => readOne(path, key));
}

function looksLikeOf(name: string): 'request' | 'response' | 'receipt' | 'certificate' | 'unknown' {
  const named = kindByName(name);
  return named === 'confirmation' || named === null ? 'unknown' : named;
}

function readOne(path: string, key: PinnedKey | null): CarriedVerdict {
  const named = kindByName(path);
  // A certificate is 1 MiB at most, a response a little more; signed files are small.
  const cap = named === 'request' || named === 'receipt' || named === 'confirmation' ? MAX_SIGNED_FILE_BYTES : named === 'certificate' ? MAX_CERTIFICATE_BYTES : MAX_RESPONSE_BYTES;
  const read = readUntrustedFile(path, cap);
  if (!read.ok) {
    const code = read.code === 'AIRGAP_FILE_TOO_LARGE' && named === 'certificate' ? 'LICENSE_FILE_TOO_LARGE' : read.code;
    return { path, ok: false, code, looksLike: looksLikeOf(path) };
  }
  return checkText(path, read.text, key);
}

/**
 * The checks of `readCarried` on text already read (a file dropped in the UI, read there with
 * its size capped): what it is, and whether its signature holds.
 */
export function checkCarriedText(name: string, text: string, publicKey?: string): CarriedVerdict {
  return checkText(name, text, publicKey === undefined ? null : pinnedKey(publicKey));
}

function checkText(path: string, text: string, key: PinnedKey | null): CarriedVerdict {
  const looksLike = looksLikeOf(path);
  if (text.trimStart().startsWith('-----BEGIN ')) {
    if (key === null) return { path, ok: false, code: 'AIRGAP_FILE_WRONG_STEP', looksLike: 'certificate' };
    const envelope = verifyCertificateSignature(text, key);
    if (!envelope.ok) return { path, ok: false, code: envelope.code, looksLike: 'certificate' };
    return { path, ok: true, kind: 'certificate', text, certificateKind: envelope.value.kind, encrypted: envelope.value.encrypted };
  }
  if (Buffer.byteLength(text) > MAX_RESPONSE_BYTES) return { path, ok: false, code: 'AIRGAP_FILE_TOO_LARGE', looksLike };
  const parsed = parseCarried(text);
  if (!parsed.ok) return { path, ok: false, code: parsed.code, looksLike };
  if (parsed.value.format === RESPONSE_FORMAT && key !== null) {
    // The response's authority is its machine file: a forged one is refused before anything else.
    const envelope = verifyCertificateSignature(parsed.value.document.certificate, key);
    if (!envelope.ok) return { path, ok: false, code: envelope.code, looksLike: 'response' };
  }
  return { path, ok: true, kind: 'document', carried: parsed.value };
}

export { verifyCertificates, type CertificateVerdict, type VerifyCertificatesInput } from './certificate-tasks.js';

/** Every task a worker runs, by name. */
export const TASKS = {
  'verify-certificates': verifyCertificates,
  'read-carried': readCarried,
} as const;
export type TaskName = keyof typeof TASKS;
export type TaskInput<N extends TaskName> = Parameters<(typeof TASKS)[N]>[0];
export type TaskOutput<N extends TaskName> = ReturnType<(typeof TASKS)[N]>;
