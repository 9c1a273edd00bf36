import { parseArgs } from 'node:util';
import type { RunningAgent } from '../agent/server.js';
import { messageFor } from '../contract/messages.js';
import type { ConfigSource } from '../config/vendor-config.types.js';
import type { OpenedLicensing } from '../licensing/runtime.js';
import { createMachineService } from '../machine/machine.service.js';
import { COMMON_OPTIONS, reportFailure, withLicensing, type CliContext } from './licensing-context.js';
import { EXIT, printJson, UsageError, type Io } from './output.js';

/** The agent's default port (`DEFAULT_AGENT_PORT`, kept equal by a test: the agent itself loads only when serving). */
const DEFAULT_PORT = 7369;

export const SERVE_HELP = `Usage: tessera serve [--port N] [--config FILE] [--json]

Starts the local agent: Tessera's HTTP API on 127.0.0.1 only, for the web console and for
scripts, and keeps the active license checked in while it runs. Every request needs the
agent's bearer token (Authorization: Bearer <token>), created on first start and kept in the
keychain and in an owner-only file in the data folder; the token is never printed.
Runs until Ctrl-C.

Options:
  --port N       port to listen on (default: ${DEFAULT_PORT}; 0 picks a free port)
  --config FILE  the vendor configuration (default: $TESSERA_CONFIG, the app's
                 tessera.config.json, or the embedded local issuer)
  --json         print {"ok":true,"url":…,"port":…,"tokenFile":…} once listening
  -h, --help     show this help

Exit status: 0 stopped cleanly, 1 could not start (port taken, keychain unavailable …),
2 usage error.
`;

/** This machine's fingerprint for the agent, which confirms deactivations with it; rejects when it cannot be read. */
async function machineFingerprint(): Promise<string> {
  const result = await createMachineService().fingerprint();
  if (!result.ok) throw new Error(messageFor(result.code).message);
  return result.value;
}

function describeSource(source: ConfigSource): string {
  return source.kind === 'file' ? `vendor configuration ${source.path}` : `the embedded local issuer (${source.database})`;
}

/** `tessera serve`: runs the agent until stopped; returns the process exit code. */
export async function serveCommand(argv: readonly string[], io: Io, context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { ...COMMON_OPTIONS, port: { type: 'string' } },
  });
  if (values.help) {
    io.stdout(SERVE_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError('serve takes no arguments');
  if (values.port !== undefined && (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65_535)) throw new UsageError('--port must be a number from 0 to 65535');
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);

  return withLicensing(context, io, values, async (runtime) => {
    // The agent (HTTP router, schemas) loads only here, so the other commands start light.
    const [{ AGENT_HOST, AgentStartError, startAgent }, { createAgentTokenStore }] = await Promise.all([import('../agent/server.js'), import('../agent/token.js')]);
    const tokenStore = createAgentTokenStore({ secrets: context.agentSecrets(), dataFolder: runtime.dataFolder });
    let agent: RunningAgent;
    try {
      agent = await startAgent({ manager: runtime.manager, port, host: AGENT_HOST, tokenStore, machineFingerprint });
    } catch (error) {
      if (error instanceof AgentStartError) return reportFailure(io, { code: error.code, message: error.message }, values.json);
      if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
        io.stderr(`✘ Port ${port} is already in use: another agent may be running.\n  Next step: stop it, or choose another port with --port N.\n`);
        return EXIT.refused;
      }
      throw error;
    }
    // Keep the active license checked in, refreshed and heartbeating while the agent runs.
    (runtime as Partial<Pick<OpenedLicensing, 'startScheduler'>>).startScheduler?.({ log: (line) => io.stderr(`${line}\n`) });
    try {
      if (values.json) {
        printJson(io, { ok: true, url: agent.url, port: agent.port, tokenFile: tokenStore.tokenFile });
      } else {
        io.stdout(
          [
            `Tessera agent listening on ${agent.url}`,
            `  Token:     in ${tokenStore.tokenFile} (readable by you only); send "Authorization: Bearer <token>"`,
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
