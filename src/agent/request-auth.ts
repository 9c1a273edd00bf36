/**
 * Who is calling the agent: a bearer token, a signed request (`Tessera-HMAC`, the token never
 * sent), or — on the console's operations route only — a console session bound to its tab.
 * The caller's token, when there is one, signs the answer (`signature.ts`).
 */
import type { IncomingMessage } from 'node:http';
import type { AgentConsole } from './console.js';
import type { Outcome } from './request-body.js';
import { agentError, type Reply } from './routes.js';
import type { AgentScope } from './schemas.js';
import { sameText } from './digest.js';
import { HMAC_SCHEME, parseHmacAuthorization, REQUEST_WINDOW_SECONDS, signRequest } from './signature.js';
import type { AgentTokenStore } from './token.js';

/** Bound on the nonces remembered for the replay window (each from a request whose signature held). */
const MAX_REMEMBERED_NONCES = 100_000;

const REALM = 'realm="tessera-agent"';
const CHALLENGE = `Bearer ${REALM}, ${HMAC_SCHEME} ${REALM}`;

/** An authenticated caller. */
export interface Caller {
  readonly scopes: readonly AgentScope[];
  /** The token that signs the answers to this caller; null for a console session. */
  readonly key: string | null;
  /** The nonce of a signed request (the answer's nonce when no `Tessera-Nonce` header was sent). */
  readonly nonce: string | null;
  /** The body, when authenticating needed it (a signed request covers its body). */
  readonly body: Buffer | null;
}

/** The request as the authenticator needs it. */
export interface RequestFacts {
  readonly method: string;
  /** The request target as received (path and query). */
  readonly target: string;
  /** Whether the route accepts a console session. */
  readonly session: boolean;
  /** Reads the body (once): a signed request's body is hashed before anything trusts it. */
  readonly readBody: () => Promise<Outcome<Buffer>>;
}

export interface RequestAuthenticator {
  /** The caller, or the refusal: 401 without valid credentials, 403 for a console session used from elsewhere, 429 when the replay memory is full. */
  authenticate(req: IncomingMessage, facts: RequestFacts): Promise<Outcome<Caller>>;
}

export interface AuthenticatorOptions {
  readonly tokenStore: AgentTokenStore;
  readonly console?: AgentConsole | undefined;
  readonly now?: () => number;
}

/** The token of `Authorization: Bearer <token>` (scheme case-insensitive, RFC 6750 §2.1), or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

const refused = (reply: Reply): Outcome<Caller> => ({ ok: false, reply });
const unauthorized = (): Outcome<Caller> => refused({ ...agentError('UNAUTHORIZED'), headers: { 'WWW-Authenticate': CHALLENGE } });
const signatureRefused = (code: 'SIGNATURE_INVALID' | 'SIGNATURE_EXPIRED' | 'SIGNATURE_REPLAYED', message?: string): Outcome<Caller> =>
  refused({ ...agentError(code, message), headers: { 'WWW-Authenticate': `${HMAC_SCHEME} ${REALM}, error="${code.toLowerCase()}"` } });

export function createRequestAuthenticator(options: AuthenticatorOptions): RequestAuthenticator {
  const now = options.now ?? Date.now;
  /** `id\nnonce` → until when (ms) a request with it could still be accepted. */
  const seen = new Map<string, number>();

  /** Remembers a nonce until its request leaves the window; false when it was already there. */
  function remember(key: string, until: number): boolean | 'full' {
    const time = now();
    const known = seen.get(key);
    if (known !== undefined && known > time) return false;
    if (seen.size >= MAX_REMEMBERED_NONCES) {
      for (const [entry, expires] of seen) if (expires <= time) seen.delete(entry);
      // Dropping a live nonce would let its request be replayed: refuse new ones instead.
      if (seen.size >= MAX_REMEMBERED_NONCES) return 'full';
    }
    seen.set(key, until);
    return true;
  }

  async function signed(header: string, facts: RequestFacts): Promise<Outcome<Caller>> {
    const auth = parseHmacAuthorization(header);
    if (auth === null) return signatureRefused('SIGNATURE_INVALID', 'The Tessera-HMAC authorization is malformed: expected id, ts (Unix seconds), nonce (16 to 64 base64url characters) and sig, each once.');
    if (Math.abs(auth.ts - Math.floor(now() / 1000)) > REQUEST_WINDOW_SECONDS) return signatureRefused('SIGNATURE_EXPIRED');
    const signer = await options.tokenStore.signingKey(auth.id);
    const body = await facts.readBody();
    if (!body.ok) return body;
    if (signer === null) return signatureRefused('SIGNATURE_INVALID');
    const expected = signRequest(signer.key, { method: facts.method, target: facts.target, ts: auth.ts, nonce: auth.nonce, body: body.value });
    if (!sameText(expected, auth.sig)) return signatureRefused('SIGNATURE_INVALID');
    // Only a request whose signature held is remembered, so nobody can spend another's nonce.
    const fresh = remember(`${auth.id}\n${auth.nonce}`, (auth.ts + REQUEST_WINDOW_SECONDS) * 1000 + 1000);
    if (fresh === 'full') return refused({ ...agentError('TOO_MANY_SIGNED_REQUESTS'), headers: { 'Retry-After': '60' } });
    if (!fresh) return signatureRefused('SIGNATURE_REPLAYED');
    return { ok: true, value: { scopes: signer.scopes, key: signer.key, nonce: auth.nonce, body: body.value } };
  }

  return {
    async authenticate(req, facts) {
      const header = req.headers.authorization;
      if (header !== undefined) {
        const bearer = bearerToken(header);
        if (bearer !== null) {
          const scopes = await options.tokenStore.authenticate(bearer);
          return scopes === null ? unauthorized() : { ok: true, value: { scopes, key: bearer, nonce: null, body: null } };
        }
        if (/^Tessera-HMAC\b/i.test(header.trim())) return signed(header, facts);
        return unauthorized();
      }
      if (!facts.session || options.console === undefined) return unauthorized();
      const session = options.console.session(req);
      if (session.kind === 'none') return unauthorized();
      if (session.kind === 'refused') return refused(session.reply);
      return { ok: true, value: { scopes: session.scopes, key: null, nonce: null, body: null } };
    },
  };
}
