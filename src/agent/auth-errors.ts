/**
 * Refusals of the agent's authentication beyond a missing token or scope: signed requests
 * (`Tessera-HMAC`) and console sessions bound to their tab and origin. Each code has one
 * message; the answer is `{ code, message }` like the agent's other errors.
 */
import type { Reply } from './routes.js';

export const AUTH_ERROR_MESSAGES = {
  CROSS_ORIGIN_REQUEST:
    "The console's operations accept only requests from the console's own page (Sec-Fetch-Site: same-origin, or an Origin equal to the console's).",
  CONSOLE_SESSION_UNBOUND:
    'This console session belongs to another browser tab: each tab signs in with its own login link (run "tessera serve --ui" again, or mint one with POST /v1/console/login-links).',
  SIGNATURE_INVALID: 'The Tessera-HMAC signature does not hold for this token id, method, request target, time, nonce and body.',
  SIGNATURE_EXPIRED: "The signed request's time (ts) is more than five minutes away from the agent's clock: check this machine's clock.",
  SIGNATURE_REPLAYED: 'This signed request was already received: sign each request with a new nonce.',
  TOO_MANY_SIGNED_REQUESTS: 'The agent is remembering too many recent signed requests to accept another now; try again in a minute.',
} as const;
export type AuthErrorCode = keyof typeof AUTH_ERROR_MESSAGES;

/** An authentication refusal with its code. */
export function authError(status: number, code: AuthErrorCode, message: string = AUTH_ERROR_MESSAGES[code], headers?: Readonly<Record<string, string>>): Reply {
  return { status, body: { code, message }, ...(headers === undefined ? {} : { headers }) };
}
