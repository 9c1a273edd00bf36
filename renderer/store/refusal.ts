/** The failed state every slice shares: the code the core decided, and its message. */
import type { Failure, FailureCode } from '../contract.js';

export interface Refusal {
  readonly code: FailureCode;
  /** The core's or transport's message; the UI shows MESSAGES[code] and adds this as detail. */
  readonly message: string;
}

/** The refusal carried by a failed Result. */
export function refusalOf(failure: Failure): Refusal {
  return { code: failure.code, message: failure.message };
}
