/**
 * A worker thread of the file pool (worker-pool.ts): runs one task per message and answers with
 * its result. Each task's module is loaded on first need, or at start for the tasks the pool
 * names in `workerData.preload` (its start-up then overlaps the caller's own, such as listing
 * the folder). A task that throws is a bug; its message goes back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TaskName } from './worker-tasks.js';

type Run = (input: unknown) => unknown;

const LOADERS: Readonly<Record<TaskName, () => Promise<Run>>> = {
  'verify-certificates': async () => (await import('./certificate-tasks.js')).verifyCertificates as Run,
  'read-carried': async () => (await import('./worker-tasks.js')).readCarried as Run,
};
const loaded = new Map<TaskName, Promise<Run>>();
const load = (task: TaskName): Promise<Run> => {
  let run = loaded.get(task);
  if (run === undefined) {
    run = LOADERS[task]();
    loaded.set(task, run);
  }
  return run;
};

for (const task of ((workerData as { preload?: TaskName[] } | undefined)?.preload ?? []).filter((name) => Object.hasOwn(LOADERS, name))) void load(task);

parentPort?.on('message', (message: { readonly id: number; readonly task: TaskName; readonly input: unknown }) => {
  void load(message.task).then(
    (run) => {
      try {
        parentPort?.postMessage({ id: message.id, ok: true, value: run(message.input) });
      } catch (error) {
        parentPort?.postMessage({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) });
      }
    },
    (error: unknown) => parentPort?.postMessage({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
