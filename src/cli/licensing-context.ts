/**
 * What the licensing commands share: how they reach the licensing core (injectable, so tests
 * run in process with a fake), how they report failures and exit, and how they take secrets.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import type { FailureCode } from '../contract/codes.js';
import { exitCodeFor } from '../contract/failures.js';
import { messageFor } from '../contract/messages.js';
import type { KeygenAdminClient } from '../keygen/client.types.js';
import type { LicensingRuntime, OpenLicensing } from '../licensing/runtime.types.js';
import { readStateKeyAhead } from '../vault/keychain-read-ahead.js';
import type { SecretStore } from '../vault/secret-store.js';
import { maskSecret, printFailure, printJson, UsageError, type Io } from './output.js';

/** What `runCli` hands to every command besides its arguments and I/O. */
export interface CliContext {
  /** Opens the licensing core for one vendor configuration. */
  readonly openLicensing: OpenLicensing;
  /** Folder of the installed app, where a packaged `tessera.config.json` may sit. */
  readonly appFolder: string | undefined;
  /** Asks a yes/no question on the terminal; undefined when there is no terminal to ask on. */
  readonly confirm: ((question: string) => Promise<boolean>) | undefined;
  /** Where the local agent keeps its token; the licensing runtime's store when absent (tests inject one). */
  readonly agentSecrets?: (() => SecretStore) | undefined;
  /** Resolves when a long-running command (serve) should stop: Ctrl-C or SIGTERM. */
  readonly untilStopped: () => Promise<void>;
  /** The administrator commands' API client; default: one for the vendor configuration (tests inject one). */
  readonly adminClient?: KeygenAdminClient | undefined;
}

/** The options every licensing command accepts, for `parseArgs`. */
export const COMMON_OPTIONS = {
  config: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/**
 * The licensing core, loaded only when a command needs it (verify and fingerprint stay light).
 * The keychain's first read starts first, to run while the core loads.
 */
const openLicensingLazily: OpenLicensing = async (options) => {
  readStateKeyAhead(options.env);
  return (await import('../licensing/runtime.js')).openLicensing(options);
};

/** The package root (holding package.json), from src/cli (tests), dist/src/cli (compiled) or dist/cli (the bundle). */
export function packageRoot(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  return [join(here, '..'), join(here, '..', '..'), join(here, '..', '..', '..')].find((folder) => existsSync(join(folder, 'package.json')));
}

/** Asks on the controlling terminal; only offered when standard input is one. */
async function confirmOnTerminal(question: string): Promise<boolean> {
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await terminal.question(`${question} [y/N] `);
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    terminal.close();
  }
}

/** Resolves on the first SIGINT or SIGTERM, then stops listening for them. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** The real context, with whatever the caller injects taking precedence. */
export function resolveContext(overrides: Partial<CliContext> = {}): CliContext {
  return {
    openLicensing: overrides.openLicensing ?? openLicensingLazily,
    appFolder: 'appFolder' in overrides ? overrides.appFolder : packageRoot(),
    confirm: 'confirm' in overrides ? overrides.confirm : process.stdin.isTTY ? confirmOnTerminal : undefined,
    agentSecrets: overrides.agentSecrets,
    untilStopped: overrides.untilStopped ?? untilSignal,
    adminClient: overrides.adminClient,
  };
}

/**
 * Prints an expected failure (`{"ok":false,code,message}` with --json; title, message, next
 * step and code for people) and returns its exit code from the failure table (`failures.ts`).
 */
export function reportFailure(io: Io, failure: { readonly code: FailureCode; readonly message: string; readonly detail?: string | undefined }, json: boolean): number {
  // Configuration failures also name the file or field at fault; TLS failures, the certificate.
  const detail = typeof failure.detail === 'string' ? failure.detail : undefined;
  if (json) {
    printJson(io, { ok: false, code: failure.code, message: failure.message, ...(detail === undefined ? {} : { detail }) });
  } else {
    printFailure(io, failure.code);
    if (failure.message !== messageFor(failure.code).message) io.stderr(`  Details: ${failure.message}\n`);
    if (detail !== undefined) io.stderr(`  Details: ${detail}\n`);
    io.stderr(`  Code: ${failure.code}\n`);
  }
  return exitCodeFor(failure.code);
}

/**
 * Opens the licensing core, runs `use`, and closes the core whatever happens. A configuration
 * that cannot be loaded is reported (exit 1, with its next step).
 */
export async function withLicensing(
  context: CliContext,
  io: Io,
  options: { readonly config?: string | undefined; readonly json: boolean },
  use: (runtime: LicensingRuntime) => Promise<number>,
): Promise<number> {
  if (options.config !== undefined && options.config.trim() === '') throw new UsageError('--config needs the path of a vendor configuration file');
  const opened = await context.openLicensing({ configPath: options.config, env: io.env, appFolder: context.appFolder, warn: io.stderr });
  if (!opened.ok) return reportFailure(io, opened, options.json);
  try {
    return await use(opened.value);
  } finally {
    await opened.value.close();
  }
}

/** Longest license key or token accepted (signed `key/…` keys run to a few hundred characters). */
const MAX_SECRET_LENGTH = 8192;

/**
 * Checks a license key or token typed or piped in; throws a UsageError that never repeats it.
 * Surrounding whitespace (a trailing newline from a pipe) is dropped.
 */
export function validateSecret(value: string, what: string): string {
  const secret = value.trim();
  if (secret === '') throw new UsageError(`the ${what} is empty`);
  if (secret.length > MAX_SECRET_LENGTH) throw new UsageError(`the ${what} is longer than ${MAX_SECRET_LENGTH} characters`);
  if (!/^[^\s\p{Cc}]+$/u.test(secret)) throw new UsageError(`the ${what} contains spaces or control characters`);
  return secret;
}

/** Where a secret came from: the command line is the one place other users can see it. */
export type SecretSource = 'argv' | 'stdin' | 'env';

/**
 * Reads a secret given as an argument: `-` reads standard input, a value is taken as is,
 * nothing falls back to the environment variable `envName`. Returns null when none is given.
 */
export async function readSecret(io: Io, value: string | undefined, what: string, envName?: string): Promise<{ value: string; source: SecretSource } | null> {
  if (value === '-') return { value: validateSecret(await io.readStdin(), what), source: 'stdin' };
  if (value !== undefined) return { value: validateSecret(value, what), source: 'argv' };
  const fromEnv = envName === undefined ? undefined : io.env[envName];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return { value: validateSecret(fromEnv, `${what} in ${envName}`), source: 'env' };
  return null;
}

/** The warning printed when a license key was given on the command line. */
export function warnSecretOnCommandLine(io: Io, what: string, alternative: string): void {
  io.stderr(`⚠ A ${what} on the command line is visible to other users of this machine (process list, shell history). ${alternative}\n`);
}

/**
 * Wraps `io` so that none of `secrets` can be written in full, whatever a message carries:
 * every occurrence is replaced by its masked form.
 */
export function redacting(io: Io, secrets: readonly string[]): Io {
  // Shorter strings are no real key, and masking them would garble ordinary words.
  const hidden = secrets.filter((secret) => secret.length >= 4);
  if (hidden.length === 0) return io;
  const scrub = (text: string): string => hidden.reduce((result, secret) => result.split(secret).join(maskSecret(secret)), text);
  return { ...io, stdout: (text) => io.stdout(scrub(text)), stderr: (text) => io.stderr(scrub(text)) };
}

/** An identifier (license, seat) given on the command line: letters, digits, `-`, `_`, `.`; never echoed (it may be a mistyped key). */
export function validateId(value: string, what: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(value)) throw new UsageError(`not a valid ${what} id (letters, digits, "-", "_" and "." only)`);
  return value;
}

/** A positive integer option, within `max`. */
export function positiveInteger(value: string | undefined, option: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1 || Number(value) > max) throw new UsageError(`${option} must be a whole number from 1 to ${max}`);
  return Number(value);
}
