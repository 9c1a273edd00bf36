/**
 * `tessera doctor`: one line per check with its verdict and fix, `--json`, exit 0 only when no
 * check fails; in process against the local issuer, and through bin/tessera.js.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fail } from '../../src/contract/messages.js';
import { runCli } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/output.js';
import type { OpenLicensing } from '../../src/licensing/runtime.types.js';
import { createMemoryStore, type MemoryStore } from '../../src/vault/memory.store.js';
import { startTestIssuer, type TestIssuer } from '../issuer/support.js';

let t: TestIssuer;
let home: string;
beforeAll(async () => {
  t = await startTestIssuer();
  home = mkdtempSync(join(tmpdir(), 'tessera-doctor-cli-'));
});
afterAll(async () => {
  await t.close();
  rmSync(home, { recursive: true, force: true });
});

/** Runs the CLI in process with a licensing core pointed at the test issuer (or failing to open). */
async function run(argv: readonly string[], options: { secrets?: MemoryStore; apiUrl?: string; opened?: Awaited<ReturnType<OpenLicensing>>; env?: Record<string, string> } = {}) {
  let out = '';
  let err = '';
  const io: Io = { stdout: (text) => (out += text), stderr: (text) => (err += text), env: { TESSERA_HOME: home, ...options.env }, isTty: false, readStdin: async () => '' };
  let closed = 0;
  const openLicensing: OpenLicensing = async () =>
    options.opened ?? {
      ok: true,
      value: {
        manager: {} as never,
        config: { ...t.issuer.config, ...(options.apiUrl === undefined ? {} : { apiUrl: options.apiUrl }) },
        source: { kind: 'file', path: '/etc/acme/tessera.config.json' },
        dataFolder: home,
        secrets: options.secrets ?? createMemoryStore('tessera-doctor-cli'),
        secretStorage: { mode: 'keychain', filePath: join(home, 'secrets', 'secrets.json') },
        close: async () => void (closed += 1),
      },
    };
  const code = await runCli(argv, io, { openLicensing, appFolder: undefined, confirm: undefined, untilStopped: async () => {} });
  return { code, out, err, closed };
}

describe('tessera doctor', () => {
  it('prints one line per check with its verdict, then a summary, and exits 0 when nothing fails', async () => {
    const result = await run(['doctor']);
    const lines = result.out.trimEnd().split('\n');
    const checks = lines.slice(0, -1);
    expect(checks.map((line) => line.slice(0, 8))).toEqual(Array(9).fill('✔ ok    '));
    expect(checks.map((line) => line.slice(8).split(':')[0])).toEqual(['Vendor configuration', 'Keychain', 'Data folder', 'License state', 'Proxy', 'DNS', 'TCP', 'TLS', 'Clock']);
    expect(lines.at(-1)).toBe('All 9 checks passed.');
    expect(result.code).toBe(0);
    expect(result.closed).toBe(1);
  });

  it('--json prints the report', async () => {
    const result = await run(['doctor', '--json']);
    const report = JSON.parse(result.out) as { ok: boolean; checks: { id: string; verdict: string; fix: string | null; code: string | null }[] };
    expect(report.ok).toBe(true);
    expect(report.checks.map((check) => [check.id, check.verdict])).toEqual([
      ['config', 'ok'], ['keychain', 'ok'], ['data-folder', 'ok'], ['state', 'ok'], ['proxy', 'ok'], ['dns', 'ok'], ['tcp', 'ok'], ['tls', 'ok'], ['clock', 'ok'],
    ]);
  });

  it('exits 1 when a check fails, with the fix and the code on its line', async () => {
    const broken = createMemoryStore('tessera-doctor-cli');
    broken.simulateFailure('KEYCHAIN_UNAVAILABLE');
    const result = await run(['doctor'], { secrets: broken });
    expect(result.code).toBe(1);
    const keychain = result.out.split('\n').find((line) => line.includes('Keychain:')) ?? '';
    expect(keychain).toMatch(/^✘ fail {2}Keychain: .* Fix: .*TESSERA_SECRET_STORE=file.* \[KEYCHAIN_UNAVAILABLE\]$/);
    expect(result.out).toContain('1 check failed.');
  });

  it('exits 1 when the licensing server cannot be reached, the later network checks left unchecked', async () => {
    const result = await run(['doctor', '--json'], { apiUrl: 'http://127.0.0.1:1' });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as { checks: { id: string; verdict: string; code: string | null }[] };
    expect(report.checks.filter((check) => check.verdict !== 'ok').map((check) => [check.id, check.verdict, check.code])).toEqual([
      ['tcp', 'fail', 'ISSUER_UNREACHABLE'],
      ['tls', 'warn', null],
      ['clock', 'warn', null],
    ]);
  });

  it('still checks the data folder when the vendor configuration cannot be loaded', async () => {
    const result = await run(['doctor'], { opened: { ...fail('CONFIG_NOT_FOUND'), detail: '/nowhere/tessera.config.json' } as never });
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^✘ fail {2}Vendor configuration: .*\/nowhere\/tessera\.config\.json.* \[CONFIG_NOT_FOUND\]$/m);
    expect(result.out).toMatch(/^✔ ok {4}Data folder: /m);
  });

  it('never prints a proxy password', async () => {
    const result = await run(['doctor'], { env: { HTTP_PROXY: 'http://bob:hunter2-proxy@127.0.0.1:3128' } });
    expect(result.out).toContain('http://bob:•••@127.0.0.1:3128');
    expect(result.out + result.err).not.toContain('hunter2-proxy');
  });

  it('has help, and refuses arguments', async () => {
    expect((await run(['doctor', '--help'])).out).toMatch(/^Usage: tessera doctor/);
    expect((await run(['doctor', 'now'])).code).toBe(2);
  });
});

describe('bin/tessera.js doctor', () => {
  it('checks a real installation against the local issuer: a secrets file is a warning, and the exit is 0', async () => {
    const config = join(home, 'vendor.json');
    writeFileSync(config, JSON.stringify(t.issuer.config));
    const bin = fileURLToPath(new URL('../../bin/tessera.js', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'doctor', '--json', '--config', config], {
      env: { PATH: process.env.PATH ?? '', TESSERA_HOME: join(home, 'real'), TESSERA_SECRET_STORE: 'file' },
    });
    const report = JSON.parse(stdout) as { ok: boolean; checks: { id: string; verdict: string }[] };
    expect(report.ok).toBe(true);
    expect(Object.fromEntries(report.checks.map((check) => [check.id, check.verdict]))).toMatchObject({ config: 'ok', keychain: 'warn', 'data-folder': 'ok', state: 'ok', tcp: 'ok', clock: 'ok' });
  });
});
