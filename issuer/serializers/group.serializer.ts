/** The group object (keygen-api GroupSerializer, CE attributes). */
import type { Group } from '../domain/types.js';
import { accountRelationship, iso, toMany, type SerializeContext } from './common.js';

/** Serializes a group resource object. */
export function serializeGroup(group: Group, ctx: SerializeContext): Record<string, unknown> {
  const self = `${ctx.base}/groups/${group.id}`;
  return {
    id: group.id,
    type: 'groups',
    attributes: {
      name: group.name,
      maxUsers: group.maxUsers,
      maxLicenses: group.maxLicenses,
      maxMachines: group.maxMachines,
      metadata: group.metadata,
      created: iso(group.createdAt),
      updated: iso(group.updatedAt),
    },
    relationships: {
      account: accountRelationship(ctx.base, group.accountId),
      owners: toMany(`${self}/owners`),
      users: toMany(`${self}/users`),
      licenses: toMany(`${self}/licenses`),
      machines: toMany(`${self}/machines`),
    },
    links: { self },
  };
}
