/**
 * `verify FOLDER` on worker threads gives the single-thread engine's verdicts, file for file;
 * the pool runs tasks on workers, and in the calling thread for one thread.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyFolderParallel } from '../../src/airgap/verify-folder-parallel.js';
import { createFilePool, filePoolFor, mapInChunks, MIN_FILES_FOR_WORKERS, workerScript } from '../../src/airgap/worker-pool.js';
import { TASKS } from '../../src/airgap/worker-tasks.js';
import { listFiles } from '../../src/airgap/list-files.js';
import { verifyFolder } from '../../src/license-file/folder.js';
import { parsePublicKey } from '../../src/license-file/public-key.js';
import { startTestIssuer, type TestIssuer } from '../issuer/support.js';

let t: TestIssuer;
let root: string;

beforeAll(async () => {
  t = await startTestIssuer({ seed: 'demo' });
  root = mkdtempSync(join(tmpdir(), 'tessera-parallel-'));
  const plain = t.issuer.licenses.find((license) => license.policy === 'Unencrypted check-out') as { id: string };
  const certificate = (await t.admin('POST', `/licenses/${plain.id}/actions/check-out`)).json.data.attributes.certificate as string;
  for (let index = 0; index < 90; index += 1) {
    const folder = join(root, `batch-${Math.floor(index / 30)}`);
    mkdirSync(folder, { recursive: true });
    // Every seventh file is tampered, every eleventh is not a certificate at all.
    const text = index % 11 === 0 ? 'not a license' : index % 7 === 0 ? certificate.replace(/\n[A-Za-z0-9+/]/, (match) => `\n${match[1] === 'A' ? 'B' : 'A'}`) : certificate;
    writeFileSync(join(folder, `file-${String(index).padStart(3, '0')}.lic`), text);
  }
  symlinkSync('/etc/hostname', join(root, 'linked.lic'));
});
afterAll(async () => {
  await t.close();
  rmSync(root, { recursive: true, force: true });
});

describe('verifying a folder on every core', () => {
  it('the compiled worker is found (dist is built before the tests)', () => {
    expect(workerScript()).toMatch(/files\.worker\.js$/);
  });

  it('gives the same verdicts as the single-thread verifier, in the same order', async () => {
    const pinned = parsePublicKey(t.issuer.config.publicKey);
    if (!pinned.ok) throw new Error('key');
    const now = Date.now();
    const single = await verifyFolder(root, pinned.value, { now, keepValues: false });
    const progress: number[] = [];
    const parallel = await verifyFolderParallel(root, t.issuer.config.publicKey, { now, threads: 2, onProgress: (done) => progress.push(done) });
    expect(parallel.total).toBe(90);
    expect(parallel.entries.map((entry) => [entry.path, entry.ok ? 'ok' : entry.code])).toEqual(single.entries.map((entry) => [entry.path, entry.ok ? 'ok' : entry.code]));
    expect(parallel.byCode).toEqual(single.byCode);
    expect(parallel.valid).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(90);
  });

  it('a pool left open never keeps a process alive (the agent must stop on SIGTERM)', () => {
    const script = `const { createFilePool } = await import(${JSON.stringify(new URL('../../dist/src/airgap/worker-pool.js', import.meta.url).href)});
const pool = createFilePool({ threads: 2 });
await pool.run('read-carried', { paths: [] });
await Promise.all([pool.run('read-carried', { paths: [] }), pool.run('read-carried', { paths: [] })]);`;
    const file = join(root, '..', `pool-left-open-${process.pid}.mjs`);
    writeFileSync(file, script);
    const child = spawnSync(process.execPath, [file], { timeout: 15_000 });
    rmSync(file, { force: true });
    expect(child.signal).toBeNull();
    expect(child.status, child.stderr.toString()).toBe(0);
  });

  it('a pool of one thread runs tasks in the calling thread; a closed pool refuses more', async () => {
    const pool = createFilePool({ threads: 1 });
    expect(pool.threads).toBe(1);
    expect(await pool.run('read-carried', { paths: [] })).toEqual([]);
    const workers = createFilePool({ threads: 2 });
    expect(workers.threads).toBe(2);
    await workers.close();
    await expect(workers.run('read-carried', { paths: [] })).rejects.toThrow('closed');
  });

  it('closing a pool fails the tasks its workers still hold, and the queued ones, instead of leaving them waiting', async () => {
    const pool = createFilePool({ threads: 2 });
    // Two tasks per worker are handed out at once; the fifth waits in the queue. None can be
    // answered yet: the workers are still starting.
    const settling = Promise.allSettled(Array.from({ length: 5 }, () => pool.run('read-carried', { paths: [] })));
    await pool.close();
    const settled = await settling;
    expect(settled.map((outcome) => (outcome.status === 'rejected' ? String(outcome.reason) : 'answered'))).toEqual(Array(5).fill('Error: the file pool is closed'));
  });

  it('a fulfilment or an import of fewer than MIN_FILES_FOR_WORKERS files runs in the calling thread; from there on, on every core', async () => {
    const small = filePoolFor(MIN_FILES_FOR_WORKERS - 1);
    const large = filePoolFor(MIN_FILES_FOR_WORKERS);
    try {
      expect(small.threads).toBe(1);
      expect(large.threads).toBe(availableParallelism());
    } finally {
      await Promise.all([small.close(), large.close()]);
    }
  });

  it('with the calling thread as one of two, tasks run there and on the worker alike, the outputs in order; a task that throws there rejects', async () => {
    const paths = await listFiles(root, { match: (name) => name.endsWith('.lic') });
    const input = (chunk: readonly string[]) => ({ root, paths: chunk, publicKey: t.issuer.config.publicKey, options: { now: Date.now(), licenseKey: null } });
    const alone = createFilePool({ threads: 1 });
    const expected = await mapInChunks(alone, 'verify-certificates', paths, 1, input);
    // The tasks the calling thread runs go through TASKS; the worker's run in its own copy.
    const inCaller = vi.spyOn(TASKS as unknown as Record<string, (input: unknown) => unknown>, 'verify-certificates');
    const pool = createFilePool({ threads: 2, caller: true });
    try {
      const outputs = await mapInChunks(pool, 'verify-certificates', paths, 1, input);
      expect(outputs).toEqual(expected);
      expect(outputs.length).toBe(paths.length);
      // The first two tasks go to the worker (waiting in its port while it starts); the caller takes the next ones.
      expect(inCaller.mock.calls.length).toBeGreaterThan(0);
      expect(inCaller.mock.calls.length).toBeLessThanOrEqual(paths.length - 2);
      inCaller.mockImplementationOnce(() => {
        throw new Error('broken task');
      });
      const runs = [0, 1, 2].map(() => pool.run('verify-certificates', input(paths.slice(0, 1))));
      const settled = await Promise.allSettled(runs);
      expect(settled.filter((outcome) => outcome.status === 'rejected').map((outcome) => String((outcome as PromiseRejectedResult).reason))).toEqual(['Error: broken task']);
    } finally {
      inCaller.mockRestore();
      await Promise.all([pool.close(), alone.close()]);
    }
  });
});
