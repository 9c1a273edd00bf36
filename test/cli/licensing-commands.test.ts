/**
 * The licensing commands in process, against a fake licensing core that records its calls and
 * returns canned answers: output for people and --json, exit codes 0/1/2/3, confirmation
 * rules, how license keys are taken in, and that a key never comes out.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILURE_CODES, type FailureCode, type Result, type Success } from '../../src/contract/codes.js';
import { FAILURES } from '../../src/contract/failures.js';
import type { KeygenAdminClient, PacedDeactivation } from '../../src/keygen/client.types.js';
import { fail, messageFor } from '../../src/contract/messages.js';
import { MAX_CERTIFICATE_BYTES } from '../../src/license-file/types.js';
import type { InstalledLicense, LicenseManager, Seat, StatusReport } from '../../src/licensing/manager.types.js';
import type { OpenLicensing, OpenOptions } from '../../src/licensing/runtime.types.js';
import { notActivatedReport } from '../../src/licensing/status.js';
import { runCli } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/output.js';
import { createMemoryStore, type MemoryStore } from '../../src/vault/memory.store.js';
import { startTestIssuer, type TestIssuer } from '../issuer/support.js';
import { TEST_SERVICE } from '../support/keychain.js';

const KEY = 'C1B6DE-39A6E3-DE1529-8559A0-4AF593-V3';
const TOKEN = 'admin-1f0e9d8c7b6a5f4e3d2c1b0a99887766v3';
const FINGERPRINT = '4f1c7e0b9a2d3c5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6';
const LICENSE_ID = '9b0c3f4e-2a1d-4c5b-8e7f-6a5b4c3d2e1f';

const LICENSED: StatusReport = {
  licensed: true,
  code: 'VALID',
  message: 'The license is valid.',
  summary: 'Licensed offline until 1 Feb 2030 (machine file); check in by 15 Jan 2030.',
  source: 'online',
  license: {
    id: LICENSE_ID,
    name: 'Acme Studio Pro',
    keyHint: 'C1B6DE…V3',
    status: 'ACTIVE',
    expiry: '2031-01-01T00:00:00.000Z',
    policy: { id: 'policy-1', name: 'Node-locked' },
    product: { id: 'product-1', name: 'Acme Studio' },
    entitlements: ['EXPORT_PDF', 'SYNC'],
    machine: { id: 'machine-1', name: 'build-box', fingerprint: FINGERPRINT },
  },
  fileExpiry: '2030-02-01T00:00:00.000Z',
  lastCheckIn: '2030-01-01T00:00:00.000Z',
  nextCheckIn: '2030-01-15T00:00:00.000Z',
  basis: null,
  warnings: [{ code: 'CHECK_IN_OVERDUE', message: 'Check in before 2030-01-15.', at: '2030-01-15T00:00:00.000Z' }],
};

const NOT_LICENSED: StatusReport = notActivatedReport();

const INSTALLED: InstalledLicense = {
  id: LICENSE_ID,
  kind: 'machine',
  source: 'activation',
  label: null,
  pinned: false,
  active: true,
  licensed: true,
  code: 'VALID',
  license: LICENSED.license,
  fileExpiry: '2030-02-01T00:00:00.000Z',
  installedAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-02T00:00:00.000Z',
};

const IMPORTED: InstalledLicense = { ...INSTALLED, id: 'aa11bb22-0000-4000-8000-000000000002', kind: 'license', source: 'import', active: false, licensed: false, code: 'LICENSE_FILE_EXPIRED' };

const seat = (id: string, current = false): Seat => ({
  id,
  fingerprint: FINGERPRINT,
  name: `host-${id}`,
  hostname: null,
  platform: 'linux',
  heartbeatStatus: 'NOT_STARTED',
  lastHeartbeat: null,
  lastCheckOut: null,
  lastValidated: null,
  lastSeen: '2030-01-01T00:00:00.000Z',
  created: '2030-01-01T00:00:00.000Z',
  current,
});

const ok = <T>(value: T): Success<T> => ({ ok: true, value });

interface Call {
  readonly method: keyof LicenseManager;
  readonly args: readonly unknown[];
}

/** A license manager that records every call and answers as told (licensed by default). */
function fakeManager(overrides: Partial<LicenseManager>, calls: Call[]): LicenseManager {
  const defaults: LicenseManager = {
    activate: async () => ok(LICENSED),
    status: async () => LICENSED,
    checkIn: async () => ok(LICENSED),
    renew: async () => ok(LICENSED),
    deactivate: async () => ok({ licenseId: LICENSE_ID, machineId: 'machine-1' }),
    heartbeat: async () => ok({ sent: false }),
    importFile: async () => ok(IMPORTED),
    installed: async () => ok({ data: [INSTALLED], next: null }),
    dismissNotices: async () => ok(undefined),
    get: async (id) => (id === INSTALLED.id ? ok(INSTALLED) : fail('LICENSE_NOT_INSTALLED')),
    update: async () => ok(INSTALLED),
    remove: async () => ({ ok: true, value: undefined }),
    seats: async () => ok({ data: [seat('seat-1', true), seat('seat-2')], next: null }),
    deactivateSeats: async (_credentials, ids, onProgress) => {
      ids.forEach((_id, index) => onProgress?.(index + 1, ids.length));
      return ok({ deactivated: [...ids], alreadyGone: [], failed: [], notAttempted: [], stopped: null });
    },
    seatAccess: async (credentials) =>
      ok({ credentials: 'licenseKey' in credentials ? { kind: 'license-key', key: credentials.licenseKey } : { kind: 'token', token: 'adminToken' in credentials ? credentials.adminToken : '' }, licenseId: LICENSE_ID, fingerprint: FINGERPRINT }),
    seatsDeactivated: async () => undefined,
  };
  const merged = { ...defaults, ...overrides };
  const recorded = {} as Record<keyof LicenseManager, unknown>;
  for (const method of Object.keys(merged) as (keyof LicenseManager)[]) {
    const implementation = merged[method] as (...args: unknown[]) => unknown;
    recorded[method] = (...args: unknown[]) => {
      calls.push({ method, args });
      return implementation(...args);
    };
  }
  return recorded as unknown as LicenseManager;
}

interface RunOptions {
  readonly manager?: Partial<LicenseManager>;
  readonly env?: Record<string, string>;
  readonly stdin?: string;
  readonly isTty?: boolean;
  readonly confirm?: ((question: string) => Promise<boolean>) | undefined;
  readonly opened?: Awaited<ReturnType<OpenLicensing>>;
  /** serve: runs once the agent listens, with what was printed so far; serve stops when it resolves. */
  readonly whileServing?: (printed: string) => Promise<void>;
  readonly secrets?: MemoryStore;
  readonly dataFolder?: string;
  /** A warning the licensing core gives while it opens (secrets kept in a file). */
  readonly warning?: string;
  /** What the administrator commands' client answers to each deactivation. */
  readonly deactivation?: (id: string) => PacedDeactivation;
}

const NO_HINT = { limit: null, remaining: null, resetAtMs: null, retryAfterMs: null };

/** The administrator commands' API client: deactivations answered by `answer`; nothing else is reached in these tests. */
function fakeAdminClient(answer: (id: string) => PacedDeactivation = () => ({ kind: 'deactivated' })): KeygenAdminClient {
  const unreachable = async () => fail('ISSUER_UNREACHABLE');
  return {
    me: unreachable,
    license: unreachable,
    licenses: unreachable,
    policies: unreachable,
    licenseMachines: unreachable,
    deactivatePaced: async (id) => ({ outcome: answer(id), hint: NO_HINT }),
  };
}

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly calls: Call[];
  readonly opens: OpenOptions[];
  readonly closes: number;
  readonly json: () => Record<string, unknown>;
  readonly called: (method: keyof LicenseManager) => Call[];
}

async function run(argv: readonly string[], options: RunOptions = {}): Promise<Run> {
  let out = '';
  let err = '';
  let closes = 0;
  const calls: Call[] = [];
  const opens: OpenOptions[] = [];
  const io: Io = {
    stdout: (text) => (out += text),
    stderr: (text) => (err += text),
    env: options.env ?? {},
    isTty: options.isTty ?? false,
    readStdin: async () => options.stdin ?? '',
  };
  const openLicensing: OpenLicensing = async (open) => {
    opens.push(open);
    if (options.warning !== undefined) open.warn?.(options.warning);
    if (options.opened !== undefined) return options.opened;
    return ok({
      manager: fakeManager(options.manager ?? {}, calls),
      config: { apiUrl: 'http://127.0.0.1:1', account: 'demo', product: null, publicKey: 'a'.repeat(64) },
      source: { kind: 'file', path: '/etc/tessera.config.json' },
      dataFolder: options.dataFolder ?? scratch,
      secrets: createMemoryStore(),
      secretStorage: { mode: 'keychain', filePath: '/nonexistent/tessera/secrets/secrets.json' },
      close: async () => {
        closes += 1;
      },
    });
  };
  const context = {
    openLicensing,
    appFolder: '/opt/acme',
    confirm: options.confirm,
    agentSecrets: () => options.secrets ?? createMemoryStore(),
    // Only serve waits to be stopped; a bulk deactivation listening for Ctrl-C must not hear one.
    untilStopped: options.whileServing === undefined ? () => new Promise<void>(() => undefined) : async () => options.whileServing?.(out),
    adminClient: fakeAdminClient(options.deactivation),
  };
  const code = await runCli(argv, io, context);
  return {
    code,
    out,
    err,
    calls,
    opens,
    closes,
    json: () => JSON.parse(out) as Record<string, unknown>,
    called: (method) => calls.filter((call) => call.method === method),
  };
}

const failing = (code: FailureCode) => async () => fail(code);

/** The data folder of the fake cores (the audit log lands there). */
const scratch = mkdtempSync(join(tmpdir(), 'tessera-cli-commands-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('tessera status', () => {
  it('describes a licensed machine for people, with the fingerprint shortened, and exits 0', async () => {
    const result = await run(['status']);
    expect(result.code).toBe(0);
    // The first line says what the verdict rests on and until when.
    expect(result.out.split('\n')[0]).toBe('✔ Licensed offline until 1 Feb 2030 (machine file); check in by 15 Jan 2030.');
    expect(result.called('status')[0]?.args).toEqual([{ online: true }]);
    for (const text of ['Licensed', 'Acme Studio Pro', 'Node-locked', '2031-01-01T00:00:00.000Z', 'EXPORT_PDF, SYNC', 'build-box', FINGERPRINT.slice(0, 12), '2030-01-01T00:00:00.000Z', '2030-01-15T00:00:00.000Z', 'Check in before 2030-01-15.', 'C1B6DE…V3']) {
      expect(result.out).toContain(text);
    }
    expect(result.out).not.toContain(FINGERPRINT);
    expect(result.err).toBe('');
    expect(result.closes).toBe(1);
  });

  it('prints the report as is with --json, and answers offline with --offline', async () => {
    const result = await run(['status', '--json', '--offline']);
    expect(result.code).toBe(0);
    expect(result.json()).toEqual(LICENSED);
    expect(result.called('status')[0]?.args).toEqual([{ online: false }]);
  });

  it('exits 1 when not licensed, with the reason, the next step and the code', async () => {
    const human = await run(['status'], { manager: { status: async () => NOT_LICENSED } });
    expect(human.code).toBe(1);
    expect(human.out).toContain('Not licensed');
    expect(human.err).toContain(messageFor('NOT_ACTIVATED').action);
    expect(human.err).toContain('NOT_ACTIVATED');
    const json = await run(['status', '--json'], { manager: { status: async () => NOT_LICENSED } });
    expect(json.code).toBe(1);
    expect(json.json()).toEqual(NOT_LICENSED);
  });

  it('exits 3 when the answer is that the licensing server could not be reached', async () => {
    const unreachable: StatusReport = { ...NOT_LICENSED, code: 'ISSUER_UNREACHABLE', message: messageFor('ISSUER_UNREACHABLE').message };
    expect((await run(['status'], { manager: { status: async () => unreachable } })).code).toBe(3);
  });

  it('passes --config, the environment and the app folder to the licensing core', async () => {
    const env = { TESSERA_HOME: '/tmp/home' };
    const result = await run(['status', '--config', '/etc/acme/tessera.config.json'], { env });
    expect(result.opens).toEqual([{ configPath: '/etc/acme/tessera.config.json', env, appFolder: '/opt/acme', warn: expect.any(Function) }]);
    // Warnings from the core (secrets kept in a file) reach standard error, never standard output.
    const warned = await run(['status', '--json'], { warning: '⚠ kept in a file\n' });
    expect(warned.err).toContain('⚠ kept in a file');
    expect(warned.out).not.toContain('kept in a file');
    expect((await run(['status', '--config', ''])).code).toBe(2);
  });

  it('reports a configuration that cannot be loaded with its next step, exit 1', async () => {
    const human = await run(['status', '--config', '/missing.json'], { opened: fail('CONFIG_NOT_FOUND') });
    expect(human.code).toBe(1);
    expect(human.err).toContain(messageFor('CONFIG_NOT_FOUND').message);
    expect(human.err).toContain(`Next step: ${messageFor('CONFIG_NOT_FOUND').action}`);
    const json = await run(['status', '--json'], { opened: fail('CONFIG_INVALID') });
    expect(json.code).toBe(1);
    expect(json.json()).toEqual({ ok: false, code: 'CONFIG_INVALID', message: messageFor('CONFIG_INVALID').message });
  });

  it('closes the licensing core even when a command throws', async () => {
    let closed = false;
    const openLicensing: OpenLicensing = async () =>
      ok({
        manager: fakeManager({ status: async () => Promise.reject(new Error('bug')) }, []),
        config: { apiUrl: 'http://127.0.0.1:1', account: 'demo', product: null, publicKey: 'a'.repeat(64) },
        source: { kind: 'file', path: '/x' },
        dataFolder: '/tmp',
        secrets: createMemoryStore(),
        secretStorage: { mode: 'keychain', filePath: '/tmp/secrets/secrets.json' },
        close: async () => {
          closed = true;
        },
      });
    let err = '';
    const io: Io = { stdout: () => undefined, stderr: (text) => (err += text), env: {}, isTty: false, readStdin: async () => '' };
    expect(await runCli(['status'], io, { openLicensing })).toBe(1);
    expect(err).toContain('Code: INTERNAL_ERROR');
    expect(closed).toBe(true);
  });
});

describe('tessera activate', () => {
  it('activates with a key on the command line, warns that it is visible, and never prints it', async () => {
    const result = await run(['activate', KEY]);
    expect(result.code).toBe(0);
    expect(result.called('activate')[0]?.args).toEqual([KEY]);
    expect(result.err).toMatch(/visible to other users/);
    expect(result.out).toContain('This machine is activated');
    expect(result.out).toContain('Acme Studio Pro');
    expect(`${result.out}${result.err}`).not.toContain(KEY);
  });

  it('reads the key from standard input with "-", trimmed, without the warning', async () => {
    const result = await run(['activate', '-', '--json'], { stdin: `  ${KEY}\n` });
    expect(result.code).toBe(0);
    expect(result.called('activate')[0]?.args).toEqual([KEY]);
    expect(result.err).toBe('');
    expect(result.json()).toEqual({ ok: true, status: LICENSED });
  });

  it('takes the key from TESSERA_LICENSE_KEY when none is given', async () => {
    const result = await run(['activate'], { env: { TESSERA_LICENSE_KEY: KEY } });
    expect(result.code).toBe(0);
    expect(result.called('activate')[0]?.args).toEqual([KEY]);
    expect(result.err).not.toMatch(/visible/);
  });

  it('exits 2 without a key, with an empty or malformed key, or with two keys, before opening anything', async () => {
    for (const [argv, stdin] of [[['activate'], ''], [['activate', '-'], '\n'], [['activate', `${KEY} extra`], ''], [['activate', KEY, KEY], ''], [['activate', '--bogus'], '']] as const) {
      const result = await run(argv, { stdin });
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.opens, argv.join(' ')).toEqual([]);
      expect(result.err, argv.join(' ')).toContain('tessera activate:');
      expect(`${result.out}${result.err}`).not.toContain(KEY);
    }
  });

  it('exits 1 on a refusal with the code, message and next step (and the JSON failure)', async () => {
    const human = await run(['activate', '-'], { stdin: KEY, manager: { activate: failing('NOT_FOUND') } });
    expect(human.code).toBe(1);
    expect(human.err).toContain(messageFor('NOT_FOUND').title);
    expect(human.err).toContain(messageFor('NOT_FOUND').action);
    expect(human.err).toContain('Code: NOT_FOUND');
    const json = await run(['activate', '-', '--json'], { stdin: KEY, manager: { activate: failing('TOO_MANY_MACHINES') } });
    expect(json.code).toBe(1);
    expect(json.json()).toEqual({ ok: false, code: 'TOO_MANY_MACHINES', message: messageFor('TOO_MANY_MACHINES').message });
  });

  it('exits 3 when the licensing server is unreachable or rate limiting', async () => {
    for (const code of ['ISSUER_UNREACHABLE', 'ISSUER_RATE_LIMITED'] as const) {
      const result = await run(['activate', '-', '--json'], { stdin: KEY, manager: { activate: failing(code) } });
      expect(result.code, code).toBe(3);
      expect(result.json()).toMatchObject({ ok: false, code });
    }
  });

  it('masks the key even when a message from the core repeats it', async () => {
    const echoing = async (): Promise<Result<StatusReport>> => ({ ok: false, code: 'REQUEST_REFUSED', message: `license ${KEY} refused` });
    for (const argv of [['activate', KEY], ['activate', KEY, '--json']]) {
      const result = await run(argv, { manager: { activate: echoing } });
      expect(result.code).toBe(1);
      expect(`${result.out}${result.err}`).toContain('C1B6DE…V3');
      expect(`${result.out}${result.err}`).not.toContain(KEY);
    }
  });

  it('exits 1 when activation succeeds but the license does not grant use', async () => {
    const missing: StatusReport = { ...LICENSED, licensed: false, code: 'ENTITLEMENTS_MISSING', message: messageFor('ENTITLEMENTS_MISSING').message };
    const result = await run(['activate', '-'], { stdin: KEY, manager: { activate: async () => ok(missing) } });
    expect(result.code).toBe(1);
    expect(result.out).not.toContain('This machine is activated');
    expect(result.err).toContain('ENTITLEMENTS_MISSING');
  });
});

describe('tessera check-in and renew', () => {
  it('check-in prints the fresh status and exits 0', async () => {
    const human = await run(['check-in']);
    expect(human.code).toBe(0);
    expect(human.called('checkIn')).toHaveLength(1);
    expect(human.out).toContain('Checked in');
    expect(human.out).toContain('Next check-in: 2030-01-15T00:00:00.000Z');
    const json = await run(['check-in', '--json']);
    expect(json.json()).toEqual({ ok: true, status: LICENSED });
  });

  it('check-in exits 1 when not required and 3 when unreachable', async () => {
    const refused = await run(['check-in', '--json'], { manager: { checkIn: failing('CHECK_IN_NOT_REQUIRED') } });
    expect(refused.code).toBe(1);
    expect(refused.json()).toMatchObject({ ok: false, code: 'CHECK_IN_NOT_REQUIRED' });
    expect((await run(['check-in'], { manager: { checkIn: failing('ISSUER_UNREACHABLE') } })).code).toBe(3);
    expect((await run(['check-in', 'now'])).code).toBe(2);
  });

  it('renew prints the fresh status, and its refusals', async () => {
    const human = await run(['renew']);
    expect(human.code).toBe(0);
    expect(human.called('renew')).toHaveLength(1);
    expect(human.out).toContain('License file renewed');
    const json = await run(['renew', '--json'], { manager: { renew: failing('SUSPENDED') } });
    expect(json.code).toBe(1);
    expect(json.json()).toEqual({ ok: false, code: 'SUSPENDED', message: messageFor('SUSPENDED').message });
    expect((await run(['renew'], { manager: { renew: failing('ISSUER_RATE_LIMITED') } })).code).toBe(3);
  });

  it('exits 3, not 1, when the licensing server keeps failing, something else answered, or TLS failed', async () => {
    for (const code of ['ISSUER_ERROR', 'ISSUER_ANSWER_UNVERIFIABLE', 'TLS_CERTIFICATE_UNTRUSTED', 'TLS_HANDSHAKE_FAILED'] as const) {
      const result = await run(['renew', '--json'], { manager: { renew: failing(code) } });
      expect([code, result.code]).toEqual([code, 3]);
      expect(result.json()).toMatchObject({ ok: false, code });
    }
  });

  it('exits with the failure table\'s code for every failure', async () => {
    const mismatches: string[] = [];
    for (const code of FAILURE_CODES) {
      const result = await run(['renew', '--json'], { manager: { renew: failing(code) } });
      if (result.code !== FAILURES[code].exit) mismatches.push(`${code}: ${result.code}`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('errors escaping a command', () => {
  /** An error as node:fs throws it. */
  const fsError = (code: string, syscall: string, path: string): Error => Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path });
  const throwing = (error: unknown) => async (): Promise<never> => {
    throw error;
  };

  it('reports a file-system error as its code with the next step, never a stack trace (exit 1)', async () => {
    const cases: [string, string, string][] = [
      ['EROFS', 'DATA_FOLDER_READ_ONLY', 'rename'],
      ['EACCES', 'DATA_FOLDER_READ_ONLY', 'open'],
      ['ENOSPC', 'DISK_FULL', 'write'],
      ['EISDIR', 'DATA_FOLDER_UNUSABLE', 'read'],
      ['ENOTDIR', 'DATA_FOLDER_UNUSABLE', 'mkdir'],
    ];
    for (const [errno, code, syscall] of cases) {
      const error = fsError(errno, syscall, '/data/tessera/licensing/state.json');
      const human = await run(['status', '--offline'], { manager: { status: throwing(error) } });
      expect([errno, human.code]).toEqual([errno, 1]);
      expect(human.err).toContain(`${messageFor(code as FailureCode).title}: ${messageFor(code as FailureCode).message}`);
      expect(human.err).toContain(`Next step: ${messageFor(code as FailureCode).action}`);
      expect(human.err).toContain(`Details: ${errno} (${syscall} /data/tessera/licensing/state.json)`);
      expect(human.err).toContain(`Code: ${code}`);
      expect(human.err).not.toMatch(/^\s+at /m);
      const json = await run(['status', '--offline', '--json'], { manager: { status: throwing(error) } });
      expect(json.code).toBe(1);
      expect(json.json()).toEqual({ ok: false, code, message: messageFor(code as FailureCode).message, detail: `${errno} (${syscall} /data/tessera/licensing/state.json)` });
    }
  });

  it('reports a bug as one short internal error, with the stack only when TESSERA_DEBUG=1, and never its message', async () => {
    const bug = new TypeError(`cannot read properties of undefined (key ${KEY})`);
    const quiet = await run(['renew'], { manager: { renew: throwing(bug) } });
    expect(quiet.code).toBe(1);
    expect(quiet.err).toContain(`${messageFor('INTERNAL_ERROR').title}: ${messageFor('INTERNAL_ERROR').message}`);
    expect(quiet.err).toContain('Details: TypeError');
    expect(quiet.err).toContain('TESSERA_DEBUG=1');
    expect(quiet.err).not.toContain(KEY);
    expect(quiet.err).not.toMatch(/^\s+at /m);
    const json = await run(['renew', '--json'], { manager: { renew: throwing(bug) } });
    expect(json.json()).toEqual({ ok: false, code: 'INTERNAL_ERROR', message: messageFor('INTERNAL_ERROR').message, detail: 'TypeError' });

    const debug = await run(['renew'], { manager: { renew: throwing(bug) }, env: { TESSERA_DEBUG: '1' } });
    expect(debug.code).toBe(1);
    expect(debug.err).toMatch(/^\s+at /m);
  });
});

describe('tessera deactivate', () => {
  it('is a usage error without --yes when there is no terminal, and touches nothing', async () => {
    const result = await run(['deactivate'], { isTty: false, confirm: async () => true });
    expect(result.code).toBe(2);
    expect(result.err).toContain('--yes');
    expect(result.opens).toEqual([]);
    // A terminal for output but none to ask on is the same.
    expect((await run(['deactivate'], { isTty: true, confirm: undefined })).code).toBe(2);
  });

  it('asks on a terminal, naming the license, and deactivates when confirmed', async () => {
    const questions: string[] = [];
    const result = await run(['deactivate'], { isTty: true, confirm: async (question) => (questions.push(question), true) });
    expect(result.code).toBe(0);
    expect(questions).toHaveLength(1);
    expect(questions[0]).toContain('Acme Studio Pro');
    expect(result.called('status')[0]?.args).toEqual([{ online: false }]);
    expect(result.called('deactivate')).toHaveLength(1);
    expect(result.out).toContain('deactivated');
  });

  it('changes nothing and exits 1 when the answer is no', async () => {
    const result = await run(['deactivate'], { isTty: true, confirm: async () => false });
    expect(result.code).toBe(1);
    expect(result.called('deactivate')).toEqual([]);
    expect(result.err).toContain('nothing was changed');
  });

  it('does not ask with --yes, on a terminal or not, and prints JSON', async () => {
    let asked = false;
    const result = await run(['deactivate', '--yes', '--json'], { isTty: true, confirm: async () => (asked = true) });
    expect(asked).toBe(false);
    expect(result.code).toBe(0);
    expect(result.json()).toEqual({ ok: true, licenseId: LICENSE_ID, machineId: 'machine-1' });
    expect((await run(['deactivate', '-y'], { isTty: false })).code).toBe(0);
  });

  it('exits 3 when offline and 1 when nothing is activated', async () => {
    const offline = await run(['deactivate', '--yes'], { manager: { deactivate: failing('OFFLINE_DEACTIVATION_UNAVAILABLE') } });
    expect(offline.code).toBe(3);
    expect(offline.err).toContain(messageFor('OFFLINE_DEACTIVATION_UNAVAILABLE').action);
    const none = await run(['deactivate', '--yes', '--json'], { manager: { deactivate: failing('NOT_ACTIVATED') } });
    expect(none.code).toBe(1);
    expect(none.json()).toMatchObject({ ok: false, code: 'NOT_ACTIVATED' });
  });
});

describe('tessera import', () => {
  const folder = mkdtempSync(join(tmpdir(), 'tessera-import-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const certificate = '-----BEGIN LICENSE FILE-----\neyJlbmMiOiIuLi4ifQ==\n-----END LICENSE FILE-----\n';
  const file = join(folder, 'license.lic');
  writeFileSync(file, certificate);

  it('imports a file with the key from standard input', async () => {
    const result = await run(['import', file, '--license-key', '-'], { stdin: `${KEY}\n` });
    expect(result.code).toBe(0);
    expect(result.called('importFile')[0]?.args).toEqual([certificate, { licenseKey: KEY }]);
    expect(result.out).toContain('Imported');
    expect(result.out).toContain(IMPORTED.id);
    expect(result.err).toBe('');
  });

  it('imports without a key, prints JSON, and takes the key from TESSERA_LICENSE_KEY', async () => {
    const json = await run(['import', file, '--json']);
    expect(json.called('importFile')[0]?.args).toEqual([certificate, undefined]);
    expect(json.json()).toEqual({ ok: true, license: IMPORTED });
    const env = await run(['import', file], { env: { TESSERA_LICENSE_KEY: KEY } });
    expect(env.called('importFile')[0]?.args).toEqual([certificate, { licenseKey: KEY }]);
  });

  it('reads the file from standard input with "-", warning about a key on the command line', async () => {
    const result = await run(['import', '-', '--license-key', KEY], { stdin: certificate });
    expect(result.code).toBe(0);
    expect(result.called('importFile')[0]?.args).toEqual([certificate, { licenseKey: KEY }]);
    expect(result.err).toMatch(/visible to other users/);
    expect(`${result.out}${result.err}`).not.toContain(KEY);
    expect((await run(['import', '-', '--license-key', '-'])).code).toBe(2);
  });

  it('exits 1 on a refused file, and refuses an oversized file without reading it into the core', async () => {
    const refused = await run(['import', file, '--json'], { manager: { importFile: failing('LICENSE_KEY_REQUIRED') } });
    expect(refused.code).toBe(1);
    expect(refused.json()).toMatchObject({ ok: false, code: 'LICENSE_KEY_REQUIRED' });
    const large = join(folder, 'large.lic');
    writeFileSync(large, Buffer.alloc(MAX_CERTIFICATE_BYTES + 1, 0x41));
    const tooLarge = await run(['import', large]);
    expect(tooLarge.code).toBe(1);
    expect(tooLarge.err).toContain(messageFor('LICENSE_FILE_TOO_LARGE').title);
    expect(tooLarge.calls).toEqual([]);
  });

  it('exits 2 on a missing file or no file (folders and several files are imported file by file: test/airgap)', async () => {
    for (const argv of [['import', join(folder, 'missing.lic')], ['import']]) {
      const result = await run(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.calls).toEqual([]);
    }
  });
});

describe('tessera licenses', () => {
  it('lists every installed license across pages, for people and as JSON', async () => {
    const pages = async (page?: { after?: string; limit?: number }) =>
      ok(page?.after === undefined ? { data: [INSTALLED], next: INSTALLED.id } : { data: [IMPORTED], next: null });
    const human = await run(['licenses', 'list'], { manager: { installed: pages } });
    expect(human.code).toBe(0);
    expect(human.called('installed')).toHaveLength(2);
    expect(human.called('installed')[1]?.args[0]).toMatchObject({ after: INSTALLED.id });
    expect(human.out).toMatch(new RegExp(`\\*\\s+${INSTALLED.id}`));
    expect(human.out).toContain(IMPORTED.id);
    expect(human.out).toContain('LICENSE_FILE_EXPIRED');
    expect(human.out).toContain('2 installed');
    const json = await run(['licenses', 'list', '--json'], { manager: { installed: pages } });
    expect(json.json()).toEqual({ ok: true, data: [INSTALLED, IMPORTED] });
  });

  it('says when nothing is installed', async () => {
    const result = await run(['licenses', 'list'], { manager: { installed: async () => ok({ data: [], next: null }) } });
    expect(result.code).toBe(0);
    expect(result.out).toContain('No license is installed');
  });

  it('shows one license, and exits 1 for an unknown id', async () => {
    const human = await run(['licenses', 'show', INSTALLED.id]);
    expect(human.code).toBe(0);
    expect(human.out).toContain('Acme Studio Pro');
    expect(human.out).toContain('active');
    expect((await run(['licenses', 'show', INSTALLED.id, '--json'])).json()).toEqual({ ok: true, license: INSTALLED });
    const unknown = await run(['licenses', 'show', 'aa11bb22-0000-4000-8000-00000000dead', '--json']);
    expect(unknown.code).toBe(1);
    expect(unknown.json()).toMatchObject({ ok: false, code: 'LICENSE_NOT_INSTALLED' });
  });

  it('removes a license locally', async () => {
    const human = await run(['licenses', 'remove', INSTALLED.id]);
    expect(human.code).toBe(0);
    expect(human.called('remove')[0]?.args).toEqual([INSTALLED.id]);
    expect(human.out).toContain('not told');
    expect((await run(['licenses', 'remove', INSTALLED.id, '--json'])).json()).toEqual({ ok: true, id: INSTALLED.id });
    expect((await run(['licenses', 'remove', INSTALLED.id], { manager: { remove: failing('LICENSE_NOT_INSTALLED') } })).code).toBe(1);
  });

  it('exits 2 on a missing or unknown subcommand, a missing or malformed id, never echoing the id', async () => {
    for (const argv of [['licenses'], ['licenses', 'purge'], ['licenses', 'show'], ['licenses', 'remove', 'a', 'b'], ['licenses', 'show', KEY.replace(/-/g, ' ')], ['licenses', 'show', '../x']]) {
      const result = await run(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.calls).toEqual([]);
      expect(result.err).not.toContain('C1B6DE 39A6E3');
    }
  });
});

describe('tessera seats', () => {
  it('lists seats with the license key from standard input, page and size, marking this machine', async () => {
    const result = await run(['seats', 'list', '--license', '-', '--page', '2', '--size', '50'], { stdin: KEY });
    expect(result.code).toBe(0);
    expect(result.called('seats')[0]?.args).toEqual([{ licenseKey: KEY }, { number: 2, size: 50 }]);
    expect(result.out).toMatch(/\*\s+seat-1/);
    expect(result.out).toContain('host-seat-2');
    expect(result.out).toContain(FINGERPRINT.slice(0, 12));
    expect(result.out).not.toContain(FINGERPRINT);
    expect(`${result.out}${result.err}`).not.toContain(KEY);
  });

  it('prints JSON with the cursor, and the next page hint for people', async () => {
    const paged = { seats: async () => ok({ data: [seat('seat-1')], next: 'page-2' }) };
    const json = await run(['seats', 'list', '--json'], { env: { TESSERA_LICENSE_KEY: KEY }, manager: paged });
    expect(json.json()).toEqual({ ok: true, data: [seat('seat-1')], next: 'page-2' });
    expect(json.called('seats')[0]?.args).toEqual([{ licenseKey: KEY }, {}]);
    const human = await run(['seats', 'list'], { env: { TESSERA_LICENSE_KEY: KEY }, manager: paged });
    expect(human.out).toContain('tessera seats list --page 2');
  });

  it('uses an admin token from the environment with --license-id, never printing it', async () => {
    const result = await run(['seats', 'list', '--license-id', LICENSE_ID], {
      env: { TESSERA_ADMIN_TOKEN: TOKEN },
      manager: { seats: async () => ({ ok: false, code: 'TOKEN_INVALID', message: `token ${TOKEN} is invalid` }) },
    });
    expect(result.called('seats')[0]?.args[0]).toEqual({ adminToken: TOKEN, licenseId: LICENSE_ID });
    expect(result.code).toBe(1);
    expect(`${result.out}${result.err}`).not.toContain(TOKEN);
  });

  it('warns about a key on the command line', async () => {
    const result = await run(['seats', 'list', '--license', KEY]);
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/visible to other users/);
    expect(`${result.out}${result.err}`).not.toContain(KEY);
  });

  it('exits 2 without credentials (ADMIN_CREDENTIALS_REQUIRED) and on bad options', async () => {
    const none = await run(['seats', 'list', '--json']);
    expect(none.code).toBe(2);
    expect(none.json()).toMatchObject({ ok: false, code: 'ADMIN_CREDENTIALS_REQUIRED' });
    expect(none.opens).toEqual([]);
    // --license-id without a token uses the signed-in one: none here.
    const unsigned = await run(['seats', 'list', '--license-id', LICENSE_ID, '--json']);
    expect(unsigned.code).toBe(1);
    expect(unsigned.json()).toMatchObject({ ok: false, code: 'ADMIN_SIGN_IN_REQUIRED' });
    const cases: [string[], Record<string, string>][] = [
      [['seats', 'list', '--license-id', LICENSE_ID, '--admin-token', TOKEN], {}],
      [['seats', 'list', '--license', KEY, '--admin-token', '-'], {}],
      [['seats', 'list', '--format', 'xml'], { TESSERA_LICENSE_KEY: KEY }],
      [['seats', 'list', '--output', 'x.csv'], { TESSERA_LICENSE_KEY: KEY }],
      [['seats', 'list', '--all', '--page', '2'], { TESSERA_LICENSE_KEY: KEY }],
      [['seats', 'list', '--stale', 'old'], { TESSERA_LICENSE_KEY: KEY }],
      [['seats', 'deactivate', 'seat-1', '--all'], { TESSERA_LICENSE_KEY: KEY }],
      [['seats', 'deactivate', 'seat-1', '-'], { TESSERA_LICENSE_KEY: KEY }],
      [['seats', 'list'], { TESSERA_ADMIN_TOKEN: TOKEN }],
      [['seats', 'list', '--license', KEY, '--license-id', LICENSE_ID], { TESSERA_ADMIN_TOKEN: TOKEN }],
      [['seats', 'list', '--size', '101'], { TESSERA_LICENSE_KEY: KEY }],
      [['seats', 'list', '--page', '0'], { TESSERA_LICENSE_KEY: KEY }],
      [['seats', 'list', '--page', 'two'], { TESSERA_LICENSE_KEY: KEY }],
      [['seats', 'deactivate'], { TESSERA_LICENSE_KEY: KEY }],
      [['seats', 'deactivate', 'seat-1', '--page', '2'], { TESSERA_LICENSE_KEY: KEY }],
      [['seats', 'deactivate', 'seat 1'], { TESSERA_LICENSE_KEY: KEY }],
      [['seats'], { TESSERA_LICENSE_KEY: KEY }],
      [['seats', 'evict'], { TESSERA_LICENSE_KEY: KEY }],
    ];
    for (const [argv, env] of cases) {
      const result = await run(argv, { env });
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.calls, argv.join(' ')).toEqual([]);
      expect(`${result.out}${result.err}`).not.toContain(KEY);
      expect(`${result.out}${result.err}`).not.toContain(TOKEN);
    }
  });

  it('deactivates several seats, with progress on stderr only on a terminal', async () => {
    const tty = await run(['seats', 'deactivate', 'seat-1', 'seat-2', 'seat-1', '--license', '-'], { stdin: KEY, isTty: true });
    expect(tty.code).toBe(0);
    expect(tty.called('seatAccess')[0]?.args).toEqual([{ licenseKey: KEY }]);
    expect(tty.called('seatsDeactivated')[0]?.args).toEqual([['seat-1', 'seat-2']]);
    expect(tty.err).toContain('2/2');
    expect(tty.out).toContain('2 deactivated, 0 already gone, 0 failed.');
    const piped = await run(['seats', 'deactivate', 'seat-1', '--license', '-'], { stdin: KEY, isTty: false });
    expect(piped.err).toBe('');
    const json = await run(['seats', 'deactivate', 'seat-1', '--license', '-', '--json'], { stdin: KEY, isTty: true });
    expect(json.err).toBe('');
    expect(json.json()).toEqual({ ok: true, deactivated: ['seat-1'], alreadyGone: [], failed: [], notAttempted: [], stopped: null });
  });

  it('reads seat ids from standard input: the JSON of seats list, or plain ids', async () => {
    const listed = JSON.stringify({ kind: 'seats', license: LICENSE_ID, count: 2, data: [seat('seat-1'), seat('seat-2')] });
    const fromJson = await run(['seats', 'deactivate', '-', '--json'], { stdin: listed, env: { TESSERA_LICENSE_KEY: KEY } });
    expect(fromJson.json()).toMatchObject({ ok: true, deactivated: ['seat-1', 'seat-2'] });
    const fromLines = await run(['seats', 'deactivate', '-', '--json'], { stdin: 'seat-3\nseat-4, seat-3\n', env: { TESSERA_LICENSE_KEY: KEY } });
    expect(fromLines.json()).toMatchObject({ ok: true, deactivated: ['seat-3', 'seat-4'] });
    // Standard input can carry the ids or a secret, not both.
    expect((await run(['seats', 'deactivate', '-', '--license', '-'], { stdin: 'seat-1' })).code).toBe(2);
    expect((await run(['seats', 'deactivate', '-'], { stdin: '  ', env: { TESSERA_LICENSE_KEY: KEY } })).code).toBe(2);
  });

  it('counts a seat already gone as done, and exits 1 when some seats fail, 3 when every failure is an unreachable server', async () => {
    const gone = await run(['seats', 'deactivate', 'seat-1', 'seat-2', '--json'], { env: { TESSERA_LICENSE_KEY: KEY }, deactivation: (id) => (id === 'seat-2' ? { kind: 'gone' } : { kind: 'deactivated' }) });
    expect(gone.code).toBe(0);
    expect(gone.json()).toMatchObject({ ok: true, deactivated: ['seat-1'], alreadyGone: ['seat-2'], failed: [] });
    const partial = (id: string): PacedDeactivation => (id === 'seat-2' ? { kind: 'failed', failure: fail('ACCESS_DENIED') } : { kind: 'deactivated' });
    const some = await run(['seats', 'deactivate', 'seat-1', 'seat-2', '--json'], { env: { TESSERA_LICENSE_KEY: KEY }, deactivation: partial });
    expect(some.code).toBe(1);
    expect(some.json()).toMatchObject({ ok: false, deactivated: ['seat-1'], failed: [{ id: 'seat-2', code: 'ACCESS_DENIED', message: messageFor('ACCESS_DENIED').message }] });
    const human = await run(['seats', 'deactivate', 'seat-1', 'seat-2'], { env: { TESSERA_LICENSE_KEY: KEY }, deactivation: partial });
    expect(human.out).toContain('✘ seat-2');
    const down = await run(['seats', 'deactivate', 'seat-1'], { env: { TESSERA_LICENSE_KEY: KEY }, deactivation: () => ({ kind: 'failed', failure: fail('ISSUER_UNREACHABLE') }) });
    expect(down.code).toBe(3);
    const refused = await run(['seats', 'deactivate', 'seat-1'], { env: { TESSERA_LICENSE_KEY: KEY }, manager: { seatAccess: failing('LICENSE_INVALID') } });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('Code: LICENSE_INVALID');
  });
});

describe('every licensing command', () => {
  const commands = ['activate', 'status', 'check-in', 'renew', 'deactivate', 'import', 'licenses', 'seats', 'serve'];

  it('has help that names --json and --config, and is listed in the main help', async () => {
    const main = await run(['--help']);
    for (const name of commands) {
      const result = await run([name, '--help']);
      expect(result.code, name).toBe(0);
      expect(result.out, name).toContain(`Usage: tessera ${name}`);
      expect(result.out, name).toContain('--json');
      expect(result.out, name).toContain('--config FILE');
      expect(result.opens).toEqual([]);
      expect(main.out).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    }
    expect(main.out).toMatch(/^ {2}verify\b/m);
  });

  it('rejects unknown options with exit 2', async () => {
    for (const name of commands) {
      const result = await run([name, '--frobnicate'], { env: { TESSERA_LICENSE_KEY: KEY } });
      expect(result.code, name).toBe(2);
      expect(result.err, name).toContain(`tessera ${name}:`);
    }
  });

  it('never prints the license key in full, whatever the command and output mode', async () => {
    const echo = `key ${KEY}`;
    const refused = { ok: false, code: 'REQUEST_REFUSED', message: echo } as const;
    // A core that repeats the key in every message: the CLI still masks it.
    const manager: Partial<LicenseManager> = {
      status: async () => ({ ...NOT_LICENSED, code: 'NOT_FOUND', message: echo }),
      checkIn: async () => refused,
      activate: async () => refused,
      importFile: async () => refused,
      seats: async () => refused,
      deactivateSeats: async () => refused,
      seatAccess: async () => refused,
    };
    for (const argv of [['status'], ['status', '--json'], ['check-in'], ['check-in', '--json'], ['activate', KEY], ['import', '-'], ['seats', 'list'], ['seats', 'deactivate', 'seat-1']]) {
      const result = await run(argv, { env: { TESSERA_LICENSE_KEY: KEY }, manager, stdin: 'not a certificate' });
      expect(`${result.out}${result.err}`, argv.join(' ')).not.toContain(KEY);
      expect(`${result.out}${result.err}`, argv.join(' ')).toContain('C1B6DE…V3');
    }
  });
});

describe('tessera serve', () => {
  const home = mkdtempSync(join(tmpdir(), 'tessera-serve-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('starts the agent on 127.0.0.1 with a token file, answers with the token only, and stops cleanly', async () => {
    const secrets = createMemoryStore();
    let seen: { url: string; tokenFile: string; port: number } | null = null;
    const result = await run(['serve', '--port', '0', '--json'], {
      dataFolder: home,
      secrets,
      whileServing: async (printed) => {
        seen = JSON.parse(printed) as { url: string; tokenFile: string; port: number };
        const token = readFileSync(seen.tokenFile, 'utf8').trim();
        expect(statSync(seen.tokenFile).mode & 0o077).toBe(0);
        expect((await secrets.get('agent-token')).ok).toBe(true);
        expect(printed).not.toContain(token);
        const anonymous = await fetch(`${seen.url}/v1/license/check`);
        expect(anonymous.status).toBe(401);
        const authorised = await fetch(`${seen.url}/v1/license/check`, { headers: { Authorization: `Bearer ${token}` } });
        expect(authorised.status).toBe(200);
        expect(await authorised.json()).toBe(true);
      },
    });
    expect(result.code).toBe(0);
    expect(seen).not.toBeNull();
    const { url, port } = seen as unknown as { url: string; port: number };
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(result.called('status')[0]?.args).toEqual([{ online: false }]);
    expect(result.closes).toBe(1);
    // Stopped: the port no longer answers.
    await expect(fetch(`${url}/v1/license/check`)).rejects.toThrow();
  });

  it('prints the address and the token file for people, never the token', async () => {
    let token = '';
    const result = await run(['serve', '--port', '0'], {
      dataFolder: home,
      whileServing: async (printed) => {
        token = readFileSync(join(home, 'agent', 'token'), 'utf8').trim();
        expect(printed).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
        expect(printed).toContain(join(home, 'agent', 'token'));
      },
    });
    expect(result.code).toBe(0);
    expect(token).not.toBe('');
    expect(result.out).not.toContain(token);
  });

  it('exits 1 when the keychain is unavailable or the port is taken', async () => {
    const locked = createMemoryStore();
    locked.simulateFailure('KEYCHAIN_UNAVAILABLE');
    const keychain = await run(['serve', '--port', '0', '--json'], { dataFolder: home, secrets: locked, whileServing: async () => expect.fail('must not start') });
    expect(keychain.code).toBe(1);
    expect(keychain.json()).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE' });

    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as { port: number }).port;
      const taken = await run(['serve', '--port', String(port)], { dataFolder: home, whileServing: async () => expect.fail('must not start') });
      expect(taken.code).toBe(1);
      expect(taken.err).toContain('already in use');
      expect(taken.closes).toBe(1);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it("documents the agent's default port", async () => {
    const { DEFAULT_AGENT_PORT } = await import('../../src/agent/server.js');
    expect((await run(['serve', '--help'])).out).toContain(`default: ${DEFAULT_AGENT_PORT};`);
  });

  it('validates --port before opening anything', async () => {
    for (const port of ['70000', 'http', '-1']) {
      const result = await run(['serve', '--port', port]);
      expect(result.code, port).toBe(2);
      expect(result.opens).toEqual([]);
    }
  });
});

describe('with the real licensing core and the local issuer (no keychain needed)', () => {
  let t: TestIssuer;
  let home: string;
  let config: string;
  beforeAll(async () => {
    t = await startTestIssuer({ seed: 'demo' });
    home = mkdtempSync(join(tmpdir(), 'tessera-cli-e2e-'));
    config = join(home, 'vendor.json');
    // This vendor lets a license file (not bound to a machine) license a machine offline.
    writeFileSync(config, JSON.stringify({ ...t.issuer.config, offline: { licenseFiles: 'always' } }));
  });
  afterAll(async () => {
    await t.close();
    rmSync(home, { recursive: true, force: true });
  });

  const demo = (policy: string) => {
    const license = t.issuer.licenses.find((candidate) => candidate.policy === policy);
    if (license === undefined) throw new Error(`no demo license for ${policy}`);
    return license;
  };

  /** `runCli` with the default context: the real `openLicensing`, loaded lazily. */
  async function real(argv: readonly string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
    let out = '';
    let err = '';
    const io: Io = {
      stdout: (text) => (out += text),
      stderr: (text) => (err += text),
      // The run's own keychain service; secrets in the owner-only file, so no keychain is needed.
      env: { TESSERA_HOME: home, TESSERA_KEYCHAIN_SERVICE: TEST_SERVICE, TESSERA_SECRET_STORE: 'file', ...options.env },
      isTty: false,
      readStdin: async () => options.stdin ?? '',
    };
    const code = await runCli([...argv, '--config', config], io);
    return { code, out, err, json: () => JSON.parse(out) as Record<string, unknown> };
  }

  it('reports a fresh machine as not activated (exit 1), and configuration problems with their detail', async () => {
    const fresh = await real(['status', '--json']);
    expect(fresh.code).toBe(1);
    expect(fresh.json()).toMatchObject({ licensed: false, code: 'NOT_ACTIVATED', license: null });

    let out = '';
    const io: Io = { stdout: (text) => (out += text), stderr: () => undefined, env: { TESSERA_HOME: home, TESSERA_KEYCHAIN_SERVICE: TEST_SERVICE, TESSERA_SECRET_STORE: 'file' }, isTty: false, readStdin: async () => '' };
    expect(await runCli(['status', '--json', '--config', join(home, 'missing.json')], io)).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ ok: false, code: 'CONFIG_NOT_FOUND', detail: expect.stringContaining('missing.json') as string });
    out = '';
    writeFileSync(join(home, 'broken.json'), '{"apiUrl": 3}');
    expect(await runCli(['status', '--json', '--config', join(home, 'broken.json')], io)).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ ok: false, code: 'CONFIG_INVALID' });
  });

  it('imports a license file, lists, shows and removes it, and status follows', async () => {
    const license = demo('Unencrypted check-out');
    const checkout = await t.request('GET', `/licenses/${license.id}/actions/check-out?include=entitlements`, { auth: `License ${license.key}` });
    expect(checkout.status).toBe(200);
    const file = join(home, 'license.lic');
    writeFileSync(file, checkout.text);

    const imported = await real(['import', file, '--json']);
    expect(imported.code).toBe(0);
    expect(imported.json()).toMatchObject({ ok: true, license: { id: license.id, kind: 'license', source: 'import', licensed: true } });
    const listed = await real(['licenses', 'list', '--json']);
    expect((listed.json().data as { id: string }[]).map((entry) => entry.id)).toEqual([license.id]);
    const status = await real(['status', '--offline']);
    expect(status.code).toBe(0);
    expect(status.out).toContain('Licensed');
    expect(status.out).toContain('CORE, OFFLINE');
    expect((await real(['licenses', 'show', license.id])).out).toContain(license.id);

    expect((await real(['licenses', 'remove', license.id])).code).toBe(0);
    expect((await real(['licenses', 'show', license.id, '--json'])).json()).toMatchObject({ ok: false, code: 'LICENSE_NOT_INSTALLED' });
    expect((await real(['status', '--offline'])).code).toBe(1);
  });

  it('refuses a tampered license file (exit 1) and stores nothing', async () => {
    const license = demo('Unencrypted check-out');
    const checkout = await t.request('GET', `/licenses/${license.id}/actions/check-out`, { auth: `License ${license.key}` });
    const lines = checkout.text.split('\n');
    // Flip one character of the base64 body: the signature no longer matches.
    lines[1] = `${lines[1]?.[0] === 'A' ? 'B' : 'A'}${lines[1]?.slice(1) ?? ''}`;
    const file = join(home, 'tampered.lic');
    writeFileSync(file, lines.join('\n'));
    const result = await real(['import', file, '--json']);
    expect(result.code).toBe(1);
    expect(result.json()).toMatchObject({ ok: false });
    expect((await real(['licenses', 'list', '--json'])).json()).toEqual({ ok: true, data: [] });
  });

  it('lists and deactivates seats with the license key from stdin or an admin token, never printing either', async () => {
    const license = demo('Floating (3 seats)');
    const created = await t.request('POST', '/machines', {
      auth: `License ${license.key}`,
      body: {
        data: {
          type: 'machines',
          attributes: { fingerprint: 'cli-e2e-seat', platform: 'linux', hostname: 'cli-e2e-host', cores: 2 },
          relationships: { license: { data: { type: 'licenses', id: license.id } } },
        },
      },
    });
    expect(created.status, created.text).toBe(201);
    const seatId = created.json.data.id as string;

    const byKey = await real(['seats', 'list', '--license', '-'], { stdin: `${license.key}\n` });
    expect(byKey.code).toBe(0);
    expect(byKey.out).toContain(seatId);
    expect(byKey.out).toContain('cli-e2e-host');
    const byToken = await real(['seats', 'list', '--license-id', license.id, '--json'], { env: { TESSERA_ADMIN_TOKEN: t.issuer.adminToken } });
    expect(byToken.code).toBe(0);
    expect((byToken.json().data as { id: string; current: boolean }[]).map((entry) => [entry.id, entry.current])).toEqual([[seatId, false]]);

    const removed = await real(['seats', 'deactivate', seatId, '--license', '-', '--json'], { stdin: license.key });
    expect(removed.code).toBe(0);
    expect(removed.json()).toEqual({ ok: true, deactivated: [seatId], alreadyGone: [], failed: [], notAttempted: [], stopped: null });
    expect((await real(['seats', 'list', '--license', '-', '--json'], { stdin: license.key })).json()).toEqual({ ok: true, data: [], next: null, total: 0 });
    // Again: the seat already gone counts as done.
    const again = await real(['seats', 'deactivate', seatId, '--license', '-', '--json'], { stdin: license.key });
    expect(again.code).toBe(0);
    expect(again.json()).toMatchObject({ ok: true, deactivated: [], alreadyGone: [seatId] });

    for (const result of [byKey, byToken, removed]) {
      expect(`${result.out}${result.err}`).not.toContain(license.key);
      expect(`${result.out}${result.err}`).not.toContain(t.issuer.adminToken);
    }
  });

  it('exits 1 for an unknown key and 3 when the licensing server cannot be reached', async () => {
    const unknown = await real(['seats', 'list', '--license', '-', '--json'], { stdin: 'UNKNOWN-0000-0000-0000-V3' });
    expect(unknown.code).toBe(1);
    expect(unknown.json()).toMatchObject({ ok: false, code: 'NOT_FOUND' });

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const offlineConfig = join(home, 'offline.json');
    writeFileSync(offlineConfig, JSON.stringify({ ...t.issuer.config, apiUrl: `http://127.0.0.1:${port}` }));
    let out = '';
    const io: Io = { stdout: (text) => (out += text), stderr: () => undefined, env: { TESSERA_HOME: home, TESSERA_KEYCHAIN_SERVICE: TEST_SERVICE, TESSERA_SECRET_STORE: 'file' }, isTty: false, readStdin: async () => demo('Floating (3 seats)').key };
    expect(await runCli(['seats', 'list', '--license', '-', '--json', '--config', offlineConfig], io)).toBe(3);
    expect(JSON.parse(out)).toMatchObject({ ok: false, code: 'ISSUER_UNREACHABLE' });
  });
});
