/**
 * A small pool of worker threads for CPU-bound file work (verifying folders of license files,
 * reading and checking a stick full of requests): one worker per core, tasks queued and handed
 * to whichever worker is free. Where the compiled worker is not available (a test running the
 * sources before a build) or only one core is, tasks run in the calling thread instead, with
 * the same results.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TASKS, type TaskInput, type TaskName, type TaskOutput } from './worker-tasks.js';

/** Runs tasks of worker-tasks.ts, on worker threads when it can. */
export interface FilePool {
  /** How many tasks run at once (1 in the calling thread). */
  readonly threads: number;
  run<N extends TaskName>(task: N, input: TaskInput<N>): Promise<TaskOutput<N>>;
  /** Stops the workers; tasks still queued reject. Idempotent. */
  close(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The compiled worker: beside this module in dist/src/airgap, or reached from the CLI bundle
 * (dist/cli, dist/cli/chunks), or from the sources (src/airgap → dist/src/airgap). Null when
 * none exists.
 */
export function workerScript(): string | null {
  const candidates = [
    join(here, 'files.worker.js'),
    join(here, '..', 'src', 'airgap', 'files.worker.js'),
    join(here, '..', '..', 'src', 'airgap', 'files.worker.js'),
    join(here, '..', '..', 'dist', 'src', 'airgap', 'files.worker.js'),
  ];
  return candidates.find((path) => existsSync(path)) ?? null;
}

/** The calling thread as a pool of one: for small jobs, one core, or no compiled worker. */
function inThreadPool(): FilePool {
  return {
    threads: 1,
    async run(task, input) {
      // Let other work (a progress bar, a server) run between tasks.
      await new Promise((resolve) => setImmediate(resolve));
      return (TASKS[task] as (input: unknown) => TaskOutput<typeof task>)(input);
    },
    close: async () => undefined,
  };
}

interface Pending {
  readonly id: number;
  readonly task: TaskName;
  readonly input: unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Fewer files than this are read and checked in the calling thread: a worker takes about 100 ms
 * to start and load the checks, while a request or receipt takes about 0.2 ms to read and check.
 * Measured on two cores: 500 requests took 115 ms in the calling thread against 205 ms on two
 * workers, 2,000 took 387 ms against 423–464 ms; more cores move the break-even lower.
 */
export const MIN_FILES_FOR_WORKERS = 1000;

/** A pool for a run over `files` files: workers only when there are enough files to pay for their start. */
export function filePoolFor(files: number): FilePool {
  return createFilePool(files < MIN_FILES_FOR_WORKERS ? { threads: 1 } : {});
}

/**
 * A pool of `threads` workers (default: one per core), each loading the `preload` tasks' code
 * as it starts. With one thread, or without the compiled worker, the tasks run in the calling
 * thread. Workers are unref'd: a pool left open never keeps a process alive.
 */
export function createFilePool(options: { readonly threads?: number; readonly preload?: readonly TaskName[] } = {}): FilePool {
  const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  const script = threads > 1 ? workerScript() : null;
  if (script === null) return inThreadPool();

  const idle: Worker[] = [];
  const busy = new Map<Worker, Pending>();
  const queue: Pending[] = [];
  let nextId = 1;
  let closed = false;

  const dispatch = (): void => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop() as Worker;
      const job = queue.shift() as Pending;
      busy.set(worker, job);
      worker.ref();
      worker.postMessage({ id: job.id, task: job.task, input: job.input });
    }
  };

  const workers = Array.from({ length: threads }, () => {
    const worker = new Worker(script, { workerData: { preload: options.preload ?? [] } });
    worker.on('message', (message: { id: number; ok: boolean; value?: unknown; error?: string }) => {
      const job = busy.get(worker);
      busy.delete(worker);
      worker.unref();
      idle.push(worker);
      if (job !== undefined && job.id === message.id) {
        if (message.ok) job.resolve(message.value);
        else job.reject(new Error(`worker task ${job.task} failed: ${message.error ?? 'unknown error'}`));
      }
      dispatch();
    });
    // A worker that dies is a bug (out of memory, a crash in a native module): its task fails loudly.
    worker.on('error', (error) => {
      const job = busy.get(worker);
      busy.delete(worker);
      job?.reject(error);
    });
    // After the listeners: adding a message listener refs the worker's port again.
    worker.unref();
    idle.push(worker);
    return worker;
  });

  return {
    threads,
    run(task, input) {
      if (closed) return Promise.reject(new Error('the file pool is closed'));
      return new Promise((resolve, reject) => {
        queue.push({ id: nextId++, task, input, resolve: resolve as (value: unknown) => void, reject });
        dispatch();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error('the file pool is closed'));
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

/**
 * Runs `task` over `items` in chunks of `chunkSize`, spread over the pool, and returns the
 * outputs in the items' order. `onChunk` reports progress after each chunk.
 */
export async function mapInChunks<N extends TaskName, T>(
  pool: FilePool,
  task: N,
  items: readonly T[],
  chunkSize: number,
  inputFor: (chunk: readonly T[]) => TaskInput<N>,
  onChunk?: (done: number) => void,
): Promise<TaskOutput<N>> {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += chunkSize) chunks.push(items.slice(index, index + chunkSize));
  let done = 0;
  const outputs = await Promise.all(
    chunks.map(async (chunk) => {
      const output = (await pool.run(task, inputFor(chunk))) as unknown as unknown[];
      done += chunk.length;
      onChunk?.(done);
      return output;
    }),
  );
  return outputs.flat() as TaskOutput<N>;
}
