/**
 * Runs a command line (`bin/tessera.js`, or a copy of it) as a process, as a person or a script
 * would: arguments, standard input, environment. Asynchronous, because the issuers and proxies
 * that answer it usually live in the test's own process.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';

/** What one run printed and how it ended. `status` is null when it was killed. */
export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Standard output parsed as JSON; undefined when it is not JSON. */
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- reports are checked field by field
  /** Wall time, in milliseconds. */
  readonly ms: number;
}

export interface CliRunOptions {
  /** Set on top of this process's environment; `undefined` removes a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Written to standard input, which is then closed (empty by default). */
  readonly stdin?: string;
  readonly cwd?: string;
  /** Options for Node itself, before the script (`--import`, …). */
  readonly nodeArgs?: readonly string[];
  /** SIGKILL after this many milliseconds, unless it ended first. */
  readonly killAfterMs?: number;
}

/** Starts `node <bin> <args>`; `done` resolves once it has ended and its output is read. */
export function startCli(bin: string, args: readonly string[], options: CliRunOptions = {}): { child: ChildProcessByStdio<Writable, Readable, Readable>; done: Promise<CliRun> } {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env, ...(options.cwd === undefined ? {} : { cwd: options.cwd }) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // A child killed before it reads its input closes the pipe under us: that is not an error here.
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.stdin ?? '');
  const timer = options.killAfterMs === undefined ? null : setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
  const done = once(child, 'close').then(([status]) => {
    if (timer !== null) clearTimeout(timer);
    let json: unknown;
    try {
      json = JSON.parse(stdout);
    } catch {
      json = undefined;
    }
    return { status: status as number | null, stdout, stderr, json, ms: performance.now() - started };
  });
  return { child, done };
}

/** Runs `node <bin> <args>` to its end. */
export function runCli(bin: string, args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  return startCli(bin, args, options).done;
}
