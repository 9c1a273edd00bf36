/**
 * `tessera-issuer`: runs the development issuer. `serve` prints one JSON line when listening
 * (URL, account, public key, an admin token, a ready vendor configuration and the seeded
 * license keys) and runs until SIGINT/SIGTERM. Nothing else is printed to stdout, and no token
 * or license key is ever written to stderr.
 */
import { parseArgs } from 'node:util';
import { startIssuer, type IssuerHandle } from './start.js';
import { parseRateLimit } from './http/rate-limit.js';

/** Where the CLI writes, and how it waits for a shutdown signal (injected by tests). */
export interface IssuerIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  readonly untilSignal: () => Promise<string>;
  /** Resolves when standard input ends: the supervisor that holds its other end has gone, however it went. */
  readonly untilInputEnds: () => Promise<string>;
}

const USAGE = `Usage: tessera-issuer serve [options]

Runs a Keygen-compatible licensing server for development, demos and tests.

Options:
  --host HOST             address to bind (default 127.0.0.1; anything else is exposed to the network)
  --port PORT             port to bind (default 0: any free port)
  --db FILE               SQLite database file (default :memory:, gone on exit)
  --account ID|SLUG       the account to serve and print (default: the first one); with a
                          database of several accounts, the one that /v1/… without an
                          account segment answers for
  --seed demo             create (or reuse) a demo product, policies and license keys
  --rate-limit N/WINDOW   refuse more than N requests per client IP per window, e.g. 100/60s
  --stop-with-stdin       also stop when standard input ends (for a supervisor that may be killed
                          without a chance to stop this process: its end of the pipe closes anyway)
  -h, --help              show this help

When listening, prints one JSON line to stdout:
  {"url","account","publicKey","certificateKeys":{"ed25519","ecdsaP256","rsa2048"},"adminToken",
   "config":{"apiUrl","account","product","publicKey"},"licenses":[…]}

The API answers at <url>/v1/accounts/<account>/… and, like self-hosted Keygen, at <url>/v1/…
for the served account: keygen-go with APIURL set to <url> calls the latter.
`;

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|\[::1\]|localhost)$/i;

/** The process's own I/O and signals. */
export function processIo(): IssuerIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    untilSignal: () =>
      new Promise((resolve) => {
        const stop = (signal: string): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve(signal);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      }),
    untilInputEnds: () =>
      new Promise((resolve) => {
        process.stdin.on('end', () => resolve('end of input'));
        process.stdin.on('close', () => resolve('end of input'));
        process.stdin.resume();
        // Watching the input must not keep the process alive once the server has closed.
        (process.stdin as { unref?: () => void }).unref?.();
      }),
  };
}

/** Runs the CLI; resolves with the exit code (0 after a clean shutdown, 2 on a usage error, 1 when start-up fails). */
export async function runIssuerCli(argv: readonly string[], io: IssuerIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '0' },
        db: { type: 'string', default: ':memory:' },
        account: { type: 'string' },
        seed: { type: 'string' },
        'rate-limit': { type: 'string' },
        'stop-with-stdin': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.stderr(`tessera-issuer: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const usageError = validate(positionals, values);
  if (usageError !== null) {
    io.stderr(`tessera-issuer: ${usageError}\n\n${USAGE}`);
    return 2;
  }
  if (!LOOPBACK.test(values.host)) {
    io.stderr(
      `tessera-issuer: WARNING: binding ${values.host}, not loopback. This is a development issuer with an admin token and ` +
        'an unencrypted signing key: anyone who can reach this address can issue licenses.\n',
    );
  }

  // Listen for signals before anything is printed: a supervisor may signal as soon as it reads the start line.
  const signalled = values['stop-with-stdin'] ? Promise.race([io.untilSignal(), io.untilInputEnds()]) : io.untilSignal();
  let issuer: IssuerHandle;
  try {
    issuer = await startIssuer({
      host: values.host,
      port: Number(values.port),
      db: values.db,
      ...(values.account === undefined ? {} : { account: values.account }),
      seed: values.seed === 'demo' ? 'demo' : null,
      rateLimit: values['rate-limit'] ?? null,
    });
  } catch (error) {
    io.stderr(`tessera-issuer: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const startLine = {
    url: issuer.url,
    account: issuer.account,
    publicKey: issuer.publicKey,
    certificateKeys: issuer.certificateKeys,
    adminToken: issuer.adminToken,
    config: issuer.config,
    licenses: issuer.licenses,
  };
  io.stdout(`${JSON.stringify(startLine)}\n`);
  await signalled;
  await issuer.close();
  return 0;
}

function validate(positionals: readonly string[], values: { port: string; seed?: string | undefined; 'rate-limit'?: string | undefined }): string | null {
  if (positionals.length !== 1 || positionals[0] !== 'serve') return positionals.length === 0 ? 'missing command (serve)' : `unknown command "${positionals.join(' ')}"`;
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535) return `invalid --port "${values.port}"`;
  if (values.seed !== undefined && values.seed !== 'demo') return `unknown --seed "${values.seed}" (only "demo")`;
  const rateLimit = values['rate-limit'];
  if (rateLimit !== undefined && parseRateLimit(rateLimit) === null) return `invalid --rate-limit "${rateLimit}" (expected N/WINDOW, e.g. 100/60s)`;
  return null;
}
