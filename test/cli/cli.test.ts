/** The `verify` and `fingerprint` commands, in process (captured I/O) and through bin/tessera.js. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/output.js';
import { readVector, VECTORS_DIR } from '../support/vectors.js';

const vectorPath = (dir: string, file: string): string => fileURLToPath(new URL(`${dir}/${file}`, VECTORS_DIR));
const text = (dir: string, file: string): string => readVector(dir, file).toString('utf8');
const MACHINE = 'demo-machine-python-2022';
const LICENSE = 'demo-license-node-2024';

function capture(env: Record<string, string> = {}, stdin = ''): { io: Io; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: (chunk) => (out += chunk), stderr: (chunk) => (err += chunk), env, isTty: false, readStdin: async () => stdin },
    out: () => out,
    err: () => err,
  };
}

const machineArgs = (...extra: string[]): string[] => [
  'verify',
  vectorPath(MACHINE, 'certificate.lic'),
  '--public-key',
  text(MACHINE, 'public_key_ed25519.hex'),
  '--fingerprint',
  text(MACHINE, 'fingerprint.txt'),
  ...extra,
];

describe('tessera verify', () => {
  it('prints one JSON object for a genuine machine file, with the license key masked', async () => {
    const { io, out } = capture();
    const code = await runCli(machineArgs('--license-key', text(MACHINE, 'license_key.txt'), '--now', '2022-08-01T00:00:00Z', '--json'), io);
    expect(code).toBe(0);
    const result = JSON.parse(out()) as Record<string, unknown> & { machine: { attributes: Record<string, unknown> }; license: { attributes: Record<string, unknown> } };
    expect(result).toMatchObject({ ok: true, kind: 'machine', alg: 'aes-256-gcm+ed25519', meta: { issued: '2022-07-28T14:22:23.435Z', expiry: '2022-08-28T14:22:23.435Z', ttl: 2629746 } });
    expect(result.machine.attributes.fingerprint).toBe(text(MACHINE, 'fingerprint.txt'));
    expect(out()).not.toContain(text(MACHINE, 'license_key.txt'));
    expect(String(result.license.attributes.key)).toMatch(/…/);
    expect(Array.isArray(result.included)).toBe(true);
  });

  it('reads the license key from standard input and from TESSERA_LICENSE_KEY', async () => {
    const viaStdin = capture({}, `${text(MACHINE, 'license_key.txt')}\n`);
    expect(await runCli(machineArgs('--license-key', '-', '--now', '2022-08-01T00:00:00Z'), viaStdin.io)).toBe(0);
    expect(viaStdin.out()).toContain('Genuine machine file');
    const viaEnv = capture({ TESSERA_LICENSE_KEY: text(MACHINE, 'license_key.txt') });
    expect(await runCli(machineArgs('--now', '2022-08-01T00:00:00Z'), viaEnv.io)).toBe(0);
  });

  it('exits 1 with the code, message and next step when the file is rejected', async () => {
    const json = capture();
    expect(await runCli(machineArgs('--license-key', text(MACHINE, 'license_key.txt'), '--json'), json.io)).toBe(1);
    expect(JSON.parse(json.out())).toEqual({ ok: false, code: 'LICENSE_FILE_EXPIRED', message: expect.any(String) as string });
    const human = capture();
    expect(await runCli(machineArgs('--license-key', 'wrong-key', '--now', '2022-08-01T00:00:00Z'), human.io)).toBe(1);
    expect(human.err()).toContain('Cannot decrypt the license file');
    expect(human.err()).toContain('Next step:');
  });

  it('exits 2 on usage errors, naming the problem', async () => {
    const cases: string[][] = [
      ['verify'],
      ['verify', vectorPath(MACHINE, 'certificate.lic')],
      ['verify', vectorPath(MACHINE, 'certificate.lic'), '--public-key', 'not-a-key'],
      ['verify', '/nonexistent/file.lic', '--public-key', text(MACHINE, 'public_key_ed25519.hex')],
      [...machineArgs('--now', 'yesterday')],
      [...machineArgs('--bogus')],
      ['frobnicate'],
    ];
    for (const args of cases) {
      const { io, err } = capture();
      expect(await runCli(args, io), args.join(' ')).toBe(2);
      expect(err().length, args.join(' ')).toBeGreaterThan(0);
    }
  });

  it('accepts a PEM public key file', async () => {
    const { createPublicKey } = await import('node:crypto');
    const raw = Buffer.from(text(LICENSE, 'public_key_ed25519.hex'), 'hex');
    const pem = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' });
    const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    writeFileSync(join(dir, 'key.pem'), pem);
    const { io } = capture();
    const args = ['verify', vectorPath(LICENSE, 'certificate.lic'), '--public-key', join(dir, 'key.pem'), '--license-key', text(LICENSE, 'license_key.txt'), '--now', '2024-05-01T00:00:00Z'];
    expect(await runCli(args, io)).toBe(0);
  });

  it('verifies a folder and counts rejections by code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-folder-'));
    mkdirSync(join(dir, 'nested'));
    copyFileSync(vectorPath('ee-license-valid', 'certificate.lic'), join(dir, 'valid.lic'));
    copyFileSync(vectorPath('ee-license-tampered', 'certificate.lic'), join(dir, 'nested', 'tampered.lic'));
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    writeFileSync(join(dir, 'garbage.lic'), 'garbage');
    const { io, out } = capture({ TESSERA_LICENSE_KEY: text('ee-license-valid', 'license_key.txt') });
    const code = await runCli(['verify', dir, '--public-key', text('ee-license-valid', 'public_key_ed25519.hex'), '--json'], io);
    expect(code).toBe(1);
    const summary = JSON.parse(out()) as { total: number; valid: number; byCode: Record<string, number> };
    expect(summary).toMatchObject({ total: 3, valid: 1, byCode: { LICENSE_FILE_NOT_GENUINE: 1, LICENSE_FILE_MALFORMED: 1 } });
  });

  it('has help for every command', async () => {
    for (const args of [['--help'], ['verify', '--help'], ['fingerprint', '--help'], ['start', '--help']]) {
      const { io, out } = capture();
      expect(await runCli(args, io)).toBe(0);
      expect(out()).toMatch(/Usage: tessera/);
    }
  });
});

describe('tessera fingerprint', () => {
  it('prints the fingerprint and components as JSON, without the raw machine id', async () => {
    const { io, out } = capture();
    expect(await runCli(['fingerprint', '--json'], io)).toBe(0);
    const result = JSON.parse(out()) as { ok: boolean; fingerprint: string; cores: number };
    expect(result.ok).toBe(true);
    expect(result.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(result.cores).toBeGreaterThan(0);
    const raw = readFileSync('/etc/machine-id', 'utf8').trim();
    expect(out()).not.toContain(raw);
  });
});

describe('bin/tessera.js', () => {
  const bin = fileURLToPath(new URL('../../bin/tessera.js', import.meta.url));
  const run = promisify(execFile);

  it('exits 0, 1 and 2 as documented', async () => {
    const ok = await run(process.execPath, [bin, ...machineArgs('--license-key', text(MACHINE, 'license_key.txt'), '--now', '2022-08-01T00:00:00Z', '--json')]);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, kind: 'machine' });
    await expect(run(process.execPath, [bin, ...machineArgs('--license-key', text(MACHINE, 'license_key.txt'))])).rejects.toMatchObject({ code: 1 });
    await expect(run(process.execPath, [bin, 'verify'])).rejects.toMatchObject({ code: 2 });
  });
});
