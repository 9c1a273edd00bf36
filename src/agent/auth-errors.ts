/**
 * Refusals of the agent's authentication beyond a missing token or scope: console sessions
 * bound to their tab and origin. Each code has one message; the answer is `{ code, message }`
 * like the agent's other errors.
 */
import type { Reply } from './routes.js';

export const AUTH_ERROR_MESSAGES = {
  CROSS_ORIGIN_REQUEST:
    "The console's operations accept only requests from the console's own page (Sec-Fetch-Site: same-origin, or an Origin equal to the console's).",
  CONSOLE_SESSION_UNBOUND:
    'This console session belongs to another browser tab: each tab signs in with its own login link (run "tessera serve --ui" again, or mint one with POST /v1/console/login-links).',
} as const;
export type AuthErrorCode = keyof typeof AUTH_ERROR_MESSAGES;

/** An authentication refusal with its code. */
export function authError(status: number, code: AuthErrorCode, message: string = AUTH_ERROR_MESSAGES[code], headers?: Readonly<Record<string, string>>): Reply {
  return { status, body: { code, message }, ...(headers === undefined ? {} : { headers }) };
}
