/** The user object, as in the reference's "List users" example (plus `links.self`, as Keygen sends). */
import type { User } from '../domain/types.js';
import { accountRelationship, iso, toMany, toOne, type SerializeContext } from './common.js';

/** Keygen's user status: BANNED, else ACTIVE (the issuer does not track user activity). */
function userStatus(user: User): string {
  return user.bannedAt === null ? 'ACTIVE' : 'BANNED';
}

/** Serializes a user resource object. */
export function serializeUser(user: User, ctx: SerializeContext): Record<string, unknown> {
  const self = `${ctx.base}/users/${user.id}`;
  const fullName = [user.firstName, user.lastName].filter((part) => part !== null && part !== '').join(' ');
  return {
    id: user.id,
    type: 'users',
    attributes: {
      fullName: fullName === '' ? null : fullName,
      firstName: user.firstName,
      lastName: user.lastName,
      email: user.email,
      status: userStatus(user),
      role: user.role,
      metadata: user.metadata,
      created: iso(user.createdAt),
      updated: iso(user.updatedAt),
    },
    relationships: {
      account: accountRelationship(ctx.base, user.accountId),
      group: toOne(`${self}/group`, 'groups', user.groupId),
      products: toMany(`${self}/products`),
      licenses: toMany(`${self}/licenses`),
      machines: toMany(`${self}/machines`),
      tokens: toMany(`${self}/tokens`),
    },
    links: { self },
  };
}
