/** `GET /licenses`: every filter in the reference, Keygen's edge semantics, and pagination links. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLicense, createPolicy, createProduct, doc, startTestIssuer, type TestIssuer } from './support.js';

const DAY = 86_400_000;
let t: TestIssuer;
const ids: Record<string, string> = {};
let p1: string;
let p2: string;
let pol1: string;
let pol2: string;
let u1: { id: string; email: string };
let u2: { id: string; email: string };
let groupId: string;
let machineOfL3: string;

const iso = (offsetMs: number): string => new Date(Date.now() + offsetMs).toISOString();

beforeAll(async () => {
  t = await startTestIssuer();
  const store = t.issuer.store;
  const account = t.issuer.account;
  p1 = await createProduct(t, 'P1');
  p2 = await createProduct(t, 'P2');
  pol1 = await createPolicy(t, p1, { floating: true, maxMachines: 10 });
  pol2 = await createPolicy(t, p2, { floating: true, maxMachines: 10 });
  u1 = (await t.admin('POST', '/users', doc('users', { email: 'one@example.com' }))).json.data;
  u1 = { id: u1.id, email: 'one@example.com' };
  const second = (await t.admin('POST', '/users', doc('users', { email: 'two@example.com' }))).json.data;
  u2 = { id: second.id, email: 'two@example.com' };
  groupId = store.groups.create(account, { name: 'G' }, Date.now()).id;

  const make = async (name: string, policy: string, attributes: Record<string, unknown>, owner?: string, group?: string): Promise<void> => {
    const relationships: Record<string, { type: string; id: string }> = {};
    if (owner) relationships.owner = { type: 'users', id: owner };
    if (group) relationships.group = { type: 'groups', id: group };
    ids[name] = (await createLicense(t, policy, { name, ...attributes }, relationships)).id;
  };
  await make('L1', pol1, { expiry: iso(10 * DAY), metadata: { customerId: 'c1', tier: 2, vip: true } }, u1.id, groupId);
  await make('L2', pol1, { expiry: iso(40 * DAY), metadata: { customerId: 'c2' } });
  await make('L3', pol2, { expiry: iso(-5 * DAY) });
  await make('L4', pol2, { suspended: true, metadata: { tier: '2' } });
  await make('L5', pol1, { expiry: iso(DAY) }, u2.id);
  await make('L6', pol1, { expiry: iso(-40 * DAY) });

  const license = (name: string) => store.licenses.findById(account, ids[name] as string)!;
  store.licenses.attachUser(license('L3'), u2.id, Date.now());
  store.machines.create(ids.L1 as string, { fingerprint: 'a' }, Date.now());
  store.machines.create(ids.L1 as string, { fingerprint: 'b' }, Date.now());
  machineOfL3 = store.machines.create(ids.L3 as string, { fingerprint: 'c' }, Date.now()).id;
  for (const fingerprint of ['d', 'e', 'f']) store.machines.create(ids.L5 as string, { fingerprint }, Date.now());
  const old = Date.now() - 200 * DAY;
  store.db.prepare('UPDATE licenses SET created_at = ? WHERE id IN (?, ?)').run(old, ids.L4, ids.L6);
  store.db.prepare('UPDATE licenses SET last_validated_at = ? WHERE id = ?').run(Date.now() - 10 * DAY, ids.L6);
});
afterAll(() => t.close());

/** The names of the licenses a query returns, sorted. */
async function names(query: string): Promise<string[]> {
  const response = await t.admin('GET', `/licenses?limit=100&${query}`);
  expect(response.status, `${query}: ${response.text}`).toBe(200);
  return (response.json.data as Array<{ attributes: { name: string } }>).map((item) => item.attributes.name).sort();
}

describe('relationship filters', () => {
  it('product, policy, group, machine', async () => {
    expect(await names(`product=${p1}`)).toEqual(['L1', 'L2', 'L5', 'L6']);
    expect(await names(`product=${p2}`)).toEqual(['L3', 'L4']);
    expect(await names('product=not-a-uuid')).toEqual([]);
    expect(await names(`policy=${pol2}`)).toEqual(['L3', 'L4']);
    expect(await names(`group=${groupId}`)).toEqual(['L1']);
    expect(await names(`machine=${machineOfL3}`)).toEqual(['L3']);
    expect(await names('product=')).toHaveLength(6);
  });

  it('owner and user, by id or email; user also matches attached users', async () => {
    expect(await names(`owner=${u1.id}`)).toEqual(['L1']);
    expect(await names(`owner=${encodeURIComponent(u1.email)}`)).toEqual(['L1']);
    expect(await names(`user=${u2.id}`)).toEqual(['L3', 'L5']);
    expect(await names(`user=${encodeURIComponent(u2.email)}`)).toEqual(['L3', 'L5']);
  });
});

describe('status and time filters', () => {
  it('status, case-insensitive; an unknown status matches nothing', async () => {
    expect(await names('status=ACTIVE')).toEqual(['L1', 'L2', 'L3', 'L5', 'L6']);
    expect(await names('status=INACTIVE')).toEqual(['L4']);
    expect(await names('status=expired')).toEqual(['L3', 'L6']);
    expect(await names('status=EXPIRING')).toEqual(['L5']);
    expect(await names('status=SUSPENDED')).toEqual(['L4']);
    expect(await names('status=BANNED')).toEqual([]);
    expect(await names('status=BOGUS')).toEqual([]);
  });

  it('expires[in|before|after], durations as seconds or ISO 8601', async () => {
    expect(await names('expires[in]=30d')).toEqual(['L1', 'L5']);
    expect(await names('expires[in]=P30D')).toEqual(['L1', 'L5']);
    expect(await names('expires[in]=2629746')).toEqual(['L1', 'L5']);
    expect(await names('expires[within]=2d')).toEqual(['L5']);
    expect(await names(`expires[before]=${encodeURIComponent(iso(20 * DAY))}`)).toEqual(['L1', 'L5']);
    expect(await names(`expires[after]=${encodeURIComponent(iso(20 * DAY))}`)).toEqual(['L2']);
    expect(await names(`expires[before]=${Math.floor((Date.now() + 20 * DAY) / 1000)}`)).toEqual(['L1', 'L5']);
    expect(await names('expires[in]=forever')).toEqual([]);
  });

  it('expired as a boolean and as expired[in|before|after]', async () => {
    expect(await names('expired=true')).toEqual(['L3', 'L6']);
    expect(await names('expired=false')).toEqual(['L1', 'L2', 'L4', 'L5']);
    expect(await names('expired[in]=30d')).toEqual(['L3']);
    expect(await names(`expired[before]=${encodeURIComponent(iso(-20 * DAY))}`)).toEqual(['L6']);
    expect(await names(`expired[after]=${encodeURIComponent(iso(-20 * DAY))}`)).toEqual(['L3']);
  });

  it('expiring and suspended', async () => {
    expect(await names('expiring=true')).toEqual(['L5']);
    expect(await names('suspended=true')).toEqual(['L4']);
    expect(await names('suspended=0')).toEqual(['L1', 'L2', 'L3', 'L5', 'L6']);
  });

  it('activity[inside|outside|before|after]', async () => {
    expect(await names('activity[inside]=30d')).toEqual(['L1', 'L2', 'L3', 'L5', 'L6']);
    expect(await names('activity[outside]=30d')).toEqual(['L4']);
    expect(await names(`activity[before]=${encodeURIComponent(iso(-100 * DAY))}`)).toEqual(['L4']);
    expect(await names(`activity[after]=${encodeURIComponent(iso(-100 * DAY))}`)).toEqual(['L1', 'L2', 'L3', 'L5', 'L6']);
    expect(await names('activity[inside]=nonsense')).toEqual([]);
  });
});

describe('assignment, activation and metadata filters', () => {
  it('assigned / unassigned', async () => {
    expect(await names('assigned=true')).toEqual(['L1', 'L3', 'L5']);
    expect(await names('unassigned=true')).toEqual(['L2', 'L4', 'L6']);
    expect(await names('assigned=false')).toEqual(['L2', 'L4', 'L6']);
  });

  it('activated and activations[eq|gt|gte|lt|lte]', async () => {
    expect(await names('activated=true')).toEqual(['L1', 'L3', 'L5']);
    expect(await names('activated=false')).toEqual(['L2', 'L4', 'L6']);
    expect(await names('activations[eq]=2')).toEqual(['L1']);
    expect(await names('activations[gt]=1')).toEqual(['L1', 'L5']);
    expect(await names('activations[gte]=1')).toEqual(['L1', 'L3', 'L5']);
    expect(await names('activations[lt]=1')).toEqual(['L2', 'L4', 'L6']);
    expect(await names('activations[lte]=2')).toEqual(['L1', 'L2', 'L3', 'L4', 'L6']);
  });

  it('metadata[key], camelCase or snake_case keys, matching strings and typed values', async () => {
    expect(await names('metadata[customerId]=c1')).toEqual(['L1']);
    expect(await names('metadata[customer_id]=c2')).toEqual(['L2']);
    expect(await names('metadata[tier]=2')).toEqual(['L1', 'L4']);
    expect(await names('metadata[vip]=true')).toEqual(['L1']);
    expect(await names('metadata[customerId]=c1&metadata[vip]=false')).toEqual([]);
  });

  it('filters combine', async () => {
    expect(await names(`product=${p1}&expired=false&activated=true`)).toEqual(['L1', 'L5']);
  });
});

describe('pagination', () => {
  it('page[size]/page[number] → links {self, prev, next, first, last, meta {pages, count}}, newest first', async () => {
    const response = await t.admin('GET', '/licenses?page[size]=2&page[number]=2');
    // L4 and L6 were back-dated 200 days, so they sort last.
    expect(response.json.data.map((item: { attributes: { name: string } }) => item.attributes.name)).toEqual(['L2', 'L1']);
    const link = (n: number) => `${t.base}/licenses?page%5Bnumber%5D=${n}&page%5Bsize%5D=2`;
    expect(response.json.links).toEqual({ self: link(2), prev: link(1), next: link(3), first: link(1), last: link(3), meta: { pages: 3, count: 6 } });
  });

  it('keeps filters in the links (sorted, Rails-escaped) and drops credentials', async () => {
    const response = await t.request('GET', `/licenses?product=${p1}&page[number]=1&page[size]=3&token=${t.issuer.adminToken}`);
    expect(response.json.data).toHaveLength(3);
    expect(response.json.links).toMatchObject({
      self: `${t.base}/licenses?page%5Bnumber%5D=1&page%5Bsize%5D=3&product=${p1}`,
      prev: null,
      next: `${t.base}/licenses?page%5Bnumber%5D=2&page%5Bsize%5D=3&product=${p1}`,
      meta: { pages: 2, count: 4 },
    });
  });

  it('past the last page: empty data, no prev/next', async () => {
    const response = await t.admin('GET', '/licenses?page[number]=9&page[size]=5');
    expect(response.json.data).toEqual([]);
    expect(response.json.links).toMatchObject({ prev: null, next: null, meta: { pages: 2, count: 6 } });
  });

  it('limit (default 10) cuts the list and sends no links, as Keygen does', async () => {
    const limited = await t.admin('GET', '/licenses?limit=2');
    expect(limited.json.data.map((item: { attributes: { name: string } }) => item.attributes.name)).toEqual(['L5', 'L3']);
    expect(limited.json.links).toBeUndefined();
    expect((await t.admin('GET', '/licenses')).json.data).toHaveLength(6);
    await t.admin('POST', '/entitlements', doc('entitlements', { name: 'E', code: 'E' }));
    for (const resource of ['products', 'policies', 'users', 'entitlements']) {
      const page = await t.admin('GET', `/${resource}?page[size]=1&page[number]=1`);
      expect(page.json.links.meta.count, resource).toBeGreaterThan(0);
    }
  });
});
