/**
 * Server answers kept as evidence: verified again with the pinned key every time they are
 * read (the state file is editable; the signature is not), and what they say about a license —
 * its attributes (check-in dates, expiry, suspension) or a refusal (suspended, expired, banned,
 * revoked, this machine gone).
 */
import type { FailureCode } from '../contract/codes.js';
import type { ApiResource, SignedAnswer } from '../keygen/client.types.js';
import { verifySignedMessage } from '../keygen/response-signature.js';
import type { PinnedKey } from '../license-file/public-key.js';
import type { InstalledRecord } from './state.types.js';

/** A stored answer whose signature holds: its signed date and its document. */
export interface ReadAnswer {
  readonly answer: SignedAnswer;
  /** The signed `Date`, ms since the epoch. */
  readonly date: number;
  readonly document: unknown;
}

/** What a refusal says, as one of our codes. */
export type RefusalCode = 'SUSPENDED' | 'EXPIRED' | 'BANNED' | 'NOT_FOUND' | 'MACHINE_DEACTIVATED';

type Json = Readonly<Record<string, unknown>>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The answer, verified again: signature, digest and signed headers, at any age (its date is
 * history, not a freshness claim). Null when anything does not hold: an edited answer is no
 * evidence at all.
 */
export function readAnswer(answer: SignedAnswer | null, key: PinnedKey, keyId?: string): ReadAnswer | null {
  if (answer === null) return null;
  const verified = verifySignedMessage(
    {
      method: answer.method,
      target: answer.target,
      host: answer.host,
      headers: { date: answer.date, digest: answer.digest, 'keygen-signature': answer.signature },
      body: answer.body,
    },
    { publicKey: key, now: 0, maxClockSkewMs: Number.POSITIVE_INFINITY, ...(keyId === undefined ? {} : { keyId }) },
  );
  if (!verified.ok) return null;
  let document: unknown;
  try {
    document = answer.body === '' ? null : JSON.parse(answer.body);
  } catch {
    return null;
  }
  return { answer, date: verified.value.date, document };
}

/** The license resource an answer carries (a validation's or a check-in's `data`), or null. */
export function licenseOf(read: ReadAnswer): ApiResource | null {
  if (!isObject(read.document) || !isObject(read.document.data)) return null;
  const data = read.document.data;
  if (data.type !== 'licenses' || typeof data.id !== 'string' || !isObject(data.attributes)) return null;
  return data as unknown as ApiResource;
}

/** A validation's `meta` (`valid`, `code`), or null for another answer. */
export function validationMeta(read: ReadAnswer): { readonly valid: boolean; readonly code: string } | null {
  if (!isObject(read.document) || !isObject(read.document.meta)) return null;
  const { valid, code } = read.document.meta;
  return typeof valid === 'boolean' && typeof code === 'string' ? { valid, code } : null;
}

/** The first error code of an error answer, or null. */
function errorCode(read: ReadAnswer): string | null {
  if (!isObject(read.document) || !Array.isArray(read.document.errors)) return null;
  const first: unknown = read.document.errors[0];
  return isObject(first) && typeof first.code === 'string' ? first.code : null;
}

/** Whether the answer's signed request target names this license or its machine. */
export function isAbout(read: ReadAnswer, record: Pick<InstalledRecord, 'id' | 'machineId' | 'fingerprint'>): boolean {
  const path = read.answer.target.split('?')[0] ?? '';
  const segments = path.split('/').map((segment) => {
    try {
      return decodeURIComponent(segment).toLowerCase();
    } catch {
      return segment;
    }
  });
  const after = (name: string): string | undefined => segments[segments.indexOf(name) + 1];
  if (segments.includes('licenses') && after('licenses') === record.id.toLowerCase()) return true;
  if (segments.includes('machines')) {
    const machine = after('machines');
    if (machine !== undefined && (machine === record.machineId?.toLowerCase() || machine === record.fingerprint?.toLowerCase())) return true;
  }
  // validate-key names the license only in its signed body.
  const license = licenseOf(read);
  return license !== null && license.id.toLowerCase() === record.id.toLowerCase();
}

/** Validation codes that say this machine holds no seat of the license any more. */
const MACHINE_GONE_CODES: ReadonlySet<string> = new Set(['NO_MACHINE', 'NO_MACHINES', 'FINGERPRINT_SCOPE_MISMATCH']);
/** Policies under which an expired license keeps working (Keygen's `expirationStrategy`). */
const KEEPS_ACCESS_WHEN_EXPIRED: ReadonlySet<string> = new Set(['MAINTAIN_ACCESS', 'ALLOW_ACCESS']);

/**
 * What a verified answer refuses, for a license installed as `kind`; null when it refuses
 * nothing that outlives the answer (a rate limit, a wrong scope, a dead heartbeat that may
 * revive). Validations say it in `meta`; other calls in their error code.
 */
export function refusalOf(read: ReadAnswer, kind: InstalledRecord['kind']): RefusalCode | null {
  const meta = validationMeta(read);
  if (meta !== null) {
    if (meta.valid) return null;
    switch (meta.code) {
      case 'SUSPENDED':
      case 'BANNED':
      case 'NOT_FOUND':
        return meta.code;
      case 'EXPIRED':
        return 'EXPIRED';
      default:
        return kind === 'machine' && MACHINE_GONE_CODES.has(meta.code) ? 'MACHINE_DEACTIVATED' : null;
    }
  }
  const code = errorCode(read);
  switch (code) {
    case 'LICENSE_SUSPENDED':
      return 'SUSPENDED';
    case 'LICENSE_BANNED':
      return 'BANNED';
    case 'LICENSE_EXPIRED':
      return 'EXPIRED';
    case 'LICENSE_INVALID':
      // The key this license was installed with is unknown to the server now: revoked.
      return 'NOT_FOUND';
    default:
      // A machine the server no longer has: culled (dead heartbeat) or deactivated by an admin.
      return read.answer.status === 404 && /\/machines\//.test(read.answer.target) ? 'MACHINE_DEACTIVATED' : null;
  }
}

/** Whether a license's attributes say it has expired at `now`, unless its policy keeps access (a policy included in a file). */
export function expiredAt(license: ApiResource, now: number, expirationStrategy: unknown): boolean {
  const expiry = typeof license.attributes.expiry === 'string' ? Date.parse(license.attributes.expiry) : Number.NaN;
  const keepsAccess = typeof expirationStrategy === 'string' && KEEPS_ACCESS_WHEN_EXPIRED.has(expirationStrategy);
  return Number.isFinite(expiry) && expiry <= now && !keepsAccess;
}

/** Whether a refusal code is one of ours (for exhaustive handling). */
export function isRefusalCode(code: FailureCode): code is RefusalCode {
  return code === 'SUSPENDED' || code === 'EXPIRED' || code === 'BANNED' || code === 'NOT_FOUND' || code === 'MACHINE_DEACTIVATED';
}
