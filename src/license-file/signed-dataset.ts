/**
 * The framing Keygen uses for a signed dataset outside certificates:
 * `<prefix>/<base64url(dataset)>.<base64url(signature)>`, signed over the ASCII text before the
 * dot. Signed license keys use `key/` (keygen-api `app/models/license.rb`, protocol §1.7),
 * activation proofs `proof/` (keygen-api `app/models/machine.rb` `generate_proof`). Both are
 * Ruby `Base64.urlsafe_encode64`, which pads.
 */
import { isStrictBase64 } from './base64.js';

/** The three parts of a framed dataset, decoded but not yet trusted. */
export interface SignedDatasetParts {
  /** What the signature covers: `<prefix>/` + the dataset part exactly as given, padding included. */
  readonly message: Uint8Array;
  readonly dataset: Uint8Array;
  readonly signature: Uint8Array;
}

/** A genuine dataset as text, and parsed when it is JSON. */
export interface DecodedDataset {
  /** The signed dataset as UTF-8 text, exactly as the signer wrote it. */
  readonly dataset: string;
  /** The dataset parsed as JSON when it is JSON (Keygen's usual shape), otherwise null. */
  readonly data: unknown;
}

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/**
 * Splits `text` (surrounding whitespace ignored) into its signed message, dataset and signature.
 * Returns null when it is not a string, is longer than `maxChars`, lacks `<prefix>/` or a `.`,
 * or has an empty or non-canonical base64url part.
 */
export function splitSignedDataset(text: unknown, prefix: string, maxChars: number): SignedDatasetParts | null {
  if (typeof text !== 'string' || text.length > maxChars) return null;
  const trimmed = text.trim();
  const head = `${prefix}/`;
  if (!trimmed.startsWith(head)) return null;
  // keygen-go splits on the first '.'; base64url has no '.', so a second one fails to decode below.
  const rest = trimmed.slice(head.length);
  const dot = rest.indexOf('.');
  if (dot === -1) return null;
  const encodedDataset = rest.slice(0, dot);
  const dataset = decodeBase64Url(encodedDataset);
  const signature = decodeBase64Url(rest.slice(dot + 1));
  if (dataset === null || signature === null) return null;
  return { message: Buffer.from(head + encodedDataset, 'ascii'), dataset, signature };
}

/** The dataset bytes as strict UTF-8 text plus their JSON reading; null when not UTF-8. Call only once the signature verified. */
export function decodeDataset(bytes: Uint8Array): DecodedDataset | null {
  let dataset: string;
  try {
    dataset = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  return { dataset, data: parseJson(dataset) };
}

/**
 * Strict base64url (RFC 4648 §5), padded as Ruby's `urlsafe_encode64` writes it or unpadded
 * as other encoders do. Canonical only (zero tail bits), so one key has one spelling; null when
 * empty or invalid.
 */
function decodeBase64Url(text: string): Buffer | null {
  if (!BASE64URL.test(text)) return null;
  let standard = text.replace(/-/g, '+').replace(/_/g, '/');
  if (!standard.includes('=')) standard += '='.repeat((4 - (standard.length % 4)) % 4);
  return isStrictBase64(standard) ? Buffer.from(standard, 'base64') : null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
