/**
 * Background licensing work for a long-running process (the desktop app, the agent): check in
 * when due, refresh the machine file before it expires, and send heartbeats. One timer at a
 * time, never longer than a minute, so that a machine waking from sleep notices at once (timers
 * run on a clock that stops during sleep; the wall clock does not) and runs what became due.
 * Failures back off exponentially, capped; `stop()` cancels everything.
 */
import type { FailureCode, Result } from '../contract/codes.js';
import type { LicenseManager } from './manager.types.js';

/** When the active license needs background work, as the manager sees it now. */
export interface LicensingSchedule {
  /** When the license must check in next (ms), or null when it need not. */
  readonly checkInAt: number | null;
  /** Whether the stored file can be refreshed online (an activated machine with its key). */
  readonly renewable: boolean;
  /** When the stored file was issued and expires (ms); null when unknown or never. */
  readonly fileIssuedAt: number | null;
  readonly fileExpiresAt: number | null;
  /** The stored file can no longer be used offline (expired): refresh it as soon as possible. */
  readonly fileUnusable: boolean;
  /** Heartbeat window in seconds when the machine must send heartbeats, else null. */
  readonly heartbeatSeconds: number | null;
  /** The server said it no longer has this machine: nothing to ping or renew until it is activated again. */
  readonly machineGone: boolean;
}

/** What the scheduler drives: three manager operations and the schedule. */
export interface SchedulableManager extends Pick<LicenseManager, 'checkIn' | 'renew' | 'heartbeat'> {
  /** The current schedule, or null when nothing is installed. */
  schedule(): Promise<LicensingSchedule | null>;
}

/** An opaque timer handle. */
export type TimerHandle = unknown;

export interface SchedulerOptions {
  readonly manager: SchedulableManager;
  /** Wall clock, in ms since the epoch. */
  readonly now: () => number;
  readonly setTimer?: (callback: () => void, ms: number) => TimerHandle;
  readonly clearTimer?: (handle: TimerHandle) => void;
  readonly log?: (line: string) => void;
}

export interface Scheduler {
  /** Plans and starts the work; idempotent. */
  start(): void;
  /** Cancels the timer and waits for a task in flight; nothing runs afterwards. Idempotent. */
  stop(): Promise<void>;
  /** Re-reads the schedule now (after an activation, an import, a manual check-in). */
  refresh(): Promise<void>;
  /** When each task is due next (ms), for diagnostics and tests. */
  pending(): { readonly checkIn: number | null; readonly renew: number | null; readonly heartbeat: number | null };
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** The longest a timer is set for: how late, at most, work runs after a wake from sleep. */
export const MAX_TIMER_MS = MINUTE;
/** Check in this long before the deadline, so that a slow network does not make it overdue. */
export const CHECK_IN_LEAD_MS = HOUR;
/**
 * Heartbeats go every half window (keygen-go pings at window − 30 s, which any outage longer
 * than 30 s turns into a dead machine); a failed one is retried ever more often as the window's
 * end nears, so that an outage shorter than the window never costs the seat.
 */
export const HEARTBEAT_SHARE = 1 / 2;
/** The first retry of a failed heartbeat, and the shortest gap between two. */
export const HEARTBEAT_RETRY_MS = 5 * SECOND;
export const MIN_HEARTBEAT_RETRY_MS = SECOND;
export const BACKOFF_BASE_MS = 30 * SECOND;
/** A task that just ran does not run again sooner than this, whatever the schedule says. */
export const MIN_GAP_MS = MINUTE;
/** The schedule is read again at least this often (another process may have changed the state). */
export const REPLAN_MS = 15 * MINUTE;
export const BACKOFF_CAP_MS = HOUR;

/** Failures no retry can fix: the task waits for the next schedule instead. */
const PERMANENT: ReadonlySet<FailureCode> = new Set(['CHECK_IN_NOT_REQUIRED', 'NOT_ACTIVATED', 'LICENSE_KEY_REQUIRED', 'LICENSE_NOT_INSTALLED', 'MACHINE_DEACTIVATED']);

type Task = 'checkIn' | 'renew' | 'heartbeat';
const TASKS: readonly Task[] = ['heartbeat', 'checkIn', 'renew'];

/**
 * When to refresh a file issued at `issuedAt` expiring at `expiresAt`: when a quarter of its
 * lifetime is left, and at least an hour before expiry (half the lifetime for files shorter
 * than two hours, so that a fresh file is never due at once).
 */
export function refreshTime(issuedAt: number | null, expiresAt: number): number {
  const lifetime = issuedAt === null ? 4 * HOUR : Math.max(0, expiresAt - issuedAt);
  const lead = Math.max(lifetime / 4, Math.min(HOUR, lifetime / 2));
  return expiresAt - lead;
}

/** The exponential backoff after `failures` consecutive failures, capped at `cap`. */
export function backoffMs(failures: number, cap: number = BACKOFF_CAP_MS): number {
  return Math.min(cap, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
}

/** The part of a schedule that one task follows. */
function signature(task: Task, schedule: LicensingSchedule): string {
  switch (task) {
    case 'checkIn':
      return String(schedule.checkInAt);
    case 'renew':
      return `${schedule.renewable}/${schedule.fileUnusable}/${schedule.fileIssuedAt}/${schedule.fileExpiresAt}`;
    case 'heartbeat':
      return `${schedule.heartbeatSeconds}/${schedule.machineGone}`;
  }
}

/**
 * When to retry a failed heartbeat: backoff from HEARTBEAT_RETRY_MS, capped at a twentieth of
 * the window, and never later than halfway to the window's end (so attempts get denser as it nears).
 */
export function heartbeatRetryMs(failures: number, windowMs: number, remainingMs: number): number {
  const backoff = Math.min(windowMs / 20, HEARTBEAT_RETRY_MS * 2 ** Math.max(0, failures - 1));
  return Math.max(MIN_HEARTBEAT_RETRY_MS, Math.min(backoff, remainingMs / 2));
}

/** Creates a scheduler; it does nothing until `start()`. */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const { manager, now } = options;
  const setTimer = options.setTimer ?? ((callback: () => void, ms: number) => setTimeout(callback, ms).unref());
  const clearTimer = options.clearTimer ?? ((handle: TimerHandle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  const log = options.log ?? (() => undefined);

  let started = false;
  let stopped = false;
  let timer: TimerHandle | null = null;
  let running: Promise<void> | null = null;
  const due: Record<Task, number | null> = { checkIn: null, renew: null, heartbeat: null };
  const failures: Record<Task, number> = { checkIn: 0, renew: 0, heartbeat: 0 };
  const notBefore: Record<Task, number> = { checkIn: 0, renew: 0, heartbeat: 0 };
  /** What the schedule said when a task failed for good: it stays off until the schedule says otherwise. */
  const givenUp: Record<Task, string | null> = { checkIn: null, renew: null, heartbeat: null };
  let lastSchedule: LicensingSchedule | null = null;
  let plannedAt: number | null = null;
  let heartbeatMs: number | null = null;
  let heartbeatWindowMs: number | null = null;
  /** When the last heartbeat was accepted (or the requirement began): the window runs from there. */
  let lastBeat: number | null = null;

  /** Reads the schedule and sets each task's next time; a task in backoff keeps its retry time. */
  async function plan(): Promise<void> {
    let schedule: LicensingSchedule | null;
    try {
      schedule = await manager.schedule();
    } catch (error) {
      log(`licensing scheduler: cannot read the schedule (${error instanceof Error ? error.message : String(error)})`);
      schedule = null;
    }
    const at = now();
    plannedAt = at;
    lastSchedule = schedule;
    const keep = (task: Task, next: number | null): number | null => {
      if (next === null || (schedule !== null && givenUp[task] === signature(task, schedule))) return null;
      givenUp[task] = null;
      if (failures[task] > 0 && due[task] !== null) return due[task];
      return Math.max(next, notBefore[task]);
    };
    if (schedule === null) {
      due.checkIn = due.renew = due.heartbeat = null;
      heartbeatMs = null;
      return;
    }
    due.checkIn = keep('checkIn', schedule.checkInAt === null ? null : schedule.checkInAt - CHECK_IN_LEAD_MS);
    let renewAt: number | null = null;
    if (schedule.renewable) {
      if (schedule.fileUnusable) renewAt = at;
      else if (schedule.fileExpiresAt !== null) renewAt = refreshTime(schedule.fileIssuedAt, schedule.fileExpiresAt);
    }
    due.renew = keep('renew', renewAt);
    if (schedule.heartbeatSeconds === null || schedule.machineGone || givenUp.heartbeat === signature('heartbeat', schedule)) {
      due.heartbeat = null;
      heartbeatMs = null;
      heartbeatWindowMs = null;
    } else {
      const windowMs = schedule.heartbeatSeconds * SECOND;
      const interval = windowMs * HEARTBEAT_SHARE;
      // A new requirement starts with a heartbeat now; an existing one keeps its rhythm.
      if (heartbeatMs === null || due.heartbeat === null) {
        due.heartbeat = at;
        lastBeat ??= at;
      } else if (interval < heartbeatMs) due.heartbeat = Math.min(due.heartbeat, at + interval);
      heartbeatMs = interval;
      heartbeatWindowMs = windowMs;
    }
    if (schedule.machineGone) {
      due.renew = null;
      log('licensing scheduler: the licensing server no longer has this machine; activate it again to take a seat');
    }
  }

  function arm(): void {
    if (stopped) return;
    if (timer !== null) clearTimer(timer);
    const times = TASKS.map((task) => due[task]).filter((time): time is number => time !== null);
    if (times.length === 0) {
      timer = null;
      return;
    }
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, Math.min(...times) - now()));
    timer = setTimer(() => {
      timer = null;
      run();
    }, wait);
  }

  async function perform(task: Task): Promise<Result<unknown>> {
    switch (task) {
      case 'checkIn':
        return manager.checkIn();
      case 'renew':
        return manager.renew();
      case 'heartbeat':
        return manager.heartbeat();
    }
  }

  /** Runs every task that is due by the wall clock, then plans again. */
  async function tick(): Promise<void> {
    const at = now();
    // A wall clock far from the last plan means sleep, a long stall or a clock change: look again.
    if (plannedAt === null || at - plannedAt >= REPLAN_MS || at < plannedAt) await plan();
    let ranAny = false;
    for (const task of TASKS) {
      const time = due[task];
      if (stopped || time === null || time > now()) continue;
      ranAny = true;
      let result: Result<unknown>;
      try {
        result = await perform(task);
      } catch (error) {
        log(`licensing scheduler: ${task} threw (${error instanceof Error ? error.message : String(error)})`);
        result = { ok: false, code: 'REQUEST_REFUSED', message: 'unexpected error' };
      }
      // Heartbeats keep their own rhythm: a retry may not wait a minute near the window's end.
      if (task !== 'heartbeat') notBefore[task] = now() + MIN_GAP_MS;
      if (result.ok) {
        failures[task] = 0;
        if (task === 'heartbeat') lastBeat = now();
        due[task] = task === 'heartbeat' && heartbeatMs !== null ? now() + heartbeatMs : null;
      } else if (PERMANENT.has(result.code)) {
        failures[task] = 0;
        due[task] = null;
        givenUp[task] = lastSchedule === null ? null : signature(task, lastSchedule);
        log(`licensing scheduler: ${task} not possible (${result.code})`);
      } else {
        failures[task] += 1;
        const wait =
          task === 'heartbeat' && heartbeatWindowMs !== null
            ? heartbeatRetryMs(failures[task], heartbeatWindowMs, (lastBeat ?? now()) + heartbeatWindowMs - now())
            : backoffMs(failures[task]);
        due[task] = now() + wait;
        log(`licensing scheduler: ${task} failed (${result.code}); retrying in ${Math.round(wait / SECOND)} s`);
      }
    }
    if (ranAny && !stopped) await plan();
  }

  function run(): void {
    if (stopped || running !== null) return;
    running = tick().finally(() => {
      running = null;
      arm();
    });
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      running = plan().finally(() => {
        running = null;
        run();
      });
    },
    async stop() {
      stopped = true;
      if (timer !== null) clearTimer(timer);
      timer = null;
      await running;
    },
    async refresh() {
      if (!started || stopped) return;
      while (running !== null) await running;
      await plan();
      run();
    },
    pending: () => ({ ...due }),
  };
}
