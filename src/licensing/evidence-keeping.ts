/**
 * How a verified server answer joins the kept evidence (a pure change of the state): as the
 * latest signed date (the clock's witness), and for its license as a confirmation or a refusal.
 * Reads stay cheap on disk: an answer that says nothing new is kept again only every few minutes.
 */
import type { SignedAnswer } from '../keygen/client.types.js';
import { licenseOf, refusalOf, validationMeta, type ReadAnswer } from './evidence.js';
import type { LicensingState, RecordEvidence } from './state.types.js';

/** A confirmation is kept again only this often, unless what it says changed: reads write rarely. */
const CONFIRMATION_REFRESH_MS = 10 * 60_000;
/** The same for the latest signed date. */
const WITNESS_REFRESH_MS = 5 * 60_000;

/** The license attributes the verdict and the status read from a kept answer. */
const DECIDING_ATTRIBUTES = ['name', 'status', 'suspended', 'expiry', 'maxMachines', 'lastCheckIn', 'nextCheckIn'] as const;

/**
 * What an answer says that a decision rests on: the validation's verdict and the license's
 * deciding attributes. Not its nonce, its time or `lastValidated`, which differ on every read.
 */
function substanceOf(read: ReadAnswer): string {
  const meta = validationMeta(read);
  const license = licenseOf(read);
  const attributes = license === null ? null : Object.fromEntries(DECIDING_ATTRIBUTES.map((name) => [name, license.attributes[name] ?? null]));
  return JSON.stringify([meta?.valid ?? null, meta?.code ?? null, license?.id ?? null, attributes]);
}

export interface AnswerToKeep {
  readonly licenseId: string;
  /** The answer, verified and read. */
  readonly read: ReadAnswer;
  /** The same answer as it is stored (sealed with the state key). */
  readonly sealed: SignedAnswer;
  /** It echoed our nonce (a validation): its date is the server's clock now. */
  readonly fresh: boolean;
}

/**
 * The state with `answer` kept; `state` itself when nothing changes. `opened` reads a kept
 * answer (null when absent or no longer genuine).
 */
export function withAnswerKept(state: LicensingState, answer: AnswerToKeep, opened: (stored: SignedAnswer | null) => ReadAnswer | null): LicensingState {
  const { licenseId, read, sealed, fresh } = answer;
  let next = state;
  const witness = opened(state.timeWitness);
  // A fresh answer is the server's clock now: it replaces a witness that ran ahead; any other
  // answer only moves the witness forward.
  const moveWitness = witness === null || read.date - witness.date >= WITNESS_REFRESH_MS || (fresh && read.date < witness.date);
  if (moveWitness) next = { ...next, timeWitness: sealed };
  const record = next.licenses.find((entry) => entry.id === licenseId);
  if (record === undefined) return next;
  const evidence = record.evidence;
  let kept: RecordEvidence = evidence;
  if (refusalOf(read, record.kind) !== null) {
    kept = { ...evidence, refusal: sealed };
  } else {
    const previous = opened(evidence.confirmation);
    const stale = previous === null || read.date - previous.date >= CONFIRMATION_REFRESH_MS;
    // A confirmation that says anything new, or that lifts a refusal, is kept at once.
    const supersedes = evidence.refusal !== null;
    if (stale || supersedes || substanceOf(previous) !== substanceOf(read)) kept = { ...evidence, confirmation: sealed, ...(supersedes ? { refusal: null } : {}) };
  }
  return kept === evidence ? next : { ...next, licenses: next.licenses.map((entry) => (entry.id === licenseId ? { ...entry, evidence: kept } : entry)) };
}
