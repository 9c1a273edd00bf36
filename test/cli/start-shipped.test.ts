/**
 * `tessera start` starts the embedded local issuer only when nothing at all is configured: never
 * beside a shipped vendor configuration (valid, empty or invalid), never when an override is
 * named. Runs the installed CLI from a copied package folder that ships the configuration.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCli, type InstalledCli } from '../support/installed-cli.js';

const REPOSITORY_BIN = join(import.meta.dirname, '..', '..', 'bin', 'tessera.js');

function ed25519Hex(): string {
  const der = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32).toString('hex');
}
const VENDOR = { apiUrl: 'https://licensing.vendor.example', account: 'vendor', product: null, publicKey: ed25519Hex() };

let scratch: string;
let app: InstalledCli;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'tessera-start-shipped-'));
  app = installCli(join(scratch, 'app'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `start --json --ui none` (returns at once when no issuer runs) with a fresh data folder. */
async function start(bin: string, args: readonly string[] = [], env: Record<string, string> = {}) {
  const home = mkdtempSync(join(scratch, 'home-'));
  const fullEnv: Record<string, string | undefined> = { ...process.env, TESSERA_HOME: home, TESSERA_ELECTRON_BINARY: join(scratch, 'no-electron'), ...env };
  if (env.TESSERA_CONFIG === undefined) delete fullEnv.TESSERA_CONFIG;
  const child = spawn(process.execPath, [bin, 'start', '--json', '--ui', 'none', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: fullEnv });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  // SIGTERM, not SIGKILL: a start that did run the issuer stops it on the way out.
  const timer = setTimeout(() => child.kill('SIGTERM'), 20_000);
  const [status] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { status, json: JSON.parse(stdout.split('\n')[0] ?? '') as Record<string, unknown>, issuerStarted: existsSync(join(home, 'issuer')) };
}

describe('tessera start beside a shipped vendor configuration', () => {
  it('talks to the vendor: no embedded issuer', async () => {
    app.ship(VENDOR);
    const started = await start(app.bin);
    expect(started.status).toBe(0);
    expect(started.json).toEqual({ vendor: { vendor: VENDOR.apiUrl }, ui: null });
    expect(started.issuerStarted).toBe(false);
  });

  it('an empty {} shipped is CONFIG_INVALID naming the file, and no issuer starts', async () => {
    const shipped = app.ship('{}\n');
    const started = await start(app.bin);
    expect(started.status).toBe(1);
    expect(started.json).toMatchObject({ ok: false, code: 'CONFIG_INVALID', detail: expect.stringContaining(shipped) as unknown });
    expect(started.issuerStarted).toBe(false);
  });

  it('an override with another key is CONFIG_OVERRIDE_REFUSED, and no issuer starts', async () => {
    app.ship(VENDOR);
    const override = join(scratch, 'attacker.json');
    writeFileSync(override, JSON.stringify({ ...VENDOR, publicKey: ed25519Hex() }));
    const started = await start(app.bin, [], { TESSERA_CONFIG: override });
    expect(started.status).toBe(1);
    expect(started.json).toMatchObject({ ok: false, code: 'CONFIG_OVERRIDE_REFUSED' });
    expect(started.issuerStarted).toBe(false);
  });
});

describe('tessera start in a development checkout (nothing shipped)', () => {
  it('reports a --config naming a missing file instead of starting the issuer', async () => {
    const missing = join(scratch, 'missing.json');
    const started = await start(REPOSITORY_BIN, ['--config', missing]);
    expect(started.status).toBe(1);
    expect(started.json).toMatchObject({ ok: false, code: 'CONFIG_NOT_FOUND', detail: `--config names ${missing}, which does not exist` });
    expect(started.issuerStarted).toBe(false);
  });
});
