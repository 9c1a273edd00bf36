/** Pieces shared by the JSON:API serializers: timestamps and relationship objects. */

/** Keygen's timestamp format: ISO 8601 in UTC with milliseconds (`2017-01-02T20:26:53.464Z`). */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}

/** A to-one relationship: `{links: {related}, data: {type, id} | null}`. */
export function toOne(related: string, type: string, id: string | null): { links: { related: string }; data: { type: string; id: string } | null } {
  return { links: { related }, data: id === null ? null : { type, id } };
}

/** A to-many relationship: `{links: {related}}`, with `meta` when given. */
export function toMany(related: string, meta?: Record<string, number>): { links: { related: string }; meta?: Record<string, number> } {
  return meta === undefined ? { links: { related } } : { links: { related }, meta };
}

/** The `account` relationship every Keygen resource carries. */
export function accountRelationship(base: string, accountId: string): ReturnType<typeof toOne> {
  return toOne(base, 'accounts', accountId);
}

/** Context every serializer needs. */
export interface SerializeContext {
  /** `/v1/accounts/<account id>`. */
  readonly base: string;
  readonly now: number;
}
