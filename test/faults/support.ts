/**
 * The fault suite's harness: a proxy between the command line and the local issuer that
 * breaks one chosen request in one chosen way, a runner for the real `tessera` command (killed
 * at a chosen instant, or with its data folder made read-only or full), and the invariants
 * every trial must keep, checked against the issuer's own list of seats:
 *
 * - the stored state loads;
 * - no seat on the server without a local record (an installed license or an activation in flight);
 * - never licensed here without a seat (the offline verdict, as the agent gives it);
 * - no license key in the secret store without a record;
 * - the exit status is the failure table's for the code printed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'vitest';
import { FAILURE_CODES, type Result } from '../../src/contract/codes.js';
import { exitCodeFor } from '../../src/contract/failures.js';
import { createFileStateStore } from '../../src/licensing/state-store.js';
import type { LicensingState } from '../../src/licensing/state.types.js';
import { createFileSecretStore } from '../../src/vault/file.store.js';
import { secretServiceName } from '../../src/vault/secret-store.js';
import type { TestIssuer } from '../issuer/support.js';
import { startCli, type CliRun } from '../support/cli-run.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tessera.js');
const FS_FAULTS = pathToFileURL(join(import.meta.dirname, 'fs-faults.mjs')).href;

/**
 * How one request is broken. `before` faults never reach the issuer; `after` ones do (the
 * issuer acts) and the answer is then lost, replaced or cut: the dangerous half, where the
 * server changed something the client does not learn about.
 */
export const FAULTS = ['reset-before', 'gateway-before', 'captive-before', 'reset-after', 'gateway-after', 'truncate-after'] as const;
export type Fault = (typeof FAULTS)[number];

/** A proxy that forwards to the issuer and breaks the request numbered `at` (0-based) of the next run. */
export interface FaultProxy {
  readonly url: string;
  /** Breaks request number `at` from now on with `fault`; null forwards everything. */
  arm(plan: { readonly at: number; readonly fault: Fault } | null): void;
  /** Requests seen since the last `arm`. */
  readonly seen: () => number;
  close(): Promise<void>;
}

const CAPTIVE_PAGE = '<!doctype html><title>Sign in to the network</title><form action="/login"><input name="room"></form>';
const GATEWAY_PAGE = '<html><body><h1>502 Bad Gateway</h1></body></html>';

export async function startFaultProxy(upstreamUrl: string): Promise<FaultProxy> {
  const upstream = new URL(upstreamUrl);
  let plan: { readonly at: number; readonly fault: Fault } | null = null;
  let count = 0;
  const sockets = new Set<Socket>();

  function forward(incoming: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const out = request(
        { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: upstream.host } },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }));
          answer.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    });
  }

  async function handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const fault = plan !== null && count === plan.at ? plan.fault : null;
    count += 1;
    const html = (status: number, page: string): void => {
      outgoing.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(page) });
      outgoing.end(page);
    };
    if (fault === 'reset-before') return void incoming.socket.destroy();
    if (fault === 'gateway-before') return html(502, GATEWAY_PAGE);
    if (fault === 'captive-before') return html(200, CAPTIVE_PAGE);
    const answer = await forward(incoming, body);
    if (fault === 'reset-after') return void incoming.socket.destroy();
    if (fault === 'gateway-after') return html(502, GATEWAY_PAGE);
    if (fault === 'truncate-after') {
      // The headers (signature included) as sent, then half the body, then the connection closes.
      outgoing.writeHead(answer.status, answer.headers);
      outgoing.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)));
      return void setImmediate(() => incoming.socket.destroy());
    }
    outgoing.writeHead(answer.status, answer.headers);
    outgoing.end(answer.body);
  }

  const server: Server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch(() => incoming.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arm(next) {
      plan = next;
      count = 0;
    },
    seen: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export type Run = CliRun;

export interface RunOptions {
  /** SIGKILL after this many milliseconds, unless it ended first. */
  readonly killAfterMs?: number;
  /** The data folder behaves as read-only or full for this run. */
  readonly disk?: 'EROFS' | 'ENOSPC';
  readonly env?: Readonly<Record<string, string>>;
}

/** A data folder, a vendor configuration pointing at `apiUrl`, and the license key to use. */
export class Machine {
  readonly root = mkdtempSync(join(tmpdir(), 'tessera-faults-'));
  readonly home = join(this.root, 'home');
  readonly config = join(this.root, 'vendor.json');

  constructor(
    vendor: object,
    private readonly licenseKey: string,
  ) {
    writeFileSync(this.config, JSON.stringify(vendor));
  }

  /** Starts `tessera <args> --config … --json` in this data folder, with the disk fault asked for. */
  spawn(args: readonly string[], options: RunOptions = {}): ReturnType<typeof startCli> {
    const env: Record<string, string> = {
      TESSERA_HOME: this.home,
      // An owner-only secrets file in this data folder: every trial's keys are inspectable and private to it.
      TESSERA_SECRET_STORE: 'file',
      TESSERA_LICENSE_KEY: this.licenseKey,
      ...options.env,
    };
    const nodeArgs: string[] = [];
    if (options.disk !== undefined) {
      nodeArgs.push('--import', FS_FAULTS);
      env.TESSERA_TEST_FS_FAULT = options.disk;
      env.TESSERA_TEST_FS_FAULT_UNDER = this.home;
    }
    return startCli(BIN, [...args, '--config', this.config, '--json'], { env, nodeArgs, ...(options.killAfterMs === undefined ? {} : { killAfterMs: options.killAfterMs }) });
  }

  run(args: readonly string[], options: RunOptions = {}): Promise<Run> {
    return this.spawn(args, options).done;
  }

  state(): Promise<Result<LicensingState>> {
    return createFileStateStore(join(this.home, 'licensing')).load();
  }

  /** The license keys kept in this data folder's secret store. */
  async keyAccounts(): Promise<string[]> {
    // The service the command line used: it inherits this process's environment.
    const service = secretServiceName(process.env);
    if (service === null) throw new Error('TESSERA_KEYCHAIN_SERVICE is not a service name');
    const listed = await createFileSecretStore({ dataFolder: this.home, service }).list();
    if (!listed.ok) throw new Error(`secret store unreadable: ${listed.code}`);
    return listed.value.filter((account) => account.startsWith('license:')).sort();
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** What the invariants found: for the trial's log and for assertions on recovery. */
export interface Observed {
  readonly state: LicensingState;
  readonly seats: readonly { readonly id: string; readonly fingerprint: string }[];
  readonly licensed: boolean;
}

/**
 * Checks the invariants after `label` and returns what it saw. `run` is the command whose
 * exit status is checked against the code it printed (null: it was killed).
 */
export async function checkInvariants(t: TestIssuer, machine: Machine, licenseId: string, label: string, run: Run | null): Promise<Observed> {
  if (run !== null && run.status !== null) {
    // The exit status is the failure table's for the code printed; a stack trace is never printed.
    const code = run.json?.code;
    if (run.status === 0) expect(run.json?.ok === false, `${label}: exit 0 with a failure: ${run.stdout}`).toBe(false);
    else {
      expect(FAILURE_CODES as readonly unknown[], `${label}: exit ${run.status} with no failure code: ${run.stdout}${run.stderr}`).toContain(code);
      expect([label, run.status]).toEqual([label, exitCodeFor(code as (typeof FAILURE_CODES)[number])]);
    }
    expect(run.stderr, `${label}: a stack trace`).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  }

  const loaded = await machine.state();
  expect(loaded.ok, `${label}: the state does not load (${loaded.ok ? '' : loaded.code})`).toBe(true);
  const state = (loaded as { ok: true; value: LicensingState }).value;
  const listed = await t.admin('GET', `/licenses/${licenseId}/machines`);
  expect(listed.status).toBe(200);
  const seats = (listed.json.data as { id: string; attributes: { fingerprint: string } }[]).map((entry) => ({ id: entry.id, fingerprint: entry.attributes.fingerprint }));

  // No seat on the server without a local record.
  expect(seats.length, `${label}: ${seats.length} seats for one machine`).toBeLessThanOrEqual(1);
  const record = state.licenses.find((entry) => entry.id === licenseId);
  const inFlight = state.activations.some((entry) => entry.licenseId === licenseId);
  for (const seat of seats) {
    const known = record?.machineId === seat.id || inFlight;
    expect(known, `${label}: seat ${seat.id} on the server, nothing about it here`).toBe(true);
  }

  // Never licensed here without a seat.
  const status = await machine.run(['status', '--offline']);
  const licensed = status.json?.licensed === true;
  expect([label, status.status]).toEqual([label, licensed ? 0 : exitCodeFor((status.json?.code ?? 'INTERNAL_ERROR') as (typeof FAILURE_CODES)[number])]);
  if (licensed) {
    expect(seats.map((seat) => seat.id), `${label}: licensed here with no seat on the server`).toEqual([record?.machineId]);
  }

  // No license key without a record (an installed license, or an activation in flight).
  const referenced = new Set<string | null>([...state.licenses.map((entry) => entry.licenseKeyRef), ...state.activations.map((entry) => entry.licenseKeyRef)]);
  for (const account of await machine.keyAccounts()) {
    // A crash between forgetting a record and deleting its key may leave one: the next run removes it.
    if (!referenced.has(account) && run !== null && run.status !== null) expect.fail(`${label}: key ${account} with no record after a run that finished`);
  }
  return { state, seats, licensed };
}

/** Counts for the closing log line of a scenario. */
export class Tally {
  private readonly counts = new Map<string, number>();
  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }
  toString(): string {
    return [...this.counts.entries()].map(([key, count]) => `${key} ${count}`).join(', ');
  }
}
