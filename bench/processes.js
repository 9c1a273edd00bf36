// Processes the bench modules start (the issuer, the agent) and the issuer's admin API they
// provision through, shared so that every bench starts and loads them the same way.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = new URL('..', import.meta.url).pathname;
export const TESSERA = join(ROOT, 'bin', 'tessera.js');
const ISSUER = join(ROOT, 'bin', 'tessera-issuer.js');
const JSON_API = 'application/vnd.api+json';

/**
 * Starts a Node script that prints one JSON line when it is ready; resolves with that line's
 * fields, the child's `pid` and a `stop` function. Rejects when the script exits first.
 */
export async function startJson(args, env = {}) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const [line] = await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`${args[0]} exited with ${code} before it was ready`);
    }),
  ]);
  lines.close();
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  };
  return { ...JSON.parse(line), pid: child.pid, stop };
}

/** Starts `tessera-issuer serve` (in-memory database unless `args` name one) as the product runs it. */
export function startIssuer(args = ['--db', ':memory:']) {
  return startJson([ISSUER, 'serve', ...args]);
}

/** An admin request to the issuer; throws unless the status is the expected one. */
export async function admin(issuer, method, path, body, expected) {
  const response = await fetch(`${issuer.url}/v1/accounts/${issuer.account}${path}`, {
    method,
    headers: { Authorization: `Bearer ${issuer.adminToken}`, 'Content-Type': JSON_API, Accept: JSON_API },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Another license of `policyId`. */
export async function anotherLicense(issuer, policyId) {
  const license = await admin(issuer, 'POST', '/licenses', { data: { type: 'licenses', relationships: { policy: { data: { type: 'policies', id: policyId } } } } }, 201);
  return license.data;
}

/** A product, an unlimited floating policy (license keys may act on it) and one license of it. */
export async function provisionFloating(issuer) {
  const product = await admin(issuer, 'POST', '/products', { data: { type: 'products', attributes: { name: 'Bench' } } }, 201);
  const policy = await admin(
    issuer,
    'POST',
    '/policies',
    {
      data: {
        type: 'policies',
        attributes: { name: 'Bench floating', floating: true, maxMachines: null, authenticationStrategy: 'MIXED' },
        relationships: { product: { data: { type: 'products', id: product.data.id } } },
      },
    },
    201,
  );
  return { productId: product.data.id, policyId: policy.data.id, license: await anotherLicense(issuer, policy.data.id) };
}
