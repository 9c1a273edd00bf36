/**
 * A worker thread of the file pool (worker-pool.ts): runs one task of worker-tasks.ts per
 * message and answers with its result. A task that throws is a bug; its message goes back.
 */
import { parentPort } from 'node:worker_threads';
import { TASKS, type TaskName } from './worker-tasks.js';

interface Message {
  readonly id: number;
  readonly task: TaskName;
  readonly input: unknown;
}

parentPort?.on('message', (message: Message) => {
  try {
    const run = TASKS[message.task] as (input: unknown) => unknown;
    parentPort?.postMessage({ id: message.id, ok: true, value: run(message.input) });
  } catch (error) {
    parentPort?.postMessage({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});
