// Timing helpers shared by the bench modules.

/** Keeps results reachable so the JIT cannot drop the work that produced them. */
export let sink;

/** Runs `fn` in batches for about `ms` milliseconds; returns {calls, ns}. */
export function runFor(fn, ms, batch = 16) {
  const budget = BigInt(Math.round(ms * 1e6));
  const started = process.hrtime.bigint();
  let calls = 0;
  let elapsed = 0n;
  do {
    for (let index = 0; index < batch; index += 1) sink = fn();
    calls += batch;
    elapsed = process.hrtime.bigint() - started;
  } while (elapsed < budget);
  return { calls, ns: Number(elapsed) };
}

/**
 * Compares synchronous functions fairly: a warm-up for each, then `rounds` short rounds that
 * alternate between them (so drift in CPU frequency or GC hits both alike), about `totalMs`
 * per function in all. Returns calls per second for each, in the order given.
 */
export function interleaved(fns, { warmupMs = 500, totalMs = 2000, rounds = 10 } = {}) {
  for (const fn of fns) runFor(fn, warmupMs);
  const totals = fns.map(() => ({ calls: 0, ns: 0 }));
  for (let round = 0; round < rounds; round += 1) {
    // Alternate the order too, so neither function always runs right after the other's garbage.
    const order = round % 2 === 0 ? fns.map((_, index) => index) : fns.map((_, index) => fns.length - 1 - index);
    for (const index of order) {
      const { calls, ns } = runFor(fns[index], totalMs / rounds);
      totals[index].calls += calls;
      totals[index].ns += ns;
    }
  }
  return totals.map(({ calls, ns }) => (calls * 1e9) / ns);
}

/** Rounds to `digits` significant digits, for readable JSON. */
export const round = (value, digits = 4) => Number(value.toPrecision(digits));
