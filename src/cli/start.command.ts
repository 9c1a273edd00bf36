import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { namedOverride, resolveVendorConfig } from '../config/vendor-config.js';
import type { LicensingRuntime } from '../licensing/runtime.types.js';
import { createMachineService } from '../machine/machine.service.js';
import { appDataFolder } from '../platform/app-data.js';
import { startAgentFor, type StartedAgent } from './agent-runner.js';
import { electronApp, runElectron } from './electron-launcher.js';
import { reportFailure, type CliContext } from './licensing-context.js';
import { EXIT, printFailure, printJson, UsageError, type Io } from './output.js';

export const START_HELP = `Usage: tessera start [--ui auto|console|none] [--port N] [--ui-port N] [--config FILE] [--json]

What "npm start" runs: Tessera's desktop app, or its web console where the app cannot run.

With no vendor configured, it first starts the embedded local issuer (a Keygen-compatible
licensing server on 127.0.0.1, with a demo product and one license key per demo policy) and
prints its address, public key, the demo keys and an admin token for the Licenses screen (a new
one at every start). Its database lives in the data folder
(TESSERA_HOME, or the platform's app data folder), so the same demo keys come back on the next
start; its vendor configuration is written beside it (issuer/tessera.config.json), where the
other commands find it. With a vendor configuration no issuer is ever started: Tessera talks to
the vendor's server. The one shipped beside the installed app (tessera.config.json) is the
vendor's trust anchor; without one (a development checkout), --config or $TESSERA_CONFIG name
one instead.

Then it opens the Electron app when its binary is installed; otherwise it says so and serves
the web console on 127.0.0.1 instead, printing a one-time login link to open in your browser.
Runs until Ctrl-C (or until the app is closed).

Secrets (license keys, the console's token) go to the OS keychain. With the embedded issuer
and no keychain on this machine (a headless server, a container), they go to an owner-only
file in the data folder instead, with a warning at every start; TESSERA_SECRET_STORE=keychain
forbids that, TESSERA_SECRET_STORE=file asks for it.

Options:
  --ui MODE      auto (default): the app if installed, else the web console;
                 console: always the web console; none: no user interface
  --port N       port of the local issuer (default: any free port)
  --ui-port N    port of the web console (default: any free port)
  --config FILE  a vendor configuration to use instead of the embedded issuer; with a
                 shipped configuration, a file holding only "apiUrl" (a relay or proxy)
  --json         print the issuer (with its admin token), vendor configuration, demo keys and
                 console link as one JSON line
`;

/** The first line `tessera-issuer serve` prints. */
interface IssuerStartLine {
  readonly url: string;
  readonly account: string;
  readonly publicKey: string;
  /** A new admin token of the demo account, minted at every start (to sign in on the Licenses screen). */
  readonly adminToken: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly licenses: readonly { readonly key: string; readonly policy: string; readonly expiry: string | null; readonly suspended: boolean }[];
}

/** bin/tessera-issuer.js, from src/cli (tests), dist/src/cli (compiled) or dist/cli/chunks (the bundle). */
function issuerBin(): string {
  const candidates = ['../../bin/tessera-issuer.js', '../../../bin/tessera-issuer.js'].map((path) => fileURLToPath(new URL(path, import.meta.url)));
  return candidates.find((path) => existsSync(path)) ?? (candidates[1] as string);
}

const UI_MODES = ['auto', 'console', 'none'] as const;
type UiMode = (typeof UI_MODES)[number];

function portOption(name: string, value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535) throw new UsageError(`invalid ${name} "${value}" (a number from 0 to 65535)`);
  return Number(value);
}

/** `tessera start`: the product's front door; returns the process exit code. */
export async function startCommand(argv: readonly string[], io: Io, context: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      port: { type: 'string', default: '0' },
      'ui-port': { type: 'string', default: '0' },
      ui: { type: 'string', default: 'auto' },
      config: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(START_HELP);
    return EXIT.ok;
  }
  const port = portOption('--port', values.port);
  const uiPort = portOption('--ui-port', values['ui-port']);
  if (!(UI_MODES as readonly string[]).includes(values.ui)) throw new UsageError(`--ui must be one of ${UI_MODES.join(', ')}`);
  const ui = values.ui as UiMode;

  const dataFolder = appDataFolder({ env: io.env, platform: process.platform, home: homedir() });
  // The embedded issuer starts only when nothing at all is configured: no shipped configuration
  // (a shipped one, even an invalid one, is the vendor's) and no override named.
  const vendor = await resolveVendorConfig({ configPath: values.config, env: io.env, appFolder: context.appFolder, dataFolder, embeddedIssuer: false });
  if (vendor.ok) {
    return runUi(io, context, { ui, uiPort, json: values.json, configPath: values.config, summary: { vendor: vendor.value.config.apiUrl } });
  }
  const nothingConfigured = vendor.code === 'CONFIG_NOT_FOUND' && namedOverride({ configPath: values.config, env: io.env }) === null;
  if (!nothingConfigured) return reportFailure(io, vendor, values.json);
  return runWithIssuer(io, context, { dataFolder, port, ui, uiPort, json: values.json });
}

interface IssuerRun {
  readonly dataFolder: string;
  readonly port: number;
  readonly ui: UiMode;
  readonly uiPort: number;
  readonly json: boolean;
}

/** Starts the embedded issuer, then the user interface, and stops both on Ctrl-C. */
async function runWithIssuer(io: Io, context: CliContext, options: IssuerRun): Promise<number> {
  const folder = join(options.dataFolder, 'issuer');
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const database = join(folder, 'issuer.db');
  // Signals are watched before the issuer starts, so Ctrl-C during start-up also stops it cleanly.
  const stopRequested = untilSignal();
  // The issuer holds the read end of a pipe whose write end only this process has: if this
  // process dies without stopping it (kill -9, a crashed terminal), the pipe closes and it stops too.
  const child = spawn(process.execPath, [issuerBin(), 'serve', '--db', database, '--seed', 'demo', '--port', String(options.port), '--stop-with-stdin'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit').then(([code]) => (typeof code === 'number' ? code : 1));
  const lines = createInterface({ input: child.stdout });
  const first = await Promise.race([once(lines, 'line').then(([line]) => String(line)), exited.then(() => null)]);
  lines.close();
  if (first === null) {
    io.stderr(`✘ The local issuer did not start (see above). Its database is ${database}.\n  Next step: free the port, or move that file away to start afresh.\n`);
    return EXIT.refused;
  }
  const started = JSON.parse(first) as IssuerStartLine;
  // Other commands (activate, status, serve) find the embedded issuer through this file.
  writeConfig(join(folder, 'tessera.config.json'), started.config);

  const shown = await startUi(io, context, { ui: options.ui, uiPort: options.uiPort, json: options.json, configPath: undefined });
  if (options.json) {
    printJson(io, {
      issuer: { url: started.url, account: started.account, publicKey: started.publicKey, adminToken: started.adminToken, database },
      config: started.config,
      licenses: started.licenses,
      ui: shown?.summary ?? null,
    });
  } else {
    await printSummary(io, started, database);
    io.stdout(`${shown === null ? '' : `${shown.lines.join('\n')}\n\n`}Press Ctrl-C to stop.\n`);
  }

  const outcome = await Promise.race([
    stopRequested.then(() => 'signal' as const),
    exited.then(() => 'exited' as const),
    (shown?.ended ?? new Promise<never>(() => undefined)).then(() => 'closed' as const),
  ]);
  await shown?.stop();
  if (outcome === 'exited') {
    io.stderr('✘ The local issuer stopped unexpectedly (see above).\n  Next step: run "npm start" again.\n');
    return EXIT.refused;
  }
  child.kill('SIGTERM');
  return (await exited) === 0 ? EXIT.ok : EXIT.refused;
}

/** What `start` opened for people: the app or the console, how to reach it, and how to stop it. */
interface ShownUi {
  readonly summary: { readonly kind: 'desktop' } | { readonly kind: 'console'; readonly url: string; readonly loginUrl: string | null };
  readonly lines: readonly string[];
  /** Resolves when the app window was closed for good (never for the console). */
  readonly ended: Promise<void>;
  stop(): Promise<void>;
}

interface UiOptions {
  readonly ui: UiMode;
  readonly uiPort: number;
  readonly json: boolean;
  readonly configPath: string | undefined;
}

/** Opens the Electron app when it is here (and asked for), else the web console; null for `--ui none` or when neither can start. */
async function startUi(io: Io, context: CliContext, options: UiOptions): Promise<ShownUi | null> {
  if (options.ui === 'none') return null;
  const app = electronApp(io.env);
  if (options.ui === 'auto' && app.ok) {
    const child = runElectron(app, { ...process.env, ...io.env });
    const ended = once(child, 'exit').then(() => undefined);
    return {
      summary: { kind: 'desktop' },
      lines: ['The Tessera app is open in its own window.'],
      ended,
      async stop() {
        if (child.exitCode === null) child.kill('SIGTERM');
        await ended;
      },
    };
  }
  const opened = await context.openLicensing({ configPath: options.configPath, env: io.env, appFolder: context.appFolder, warn: io.stderr });
  if (!opened.ok) {
    reportFailure(io, opened, false);
    return null;
  }
  const runtime: LicensingRuntime = opened.value;
  const started: StartedAgent | number = await startAgentFor(runtime, io, context, { port: options.uiPort, ui: true, json: options.json });
  if (typeof started === 'number') {
    io.stderr('  The web console is not available; the licensing server keeps running.\n');
    await runtime.close();
    return null;
  }
  const why = options.ui === 'auto' && !app.ok ? [`The desktop app cannot open here: ${app.reason}.`, 'Use the web console instead, in your browser:'] : ['The web console, in your browser:'];
  return {
    summary: { kind: 'console', url: started.agent.url, loginUrl: started.loginUrl },
    lines: [...why, `  ${started.loginUrl ?? started.agent.url}`, '  (a one-time login link: it signs one browser tab in, and works once)'],
    ended: new Promise<never>(() => undefined),
    async stop() {
      await started.agent.close();
      await runtime.close();
    },
  };
}

/** With a vendor configuration: no issuer, just the user interface, until Ctrl-C or the app is closed. */
async function runUi(io: Io, context: CliContext, options: UiOptions & { readonly summary: { readonly vendor: string } }): Promise<number> {
  const stopRequested = untilSignal();
  const shown = await startUi(io, context, options);
  if (options.json) printJson(io, { vendor: options.summary, ui: shown?.summary ?? null });
  else io.stdout(['Tessera — license activation and offline license files', '', `Licensing API: ${options.summary.vendor} (vendor configuration)`, '', ...(shown?.lines ?? []), '', 'Press Ctrl-C to stop.', ''].join('\n'));
  if (shown === null) return options.ui === 'none' ? EXIT.ok : EXIT.refused;
  await Promise.race([stopRequested, shown.ended]);
  await shown.stop();
  return EXIT.ok;
}

async function printSummary(io: Io, started: IssuerStartLine, database: string): Promise<void> {
  const width = Math.max(...started.licenses.map((license) => license.policy.length));
  const keys = started.licenses.map((license) => {
    const notes = [license.suspended ? 'suspended' : null, license.expiry === null ? null : `expires ${license.expiry}`].filter((note) => note !== null);
    return `  ${license.policy.padEnd(width)}  ${license.key}${notes.length > 0 ? `  (${notes.join(', ')})` : ''}`;
  });
  const fingerprint = await createMachineService().fingerprint();
  if (!fingerprint.ok) printFailure(io, fingerprint.code);
  io.stdout(
    [
      'Tessera — license activation and offline license files',
      '',
      'No vendor is configured, so Tessera runs its embedded local issuer:',
      `  Licensing API   ${started.url}/v1/accounts/${started.account}`,
      `  Public key      ${started.publicKey}`,
      `  Database        ${database}`,
      '',
      'Demo license keys:',
      ...keys,
      '',
      'Admin token of the demo account (sign in on the Licenses screen, or "tessera admin sign-in"; a new one at every start):',
      `  ${started.adminToken}`,
      '',
      ...(fingerprint.ok ? [`This machine's fingerprint: ${fingerprint.value}`, ''] : []),
      'Verify a license or machine file offline:',
      `  node bin/tessera.js verify FILE --public-key ${started.publicKey} --license-key -`,
      'Run "node bin/tessera.js --help" for every command.',
      '',
      '',
    ].join('\n'),
  );
}

/** Writes the vendor configuration atomically (temporary file, then rename), readable by the owner only. */
function writeConfig(path: string, config: Readonly<Record<string, unknown>>): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

/** Resolves on the first SIGINT or SIGTERM, then stops listening. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
