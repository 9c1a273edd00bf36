import type { FailureCode } from '../contract/codes.js';
import { messageFor } from '../contract/messages.js';

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, refused: 1, usage: 2, unreachable: 3 } as const;

/** Where a command writes; injected so tests can capture output without a subprocess. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads standard input to the end (for `--license-key -`). */
  readonly readStdin: () => Promise<string>;
  readonly isTty: boolean;
}

/** A usage error: printed with the command's help hint, exit 2. */
export class UsageError extends Error {}

/** Prints an expected failure for people: title, sentence, next step. */
export function printFailure(io: Io, code: FailureCode): void {
  const text = messageFor(code);
  io.stderr(`✘ ${text.title}: ${text.message}\n  Next step: ${text.action}\n`);
}

/** One JSON document on stdout, newline-terminated. */
export function printJson(io: Io, value: unknown): void {
  io.stdout(`${JSON.stringify(value)}\n`);
}

/**
 * Masks a license key for display: enough to recognise it, never enough to use it.
 * Secrets are never printed or logged in full.
 */
export function maskSecret(secret: string): string {
  if (secret.length <= 8) return '•'.repeat(secret.length);
  return `${secret.slice(0, 6)}…${secret.slice(-2)}`;
}
