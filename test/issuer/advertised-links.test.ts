/**
 * Everything the issuer advertises, it serves: on a rich account (the demo seed plus a user,
 * an owner, a licensee, a group, a machine, tokens, check-outs), every list and object is
 * fetched as admin and every `links.self`, `links.related`, pagination link and `Location` in
 * every response (`included` and the documents inside unencrypted certificates too) is
 * followed, recursively, until none is new. Each must answer 200 to an admin; Keygen refuses
 * admins none of them. The one 404 allowed is Keygen's own: the `group` of a record that has
 * no group (`License#group!`, `Machine#group!` in keygen-api's relationship controllers),
 * checked against the record as it is when the link is followed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doc, startTestIssuer, type ApiResponse, type TestIssuer } from './support.js';

/** The most requests one crawl may make: far above what the seed produces, so a loop cannot run away. */
const MAX_FETCHES = 5_000;
const LISTS = ['/products', '/policies', '/entitlements', '/users', '/licenses', '/machines', '/processes', '/components', '/tokens', '/groups'];

let t: TestIssuer;
const seeded: ApiResponse[] = [];

/** Records a seeding response (its links are crawled too) after checking it succeeded. */
async function seed(response: Promise<ApiResponse>): Promise<ApiResponse> {
  const answered = await response;
  expect(answered.status, answered.text).toBeLessThan(300);
  seeded.push(answered);
  return answered;
}

beforeAll(async () => {
  t = await startTestIssuer({ seed: 'demo' });
  const [nodeLocked, floating] = t.issuer.licenses;
  if (nodeLocked === undefined || floating === undefined) throw new Error('the demo seed has no licenses');
  const user = (await seed(t.admin('POST', '/users', doc('users', { email: 'crawl@example.com', firstName: 'Crawl' })))).json.data.id as string;
  const licensee = (await seed(t.admin('POST', '/users', doc('users', { email: 'licensee@example.com' })))).json.data.id as string;
  await seed(t.admin('PUT', `/licenses/${nodeLocked.id}/owner`, { data: { type: 'users', id: user } }));
  await seed(t.admin('POST', `/licenses/${floating.id}/users`, { data: [{ type: 'users', id: licensee }] }));

  // Groups have no write routes yet: made through the store, as a seeding script would.
  const group = t.issuer.store.groups.create(t.issuer.account, { name: 'Crawlers', metadata: { seed: 'crawl' } }, Date.now());
  t.issuer.store.db.prepare('UPDATE users SET group_id = ? WHERE id = ?').run(group.id, user);
  await seed(t.admin('PUT', `/licenses/${floating.id}/group`, { data: { type: 'groups', id: group.id } }));

  const machine = doc('machines', { fingerprint: 'crawl-fingerprint', platform: 'linux' }, { license: { type: 'licenses', id: floating.id } });
  const machineId = (await seed(t.request('POST', '/machines', { auth: `License ${floating.key}`, body: machine }))).json.data.id as string;
  await seed(t.admin('POST', '/processes', doc('processes', { pid: '1234' }, { machine: { type: 'machines', id: machineId } })));
  await seed(t.admin('POST', '/components', doc('components', { fingerprint: 'crawl-gpu', name: 'GPU' }, { machine: { type: 'machines', id: machineId } })));
  await seed(t.admin('POST', `/licenses/${floating.id}/tokens`, doc('tokens', { maxActivations: 3 })));
  await seed(t.admin('POST', `/products/${t.issuer.config.product}/tokens`));
  await seed(t.request('POST', '/licenses/actions/validate-key', { body: { meta: { key: floating.key } } }));
  await seed(t.admin('POST', `/licenses/${floating.id}/actions/check-out?include=entitlements,product,policy,group,owner,users`));
  await seed(t.admin('POST', `/machines/${machineId}/actions/check-out?include=license,license.entitlements,license.owner,group,owner`));
});
afterAll(() => t.close());

/** The JSON:API document inside an unencrypted certificate (`base64+…`); null for an encrypted one. */
function certificateDocument(certificate: string): unknown {
  const body = certificate.replace(/-----(BEGIN|END) (LICENSE|MACHINE) FILE-----/g, '').replace(/\s/g, '');
  const outer = JSON.parse(Buffer.from(body, 'base64').toString('utf8')) as { enc: string; alg: string };
  return outer.alg.startsWith('base64+') ? JSON.parse(Buffer.from(outer.enc, 'base64').toString('utf8')) : null;
}

/** Every link in a document: `links` members (but `about`, which points at Keygen's docs), recursively. */
function linksOf(value: unknown, found: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) linksOf(item, found);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'links' && inner !== null && typeof inner === 'object') {
      for (const [name, link] of Object.entries(inner)) if (name !== 'about' && typeof link === 'string') found.push(link);
    } else if (key === 'certificate' && typeof inner === 'string' && inner.startsWith('-----BEGIN')) {
      linksOf(certificateDocument(inner), found);
    } else {
      linksOf(inner, found);
    }
  }
}

function linksOfResponse(response: ApiResponse): string[] {
  const found: string[] = [];
  linksOf(response.json, found);
  const location = response.headers.get('location');
  if (location !== null) found.push(location);
  return found;
}

/** Keygen's 404 for the group of a record without one: the record, fetched now, has no group. */
async function isEmptyGroup(path: string, response: ApiResponse): Promise<boolean> {
  const owner = /^(.*\/(?:licenses|machines|users)\/[^/]+)\/group$/.exec(path)?.[1];
  if (owner === undefined || response.status !== 404 || response.json.errors[0].detail !== 'The requested group was not found') return false;
  const record = await t.admin('GET', owner);
  return record.status === 200 && record.json.data.relationships.group.data === null;
}

describe('every advertised link resolves', () => {
  it('crawls every list, object, relationship and pagination link as admin: all 200 (or Keygen’s 404 for no group)', async () => {
    const starts = [...LISTS, ...LISTS.map((list) => `${list}?page[number]=1&page[size]=3`), '/me', `/v1/accounts/${t.issuer.account}`];
    const queue: string[] = starts.map((path) => (path.startsWith('/v1/') ? path : `${t.base}${path}`));
    for (const response of seeded) queue.push(...linksOfResponse(response));

    const visited = new Map<string, number>();
    const failures: string[] = [];
    while (queue.length > 0) {
      const url = new URL(queue.shift() as string, 'http://issuer.invalid');
      const target = url.pathname + url.search;
      if (visited.has(target)) continue;
      expect(visited.size, 'the crawl does not end').toBeLessThan(MAX_FETCHES);
      const response = await t.admin('GET', target);
      visited.set(target, response.status);
      if (response.status === 200) queue.push(...linksOfResponse(response));
      else if (!(await isEmptyGroup(target, response))) failures.push(`${response.status} GET ${target}`);
    }

    expect(failures).toEqual([]);
    // The crawl reached every kind of link, not just the starting lists.
    const paths = [...visited.keys()];
    const id = '[0-9a-f-]{36}';
    for (const expected of [
      `^/v1/accounts/${t.issuer.account}$`,
      `/groups/${id}/owners$`,
      `/products/${id}/releases$`,
      `/policies/${id}/pool$`,
      `/machines/${id}/license$`,
      `/machines/${id}/processes$`,
      `/machines/${id}/components$`,
      `/processes/${id}/machine$`,
      `/components/${id}$`,
      `/machines/${id}/group$`,
      `/users/${id}/group$`,
      `/users/${id}/tokens$`,
      `/licenses\\?page%5Bnumber%5D=2&page%5Bsize%5D=3$`,
    ]) {
      expect(paths.some((path) => new RegExp(expected).test(path)), expected).toBe(true);
    }
    expect(visited.size).toBeGreaterThan(150);
    // Groups that exist were found, not excused: the seeded user's and machine's groups answer 200.
    expect([...visited].filter(([path, status]) => /\/(users|machines)\/[^/]+\/group$/.test(path) && status === 200).length).toBeGreaterThanOrEqual(2);
  });
});
