/**
 * The agent's message signatures, shared by the agent and by clients (`agent-client.ts`):
 * HMAC-SHA256 keyed by an agent token, over a canonical string of the request or the answer.
 *
 * - A request signed with `Authorization: Tessera-HMAC id=…, ts=…, nonce=…, sig=…` proves that
 *   its sender holds the token without sending the token: whatever listens on the port learns
 *   nothing it can replay elsewhere (the agent refuses a nonce twice and a `ts` off by more
 *   than five minutes).
 * - Every answer to a request that authenticated with a token carries
 *   `Tessera-Signature: sha256=<HMAC>` over the request's method, target and nonce and the
 *   answer's status and body, so a client that sent a fresh nonce knows the answer came from a
 *   holder of its token, not from an impostor listening on the agent's port.
 *
 * Each canonical string starts with its own label, so a request's signature can never pass as
 * an answer's (or the other way round). Signatures are base64url without padding: one
 * encoding for both, and safe in an unquoted header parameter (RFC 9110 §11.2 token68).
 */
import { createHash, createHmac } from 'node:crypto';

/** The request header with the client's nonce, echoed in the answer. */
export const NONCE_HEADER = 'Tessera-Nonce';
/** The answer header with the agent's signature. */
export const SIGNATURE_HEADER = 'Tessera-Signature';
/** The authentication scheme of signed requests. */
export const HMAC_SCHEME = 'Tessera-HMAC';
/** The id of the agent's main token (issued tokens are named by their UUID). */
export const MAIN_TOKEN_ID = 'main';
/** How far a signed request's `ts` may be from the agent's clock, either way. */
export const REQUEST_WINDOW_SECONDS = 5 * 60;
/** A nonce: 16 to 64 base64url characters (at least 96 random bits). */
export const NONCE_FORMAT = /^[A-Za-z0-9_-]{16,64}$/;

const REQUEST_LABEL = 'TESSERA-HMAC-REQUEST';
const RESPONSE_LABEL = 'TESSERA-HMAC-RESPONSE';
/** HMAC-SHA256 in base64url without padding. */
const SIGNATURE_FORMAT = /^[A-Za-z0-9_-]{43}$/;
const TOKEN_ID_FORMAT = /^[A-Za-z0-9-]{1,64}$/;
const TIMESTAMP_FORMAT = /^\d{1,12}$/;

/** What a request signature covers. `target` is the request target as sent: path and query. */
export interface SignedRequest {
  readonly method: string;
  readonly target: string;
  /** Unix time in seconds. */
  readonly ts: number;
  readonly nonce: string;
  readonly body: Uint8Array | string;
}

/** What an answer's signature covers: the request it answers (with the client's nonce, or '') and the answer. */
export interface SignedResponse {
  readonly method: string;
  readonly target: string;
  readonly nonce: string;
  readonly status: number;
  readonly body: Uint8Array | string;
}

/** The parameters of a `Tessera-HMAC` authorization. */
export interface HmacAuthorization {
  readonly id: string;
  readonly ts: number;
  readonly nonce: string;
  readonly sig: string;
}

/** SHA-256 of a body in lowercase hex (of the empty string when there is none). */
export function bodyDigest(body: Uint8Array | string): string {
  return createHash('sha256').update(body).digest('hex');
}

function hmac(key: string, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('base64url');
}

/** The canonical string a request signature covers, one field a line. */
export function requestString(request: SignedRequest): string {
  return [REQUEST_LABEL, request.method.toUpperCase(), request.target, String(request.ts), request.nonce, bodyDigest(request.body)].join('\n');
}

/** The canonical string an answer's signature covers, one field a line. */
export function responseString(response: SignedResponse): string {
  return [RESPONSE_LABEL, response.method.toUpperCase(), response.target, response.nonce, String(response.status), bodyDigest(response.body)].join('\n');
}

/** The request's signature with `key` (an agent token). */
export function signRequest(key: string, request: SignedRequest): string {
  return hmac(key, requestString(request));
}

/** The `Tessera-Signature` value of an answer signed with `key`: `sha256=<base64url>`. */
export function signResponse(key: string, response: SignedResponse): string {
  return `sha256=${hmac(key, responseString(response))}`;
}

/** The `Authorization` header of a request signed with the token `key` named `id`. */
export function hmacAuthorization(id: string, key: string, request: SignedRequest): string {
  return `${HMAC_SCHEME} id=${id}, ts=${request.ts}, nonce=${request.nonce}, sig=${signRequest(key, request)}`;
}

/**
 * The parameters of `Authorization: Tessera-HMAC id=…, ts=…, nonce=…, sig=…` (scheme
 * case-insensitive, parameters in any order, each exactly once), or null when the header is
 * another scheme or malformed.
 */
export function parseHmacAuthorization(header: string): HmacAuthorization | null {
  const match = /^Tessera-HMAC +(.+)$/i.exec(header.trim());
  if (match === null) return null;
  const params = new Map<string, string>();
  for (const part of (match[1] as string).split(',')) {
    const at = part.indexOf('=');
    if (at === -1) return null;
    const name = part.slice(0, at).trim().toLowerCase();
    if (params.has(name)) return null;
    params.set(name, part.slice(at + 1).trim());
  }
  const id = params.get('id') ?? '';
  const ts = params.get('ts') ?? '';
  const nonce = params.get('nonce') ?? '';
  const sig = params.get('sig') ?? '';
  if (params.size !== 4 || !TOKEN_ID_FORMAT.test(id) || !TIMESTAMP_FORMAT.test(ts) || !NONCE_FORMAT.test(nonce) || !SIGNATURE_FORMAT.test(sig)) return null;
  return { id, ts: Number(ts), nonce, sig };
}
