import { parseArgs } from 'node:util';
import type { ConfigSource } from '../config/vendor-config.types.js';
import { DEFAULT_PORT, startAgentFor } from './agent-runner.js';
import { COMMON_OPTIONS, withLicensing, type CliContext } from './licensing-context.js';
import { EXIT, printJson, UsageError, type Io } from './output.js';

export const SERVE_HELP = `Usage: tessera serve [--ui] [--port N] [--config FILE] [--json]

Starts the local agent: Tessera's HTTP API on 127.0.0.1 only, for the web console and for
scripts, and keeps the active license checked in while it runs. Every request needs the
agent's bearer token (Authorization: Bearer <token>), created on first start and kept in the
keychain and in an owner-only file in the data folder; the token is never printed.
Runs until Ctrl-C.

With --ui it also serves the web console: the desktop app's screens in your browser. It prints
a one-time login link; open it to sign that browser tab in (the link works once, for 10
minutes; the tab stays signed in for 12 hours).

Options:
  --ui           serve the web console too, and print its one-time login link
  --port N       port to listen on (default: ${DEFAULT_PORT}; 0 picks a free port)
  --config FILE  the vendor configuration (default: $TESSERA_CONFIG, the app's
                 tessera.config.json, or the embedded local issuer)
  --json         print {"ok":true,"url":…,"port":…,"tokenFile":…,"loginUrl":…} once listening
  -h, --help     show this help

Exit status: 0 stopped cleanly, 1 could not start (port taken, keychain unavailable …),
2 usage error.
`;

/** Where the licensing configuration came from, in words. */
export function describeSource(source: ConfigSource): string {
  switch (source.kind) {
    case 'shipped':
      return `vendor configuration ${source.path} (shipped with the app${source.apiUrlFrom === null ? '' : `; apiUrl from ${source.apiUrlFrom.path}`})`;
    case 'file':
      return `vendor configuration ${source.path}`;
    case 'embedded-issuer':
      return `the embedded local issuer (${source.database})`;
  }
}

/** `tessera serve`: runs the agent until stopped; returns the process exit code. */
export async function serveCommand(argv: readonly string[], io: Io, context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { ...COMMON_OPTIONS, port: { type: 'string' }, ui: { type: 'boolean', default: false } },
  });
  if (values.help) {
    io.stdout(SERVE_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError('serve takes no arguments');
  if (values.port !== undefined && (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65_535)) throw new UsageError('--port must be a number from 0 to 65535');
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);

  return withLicensing(context, io, values, async (runtime) => {
    const started = await startAgentFor(runtime, io, context, { port, ui: values.ui, json: values.json });
    if (typeof started === 'number') return started;
    const { agent, tokenFile, loginUrl } = started;
    try {
      if (values.json) {
        printJson(io, { ok: true, url: agent.url, port: agent.port, tokenFile, loginUrl });
      } else {
        io.stdout(
          [
            `Tessera agent listening on ${agent.url}`,
            ...(loginUrl === null ? [] : [`  Web console: ${loginUrl}`, '               (a one-time login link: open it in your browser)']),
            `  Token:     in ${tokenFile} (readable by you only); send "Authorization: Bearer <token>"`,
            `  Licensing: ${describeSource(runtime.source)}`,
            '',
            'Press Ctrl-C to stop.',
            '',
          ].join('\n'),
        );
      }
      await context.untilStopped();
    } finally {
      await agent.close();
    }
    return EXIT.ok;
  });
}
