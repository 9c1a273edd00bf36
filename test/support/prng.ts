import { randomInt } from 'node:crypto';

/**
 * mulberry32: a small, fast, seeded PRNG for randomized tests, so that a failing run can be
 * replayed from the seed it printed. Returns numbers in [0, 1).
 */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The environment variable that fixes the seed of every randomized test (CI sets one). */
export const SEED_ENV = 'TESSERA_TEST_SEED';

/**
 * The seed for the randomized test `name`: `TESSERA_TEST_SEED` when it holds a whole number,
 * a fresh random one when it is unset or `random`. Printed with the command that replays it.
 * Throws on anything else: a typo must not silently turn a fixed run into a random one.
 */
export function testSeed(name: string, file: string): number {
  const given = process.env[SEED_ENV];
  let seed: number;
  if (given === undefined || given === '' || given === 'random') seed = randomInt(2 ** 32 - 1);
  else if (/^\d{1,10}$/.test(given) && Number(given) < 2 ** 32) seed = Number(given);
  else throw new Error(`${SEED_ENV} must be a whole number below 2^32, or "random" (it is "${given}")`);
  console.log(`${name} seed ${seed} (replay: ${SEED_ENV}=${seed} npx vitest run ${file})`);
  return seed;
}
