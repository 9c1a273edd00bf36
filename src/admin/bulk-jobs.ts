/**
 * Bulk deactivations the console starts and then watches: each runs in the core, and the page
 * polls its progress (count, rate, time left) and may cancel it — a request/answer shape that
 * works the same over Electron IPC and the console's HTTP. One runs at a time; a finished one
 * is kept a while for its last poll.
 */
import { randomUUID } from 'node:crypto';
import type { BulkProgress, BulkResult } from '../contract/admin.js';
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import type { BulkPace } from './bulk-deactivation.js';

/** How long a finished job stays answerable. */
const KEEP_FINISHED_MS = 10 * 60_000;

/** What a job runs: the deactivations, given a signal to stop and a progress callback. */
export type BulkWork = (signal: AbortSignal, onProgress: (pace: BulkPace) => void) => Promise<BulkResult>;

interface Job {
  readonly id: string;
  readonly controller: AbortController;
  pace: BulkPace;
  outcome: BulkResult | null;
  finishedAt: number | null;
}

export interface BulkJobs {
  /** Starts `work` over `total` seats; BULK_JOB_RUNNING while another runs. */
  start(total: number, work: BulkWork): Result<BulkProgress>;
  /** BULK_JOB_NOT_FOUND for an unknown or long-finished job. */
  status(jobId: string): Result<BulkProgress>;
  /** Stops sending; the job finishes once its requests in flight are answered. */
  cancel(jobId: string): Result<BulkProgress>;
}

/** Rate and time left from a pace: seats settled per second, and the rest at that rate. */
export function rateOf(pace: BulkPace): { readonly perSecond: number | null; readonly secondsLeft: number | null } {
  const settled = pace.deactivated + pace.alreadyGone + pace.failed;
  if (settled === 0 || pace.elapsedMs <= 0) return { perSecond: null, secondsLeft: null };
  const perSecond = (settled * 1000) / pace.elapsedMs;
  return { perSecond, secondsLeft: Math.max(0, (pace.total - settled) / perSecond) };
}

/** The registry; `log` hears of a job that failed by a bug (never a token or a key). */
export function createBulkJobs(now: () => number = Date.now, log: (line: string) => void = () => undefined): BulkJobs {
  const jobs = new Map<string, Job>();

  const view = (job: Job): BulkProgress => {
    const { perSecond, secondsLeft } = rateOf(job.pace);
    const state = job.outcome !== null ? 'finished' : job.controller.signal.aborted ? 'cancelling' : 'running';
    return {
      jobId: job.id,
      state,
      total: job.pace.total,
      deactivated: job.pace.deactivated,
      alreadyGone: job.pace.alreadyGone,
      failed: job.pace.failed,
      perSecond: perSecond === null ? null : Math.round(perSecond * 10) / 10,
      secondsLeft: state === 'finished' || secondsLeft === null ? null : Math.ceil(secondsLeft),
      waitingSeconds: state === 'running' && job.pace.waitingMs > 0 ? Math.ceil(job.pace.waitingMs / 1000) : null,
      outcome: job.outcome,
    };
  };

  const prune = (): void => {
    for (const [id, job] of jobs) if (job.finishedAt !== null && now() - job.finishedAt > KEEP_FINISHED_MS) jobs.delete(id);
  };

  const find = (jobId: string): Job | null => {
    prune();
    return jobs.get(jobId) ?? null;
  };

  return {
    start(total, work) {
      prune();
      if ([...jobs.values()].some((job) => job.outcome === null)) return fail('BULK_JOB_RUNNING');
      const job: Job = {
        id: randomUUID(),
        controller: new AbortController(),
        pace: { total, deactivated: 0, alreadyGone: 0, failed: 0, elapsedMs: 0, waitingMs: 0 },
        outcome: null,
        finishedAt: null,
      };
      jobs.set(job.id, job);
      void work(job.controller.signal, (pace) => {
        job.pace = pace;
      }).then(
        (outcome) => {
          job.outcome = outcome;
          job.finishedAt = now();
        },
        (error: unknown) => {
          // A bug in the work: the job ends with every seat not attempted rather than running forever.
          job.outcome = { deactivated: [], alreadyGone: [], failed: [], notAttempted: [], stopped: 'cancelled' };
          job.finishedAt = now();
          log(`bulk deactivation ${job.id} failed: ${error instanceof Error ? error.message : String(error)}`);
        },
      );
      return { ok: true, value: view(job) };
    },
    status(jobId) {
      const job = find(jobId);
      return job === null ? fail('BULK_JOB_NOT_FOUND') : { ok: true, value: view(job) };
    },
    cancel(jobId) {
      const job = find(jobId);
      if (job === null) return fail('BULK_JOB_NOT_FOUND');
      if (job.outcome === null) job.controller.abort();
      return { ok: true, value: view(job) };
    },
  };
}
