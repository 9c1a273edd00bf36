import { redacting, reportFailure, resolveContext, type CliContext } from './licensing-context.js';
import { EXIT, UsageError, type Io } from './output.js';

export const MAIN_HELP = `Usage: tessera <command> [options]

Tessera activates and verifies software licenses issued by a Keygen-compatible licensing API,
online or fully offline.

Commands:
  activate KEY|-       activate this machine with a license key ("-" reads it from stdin)
  status               is this machine licensed? license, expiry, entitlements, check-ins
  check-in             check the active license in with the licensing server
  renew                fetch a fresh license file for the active license
  deactivate           free this machine's seat and remove its license (--offline: with a receipt)
  import FILE|FOLDER   install license or machine files, or activation responses (air-gapped)
  request              write this machine's activation request, for a machine with no network
  fulfil FILE|FOLDER   on a connected machine: activate requests, apply deactivation receipts
  licenses             list, show or remove the licenses installed on this machine
                       (--remote: the product's licenses on the server, for admins)
  seats                a license's seats: list (stale ones too), export, deactivate in bulk
  admin                for admins: sign in with an admin or product token, sign out
  audit                the administrator actions recorded on this machine
  serve                start the local agent (HTTP API on 127.0.0.1) for the web console
  verify FILE|FOLDER   verify a license or machine file offline (signature, decryption, claims)
  fingerprint          print this machine's fingerprint and components
  doctor               check the keychain, data folder, state, network, TLS and clock, with fixes
  start                what "npm start" runs: the embedded local issuer with demo license keys

Run "tessera <command> --help" for a command's options. Every command accepts --json.
Exit status: 0 success or licensed, 1 refused or not licensed, 2 usage error,
3 the licensing server could not be reached or kept failing.
`;

type Command = (argv: readonly string[], io: Io, context: CliContext) => Promise<number>;

/**
 * Each command's module, loaded only when that command runs: a cold `tessera status` pays for
 * its own code, not for the agent, the verifier's folder scan or the issuer launcher.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  activate: async () => (await import('./activate.command.js')).activateCommand,
  status: async () => (await import('./status.command.js')).statusCommand,
  'check-in': async () => (await import('./check-in.command.js')).checkInCommand,
  renew: async () => (await import('./renew.command.js')).renewCommand,
  deactivate: async () => (await import('./deactivate.command.js')).deactivateCommand,
  import: async () => (await import('./import.command.js')).importCommand,
  request: async () => (await import('./request.command.js')).requestCommand,
  fulfil: async () => (await import('./fulfil.command.js')).fulfilCommand,
  licenses: async () => (await import('./licenses.command.js')).licensesCommand,
  seats: async () => (await import('./seats.command.js')).seatsCommand,
  admin: async () => (await import('./admin.command.js')).adminCommand,
  audit: async () => (await import('./audit.command.js')).auditCommand,
  serve: async () => (await import('./serve.command.js')).serveCommand,
  verify: async () => (await import('./verify.command.js')).verifyCommand,
  fingerprint: async () => (await import('./fingerprint.command.js')).fingerprintCommand,
  doctor: async () => (await import('./doctor.command.js')).doctorCommand,
  start: async () => (await import('./start.command.js')).startCommand,
};

/**
 * Runs the CLI with `argv` (without node and script) and returns the exit code. `context`
 * replaces parts of the real environment (the licensing core, the confirmation prompt) in tests.
 */
export async function runCli(argv: readonly string[], raw: Io, context: Partial<CliContext> = {}): Promise<number> {
  // Secrets handed over through the environment never come back out in full, whatever prints them.
  const io = redacting(raw, [raw.env.TESSERA_LICENSE_KEY, raw.env.TESSERA_ADMIN_TOKEN].map((secret) => secret?.trim() ?? ''));
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(MAIN_HELP);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (load === undefined) {
    io.stderr(`tessera: unknown command "${name.slice(0, 40)}"\n\n${MAIN_HELP}`);
    return EXIT.usage;
  }
  try {
    const command = await load();
    return await command(rest, io, resolveContext(context));
  } catch (error) {
    // parseArgs reports unknown or malformed options with ERR_PARSE_ARGS_* codes.
    const code = (error as { code?: unknown }).code;
    if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      io.stderr(`tessera ${name}: ${(error as Error).message}\nRun "tessera ${name} --help" for usage.\n`);
      return EXIT.usage;
    }
    return reportUnexpected(io, error, rest.includes('--json'));
  }
}

/**
 * What escaped a command. A file-system error (read-only or full disk, a file where a folder
 * should be) is a failure code with its next step, exit 1; anything else is a bug: one short
 * "internal error" report, and the stack only with TESSERA_DEBUG=1 (an error's message may
 * carry what a caller put in it, a license key included).
 */
async function reportUnexpected(io: Io, error: unknown, json: boolean): Promise<number> {
  const [{ errnoOf, fsFailureCode }, { fail }] = await Promise.all([import('../platform/fs-failure.js'), import('../contract/messages.js')]);
  const code = fsFailureCode(error);
  if (code !== null) {
    const { syscall, path } = error as { syscall?: unknown; path?: unknown };
    const where = [syscall, path].filter((part) => typeof part === 'string').join(' ');
    return reportFailure(io, { ...fail(code), detail: `${errnoOf(error) ?? code}${where === '' ? '' : ` (${where})`}` }, json);
  }
  const exit = reportFailure(io, { ...fail('INTERNAL_ERROR'), detail: error instanceof Error ? error.name : typeof error }, json);
  if (io.env.TESSERA_DEBUG === '1') io.stderr(`${error instanceof Error ? (error.stack ?? String(error)) : String(error)}\n`);
  return exit;
}

/** The process's own I/O. */
export function processIo(): Io {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    isTty: Boolean(process.stderr.isTTY),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}
