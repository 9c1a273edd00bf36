// Issuer benches: signed validate-key and machine activation throughput and p99 latency at 50
// concurrent connections on loopback; and issuer.machine-activation.flatness, the activation
// throughput on a license that already has 10,000 machines as a fraction of the throughput on
// one that has none (target ≥ 0.85). The issuer runs as the product runs it (`tessera-issuer
// serve` in its own process, in-memory database); autocannon loads it from this process.
import autocannon from 'autocannon';
import { round } from './measure.js';
import { anotherLicense, provisionFloating, startIssuer } from './processes.js';

const CONNECTIONS = 50;
const DURATION_S = 10;
const JSON_API = 'application/vnd.api+json';

/** Runs autocannon and turns its result into bench records; any non-2xx or error fails the bench. */
async function load(name, options) {
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  return [
    { bench: `${name}.throughput`, value: round(result.requests.average), unit: 'requests/s', connections: CONNECTIONS, seconds: DURATION_S },
    { bench: `${name}.p99`, value: result.latency.p99, unit: 'ms', connections: CONNECTIONS },
  ];
}

async function validateKeyBench() {
  const issuer = await startIssuer();
  try {
    const { productId, license } = await provisionFloating(issuer);
    const url = `${issuer.url}/v1/accounts/${issuer.account}/licenses/actions/validate-key`;
    const body = JSON.stringify({ meta: { key: license.attributes.key, scope: { product: productId }, nonce: 1 } });
    const headers = { 'Content-Type': JSON_API, Accept: JSON_API };
    // One checked request first: the load must measure signed answers of the real decision.
    const probe = await fetch(url, { method: 'POST', headers, body });
    const document = await probe.json();
    if (probe.status !== 200 || probe.headers.get('keygen-signature') === null || typeof document.meta?.code !== 'string') {
      throw new Error(`validate-key probe: ${probe.status} ${JSON.stringify(document).slice(0, 300)}`);
    }
    return await load('issuer.validate-key', { url, method: 'POST', headers, body });
  } finally {
    await issuer.stop();
  }
}

/** What autocannon sends to activate machines on `license`, each with a fresh fingerprint (autocannon replaces [<id>] per request). */
function activationLoad(issuer, license, tag) {
  const url = `${issuer.url}/v1/accounts/${issuer.account}/machines`;
  const body = JSON.stringify({
    data: {
      type: 'machines',
      attributes: { fingerprint: `bench-${tag}-[<id>]`, platform: 'linux', cores: 2 },
      relationships: { license: { data: { type: 'licenses', id: license.id } } },
    },
  });
  const headers = { 'Content-Type': JSON_API, Accept: JSON_API, Authorization: `License ${license.attributes.key}` };
  return { url, method: 'POST', headers, body, idReplacement: true };
}

/** issuer.machine-activation.throughput and .p99, then .flatness on the same issuer (one bench, so that its name selects all three). */
async function activationBench() {
  const issuer = await startIssuer();
  try {
    const { policyId, license } = await provisionFloating(issuer);
    const records = await load('issuer.machine-activation', activationLoad(issuer, license, 'throughput'));
    return [...records, await flatness(issuer, policyId)];
  } finally {
    await issuer.stop();
  }
}

const FLATNESS_MACHINES = 10_000;
const FLATNESS_SECONDS = 5;

/** Activations per second on `license` for FLATNESS_SECONDS; any non-2xx fails the bench. */
async function activationRate(issuer, license, tag) {
  const result = await autocannon({ connections: CONNECTIONS, duration: FLATNESS_SECONDS, ...activationLoad(issuer, license, tag) });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`issuer.machine-activation.flatness: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  return result.requests.average;
}

/**
 * Activation throughput on a license that already has 10,000 machines (more in the second
 * round: the first adds its own), as a fraction of the throughput on licenses that start with
 * none, in the same issuer process. The two kinds of run alternate (empty, full, empty, full)
 * so that warming up and the database's growth bill both alike; each empty run uses a fresh
 * license.
 */
async function flatness(issuer, policyId) {
  const full = await anotherLicense(issuer, policyId);
  // Warm the issuer's JIT and SQLite's cache on a license of its own.
  await activationRate(issuer, await anotherLicense(issuer, policyId), 'warm');
  const seeded = await autocannon({ connections: CONNECTIONS, amount: FLATNESS_MACHINES, ...activationLoad(issuer, full, 'seed') });
  if (seeded.non2xx + seeded.errors + seeded.timeouts > 0 || seeded.requests.total !== FLATNESS_MACHINES) throw new Error('issuer.machine-activation.flatness: seeding failed');
  const empty = [];
  const loaded = [];
  for (let round = 0; round < 2; round += 1) {
    empty.push(await activationRate(issuer, await anotherLicense(issuer, policyId), `empty${round}`));
    loaded.push(await activationRate(issuer, full, `full${round}`));
  }
  const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const baseline = mean(empty);
  const value = mean(loaded);
  return {
    bench: 'issuer.machine-activation.flatness',
    value: round(value / baseline),
    unit: 'ratio',
    withMachines: FLATNESS_MACHINES,
    throughput: round(value),
    baseline: round(baseline),
    seconds: FLATNESS_SECONDS,
    connections: CONNECTIONS,
    target: 0.85,
  };
}

export const benches = [
  { name: 'issuer.validate-key', run: validateKeyBench },
  { name: 'issuer.machine-activation', run: activationBench },
];
