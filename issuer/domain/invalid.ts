/**
 * Builders for Keygen's 422 validation failures: the `code` is the attribute in
 * SCREAMING_SNAKE_CASE plus the kind of failure (`MAX_MACHINES_INVALID`, `KEY_TAKEN`,
 * `POLICY_NOT_FOUND`), as keygen-api's `render_unprocessable_resource` derives it.
 */

/** One failed validation of a record: Keygen's `render_unprocessable_resource` entry. */
export interface Invalid {
  readonly detail: string;
  readonly code: string;
  readonly pointer: string;
}

/** Keygen's failure kinds as they appear at the end of a code. */
export type FailureKind =
  | 'invalid'
  | 'not_allowed'
  | 'missing'
  | 'not_found'
  | 'taken'
  | 'too_short'
  | 'too_long'
  | 'conflict'
  | 'not_supported'
  | 'pool_empty'
  | 'limit_exceeded'
  | 'not_compatible'
  | 'license_limit_exceeded'
  | 'byte_size_exceeded'
  | 'jwt_claims_invalid';

function snake(attr: string): string {
  return attr.replace(/([a-z\d])([A-Z])/g, '$1_$2').toUpperCase();
}

/** A failed attribute (`/data/attributes/<attr>`). */
export function invalidAttribute(attr: string, detail: string, kind: FailureKind): Invalid {
  return { detail, code: `${snake(attr)}_${kind.toUpperCase()}`, pointer: `/data/attributes/${attr}` };
}

/** A failed relationship (`/data/relationships/<name>`), e.g. "must exist" → `POLICY_NOT_FOUND`. */
export function invalidRelationship(name: string, detail: string, kind: FailureKind): Invalid {
  return { detail, code: `${snake(name)}_${kind.toUpperCase()}`, pointer: `/data/relationships/${name}` };
}

/** A failed `data.id`. */
export function invalidId(detail: string, kind: FailureKind): Invalid {
  return { detail, code: `ID_${kind.toUpperCase()}`, pointer: '/data/id' };
}
