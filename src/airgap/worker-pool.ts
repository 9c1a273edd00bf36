/**
 * A small pool of worker threads for CPU-bound file work (verifying folders of license files,
 * reading and checking a stick full of requests): one worker per core (or the calling thread
 * and one worker fewer), tasks queued and handed to whichever has room. Where the compiled
 * worker is not available (a test running the sources before a build) or only one core is,
 * tasks run in the calling thread instead, with the same results.
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

export interface FilePoolOptions {
  /** Tasks run at once; default one per core. */
  readonly threads?: number;
  /** Tasks whose code each worker loads as it starts. */
  readonly preload?: readonly TaskName[];
  /**
   * The calling thread is one of the `threads`: it runs tasks itself, from the first moment,
   * while its workers (one fewer) start. For a command whose thread has nothing else to do (the
   * command line); never for a server, whose thread must stay free to answer.
   */
  readonly caller?: boolean;
}

/** Tasks handed to one worker at a time (see `handed` below). */
const TASKS_PER_WORKER = 2;

/**
 * A pool of `threads` workers (default: one per core), each loading the `preload` tasks' code
 * as it starts; with `caller`, the calling thread and one worker fewer. With one thread, or
 * without the compiled worker, the tasks run in the calling thread. Workers are unref'd: a pool
 * left open never keeps a process alive.
 */
export function createFilePool(options: FilePoolOptions = {}): FilePool {
  const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  const script = threads > 1 ? workerScript() : null;
  if (script === null) return inThreadPool();

  // Each live worker's tasks, oldest first (a worker answers in order). Two at a time: when a
  // worker finishes one, the next already waits in its port, so it never idles for a round
  // trip through a calling thread that may be busy with a task of its own.
  const handed = new Map<Worker, Pending[]>();
  const queue: Pending[] = [];
  let nextId = 1;
  let closed = false;
  /** Whether the calling thread takes tasks, and whether it has one now. */
  const caller = options.caller === true;
  let callerBusy = false;

  // Runs a task in the calling thread on the next turn of its event loop, then takes the next.
  const runInCaller = (job: Pending): void => {
    callerBusy = true;
    setImmediate(() => {
      try {
        job.resolve((TASKS[job.task] as (input: unknown) => unknown)(job.input));
      } catch (error) {
        job.reject(error instanceof Error ? error : new Error(String(error)));
      } finally {
        callerBusy = false;
        dispatch();
      }
    });
  };

  // The live worker with the fewest tasks, if it has room for one more.
  const freest = (): Worker | null => {
    let best: Worker | null = null;
    let load = TASKS_PER_WORKER;
    for (const [worker, jobs] of handed) {
      if (jobs.length < load) {
        best = worker;
        load = jobs.length;
      }
    }
    return best;
  };

  // Workers first (a task handed to one still starting waits in its port); the caller when none has room.
  function dispatch(): void {
    while (queue.length > 0 && !closed) {
      const worker = freest();
      if (worker !== null) {
        const job = queue.shift() as Pending;
        const jobs = handed.get(worker) as Pending[];
        if (jobs.length === 0) worker.ref();
        jobs.push(job);
        worker.postMessage({ id: job.id, task: job.task, input: job.input });
      } else if (caller && !callerBusy) {
        runInCaller(queue.shift() as Pending);
      } else {
        return;
      }
    }
  }

  const workers = Array.from({ length: caller ? threads - 1 : threads }, () => {
    const worker = new Worker(script, { workerData: { preload: options.preload ?? [] } });
    worker.on('message', (message: { id: number; ok: boolean; value?: unknown; error?: string }) => {
      const jobs = handed.get(worker);
      const job = jobs?.shift();
      if (jobs?.length === 0) worker.unref();
      if (job !== undefined && job.id === message.id) {
        if (message.ok) job.resolve(message.value);
        else job.reject(new Error(`worker task ${job.task} failed: ${message.error ?? 'unknown error'}`));
      }
      dispatch();
    });
    // A worker that dies is a bug (out of memory, a crash in a native module): its tasks fail
    // loudly, and it takes no more.
    worker.on('error', (error) => {
      const jobs = handed.get(worker) ?? [];
      handed.delete(worker);
      for (const job of jobs) job.reject(error);
    });
    // Stopped (closed, or gone after an error): what it still held fails instead of waiting
    // forever, and so does the queue once no thread is left to take it.
    worker.on('exit', () => {
      const jobs = handed.get(worker) ?? [];
      handed.delete(worker);
      for (const job of jobs) job.reject(new Error(closed ? 'the file pool is closed' : 'a worker of the file pool stopped'));
      if (handed.size === 0 && !caller) for (const job of queue.splice(0)) job.reject(new Error('no worker of the file pool is left'));
    });
    // After the listeners: adding a message listener refs the worker's port again.
    worker.unref();
    handed.set(worker, []);
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
 * Runs `task` over `items` in chunks of at most `chunkSize`, spread over the pool, and returns
 * the outputs in the items' order. `onChunk` reports progress after each chunk.
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
  // Towards the end the chunks shrink, to a quarter of what is left per thread (down to an
  // eighth of `chunkSize`): no thread is still on a long chunk while the others have none.
  const smallest = Math.max(1, Math.ceil(chunkSize / 8));
  for (let index = 0; index < items.length; ) {
    const share = Math.ceil((items.length - index) / (pool.threads * 4));
    const size = pool.threads === 1 ? chunkSize : Math.min(chunkSize, Math.max(smallest, share));
    chunks.push(items.slice(index, index + size));
    index += size;
  }
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
