// Air-gapped fulfilment bench: `tessera fulfil FOLDER` (the whole command, start-up included) on
// 500 activation requests in one folder, as a fleet's USB stick would hold them, against the
// local issuer, in requests/s; beside the issuer's own machine-activation throughput, measured by
// issuer.bench.js in the same run. Each measurement gets a fresh issuer process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { round } from './measure.js';
import { admin, provisionFloating, startIssuer, TESSERA } from './processes.js';

const DIST = new URL('../dist/src/', import.meta.url);
const REQUESTS = 500;

/**
 * The issuer's own machine-activation throughput, measured by issuer.bench.js's own bench (POST
 * /machines with fresh fingerprints, 50 connections, 10 s, a fresh issuer) in this same run.
 */
async function activationThroughput() {
  const { benches } = await import('./issuer.bench.js');
  const records = await benches.find((bench) => bench.name === 'issuer.machine-activation').run();
  const throughput = records.find((record) => record.bench === 'issuer.machine-activation.throughput');
  if (throughput === undefined) throw new Error('issuer.machine-activation gave no throughput');
  return throughput.value;
}

/** 500 signed requests from 500 different machines, in one folder. */
async function writeRequests(folder, config) {
  const { createActivationRequest } = await import(new URL('airgap/request.js', DIST));
  const { createMemoryStore } = await import(new URL('vault/memory.store.js', DIST));
  for (let index = 0; index < REQUESTS; index += 1) {
    const fingerprint = `bench-fleet-${String(index).padStart(4, '0')}`.padEnd(64, '0');
    const machine = { describe: async () => ({ ok: true, value: { fingerprint, hostname: `node-${index}`, platform: 'linux/x64', cores: 4, memory: 8 * 2 ** 30, cpuModel: 'bench', disk: null } }) };
    const made = await createActivationRequest({ config, secrets: createMemoryStore(), machine, now: Date.now, version: 'bench' });
    if (!made.ok) throw new Error(`request ${index}: ${made.code}`);
    writeFileSync(join(folder, made.value.name), made.value.text);
  }
}

async function fulfilFolderBench() {
  const activation = await activationThroughput();
  const issuer = await startIssuer();
  const home = mkdtempSync(join(tmpdir(), 'tessera-bench-airgap-'));
  try {
    const { license } = await provisionFloating(issuer);
    const config = join(home, 'vendor.json');
    writeFileSync(config, JSON.stringify(issuer.config));
    const folder = join(home, 'stick');
    await import('node:fs/promises').then(({ mkdir }) => mkdir(folder));
    await writeRequests(folder, issuer.config);
    const env = { ...process.env, TESSERA_HOME: join(home, 'data'), TESSERA_SECRET_STORE: 'file', TESSERA_LICENSE_KEY: license.attributes.key };
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [TESSERA, 'fulfil', folder, '--config', config, '--json'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    const [code] = await once(child, 'close');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const report = JSON.parse(output);
    const succeeded = report.results.filter((result) => result.ok).length;
    if (code !== 0 || succeeded !== REQUESTS) throw new Error(`fulfil: exit ${code}, ${succeeded}/${REQUESTS} fulfilled (${JSON.stringify(report.results.find((result) => !result.ok))})`);
    const machines = await admin(issuer, 'GET', `/licenses/${license.id}/machines?page[size]=1&page[number]=1`, undefined, 200);
    if (machines.meta?.count !== undefined && machines.meta.count !== REQUESTS) throw new Error(`the issuer holds ${machines.meta.count} machines, not ${REQUESTS}`);
    const rate = REQUESTS / seconds;
    return {
      bench: 'airgap.fulfil-folder',
      value: round(rate),
      unit: 'requests/s',
      requests: REQUESTS,
      seconds: round(seconds),
      baseline: round(activation),
      ratio: round(rate / activation, 3),
      baselineName: 'issuer.machine-activation.throughput',
    };
  } finally {
    await issuer.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

export const benches = [{ name: 'airgap.fulfil-folder', run: fulfilFolderBench }];
