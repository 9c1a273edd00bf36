/**
 * Runs the local agent, with or without the web console, for `tessera serve` and for
 * `tessera start` (which offers the console when the Electron app is not available). The agent
 * and the console load only here, so the other commands start light.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningAgent } from '../agent/server.js';
import { messageFor } from '../contract/messages.js';
import type { OpenedLicensing } from '../licensing/runtime.js';
import type { LicensingRuntime } from '../licensing/runtime.types.js';
import { createMachineService } from '../machine/machine.service.js';
import { packageRoot, reportFailure, type CliContext } from './licensing-context.js';
import { EXIT, type Io } from './output.js';

/** The agent's default port (`DEFAULT_AGENT_PORT`, kept equal by a test: the agent itself loads only when serving). */
export const DEFAULT_PORT = 7369;

/** A running agent, as the command that started it reports it. */
export interface StartedAgent {
  readonly agent: RunningAgent;
  readonly tokenFile: string;
  /** The one-time login link of the web console, or null without `--ui`. */
  readonly loginUrl: string | null;
}

/** This machine's fingerprint for the agent, which confirms deactivations with it; rejects when it cannot be read. */
async function machineFingerprint(): Promise<string> {
  const result = await createMachineService().fingerprint();
  if (!result.ok) throw new Error(messageFor(result.code).message);
  return result.value;
}

const here = dirname(fileURLToPath(import.meta.url));

/** The built renderer: dist/renderer, from src/cli (tests), dist/src/cli (compiled) or dist/cli[/chunks] (the bundle). */
export function rendererFolder(): string {
  const candidates = [join(here, '..', '..', 'dist', 'renderer'), join(here, '..', '..', 'renderer'), join(here, '..', 'renderer')];
  return candidates.find((folder) => existsSync(join(folder, 'index.html'))) ?? (candidates[0] as string);
}

/** Tessera's version, from the package's own package.json. */
export function packageVersion(): string {
  const root = packageRoot();
  if (root === undefined) return 'unknown';
  const parsed = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
  return parsed.name === 'tessera' && typeof parsed.version === 'string' ? parsed.version : 'unknown';
}

/**
 * Starts the agent on 127.0.0.1:`port` (and the console with `ui`), and the background
 * scheduler. Returns the exit code instead when it cannot start (port taken, keychain
 * unavailable), after saying why and what to do.
 */
export async function startAgentFor(
  runtime: LicensingRuntime,
  io: Io,
  context: CliContext,
  options: { readonly port: number; readonly ui: boolean; readonly json: boolean },
): Promise<StartedAgent | number> {
  const [{ AGENT_HOST, AgentStartError, startAgent }, { createAgentTokenStore }, { createAgentConsole }, { createOperationsService }] = await Promise.all([
    import('../agent/server.js'),
    import('../agent/token.js'),
    import('../agent/console.js'),
    import('../operations/operations.service.js'),
  ]);
  const tokenStore = createAgentTokenStore({ secrets: context.agentSecrets?.() ?? runtime.secrets, dataFolder: runtime.dataFolder });
  const operations = createOperationsService({
    runtime,
    shell: 'console',
    version: packageVersion(),
    env: io.env,
    fingerprint: () => machineFingerprint().catch(() => null),
  });
  const console = options.ui ? createAgentConsole({ staticFolder: rendererFolder(), operations }) : undefined;
  let agent: RunningAgent;
  try {
    agent = await startAgent({ manager: runtime.manager, port: options.port, host: AGENT_HOST, tokenStore, machineFingerprint, ...(console === undefined ? {} : { console }) });
  } catch (error) {
    if (error instanceof AgentStartError) return reportFailure(io, { code: error.code, message: error.message }, options.json);
    if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
      io.stderr(`✘ Port ${options.port} is already in use: another agent may be running.\n  Next step: stop it, or choose another port with --port N.\n`);
      return EXIT.refused;
    }
    throw error;
  }
  // Keep the active license checked in, refreshed and heartbeating while the agent runs.
  (runtime as Partial<Pick<OpenedLicensing, 'startScheduler'>>).startScheduler?.({ log: (line) => io.stderr(`${line}\n`) });
  return { agent, tokenFile: tokenStore.tokenFile, loginUrl: agent.loginUrl() };
}
