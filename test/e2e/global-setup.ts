/**
 * Starts what the console tests drive: the local issuer (demo seed) and `tessera serve --ui`
 * on a vendor configuration pointing at it, each on a free loopback port, in a throwaway data
 * folder. What the tests need is written to `test-results/e2e-env.json`; the returned function
 * stops both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { purgeTestSecrets, testServiceName } from '../../scripts/test-secrets.js';
import { ENV_FILE, type E2eEnvironment } from './support/environment.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** Runs a Node script and resolves with its first stdout line (a JSON start line). */
async function firstLine(child: ChildProcess, what: string): Promise<string> {
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const line = await Promise.race([
    once(lines, 'line').then(([text]) => String(text)),
    once(child, 'exit').then(([code]) => {
      throw new Error(`${what} exited with ${String(code)} before it started:\n${stderr}`);
    }),
  ]);
  lines.close();
  return line;
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const home = mkdtempSync(join(tmpdir(), 'tessera-e2e-'));
  purgeTestSecrets();
  // The agent keeps its token and license keys under this run's own keychain service.
  // Removable drives appear under a mount root of the run's own (the air-gapped screens' tests mount "drives" there).
  const mediaRoot = join(home, 'media');
  mkdirSync(mediaRoot);
  const env = { ...process.env, TESSERA_HOME: home, TESSERA_KEYCHAIN_SERVICE: testServiceName('e2e'), TESSERA_MOUNT_ROOTS: mediaRoot };
  const children: ChildProcess[] = [];

  // A database file rather than memory: the admin tests age machines in it directly (an issuer
  // cannot be asked to backdate a machine), as the in-process tests do through its store.
  const database = join(home, 'issuer.db');
  const issuer = spawn(process.execPath, [join(ROOT, 'bin', 'tessera-issuer.js'), 'serve', '--seed', 'demo', '--port', '0', '--db', database], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(issuer);
  const started = JSON.parse(await firstLine(issuer, 'the local issuer')) as {
    url: string;
    account: string;
    adminToken: string;
    config: Record<string, unknown>;
    licenses: E2eEnvironment['licenses'];
  };
  const configFile = join(home, 'vendor.config.json');
  writeFileSync(configFile, JSON.stringify(started.config), { mode: 0o600 });

  const agent = spawn(process.execPath, [join(ROOT, 'bin', 'tessera.js'), 'serve', '--ui', '--port', '0', '--json', '--config', configFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(agent);
  const serving = JSON.parse(await firstLine(agent, 'tessera serve --ui')) as { url: string; tokenFile: string; loginUrl: string };

  const environment: E2eEnvironment = {
    home,
    mediaRoot,
    configFile,
    console: { url: serving.url, tokenFile: serving.tokenFile },
    issuer: { url: started.url, account: started.account, adminToken: started.adminToken, product: String(started.config.product), database },
    licenses: started.licenses,
  };
  mkdirSync(join(ROOT, 'test-results'), { recursive: true });
  writeFileSync(ENV_FILE, JSON.stringify(environment), { mode: 0o600 });

  return async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
    rmSync(home, { recursive: true, force: true });
    rmSync(ENV_FILE, { force: true });
    purgeTestSecrets({ ownedBy: process.pid });
  };
}
