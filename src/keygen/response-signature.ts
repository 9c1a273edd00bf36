/**
 * Keygen's HTTP message signatures (`Keygen-Signature`), as used on API responses and on
 * webhook requests. Protocol write-up: shared/reference/keygen-protocol.md §3; server side
 * keygen-api `app/controllers/concerns/signature_headers.rb`, client side keygen-go
 * `verifier.go` (`VerifyResponse`). The signature covers the method, path + query, host, date
 * and the body digest — never the status line or any other header.
 */
import { createHash } from 'node:crypto';
import type { ResponseSignatureCode, Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { isStrictBase64 } from '../license-file/base64.js';
import type { KeyFamily, PinnedKey } from '../license-file/public-key.js';
import type { SigningAlgorithm } from '../license-file/types.js';
import { verifyWith } from '../license-file/signature.js';

/** Headers as a plain record (any letter case) or a Fetch `Headers` object. */
export type MessageHeaders = Readonly<Record<string, string | undefined>> | Headers;

/** The signed HTTP message, described from the verifier's own side of the exchange. */
export interface SignedMessage {
  /** The method of the request that was signed (our request, or the webhook delivery). */
  readonly method: string;
  /** Path + `?` + query exactly as sent on the wire; `/` for the root. */
  readonly target: string;
  /** Host name WITHOUT port: the server signs Rails' `request.host`. */
  readonly host: string;
  readonly headers: MessageHeaders;
  /** The raw body bytes, before any JSON parsing (a string is taken as its UTF-8 bytes). */
  readonly body: Uint8Array | string;
}

/** What the message must be checked against: the pinned key and the local clock. */
export interface SignatureTrust {
  readonly publicKey: PinnedKey;
  /** Current time in ms since the epoch (injected so that tests and callers control the clock). */
  readonly now: number;
  /** Largest allowed |now − Date|, both directions; default 5 minutes. */
  readonly maxClockSkewMs?: number;
  /** When given, the header's `keyid` (the Keygen account id) must equal it. */
  readonly keyId?: string;
}

/** What a verified signature says about the message. */
export interface VerifiedSignature {
  /** The `keyid` parameter, or null when the header had none. */
  readonly keyId: string | null;
  readonly algorithm: SigningAlgorithm;
  /** The signed `Date`, in ms since the epoch. */
  readonly date: number;
}

/** keygen-go's `MaxClockDrift` and the Keygen docs' recommendation (protocol §3.2 step 2). */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** The only header list Keygen signs (signature_headers.rb); anything else binds less of the exchange. */
const SIGNED_HEADERS = '(request-target) host date digest';

/** Which `algorithm` values each pinned key family may verify (protocol §1.2 table). */
const ALGORITHMS_FOR: Readonly<Record<KeyFamily, readonly SigningAlgorithm[]>> = {
  ed25519: ['ed25519'],
  'ecdsa-p256': ['ecdsa-p256'],
  rsa: ['rsa-pss-sha256', 'rsa-sha256'],
};

/** Far above any real header (an RSA-4096 signature is 684 base64 chars); bounds the parser's work. */
const MAX_SIGNATURE_HEADER_CHARS = 8192;

/** One `key="value"` parameter: a token, `=`, and a quoted string without quotes or escapes. */
const PARAM = /[ \t]*([A-Za-z0-9_-]+)="([^"\\\r\n]*)"[ \t]*(,|$)/y;

/**
 * Verifies a Keygen-signed HTTP message: a response to our own request, or a webhook request
 * delivered to us. Checks, in order: header present, parameters well-formed, algorithm allowed
 * for the pinned key, signed header list, keyid, body digest, date window, signature.
 *
 * On failure returns `RESPONSE_SIGNATURE_MISSING` (no or empty `Keygen-Signature`),
 * `RESPONSE_SIGNATURE_MALFORMED` (unparseable parameters, duplicate or missing `signature`,
 * non-base64 signature, another header list, missing Digest, missing or non-RFC 1123 Date),
 * `RESPONSE_SIGNATURE_UNSUPPORTED_ALGORITHM` (missing `algorithm`, or one the pinned key's
 * family cannot verify), `RESPONSE_SIGNATURE_INVALID` (`keyid` differs from `trust.keyId`, or
 * the signature does not verify), `RESPONSE_DIGEST_MISMATCH` or `RESPONSE_DATE_OUT_OF_WINDOW`.
 */
export function verifySignedMessage(
  input: SignedMessage,
  trust: SignatureTrust,
): Result<VerifiedSignature, ResponseSignatureCode> {
  const header = readHeader(input.headers, 'keygen-signature');
  if (header === undefined || header.trim() === '') return fail('RESPONSE_SIGNATURE_MISSING');

  const params = parseSignatureParams(header);
  if (params === null) return fail('RESPONSE_SIGNATURE_MALFORMED');
  const encodedSignature = params.get('signature');
  if (encodedSignature === undefined || encodedSignature === '' || !isStrictBase64(encodedSignature)) {
    return fail('RESPONSE_SIGNATURE_MALFORMED');
  }

  // The pinned key decides the algorithm; the header may only confirm it (no downgrade by header).
  const algorithm = ALGORITHMS_FOR[trust.publicKey.family].find((allowed) => allowed === params.get('algorithm'));
  if (algorithm === undefined) return fail('RESPONSE_SIGNATURE_UNSUPPORTED_ALGORITHM');

  if (params.get('headers') !== SIGNED_HEADERS) return fail('RESPONSE_SIGNATURE_MALFORMED');

  // keyid names the signing account; another account's message is not genuine for this vendor.
  const keyId = params.get('keyid') ?? null;
  if (trust.keyId !== undefined && keyId !== trust.keyId) return fail('RESPONSE_SIGNATURE_INVALID');

  // Browsers cannot read `Date`/`Digest` cross-origin and proxies may rewrite `Date`, so Keygen
  // repeats both as `Keygen-*` (protocol §3.1); prefer those, they carry the signed values.
  const digest = readHeader(input.headers, 'keygen-digest') ?? readHeader(input.headers, 'digest');
  if (digest === undefined) return fail('RESPONSE_SIGNATURE_MALFORMED');
  // Hash the raw bytes before any parsing: one trailing newline changes the digest (protocol §3.2 step 1).
  if (digest !== bodyDigest(input.body)) return fail('RESPONSE_DIGEST_MISMATCH');

  const dateHeader = readHeader(input.headers, 'keygen-date') ?? readHeader(input.headers, 'date');
  const date = dateHeader === undefined ? null : parseHttpDate(dateHeader);
  if (dateHeader === undefined || date === null) return fail('RESPONSE_SIGNATURE_MALFORMED');
  // keygen-go only rejects old dates; a desktop client rejects both directions (protocol §3.2
  // step 2) so that a clock set forward cannot make a replayed response look fresh. Written as
  // `!(… <= …)` so that a NaN clock fails closed.
  const skew = trust.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
  if (!(Math.abs(trust.now - date) <= skew)) return fail('RESPONSE_DATE_OUT_OF_WINDOW');

  const message = Buffer.from(
    buildSigningString({ method: input.method, target: input.target, host: input.host, date: dateHeader, digest }),
    'utf8',
  );
  const signature = Buffer.from(encodedSignature, 'base64');
  if (!verifyWith(algorithm, trust.publicKey.key, message, signature)) return fail('RESPONSE_SIGNATURE_INVALID');

  return { ok: true, value: { keyId, algorithm, date } };
}

/** A response as any HTTP client exposes it. */
export interface SignedResponse {
  /** Not covered by the signature: decide nothing on it alone. */
  readonly status: number;
  readonly headers: MessageHeaders;
  readonly body: Uint8Array | string;
}

/** The request that produced the response, as it was sent. */
export interface SentRequest {
  readonly method: string;
  readonly url: URL | string;
}

/**
 * Verifies a Keygen API response against the request we sent: the request target is
 * `url.pathname + url.search` (already in wire form, so not re-encoded) and the host is
 * `url.hostname`, without port, as the server signs it.
 *
 * On failure returns the codes of {@link verifySignedMessage}; an unparseable request URL is
 * `RESPONSE_SIGNATURE_INVALID`, since nothing can then bind the response to a request.
 */
export function verifyResponse(
  response: SignedResponse,
  request: SentRequest,
  trust: SignatureTrust,
): Result<VerifiedSignature, ResponseSignatureCode> {
  let url: URL;
  try {
    url = typeof request.url === 'string' ? new URL(request.url) : request.url;
  } catch {
    return fail('RESPONSE_SIGNATURE_INVALID');
  }
  // Rack's `fullpath` drops an empty `?`, and WHATWG `search` is '' then too.
  return verifySignedMessage(
    { method: request.method, target: url.pathname + url.search, host: url.hostname, headers: response.headers, body: response.body },
    trust,
  );
}

/** The parts of a signing string (protocol §3.1). */
export interface SigningStringParts {
  readonly method: string;
  readonly target: string;
  readonly host: string;
  readonly date: string;
  readonly digest: string;
}

/**
 * The exact string Keygen signs: four `\n`-joined lines, no trailing newline, method in lower
 * case (signature_methods.rb). Exported for the development issuer and for tests.
 */
export function buildSigningString(parts: SigningStringParts): string {
  return [
    `(request-target): ${parts.method.toLowerCase()} ${parts.target}`,
    `host: ${parts.host}`,
    `date: ${parts.date}`,
    `digest: ${parts.digest}`,
  ].join('\n');
}

/** The `Digest` value Keygen sends for `body`: `sha-256=` + base64(SHA-256(raw bytes)) (RFC 3230). */
export function bodyDigest(body: Uint8Array | string): string {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return `sha-256=${createHash('sha256').update(bytes).digest('base64')}`;
}

/**
 * Parses `key="value", key="value"` (draft-cavage-http-signatures §2.1). Keys are compared in
 * lower case; unknown keys are kept but unused. Null on any syntax error, an empty list, or a
 * repeated key: a duplicate could smuggle a second `signature` or `algorithm` past a
 * first-match reader.
 */
function parseSignatureParams(header: string): Map<string, string> | null {
  if (header.length > MAX_SIGNATURE_HEADER_CHARS) return null;
  const params = new Map<string, string>();
  PARAM.lastIndex = 0;
  while (PARAM.lastIndex < header.length) {
    const match = PARAM.exec(header);
    if (match === null) return null;
    const key = (match[1] ?? '').toLowerCase();
    if (params.has(key)) return null;
    params.set(key, match[2] ?? '');
    // A trailing comma leaves nothing to parse after it: treat it as an empty, malformed item.
    if (match[3] === ',' && PARAM.lastIndex === header.length) return null;
  }
  return params.size === 0 ? null : params;
}

/**
 * Case-insensitive header lookup. Repeated names in a record are joined with `, ` exactly as
 * the Fetch `Headers` class joins them, so both inputs behave alike (a doubled signature header
 * then fails as a duplicate parameter instead of one copy being silently chosen).
 */
function readHeader(headers: MessageHeaders, name: string): string | undefined {
  if (isFetchHeaders(headers)) return headers.get(name) ?? undefined;
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (typeof value === 'string' && key.toLowerCase() === name) values.push(value);
  }
  return values.length === 0 ? undefined : values.join(', ');
}

function isFetchHeaders(headers: MessageHeaders): headers is Headers {
  // Duck-typed rather than `instanceof`: Electron and undici may hand us another realm's class.
  return typeof (headers as { get?: unknown }).get === 'function' && typeof (headers as { has?: unknown }).has === 'function';
}

/**
 * Parses an RFC 1123 date (`Wed, 15 Jun 2022 18:52:14 GMT`, Ruby `Time#httpdate`) strictly:
 * `Date.parse` alone accepts many shapes, so the value must also re-serialise to itself, which
 * checks the weekday and every field. Null when it does not.
 */
function parseHttpDate(value: string): number | null {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) return null;
  return new Date(ms).toUTCString() === value ? ms : null;
}
