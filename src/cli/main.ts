import { fingerprintCommand } from './fingerprint.command.js';
import { startCommand } from './start.command.js';
import { EXIT, UsageError, type Io } from './output.js';
import { verifyCommand } from './verify.command.js';

export const MAIN_HELP = `Usage: tessera <command> [options]

Tessera activates and verifies software licenses issued by a Keygen-compatible licensing API,
online or fully offline.

Commands:
  verify FILE|FOLDER   verify a license or machine file offline (signature, decryption, claims)
  fingerprint          print this machine's fingerprint and components
  start                what "npm start" runs: the embedded local issuer with demo license keys

Run "tessera <command> --help" for a command's options. Every command accepts --json.
`;

type Command = (argv: readonly string[], io: Io) => Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = {
  verify: verifyCommand,
  fingerprint: fingerprintCommand,
  start: startCommand,
};

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(MAIN_HELP);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.stderr(`tessera: unknown command "${name}"\n\n${MAIN_HELP}`);
    return EXIT.usage;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    // parseArgs reports unknown or malformed options with ERR_PARSE_ARGS_* codes.
    const code = (error as { code?: unknown }).code;
    if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      io.stderr(`tessera ${name}: ${(error as Error).message}\nRun "tessera ${name} --help" for usage.\n`);
      return EXIT.usage;
    }
    throw error;
  }
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
