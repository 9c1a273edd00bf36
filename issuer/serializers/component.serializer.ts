/** The machine component object (keygen-api MachineComponentSerializer, CE attributes). */
import type { Component } from '../domain/types.js';
import type { Machine } from '../domain/types.js';
import { accountRelationship, iso, toOne, type SerializeContext } from './common.js';

/** Serializes a component of `machine` (which supplies its license and product). */
export function serializeComponent(component: Component, machine: Pick<Machine, 'id' | 'licenseId' | 'productId'>, ctx: SerializeContext): Record<string, unknown> {
  const self = `${ctx.base}/components/${component.id}`;
  return {
    id: component.id,
    type: 'components',
    attributes: {
      fingerprint: component.fingerprint,
      name: component.name,
      created: iso(component.createdAt),
      updated: iso(component.updatedAt),
      metadata: component.metadata,
    },
    relationships: {
      account: accountRelationship(ctx.base, component.accountId),
      product: toOne(`${self}/product`, 'products', machine.productId),
      license: toOne(`${self}/license`, 'licenses', machine.licenseId),
      machine: toOne(`${self}/machine`, 'machines', machine.id),
    },
    links: { self },
  };
}
