/**
 * The background scheduler with a fake timer and a fake manager: check-in before it is due, file
 * refresh before expiry, heartbeats every half window with retries that get denser as the
 * window's end nears (an outage shorter than the window never costs the seat), a seat the server
 * culled stops the pinging, exponential capped backoff on failure,
 * catching up after sleep (wall clock compared on every tick), and a clean stop.
 */
import { describe, expect, it } from 'vitest';
import type { FailureCode, Result } from '../../src/contract/codes.js';
import { fail } from '../../src/contract/messages.js';
import type { StatusReport } from '../../src/licensing/manager.types.js';
import {
  BACKOFF_CAP_MS,
  CHECK_IN_LEAD_MS,
  createScheduler,
  MAX_TIMER_MS,
  refreshTime,
  backoffMs,
  type LicensingSchedule,
  type SchedulableManager,
  type Scheduler,
} from '../../src/licensing/scheduler.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = Date.parse('2031-03-01T12:00:00.000Z');

const REPORT = { licensed: true, code: 'VALID' } as StatusReport;

/** A timer that runs only when the test fires it; at most one is pending at a time in these tests. */
class FakeTimer {
  pending: { callback: () => void; ms: number; id: number }[] = [];
  delays: number[] = [];
  cleared = 0;
  #next = 1;

  set = (callback: () => void, ms: number): number => {
    const id = this.#next++;
    this.pending.push({ callback, ms, id });
    this.delays.push(ms);
    return id;
  };

  clear = (handle: unknown): void => {
    const before = this.pending.length;
    this.pending = this.pending.filter((timer) => timer.id !== handle);
    if (this.pending.length < before) this.cleared += 1;
  };

  /** Fires the pending timer and lets the work it starts finish. */
  async fire(): Promise<void> {
    const timer = this.pending.shift();
    if (timer === undefined) throw new Error('no timer pending');
    timer.callback();
    await settle();
  }
}

/** Lets every promise chain started so far run to its end. */
async function settle(): Promise<void> {
  for (let round = 0; round < 5; round += 1) await new Promise((resolve) => setImmediate(resolve));
}

type Operation = 'checkIn' | 'renew' | 'heartbeat';

/** A manager whose schedule the test sets, recording every call with the clock's time. */
function fakeManager(clock: { now: number }, initial: Partial<LicensingSchedule> | null) {
  const calls: { operation: Operation; at: number }[] = [];
  const failures: Partial<Record<Operation, FailureCode[]>> = {};
  let schedule: LicensingSchedule | null =
    initial === null
      ? null
      : { checkInAt: null, renewable: false, fileIssuedAt: null, fileExpiresAt: null, fileUnusable: false, heartbeatSeconds: null, machineGone: false, ...initial };
  let gate: Promise<void> | null = null;
  const onSuccess: Partial<Record<Operation, () => void>> = {};
  /** A network outage: every call fails as unreachable while the clock is inside it. */
  let outage: { readonly from: number; readonly to: number } | null = null;

  async function run(operation: Operation): Promise<Result<never>> {
    calls.push({ operation, at: clock.now });
    if (gate !== null) await gate;
    if (outage !== null && clock.now >= outage.from && clock.now < outage.to) return fail('ISSUER_UNREACHABLE');
    const failure = failures[operation]?.shift();
    if (failure !== undefined) return fail(failure);
    onSuccess[operation]?.();
    return { ok: true, value: (operation === 'heartbeat' ? { sent: true } : REPORT) as never };
  }

  const manager: SchedulableManager = {
    checkIn: () => run('checkIn'),
    renew: () => run('renew'),
    heartbeat: () => run('heartbeat'),
    schedule: async () => schedule,
  };
  return {
    manager,
    calls,
    count: (operation: Operation) => calls.filter((call) => call.operation === operation).length,
    cutNetwork(from: number, to: number) {
      outage = { from, to };
    },
    failNext(operation: Operation, ...codes: FailureCode[]) {
      failures[operation] = [...(failures[operation] ?? []), ...codes];
    },
    setSchedule(change: Partial<LicensingSchedule> | null) {
      schedule = change === null ? null : { ...(schedule as LicensingSchedule), ...change };
    },
    whenSucceeds(operation: Operation, effect: () => void) {
      onSuccess[operation] = effect;
    },
    hold(): () => void {
      let release: () => void = () => undefined;
      gate = new Promise<void>((resolve) => {
        release = () => {
          gate = null;
          resolve();
        };
      });
      return release;
    },
  };
}

function started(clock: { now: number }, schedule: Partial<LicensingSchedule> | null, beforeStart?: (fake: ReturnType<typeof fakeManager>) => void) {
  const timer = new FakeTimer();
  const fake = fakeManager(clock, schedule);
  beforeStart?.(fake);
  const scheduler: Scheduler = createScheduler({ manager: fake.manager, now: () => clock.now, setTimer: timer.set, clearTimer: timer.clear });
  scheduler.start();
  return { timer, fake, scheduler };
}

/** Moves the clock forward minute by minute (as the capped timer fires) until `until`. */
async function runUntil(clock: { now: number }, timer: FakeTimer, until: number): Promise<void> {
  while (clock.now < until) {
    const pending = timer.pending[0];
    if (pending === undefined) throw new Error('the scheduler stopped setting timers');
    clock.now = Math.min(until, clock.now + pending.ms);
    await timer.fire();
  }
}

describe('timing rules', () => {
  it('refreshes a file when a quarter of its lifetime is left, at least an hour before expiry, never at once', () => {
    expect(refreshTime(START, START + 30 * DAY)).toBe(START + 30 * DAY - 7.5 * DAY);
    expect(refreshTime(START, START + DAY)).toBe(START + DAY - 6 * HOUR);
    expect(refreshTime(START, START + 2 * HOUR)).toBe(START + HOUR);
    expect(refreshTime(START, START + HOUR)).toBe(START + HOUR / 2);
  });

  it('backs off exponentially from 30 s, capped', () => {
    expect([1, 2, 3, 4].map((failures) => backoffMs(failures))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(backoffMs(30)).toBe(BACKOFF_CAP_MS);
    expect(backoffMs(10, 5 * MINUTE)).toBe(5 * MINUTE);
  });
});

describe('the scheduler', () => {
  it('does nothing and sets no timer when nothing is installed', async () => {
    const clock = { now: START };
    const { timer, fake } = started(clock, null);
    await settle();
    expect(timer.pending).toEqual([]);
    expect(fake.calls).toEqual([]);
  });

  it('checks in an hour before the check-in is due, then follows the new due time', async () => {
    const clock = { now: START };
    const { timer, fake, scheduler } = started(clock, { checkInAt: START + 5 * HOUR });
    await settle();
    expect(scheduler.pending().checkIn).toBe(START + 5 * HOUR - CHECK_IN_LEAD_MS);
    fake.whenSucceeds('checkIn', () => fake.setSchedule({ checkInAt: clock.now + DAY }));

    await runUntil(clock, timer, START + 4 * HOUR - MINUTE);
    expect(fake.count('checkIn')).toBe(0);
    await runUntil(clock, timer, START + 4 * HOUR);
    expect(fake.calls).toEqual([{ operation: 'checkIn', at: START + 4 * HOUR }]);
    expect(scheduler.pending().checkIn).toBe(START + 4 * HOUR + DAY - CHECK_IN_LEAD_MS);
    expect(Math.max(...timer.delays)).toBeLessThanOrEqual(MAX_TIMER_MS);
  });

  it('refreshes the machine file before it expires, and at once when it is no longer usable', async () => {
    const clock = { now: START };
    const { timer, fake, scheduler } = started(clock, { renewable: true, fileIssuedAt: START, fileExpiresAt: START + DAY });
    await settle();
    expect(scheduler.pending().renew).toBe(START + 18 * HOUR);
    fake.whenSucceeds('renew', () => fake.setSchedule({ fileIssuedAt: clock.now, fileExpiresAt: clock.now + DAY }));
    await runUntil(clock, timer, START + 18 * HOUR);
    expect(fake.calls).toEqual([{ operation: 'renew', at: START + 18 * HOUR }]);
    expect(scheduler.pending().renew).toBe(START + 36 * HOUR);

    const unusable = started({ now: START }, { renewable: true, fileUnusable: true });
    await settle();
    await unusable.timer.fire();
    expect(unusable.fake.count('renew')).toBe(1);

    const notRenewable = started({ now: START }, { renewable: false, fileIssuedAt: START, fileExpiresAt: START + DAY });
    await settle();
    expect(notRenewable.scheduler.pending().renew).toBeNull();
  });

  it('sends a heartbeat at once, then every half window', async () => {
    const clock = { now: START };
    const { timer, fake } = started(clock, { heartbeatSeconds: 600 });
    await settle();
    await timer.fire();
    expect(fake.calls).toEqual([{ operation: 'heartbeat', at: START }]);
    await runUntil(clock, timer, START + 3 * 300_000);
    expect(fake.calls.map((call) => call.at)).toEqual([START, START + 300_000, START + 2 * 300_000, START + 3 * 300_000]);
  });

  it.each([
    ['30 seconds (the outage keygen-go does not survive)', 30_000],
    ['5 minutes', 5 * MINUTE],
    ['9 minutes 59 seconds', 9 * MINUTE + 59_000],
  ])('an outage of %s, shorter than the 10-minute window, never costs the seat', async (_name, length) => {
    const clock = { now: START };
    const { timer, fake } = started(clock, { heartbeatSeconds: 600 });
    await settle();
    await timer.fire();
    // The worst moment: the network goes just after a heartbeat was accepted.
    fake.cutNetwork(START + 1, START + 1 + length);
    await runUntil(clock, timer, START + 2 * HOUR);
    const accepted = fake.calls.filter((call) => !(call.at >= START + 1 && call.at < START + 1 + length)).map((call) => call.at);
    const gaps = accepted.slice(1).map((at, index) => at - (accepted[index] as number));
    expect(Math.max(...gaps)).toBeLessThan(600_000);
    // The retries stopped once the network was back: the rhythm is a heartbeat per half window again.
    expect(accepted.at(-1)! - accepted.at(-2)!).toBe(300_000);
  });

  it('stops pinging once the server says it no longer has this machine (MACHINE_DEACTIVATED), until the schedule changes', async () => {
    const clock = { now: START };
    const { timer, fake, scheduler } = started(clock, { heartbeatSeconds: 600 }, (fake) => fake.failNext('heartbeat', 'MACHINE_DEACTIVATED'));
    await settle();
    expect(fake.count('heartbeat')).toBe(1);
    expect(scheduler.pending().heartbeat).toBeNull();
    fake.setSchedule({ machineGone: true });
    await runUntil(clock, timer, START + HOUR).catch(() => undefined);
    expect(fake.count('heartbeat')).toBe(1);
  });

  it('backs off after failures and recovers on success', async () => {
    const clock = { now: START };
    const { timer, fake, scheduler } = started(clock, { renewable: true, fileUnusable: true });
    fake.failNext('renew', 'ISSUER_UNREACHABLE', 'ISSUER_UNREACHABLE', 'ISSUER_RATE_LIMITED');
    fake.whenSucceeds('renew', () => fake.setSchedule({ fileUnusable: false, fileIssuedAt: clock.now, fileExpiresAt: clock.now + 30 * DAY }));
    await settle();
    await timer.fire();
    expect(scheduler.pending().renew).toBe(START + 30_000);
    await runUntil(clock, timer, START + 30_000);
    expect(scheduler.pending().renew).toBe(START + 30_000 + 60_000);
    await runUntil(clock, timer, START + 90_000);
    expect(scheduler.pending().renew).toBe(START + 90_000 + 120_000);
    await runUntil(clock, timer, START + 210_000);
    expect(fake.calls.map((call) => call.at)).toEqual([START, START + 30_000, START + 90_000, START + 210_000]);
    expect(scheduler.pending().renew).toBe(START + 210_000 + 22.5 * DAY);
  });

  it('does not retry a check-in the server does not require', async () => {
    const clock = { now: START };
    const { timer, fake, scheduler } = started(clock, { checkInAt: START + HOUR });
    fake.failNext('checkIn', 'CHECK_IN_NOT_REQUIRED');
    await settle();
    expect(fake.count('checkIn')).toBe(1);
    expect(scheduler.pending().checkIn).toBeNull();
    expect(timer.pending).toEqual([]);
    // Until the schedule changes: a new check-in time is followed again.
    fake.setSchedule({ checkInAt: START + DAY });
    await scheduler.refresh();
    expect(scheduler.pending().checkIn).toBe(START + DAY - CHECK_IN_LEAD_MS);
  });

  it('after sleep, runs at once what became due by the wall clock', async () => {
    const clock = { now: START };
    const { timer, fake } = started(clock, { checkInAt: START + 2 * DAY, renewable: true, fileIssuedAt: START, fileExpiresAt: START + 4 * DAY });
    await settle();
    expect(timer.pending[0]?.ms).toBe(MAX_TIMER_MS);
    // The machine sleeps for three days; the monotonic timer fires once on wake.
    clock.now = START + 3 * DAY;
    await timer.fire();
    expect(fake.calls).toEqual([
      { operation: 'checkIn', at: START + 3 * DAY },
      { operation: 'renew', at: START + 3 * DAY },
    ]);
  });

  it('stop() waits for the task in flight, and nothing runs afterwards', async () => {
    const clock = { now: START };
    let release: () => void = () => undefined;
    // Both are due at once; the heartbeat goes first and is held in flight.
    const { timer, fake, scheduler } = started(clock, { heartbeatSeconds: 600, checkInAt: START }, (fake) => {
      release = fake.hold();
    });
    await settle();
    expect(fake.calls.map((call) => call.operation)).toEqual(['heartbeat']);
    let stopped = false;
    const stopping = scheduler.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(stopped).toBe(true);
    // The heartbeat finished; the check-in that was due next never started, and no timer is left.
    await settle();
    expect(fake.calls.map((call) => call.operation)).toEqual(['heartbeat']);
    expect(timer.pending).toEqual([]);
    scheduler.start();
    await settle();
    expect(timer.pending).toEqual([]);
    expect(fake.calls).toHaveLength(1);
  });

  it('stop() clears a pending timer', async () => {
    const clock = { now: START };
    const { timer, scheduler } = started(clock, { checkInAt: START + DAY });
    await settle();
    expect(timer.pending).toHaveLength(1);
    await scheduler.stop();
    expect(timer.pending).toEqual([]);
    expect(timer.cleared).toBe(1);
  });
});
