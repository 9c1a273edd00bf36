// Licensing benches, through the real CLI as a user runs it:
// - activation.requests: HTTP requests a first activation makes (target 3: validate, activate,
//   check-out), counted by a pass-through proxy in front of the issuer;
// - cli.status-cold: wall time of `tessera status --json` on a licensed machine with the
//   issuer stopped (decided offline), against bare `node -e 0` in the same run (target ratio ≤ 2).
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { round } from './measure.js';
import { startIssuer as serveIssuer, TESSERA } from './processes.js';

const RUNS = 15;

const startIssuer = () => serveIssuer(['--db', ':memory:', '--seed', 'demo']);

/** Forwards every request unchanged to `target` and counts them. */
async function countingProxy(target) {
  const upstream = new URL(target);
  let count = 0;
  const server = createServer((req, res) => {
    count += 1;
    const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    take: () => {
      const taken = count;
      count = 0;
      return taken;
    },
    listening: () => server.listening,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Runs the CLI without blocking this process, which hosts the counting proxy. */
async function tessera(args, env) {
  const child = spawn(process.execPath, [TESSERA, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [status] = await once(child, 'close');
  return { status, stdout, stderr };
}

function wallMs(args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited with ${result.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function licensingBench() {
  const home = mkdtempSync(join(tmpdir(), 'tessera-bench-home-'));
  const issuer = await startIssuer();
  const proxy = await countingProxy(issuer.url);
  try {
    const configPath = join(home, 'vendor.json');
    writeFileSync(configPath, JSON.stringify({ ...issuer.config, apiUrl: proxy.url }));
    const env = { TESSERA_HOME: home, TESSERA_LICENSE_KEY: issuer.licenses.find((license) => license.policy === 'Node-locked').key };

    proxy.take();
    const activated = await tessera(['activate', '--config', configPath, '--json'], env);
    const requests = proxy.take();
    if (activated.status !== 0) throw new Error(`activate failed (${activated.status}): ${activated.stdout}${activated.stderr}`);

    // Offline: nothing listens at the configured address any more.
    await issuer.stop();
    await proxy.close();
    const status = await tessera(['status', '--config', configPath, '--json'], env);
    const report = JSON.parse(status.stdout);
    if (status.status !== 0 || report.licensed !== true || report.source !== 'offline') {
      throw new Error(`status is not licensed offline (${status.status}): ${status.stdout}${status.stderr}`);
    }

    // Interleave the two so that drift on the machine hits both alike.
    const statusArgs = [TESSERA, 'status', '--config', configPath, '--json'];
    const cold = [];
    const bare = [];
    Object.assign(process.env, env);
    for (let run = 0; run < RUNS; run += 1) {
      bare.push(wallMs(['-e', '0']));
      cold.push(wallMs(statusArgs));
    }
    const statusMs = median(cold);
    const baselineMs = median(bare);
    return [
      { bench: 'activation.requests', value: requests, unit: 'requests', target: 3 },
      { bench: 'cli.status-cold', value: round(statusMs), unit: 'ms', baseline: round(baselineMs), ratio: round(statusMs / baselineMs, 3), runs: RUNS },
    ];
  } finally {
    if (proxy.listening()) await proxy.close();
    await issuer.stop();
    delete process.env.TESSERA_HOME;
    delete process.env.TESSERA_LICENSE_KEY;
    rmSync(home, { recursive: true, force: true });
  }
}

export const benches = [{ name: 'licensing', run: licensingBench }];
