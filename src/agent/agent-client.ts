/**
 * A client of the local agent, for the licensed software and the tests: it signs each request
 * (`Tessera-HMAC`, so the token never crosses the socket) with a fresh nonce, and accepts an
 * answer only when its `Tessera-Signature` holds for that request and nonce. Anything else on
 * the agent's port (an impostor that started first, a stale process) cannot make an answer
 * that passes without the token.
 */
import { randomBytes } from 'node:crypto';
import { sameText } from './digest.js';
import { hmacAuthorization, MAIN_TOKEN_ID, NONCE_HEADER, SIGNATURE_HEADER, signResponse, type SignedResponse } from './signature.js';

export interface AgentClientOptions {
  /** The agent's address: `http://127.0.0.1:7369` on the default port. */
  readonly url: string;
  /** The token's text (the main token's file, or an issued token). */
  readonly token: string;
  /** The token's id: `main` (the default) or an issued token's UUID. */
  readonly tokenId?: string;
  /**
   * `hmac` (the default) signs requests and never sends the token; `bearer` sends it as
   * `Authorization: Bearer`, so whatever listens on the port learns it (answers are still checked).
   */
  readonly auth?: 'hmac' | 'bearer';
  /** The clock for signed requests' `ts` (tests); `Date.now` by default. */
  readonly now?: () => number;
}

/** An answer: genuine (signed with the token for this request), or why it cannot be trusted. */
export type AgentAnswer =
  | { readonly ok: true; readonly status: number; readonly body: unknown }
  | {
      readonly ok: false;
      /** `unreachable`: nothing answered; `unsigned`: no signature; `not-genuine`: a signature that does not hold; `malformed`: signed, but not JSON. */
      readonly reason: 'unreachable' | 'unsigned' | 'not-genuine' | 'malformed';
      /** The status the answer claimed, when there was one (never to be trusted). */
      readonly status: number | null;
    };

export interface AgentClient {
  /** Sends `method path` (with `body` as JSON) and checks the answer's signature. Never throws. */
  request(method: string, path: string, body?: unknown): Promise<AgentAnswer>;
  /** `GET /v1/license/check`: true only when the genuine agent answers `true`. */
  licensed(): Promise<boolean>;
}

/** A fresh nonce: 18 random bytes, 24 base64url characters. */
export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

/** Whether `header` (the answer's `Tessera-Signature`) is the signature of `response` with `token`. */
export function verifyAnswer(token: string, response: SignedResponse, header: string | null): boolean {
  return header !== null && sameText(header, signResponse(token, response));
}

export function createAgentClient(options: AgentClientOptions): AgentClient {
  const now = options.now ?? Date.now;
  const id = options.tokenId ?? MAIN_TOKEN_ID;

  async function request(method: string, path: string, body?: unknown): Promise<AgentAnswer> {
    const url = new URL(path, options.url);
    // What fetch sends as the request target, and so what both sides sign.
    const target = `${url.pathname}${url.search}`;
    const payload = body === undefined ? '' : JSON.stringify(body);
    const nonce = newNonce();
    const authorization =
      options.auth === 'bearer'
        ? `Bearer ${options.token}`
        : hmacAuthorization(id, options.token, { method, target, ts: Math.floor(now() / 1000), nonce, body: payload });
    let response: Response;
    let answer: Uint8Array;
    try {
      response = await fetch(url, {
        method,
        headers: { Authorization: authorization, [NONCE_HEADER]: nonce, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        ...(body === undefined ? {} : { body: payload }),
        redirect: 'manual',
      });
      answer = new Uint8Array(await response.arrayBuffer());
    } catch {
      return { ok: false, reason: 'unreachable', status: null };
    }
    const signature = response.headers.get(SIGNATURE_HEADER);
    if (signature === null) return { ok: false, reason: 'unsigned', status: response.status };
    if (!verifyAnswer(options.token, { method, target, nonce, status: response.status, body: answer }, signature)) {
      return { ok: false, reason: 'not-genuine', status: response.status };
    }
    let parsed: unknown;
    try {
      parsed = answer.length === 0 ? undefined : (JSON.parse(new TextDecoder().decode(answer)) as unknown);
    } catch {
      return { ok: false, reason: 'malformed', status: response.status };
    }
    return { ok: true, status: response.status, body: parsed };
  }

  return {
    request,
    async licensed() {
      const answer = await request('GET', '/v1/license/check');
      return answer.ok && answer.status === 200 && answer.body === true;
    },
  };
}
