/** Results in tests: the value of a success, or the test fails with the failure's code. */
import type { Result } from '../../src/contract/codes.js';

export function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.code}`);
  return result.value;
}

/** The code of a failure, or `ok`. */
export function codeOf(result: Result<unknown>): string {
  return result.ok ? 'ok' : result.code;
}
