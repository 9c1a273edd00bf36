// License-file engine benches: one typical machine file through the full engine against the bare
// primitives it is built from, and a folder of 10,000 license files through the folder verifier,
// in the calling thread and on every core (worker threads), in the same run.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { interleaved, round } from './measure.js';

const DIST = new URL('../dist/src/license-file/', import.meta.url);
const ISSUED = Date.UTC(2025, 5, 1, 12, 0, 0);
const NOW = ISSUED + 3_600_000;
const ACCOUNT = '1fddcec8-8dd3-4d8d-9b16-215cac0f9b52';

// ---------------------------------------------------------------------------------------------
// Certificates, built the way keygen-api's checkout services build them (protocol §1.1–1.4).

const vendor = generateKeyPairSync('ed25519');
// Dashboards show the Ed25519 key as 64 hex characters: the last 32 bytes of the SPKI.
const vendorKeyHex = vendor.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');

const uuid = (label) => {
  const hex = createHash('sha256').update(label).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};
const iso = (ms) => new Date(ms).toISOString();
const stamp = { metadata: {}, created: iso(ISSUED - 86_400_000 * 90), updated: iso(ISSUED) };

function entitlements(count, seed) {
  return Array.from({ length: count }, (_, index) => ({
    id: uuid(`${seed}:entitlement:${index}`),
    type: 'entitlements',
    attributes: { name: `Feature ${index + 1}`, code: `FEATURE_${index + 1}`, metadata: {} },
  }));
}

function licenseResource(seed, key) {
  const id = uuid(`${seed}:license`);
  return {
    id,
    type: 'licenses',
    attributes: {
      name: `License ${seed}`, key, expiry: iso(ISSUED + 86_400_000 * 365), status: 'ACTIVE', uses: 0, suspended: false,
      scheme: null, encrypted: false, strict: false, floating: true, protected: true, maxMachines: 3, maxProcesses: null,
      maxCores: null, maxUses: null, requireHeartbeat: false, requireCheckIn: false, lastValidated: null, lastCheckIn: null,
      nextCheckIn: null, lastCheckOut: iso(ISSUED), ...stamp,
    },
    relationships: {
      account: { data: { type: 'accounts', id: ACCOUNT } },
      product: { data: { type: 'products', id: uuid('product') } },
      policy: { data: { type: 'policies', id: uuid('policy') } },
    },
  };
}

function certificate(kind, document, secret) {
  const payload = JSON.stringify(document);
  const key = createHash('sha256').update(secret, 'utf8').digest();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(payload, 'utf8'), cipher.final()]);
  const enc = `${ciphertext.toString('base64')}.${iv.toString('base64')}.${cipher.getAuthTag().toString('base64')}`;
  const sig = sign(null, Buffer.from(`${kind}/${enc}`), vendor.privateKey).toString('base64');
  const body = Buffer.from(JSON.stringify({ enc, sig, alg: 'aes-256-gcm+ed25519' })).toString('base64');
  const label = kind === 'machine' ? 'MACHINE' : 'LICENSE';
  return `-----BEGIN ${label} FILE-----\n${body.replace(/.{60}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label} FILE-----\n`;
}

/** A typical machine file: machine, its license and 20 entitlements, aes-256-gcm+ed25519. */
function typicalMachineFile() {
  const licenseKey = 'C1B6DE-39A6E3-DE1529-8559A0-4AF593-V3';
  const fingerprint = createHash('sha256').update('bench machine').digest('hex');
  const machineId = uuid('machine');
  const document = {
    data: {
      id: machineId,
      type: 'machines',
      attributes: {
        fingerprint, cores: 8, ip: null, hostname: 'workstation', platform: 'linux/x64', name: 'Workstation',
        requireHeartbeat: false, heartbeatStatus: 'NOT_STARTED', heartbeatDuration: 600, maxProcesses: null,
        lastCheckOut: iso(ISSUED), lastHeartbeat: null, nextHeartbeat: null, ...stamp,
      },
      relationships: { license: { data: { type: 'licenses', id: uuid('bench:license') } } },
    },
    included: [licenseResource('bench', licenseKey), ...entitlements(20, 'bench')],
    meta: { issued: iso(ISSUED), expiry: iso(ISSUED + 86_400_000 * 30), ttl: 2_629_746 },
  };
  return { bytes: Buffer.from(certificate('machine', document, licenseKey + fingerprint)), licenseKey, fingerprint };
}

// ---------------------------------------------------------------------------------------------
// Benches

async function verifyBench() {
  const { verifyLicenseFile } = await import(new URL('verify.js', DIST));
  const { parsePublicKey } = await import(new URL('public-key.js', DIST));
  const { bytes, licenseKey, fingerprint } = typicalMachineFile();
  // The pinned key is parsed once per process in the product, so once here too.
  const parsed = parsePublicKey(vendorKeyHex);
  if (!parsed.ok) throw new Error(`parsePublicKey: ${parsed.code}`);
  const options = { licenseKey, fingerprint, now: NOW };
  const check = verifyLicenseFile(bytes, parsed.value, options);
  if (!check.ok) throw new Error(`the bench certificate does not verify: ${check.code}`);

  const engine = () => verifyLicenseFile(bytes, parsed.value, options);
  // The same work with nothing but the primitives: no strictness checks, no schema, no claims.
  const publicKey = vendor.publicKey;
  const baseline = () => {
    const text = bytes.toString('latin1');
    const body = text.slice(text.indexOf('\n') + 1, text.lastIndexOf('-----END'));
    const outer = JSON.parse(Buffer.from(body, 'base64').toString('utf8'));
    const [ciphertext, iv, tag] = outer.enc.split('.');
    if (!verify(null, Buffer.from(`machine/${outer.enc}`, 'utf8'), publicKey, Buffer.from(outer.sig, 'base64'))) throw new Error('baseline: bad signature');
    const key = createHash('sha256').update(licenseKey + fingerprint, 'utf8').digest();
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return JSON.parse(Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8'));
  };

  const [value, base] = interleaved([engine, baseline], { warmupMs: 500, totalMs: 2000, rounds: 10 });
  return {
    bench: 'license-file.verify',
    value: round(value),
    unit: 'verifications/s',
    baseline: round(base),
    ratio: round(base / value, 3),
    bytes: bytes.length,
  };
}

/**
 * What this machine gives two threads right now: the speed-up of a fixed CPU-only job (Ed25519
 * verifications) on two worker threads over one. On a machine shared with other work it is
 * below 2, and it bounds any parallel figure measured in the same run.
 */
async function cpuScaling() {
  const { Worker } = await import('node:worker_threads');
  const code = `const { parentPort } = require('node:worker_threads'); const { sign, verify, generateKeyPairSync } = require('node:crypto');
const k = generateKeyPairSync('ed25519'); const msg = Buffer.alloc(2000, 1); const s = sign(null, msg, k.privateKey);
parentPort.on('message', () => { for (let i = 0; i < 3000; i++) verify(null, msg, k.publicKey, s); parentPort.postMessage(0); });`;
  const timed = async (count) => {
    const workers = Array.from({ length: count }, () => new Worker(code, { eval: true }));
    // Warm each up first: start-up is not what is measured here.
    await Promise.all(workers.map((worker) => new Promise((resolve) => (worker.once('message', resolve), worker.postMessage(1)))));
    const started = process.hrtime.bigint();
    await Promise.all(workers.map((worker) => new Promise((resolve) => (worker.once('message', resolve), worker.postMessage(1)))));
    const ns = Number(process.hrtime.bigint() - started);
    await Promise.all(workers.map((worker) => worker.terminate()));
    return ns;
  };
  const one = await timed(1);
  const two = await timed(2);
  return (2 * one) / two;
}

const FOLDER_FILES = 10_000;
const keyForName = (name) => `TESSERA-${name.replace(/\.lic$/, '')}-V3`;

async function verifyFolderBench() {
  let folder;
  try {
    folder = await import(new URL('folder.js', DIST));
  } catch (error) {
    return { bench: 'license-file.verify-folder', skipped: `dist/src/license-file/folder.js not available: ${error.message}` };
  }
  const { parsePublicKey } = await import(new URL('public-key.js', DIST));
  const parsed = parsePublicKey(vendorKeyHex);
  if (!parsed.ok) throw new Error(`parsePublicKey: ${parsed.code}`);

  const root = mkdtempSync(join(tmpdir(), 'tessera-bench-folder-'));
  try {
    // 10,000 different, valid license files, 100 per sub-folder, each encrypted to its own key.
    const sharedEntitlements = entitlements(3, 'folder');
    for (let index = 0; index < FOLDER_FILES; index += 1) {
      const directory = join(root, `batch-${String(Math.floor(index / 100)).padStart(3, '0')}`);
      if (index % 100 === 0) mkdirSync(directory);
      const name = `license-${String(index).padStart(5, '0')}.lic`;
      const licenseKey = keyForName(name);
      const document = {
        data: licenseResource(`folder-${index}`, licenseKey),
        included: sharedEntitlements,
        meta: { issued: iso(ISSUED), expiry: iso(ISSUED + 86_400_000 * 365), ttl: 31_556_952 },
      };
      writeFileSync(join(directory, name), certificate('license', document, licenseKey));
    }

    const options = { now: NOW, keepValues: false, licenseKeyFor: (path) => keyForName(basename(path)) };
    const runs = [];
    for (let run = 0; run < 2; run += 1) {
      globalThis.gc?.();
      const started = process.hrtime.bigint();
      const summary = await folder.verifyFolder(root, parsed.value, options);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (summary.total !== FOLDER_FILES || summary.valid !== FOLDER_FILES) {
        throw new Error(`verifyFolder: ${summary.valid}/${summary.total} valid (${JSON.stringify(summary.byCode)})`);
      }
      runs.push(FOLDER_FILES / seconds);
    }
    // The same folder on every core (worker threads, one per core), measured in this same run.
    const { verifyFolderParallel } = await import(new URL('../airgap/verify-folder-parallel.js', DIST));
    const { availableParallelism } = await import('node:os');
    const licenseKeys = {};
    for (const batch of readdirSync(root)) for (const name of readdirSync(join(root, batch))) licenseKeys[join(root, batch, name)] = keyForName(name);
    const parallelRuns = [];
    for (let run = 0; run < 2; run += 1) {
      globalThis.gc?.();
      const started = process.hrtime.bigint();
      const summary = await verifyFolderParallel(root, vendorKeyHex, { now: NOW, licenseKeys });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (summary.total !== FOLDER_FILES || summary.valid !== FOLDER_FILES) {
        throw new Error(`verifyFolderParallel: ${summary.valid}/${summary.total} valid (${JSON.stringify(summary.byCode)})`);
      }
      parallelRuns.push(FOLDER_FILES / seconds);
    }
    // The first run also pays for JIT warm-up (and worker start-up); the steady state is the better of the two.
    const single = Math.max(...runs);
    const parallel = Math.max(...parallelRuns);
    const scaling = await cpuScaling();
    return [
      { bench: 'license-file.verify-folder', value: round(single), unit: 'files/s', files: FOLDER_FILES, first: round(runs[0]) },
      {
        bench: 'license-file.verify-folder.parallel',
        value: round(parallel),
        unit: 'files/s',
        files: FOLDER_FILES,
        threads: availableParallelism(),
        first: round(parallelRuns[0]),
        baseline: round(single),
        ratio: round(parallel / single, 3),
        cpuScaling: round(scaling, 3),
      },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export const benches = [
  { name: 'license-file.verify', run: verifyBench },
  { name: 'license-file.verify-folder', run: verifyFolderBench },
];
