/**
 * Every permission the issuer advertises names something it serves and enforces. A license
 * (and its license tokens, which Keygen gives the wildcard that defers to the license) lists
 * Keygen's default license permissions less what the issuer does not keep; each listed one is
 * exercised here by a request that needs it, which a license makes successfully, and a few that
 * are not listed are refused. Every permission a route checks (`Action`) is one of Keygen's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Action } from '../../issuer/http/permissions.js';
import { DEFAULT_LICENSE_PERMISSIONS } from '../../issuer/domain/license-permissions.js';
import { doc, startTestIssuer, type ApiResponse, type TestIssuer } from './support.js';

/** Keygen's permission names (keygen-api `db/seeds.rb`, the list seeded into `permissions`). */
const KEYGEN_PERMISSIONS = [
  'account.analytics.read', 'account.billing.read', 'account.billing.update', 'account.plan.read', 'account.plan.update', 'account.read',
  'account.subscription.read', 'account.subscription.update', 'account.update', 'admin.create', 'admin.delete', 'admin.invite', 'admin.read',
  'admin.update', 'arch.read', 'artifact.create', 'artifact.delete', 'artifact.read', 'artifact.update', 'component.create', 'component.delete',
  'component.read', 'component.update', 'channel.read', 'constraint.read', 'engine.read', 'entitlement.create', 'entitlement.delete',
  'entitlement.read', 'entitlement.update', 'environment.create', 'environment.delete', 'environment.read', 'environment.tokens.generate',
  'environment.update', 'event-log.read', 'group.create', 'group.delete', 'group.licenses.read', 'group.machines.read', 'group.owners.attach',
  'group.owners.detach', 'group.owners.read', 'group.read', 'group.update', 'group.users.read', 'key.create', 'key.delete', 'key.read',
  'key.update', 'license.check-in', 'license.check-out', 'license.create', 'license.delete', 'license.entitlements.attach',
  'license.entitlements.detach', 'license.group.update', 'license.owner.update', 'license.policy.update', 'license.read', 'license.reinstate',
  'license.renew', 'license.revoke', 'license.suspend', 'license.tokens.generate', 'license.update', 'license.usage.decrement',
  'license.usage.increment', 'license.usage.reset', 'license.user.update', 'license.users.attach', 'license.users.detach', 'license.validate',
  'machine.check-out', 'machine.create', 'machine.delete', 'machine.group.update', 'machine.heartbeat.ping', 'machine.heartbeat.reset',
  'machine.owner.update', 'machine.proofs.generate', 'machine.read', 'machine.update', 'metric.read', 'package.create', 'package.delete',
  'package.read', 'package.update', 'platform.read', 'policy.create', 'policy.delete', 'policy.entitlements.attach', 'policy.entitlements.detach',
  'policy.pool.pop', 'policy.read', 'policy.update', 'process.create', 'process.delete', 'process.heartbeat.ping', 'process.read',
  'process.update', 'product.create', 'product.delete', 'product.read', 'product.tokens.generate', 'product.update',
  'release.constraints.attach', 'release.constraints.detach', 'release.create', 'release.delete', 'release.download', 'release.package.update',
  'release.publish', 'release.read', 'release.update', 'release.upgrade', 'release.upload', 'release.yank', 'request-log.read', 'token.generate',
  'token.read', 'token.regenerate', 'token.revoke', 'user.ban', 'user.create', 'user.delete', 'user.group.update', 'user.invite',
  'user.password.reset', 'user.password.update', 'user.read', 'user.second-factors.create', 'user.second-factors.delete',
  'user.second-factors.read', 'user.second-factors.update', 'user.tokens.generate', 'user.unban', 'user.update', 'webhook-endpoint.create',
  'webhook-endpoint.delete', 'webhook-endpoint.read', 'webhook-endpoint.update', 'webhook-event.delete', 'webhook-event.read',
  'webhook-event.retry',
] as const;

/** Keygen's license permissions (keygen-api `app/models/permission.rb` `LICENSE_PERMISSIONS`). */
const KEYGEN_LICENSE_PERMISSIONS: ReadonlySet<string> = new Set([
  'account.read', 'arch.read', 'artifact.read', 'component.create', 'component.delete', 'component.read', 'component.update', 'channel.read',
  'constraint.read', 'engine.read', 'entitlement.read', 'group.owners.read', 'group.read', 'license.check-in', 'license.check-out',
  'license.read', 'license.usage.increment', 'license.validate', 'machine.check-out', 'machine.create', 'machine.delete',
  'machine.heartbeat.ping', 'machine.proofs.generate', 'machine.read', 'machine.update', 'package.read', 'platform.read', 'policy.read',
  'process.create', 'process.delete', 'process.heartbeat.ping', 'process.read', 'process.update', 'product.read', 'release.download',
  'release.read', 'release.upgrade', 'token.read', 'token.regenerate', 'token.revoke', 'user.read',
]);

// Compile-time: every permission a route checks is one of Keygen's names.
type NotKeygen = Exclude<Action, (typeof KEYGEN_PERMISSIONS)[number]>;
const everyActionIsKeygens: [NotKeygen] extends [never] ? true : NotKeygen = true;

let t: TestIssuer;
let license: { id: string; key: string };
let groupId: string;

beforeAll(async () => {
  t = await startTestIssuer({ seed: 'demo' });
  license = t.issuer.licenses.find((candidate) => candidate.policy === 'Floating (3 seats)')!;
  groupId = t.issuer.store.groups.create(t.issuer.account, { name: 'Permissions' }, Date.now()).id;
  expect((await t.admin('PUT', `/licenses/${license.id}/group`, { data: { type: 'groups', id: groupId } })).status).toBe(200);
});
afterAll(() => t.close());

const asLicense = (method: string, path: string, body?: unknown): Promise<ApiResponse> => t.request(method, path, { auth: `License ${license.key}`, body });

describe('the permissions a license advertises', () => {
  it('are Keygen’s license permissions, the same on /me and on its license tokens', async () => {
    expect(everyActionIsKeygens).toBe(true);
    const me = await asLicense('GET', '/me');
    const advertised = me.json.data.attributes.permissions as string[];
    expect(advertised).toEqual(DEFAULT_LICENSE_PERMISSIONS);
    expect(advertised.filter((permission) => !KEYGEN_LICENSE_PERMISSIONS.has(permission))).toEqual([]);
    expect(advertised.filter((permission) => !(KEYGEN_PERMISSIONS as readonly string[]).includes(permission))).toEqual([]);
    const token = await t.admin('POST', `/licenses/${license.id}/tokens`, doc('tokens'));
    expect(token.json.data.attributes.permissions).toEqual(advertised);
  });

  it('each name a request the license makes successfully; nothing is advertised that is not exercised', async () => {
    const token = (await t.admin('POST', `/licenses/${license.id}/tokens`, doc('tokens'))).json.data.id as string;
    let machine = '';
    let component = '';
    let process = '';
    const exercises: ReadonlyArray<readonly [string, () => Promise<ApiResponse>]> = [
      ['license.read', () => asLicense('GET', `/licenses/${license.id}`)],
      ['license.validate', () => asLicense('POST', `/licenses/${license.id}/actions/validate`)],
      ['license.check-out', () => asLicense('POST', `/licenses/${license.id}/actions/check-out`)],
      // The policy requires no check-in, so Keygen's answer is the 422 that says so: served and allowed.
      ['license.check-in', () => asLicense('POST', `/licenses/${license.id}/actions/check-in`)],
      ['license.usage.increment', () => asLicense('POST', `/licenses/${license.id}/actions/increment-usage`)],
      ['entitlement.read', () => asLicense('GET', `/licenses/${license.id}/entitlements`)],
      ['group.read', () => asLicense('GET', `/groups/${groupId}`)],
      ['group.owners.read', () => asLicense('GET', `/groups/${groupId}/owners`)],
      [
        'machine.create',
        async () => {
          const created = await asLicense('POST', '/machines', doc('machines', { fingerprint: 'permissions-fp' }, { license: { type: 'licenses', id: license.id } }));
          machine = created.json.data.id as string;
          return created;
        },
      ],
      ['machine.read', () => asLicense('GET', `/machines/${machine}`)],
      ['machine.update', () => asLicense('PATCH', `/machines/${machine}`, doc('machines', { name: 'renamed' }))],
      ['machine.check-out', () => asLicense('POST', `/machines/${machine}/actions/check-out`)],
      ['machine.heartbeat.ping', () => asLicense('POST', `/machines/${machine}/actions/ping`)],
      ['machine.proofs.generate', () => asLicense('POST', `/machines/${machine}/actions/generate-offline-proof`)],
      [
        'component.create',
        async () => {
          const created = await asLicense('POST', '/components', doc('components', { fingerprint: 'permissions-gpu', name: 'GPU' }, { machine: { type: 'machines', id: machine } }));
          component = created.json.data.id as string;
          return created;
        },
      ],
      ['component.read', () => asLicense('GET', `/components/${component}`)],
      ['component.update', () => asLicense('PATCH', `/components/${component}`, doc('components', { name: 'Graphics' }))],
      ['component.delete', () => asLicense('DELETE', `/components/${component}`)],
      [
        'process.create',
        async () => {
          const created = await asLicense('POST', '/processes', doc('processes', { pid: '4242' }, { machine: { type: 'machines', id: machine } }));
          process = created.json.data.id as string;
          return created;
        },
      ],
      ['process.read', () => asLicense('GET', `/processes/${process}`)],
      ['process.update', () => asLicense('PATCH', `/processes/${process}`, doc('processes', {}))],
      ['process.heartbeat.ping', () => asLicense('POST', `/processes/${process}/actions/ping`)],
      ['process.delete', () => asLicense('DELETE', `/processes/${process}`)],
      ['machine.delete', () => asLicense('DELETE', `/machines/${machine}`)],
      ['token.read', () => asLicense('GET', `/tokens/${token}`)],
      ['token.regenerate', () => asLicense('PUT', `/tokens/${token}`)],
      ['token.revoke', () => asLicense('DELETE', `/tokens/${token}`)],
    ];
    expect(exercises.map(([permission]) => permission).sort()).toEqual([...DEFAULT_LICENSE_PERMISSIONS].sort());
    for (const [permission, exercise] of exercises) {
      const response = await exercise();
      expect([200, 201, 204, 422], `${permission}: ${response.status} ${response.text}`).toContain(response.status);
    }
  });

  it('and what it does not list, it is refused', async () => {
    const product = t.issuer.config.product as string;
    for (const [permission, path] of [
      ['account.read', `/v1/accounts/${t.issuer.account}`],
      ['product.read', `/products/${product}`],
      ['group.users.read', `/groups/${groupId}/users`],
      ['group.licenses.read', `/groups/${groupId}/licenses`],
      ['user.read', `/licenses/${license.id}/users`],
    ] as const) {
      expect(DEFAULT_LICENSE_PERMISSIONS).not.toContain(permission);
      expect((await asLicense('GET', path)).status, permission).toBe(403);
    }
  });
});
