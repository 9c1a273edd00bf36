/**
 * Machine processes over real sockets under a controlled clock: spawn (shape, pid and id rules,
 * bad documents), the process limit of each leasing strategy with the overage strategies,
 * heartbeat ping, death, resurrection and culling, TOO_MANY_PROCESSES in validation counted the
 * same way, lists and filters, who may see, change or kill a process, and the relationship
 * routes the process and machine objects advertise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLicense, createPolicy, createProduct, doc, firstError, startTestIssuer, type ApiResponse, type RequestOptions, type TestIssuer } from './support.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** Keygen's default heartbeat window (600 s) and the drift its heartbeat worker waits (30 s). */
const DEFAULT_WINDOW = 10 * MINUTE;
const DRIFT = 30 * SECOND;
const PROCESS_ATTRIBUTES = ['lastHeartbeat', 'nextHeartbeat', 'interval', 'status', 'pid', 'created', 'updated', 'metadata'];
const ACCESS_DENIED = {
  title: 'Access denied',
  detail: 'You do not have permission to complete the request (ensure the token bearer is allowed to access this resource)',
};

interface LicenseObject {
  id: string;
  attributes: { key: string };
}

let now = Date.parse('2031-03-01T00:00:00.000Z');
const advance = (ms: number): void => {
  now += ms;
};
const iso = (ms: number): string => new Date(ms).toISOString();
let t: TestIssuer;
let productA: string;
let productB: string;
let tokenA: string;
let tokenB: string;

beforeAll(async () => {
  t = await startTestIssuer({ clock: () => now });
  productA = await createProduct(t, 'A');
  productB = await createProduct(t, 'B');
  tokenA = (await t.admin('POST', `/products/${productA}/tokens`)).json.data.attributes.token;
  tokenB = (await t.admin('POST', `/products/${productB}/tokens`)).json.data.attributes.token;
});
afterAll(() => t.close());

/** A floating license (10 seats) of product A under a policy with `attributes`. */
async function licenseWith(attributes: Record<string, unknown> = {}, license: Record<string, unknown> = {}, relationships: Record<string, { type: string; id: string }> = {}): Promise<LicenseObject> {
  return createLicense(t, await createPolicy(t, productA, { floating: true, maxMachines: 10, ...attributes }), license, relationships);
}

const asLicense = (license: LicenseObject): RequestOptions => ({ auth: `License ${license.attributes.key}` });
const asAdmin = (): RequestOptions => ({ token: t.issuer.adminToken });

async function activate(license: LicenseObject, fingerprint: string): Promise<string> {
  const response = await t.request('POST', '/machines', {
    ...asLicense(license),
    body: { data: { type: 'machines', attributes: { fingerprint }, relationships: { license: { data: { type: 'licenses', id: license.id } } } } },
  });
  expect(response.status, response.text).toBe(201);
  return response.json.data.id;
}

function processDoc(machineId: string, attributes: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown {
  return { data: { type: 'processes', ...extra, attributes, relationships: { machine: { data: { type: 'machines', id: machineId } } } } };
}

function spawn(machineId: string, pid: string, as: RequestOptions = asAdmin(), extra: Record<string, unknown> = {}): Promise<ApiResponse> {
  return t.request('POST', '/processes', { ...as, body: processDoc(machineId, { pid }, extra) });
}

async function spawned(machineId: string, pid: string, as: RequestOptions = asAdmin()): Promise<string> {
  const response = await spawn(machineId, pid, as);
  expect(response.status, response.text).toBe(201);
  return response.json.data.id;
}

function expectUnprocessable(response: ApiResponse, error: { detail: string; code: string; pointer: string }): void {
  expect(response.status, response.text).toBe(422);
  const [, section, attr] = error.pointer.split('/').slice(1);
  const links = attr === undefined ? {} : { links: { about: `https://keygen.sh/docs/api/processes/#processes-object-${section === 'attributes' ? 'attrs' : section}-${attr}` } };
  expect(firstError(response)).toEqual({ title: 'Unprocessable resource', detail: error.detail, code: error.code, source: { pointer: error.pointer }, ...links });
}

function expectLimit(response: ApiResponse, unit: string, limit: number): void {
  expectUnprocessable(response, { detail: `process count has exceeded maximum allowed for ${unit} (${limit})`, code: 'MACHINE_PROCESS_LIMIT_EXCEEDED', pointer: '/data' });
}

function expectBadRequest(response: ApiResponse, detail: string, pointer: string): void {
  expect(response.status, response.text).toBe(400);
  expect(firstError(response)).toEqual({ title: 'Bad request', detail, source: { pointer } });
}

describe('POST /processes (spawn)', () => {
  it('spawns with the license key: 201, Location, Keygen\'s process object, first heartbeat at creation', async () => {
    const license = await licenseWith();
    const machineId = await activate(license, 'shape');
    const response = await t.request('POST', '/processes', { ...asLicense(license), body: processDoc(machineId, { pid: '4242', metadata: { worker_kind: 'render' } }) });
    expect(response.status, response.text).toBe(201);
    const data = response.json.data;
    expect(response.headers.get('location')).toBe(`${t.base}/processes/${data.id}`);
    expect(Object.keys(data)).toEqual(['id', 'type', 'attributes', 'relationships', 'links']);
    expect(data.type).toBe('processes');
    expect(Object.keys(data.attributes)).toEqual(PROCESS_ATTRIBUTES);
    expect(data.attributes).toEqual({
      lastHeartbeat: iso(now),
      nextHeartbeat: iso(now + DEFAULT_WINDOW),
      interval: 600,
      status: 'ALIVE',
      pid: '4242',
      created: iso(now),
      updated: iso(now),
      metadata: { workerKind: 'render' },
    });
    const self = `${t.base}/processes/${data.id}`;
    expect(data.relationships).toEqual({
      account: { links: { related: t.base }, data: { type: 'accounts', id: t.issuer.account } },
      product: { links: { related: `${self}/product` }, data: { type: 'products', id: productA } },
      license: { links: { related: `${self}/license` }, data: { type: 'licenses', id: license.id } },
      machine: { links: { related: `${self}/machine` }, data: { type: 'machines', id: machineId } },
    });
    expect(data.links).toEqual({ self });
  });

  it('takes the interval from the policy\'s heartbeatDuration', async () => {
    const license = await licenseWith({ heartbeatDuration: 120 });
    const response = await spawn(await activate(license, 'interval'), '1');
    expect(response.json.data.attributes).toMatchObject({ interval: 120, nextHeartbeat: iso(now + 120 * SECOND) });
  });

  it('pid: taken on the same machine (422 PID_TAKEN), free on another; reserved; blank', async () => {
    const license = await licenseWith();
    const first = await activate(license, 'pid-1');
    const second = await activate(license, 'pid-2');
    await spawned(first, '1337');
    expectUnprocessable(await spawn(first, '1337'), { detail: 'has already been taken', code: 'PID_TAKEN', pointer: '/data/attributes/pid' });
    expect((await spawn(second, '1337')).status).toBe(201);
    expectUnprocessable(await spawn(first, 'actions'), { detail: 'is reserved', code: 'PID_NOT_ALLOWED', pointer: '/data/attributes/pid' });
    expectUnprocessable(await spawn(first, ' '), { detail: "can't be blank", code: 'PID_MISSING', pointer: '/data/attributes/pid' });
  });

  it('a client-chosen id: used when free; 422 ID_CONFLICT when taken, ID_INVALID when not a UUID', async () => {
    const machineId = await activate(await licenseWith(), 'chosen-id');
    const id = '00000000-2521-4033-9f4f-3675387016f7';
    const chosen = await spawn(machineId, '1', asAdmin(), { id });
    expect(chosen.status, chosen.text).toBe(201);
    expect(chosen.json.data.id).toBe(id);
    expectUnprocessable(await spawn(machineId, '2', asAdmin(), { id }), { detail: 'must not conflict with another process', code: 'ID_CONFLICT', pointer: '/data/id' });
    expectUnprocessable(await spawn(machineId, '3', asAdmin(), { id: '1' }), { detail: 'must be a valid UUID', code: 'ID_INVALID', pointer: '/data/id' });
  });

  it('a machine that does not exist: 422 MACHINE_NOT_FOUND for an admin, 403 for a license', async () => {
    const license = await licenseWith();
    const missing = '16896379-73ae-4d92-a458-6e7841c9ad08';
    expectUnprocessable(await spawn(missing, '1'), { detail: 'must exist', code: 'MACHINE_NOT_FOUND', pointer: '/data/relationships/machine' });
    expectUnprocessable(await spawn('not-a-uuid', '1'), { detail: 'must exist', code: 'MACHINE_NOT_FOUND', pointer: '/data/relationships/machine' });
    const byLicense = await spawn(missing, '1', asLicense(license));
    expect(byLicense.status).toBe(403);
    expect(firstError(byLicense)).toEqual(ACCESS_DENIED);
  });

  it('bad documents are Keygen\'s 400s', async () => {
    const machineId = await activate(await licenseWith(), 'bad-docs');
    const post = (body: unknown): Promise<ApiResponse> => t.admin('POST', '/processes', body);
    expectBadRequest(await post({ data: { type: 'processes', relationships: { machine: { data: { type: 'machines', id: machineId } } } } }), 'is missing', '/data/attributes');
    expectBadRequest(await post({ data: { type: 'processes', attributes: { pid: '1' } } }), 'is missing', '/data/relationships');
    expectBadRequest(await post(processDoc(machineId, { pid: '1', name: 'x' })), 'unpermitted parameter', '/data/attributes/name');
    expectBadRequest(await post(processDoc(machineId, { pid: 7 })), 'type mismatch (received integer expected string)', '/data/attributes/pid');
    expectBadRequest(await post({ data: { type: 'machines', attributes: { pid: '1' } } }), 'must be one of: process, processes (received machines)', '/data/type');
    const anonymous = await t.request('POST', '/processes', { body: processDoc(machineId, { pid: '1' }) });
    expect(anonymous.status).toBe(401);
    expect(firstError(anonymous).code).toBe('TOKEN_MISSING');
  });

  it('another license\'s or product\'s machine: 403', async () => {
    const mine = await licenseWith();
    const theirs = await licenseWith();
    const machineId = await activate(theirs, 'not-mine');
    expect(firstError(await spawn(machineId, '1', asLicense(mine)))).toEqual(ACCESS_DENIED);
    const byOtherProduct = await spawn(machineId, '1', { token: tokenB });
    expect(byOtherProduct.status).toBe(403);
    expect((await spawn(machineId, '1', { token: tokenA })).status).toBe(201);
  });
});

describe('maxProcesses by processLeasingStrategy', () => {
  it('PER_MACHINE (the default): each machine against the policy\'s maxProcesses', async () => {
    const license = await licenseWith({ maxProcesses: 2 });
    const busy = await activate(license, 'busy');
    const idle = await activate(license, 'idle');
    await spawned(busy, '1');
    await spawned(busy, '2');
    expectLimit(await spawn(busy, '3', asLicense(license)), 'machine', 2);
    expect((await spawn(idle, '3')).status).toBe(201);
  });

  it('PER_MACHINE: the license override, then the machine\'s own override, replace the policy\'s limit', async () => {
    const license = await licenseWith({ maxProcesses: 5 }, { maxProcesses: 1 });
    const machineId = await activate(license, 'overridden');
    await spawned(machineId, '1');
    expectLimit(await spawn(machineId, '2'), 'machine', 1);
    t.issuer.store.db.prepare('UPDATE machines SET max_processes_override = 2 WHERE id = ?').run(machineId);
    await spawned(machineId, '2');
    expectLimit(await spawn(machineId, '3'), 'machine', 2);
  });

  it('PER_LICENSE: every process of the license counts', async () => {
    const license = await licenseWith({ maxProcesses: 3, processLeasingStrategy: 'PER_LICENSE' });
    const first = await activate(license, 'l-1');
    const second = await activate(license, 'l-2');
    await spawned(first, '1');
    await spawned(first, '2');
    await spawned(second, '1');
    expectLimit(await spawn(second, '2'), 'license', 3);
  });

  it('PER_USER: the processes on machines of the same owner count; ownerless machines count together', async () => {
    const owner = (await t.admin('POST', '/users', doc('users', { email: 'per-user@example.com' }))).json.data.id as string;
    const license = await licenseWith({ maxProcesses: 2, processLeasingStrategy: 'PER_USER' }, {}, { owner: { type: 'users', id: owner } });
    const first = await activate(license, 'u-1');
    const second = await activate(license, 'u-2');
    const ownerless = await activate(license, 'u-3');
    t.issuer.store.db.prepare('UPDATE machines SET owner_id = NULL WHERE id = ?').run(ownerless);
    await spawned(first, '1');
    await spawned(second, '1');
    expectLimit(await spawn(first, '2'), 'user', 2);
    await spawned(ownerless, '1');
    await spawned(ownerless, '2');
    expectLimit(await spawn(ownerless, '3'), 'user', 2);
  });

  it('overage strategies relax the limit: always, 1.25x, 1.5x, 2x', async () => {
    const cases: readonly [string, number, number][] = [
      ['ALLOW_1_25X_OVERAGE', 4, 5],
      ['ALLOW_1_5X_OVERAGE', 2, 3],
      ['ALLOW_2X_OVERAGE', 2, 4],
    ];
    for (const [overageStrategy, maxProcesses, allowed] of cases) {
      const license = await licenseWith({ maxMachines: 4, maxProcesses, overageStrategy });
      const machineId = await activate(license, `overage-${overageStrategy}`);
      for (let pid = 1; pid <= allowed; pid++) await spawned(machineId, String(pid));
      expectLimit(await spawn(machineId, String(allowed + 1)), 'machine', maxProcesses);
    }
    const always = await licenseWith({ maxProcesses: 1, overageStrategy: 'ALWAYS_ALLOW_OVERAGE' });
    const machineId = await activate(always, 'overage-always');
    for (let pid = 1; pid <= 5; pid++) await spawned(machineId, String(pid));
  });

  it('killing a process frees its slot; no maxProcesses means no limit', async () => {
    const license = await licenseWith({ maxProcesses: 1 });
    const machineId = await activate(license, 'kill-frees');
    const id = await spawned(machineId, '1');
    expectLimit(await spawn(machineId, '2'), 'machine', 1);
    expect((await t.request('DELETE', `/processes/${id}`, asLicense(license))).status).toBe(204);
    await spawned(machineId, '2');
    const unlimited = await activate(await licenseWith(), 'unlimited');
    for (let pid = 1; pid <= 12; pid++) await spawned(unlimited, String(pid));
  });
});

describe('heartbeats: ping, death, resurrection, culling', () => {
  const ping = (id: string, as: RequestOptions = asAdmin()): Promise<ApiResponse> => t.request('POST', `/processes/${id}/actions/ping`, as);
  const status = async (id: string): Promise<string> => (await t.admin('GET', `/processes/${id}`)).json.data.attributes.status;
  const expectDead = (response: ApiResponse): void => {
    expect(response.status, response.text).toBe(422);
    expect(firstError(response)).toEqual({ title: 'Unprocessable entity', detail: 'is dead', code: 'PROCESS_HEARTBEAT_DEAD' });
  };

  it('a ping moves the next heartbeat one interval on; DEAD one millisecond after it, and a dead ping is 422', async () => {
    const license = await licenseWith({ heartbeatDuration: 120, heartbeatCullStrategy: 'KEEP_DEAD' });
    const id = await spawned(await activate(license, 'lifecycle'), '1');
    advance(100 * SECOND);
    const pinged = await ping(id, asLicense(license));
    expect(pinged.status, pinged.text).toBe(200);
    expect(pinged.json.data.attributes).toMatchObject({ status: 'ALIVE', lastHeartbeat: iso(now), nextHeartbeat: iso(now + 120 * SECOND), updated: iso(now) });
    advance(120 * SECOND);
    expect(await status(id)).toBe('ALIVE');
    advance(1);
    expect(await status(id)).toBe('DEAD');
    expectDead(await ping(id));
    // KEEP_DEAD: the dead process stays, and still counts.
    advance(DEFAULT_WINDOW);
    expect(await status(id)).toBe('DEAD');
    expect((await t.request('POST', `/processes/${id}/actions/ping-heartbeat`, asAdmin())).status).toBe(404);
  });

  it('revives a dead process within the policy\'s window (RESURRECTED once, then ALIVE), not after it', async () => {
    const license = await licenseWith({ heartbeatDuration: 120, heartbeatResurrectionStrategy: '5_MINUTE_REVIVE', heartbeatCullStrategy: 'KEEP_DEAD' });
    const machineId = await activate(license, 'revive');
    const early = await spawned(machineId, '1');
    const late = await spawned(machineId, '2');
    advance(120 * SECOND + 5 * MINUTE);
    const revived = await ping(early);
    expect(revived.status, revived.text).toBe(200);
    expect(revived.json.data.attributes).toMatchObject({ status: 'RESURRECTED', lastHeartbeat: iso(now) });
    expect(await status(early)).toBe('ALIVE');
    advance(1);
    expectDead(await ping(late));
  });

  it('ALWAYS_REVIVE revives however long the process was dead', async () => {
    const license = await licenseWith({ heartbeatDuration: 120, heartbeatResurrectionStrategy: 'ALWAYS_REVIVE', heartbeatCullStrategy: 'KEEP_DEAD' });
    const id = await spawned(await activate(license, 'always-revive'), '1');
    advance(7 * 24 * 60 * MINUTE);
    expect((await ping(id)).json.data.attributes.status).toBe('RESURRECTED');
  });

  it('DEACTIVATE_DEAD (the default) deletes a dead process once the 30 s drift has passed; it no longer counts', async () => {
    const license = await licenseWith({ maxProcesses: 1 });
    const machineId = await activate(license, 'culled');
    const id = await spawned(machineId, '1');
    advance(DEFAULT_WINDOW + DRIFT);
    expect(await status(id)).toBe('DEAD');
    expectLimit(await spawn(machineId, '2'), 'machine', 1);
    advance(1);
    const gone = await t.admin('GET', `/processes/${id}`);
    expect(gone.status).toBe(404);
    expect(firstError(gone)).toEqual({ title: 'Not found', detail: `The requested machine process '${id}' was not found`, code: 'NOT_FOUND' });
    expect((await t.admin('GET', `/processes?machine=${machineId}`)).json.data).toEqual([]);
    expect((await spawn(machineId, '2')).status).toBe(201);
  });

  it('a reviving policy keeps a dead process until its revive window has passed', async () => {
    const license = await licenseWith({ heartbeatDuration: 120, heartbeatResurrectionStrategy: '1_MINUTE_REVIVE' });
    const id = await spawned(await activate(license, 'revive-then-cull'), '1');
    advance(120 * SECOND + MINUTE);
    expect(await status(id)).toBe('DEAD');
    advance(1);
    expect((await t.admin('GET', `/processes/${id}`)).status).toBe(404);
  });
});

describe('TOO_MANY_PROCESSES in validation counts as the leasing strategy does', () => {
  async function code(license: LicenseObject, scope: Record<string, unknown>): Promise<[string, boolean]> {
    const response = await t.request('POST', '/licenses/actions/validate-key', { body: { meta: { key: license.attributes.key, scope } } });
    expect(response.status, response.text).toBe(200);
    return [response.json.meta.code, response.json.meta.valid];
  }
  const lower = (license: LicenseObject, maxProcesses: number): Promise<ApiResponse> => t.admin('PATCH', `/licenses/${license.id}`, doc('licenses', { maxProcesses }));

  it('PER_MACHINE: the scoped machine\'s processes; within overage the code stays but valid is true', async () => {
    const license = await licenseWith({ strict: true, maxProcesses: 5, overageStrategy: 'ALLOW_2X_OVERAGE' });
    const busy = await activate(license, 'v-busy');
    await activate(license, 'v-idle');
    for (const pid of ['1', '2', '3']) await spawned(busy, pid);
    expect((await lower(license, 2)).status).toBe(200);
    expect(await code(license, { fingerprint: 'v-busy' })).toEqual(['TOO_MANY_PROCESSES', true]);
    expect(await code(license, { fingerprint: 'v-idle' })).toEqual(['VALID', true]);
    expect((await lower(license, 1)).status).toBe(200);
    expect(await code(license, { fingerprint: 'v-busy' })).toEqual(['TOO_MANY_PROCESSES', false]);
  });

  it('PER_USER: the scoped user\'s machines, or the ownerless ones without a user scope', async () => {
    const owner = (await t.admin('POST', '/users', doc('users', { email: 'validate-per-user@example.com' }))).json.data.id as string;
    const license = await licenseWith({ strict: true, maxProcesses: 2, processLeasingStrategy: 'PER_USER' }, {}, { owner: { type: 'users', id: owner } });
    const owned = await activate(license, 'pu-owned');
    const ownerless = await activate(license, 'pu-ownerless');
    t.issuer.store.db.prepare('UPDATE machines SET owner_id = NULL WHERE id = ?').run(ownerless);
    await spawned(owned, '1');
    await spawned(owned, '2');
    await spawned(ownerless, '1');
    expect((await lower(license, 1)).status).toBe(200);
    expect(await code(license, { user: 'validate-per-user@example.com' })).toEqual(['TOO_MANY_PROCESSES', false]);
    expect(await code(license, {})).toEqual(['VALID', true]);
  });

  it('dead processes culled by their heartbeat no longer count', async () => {
    const license = await licenseWith({ strict: true, maxProcesses: 2, processLeasingStrategy: 'PER_LICENSE' });
    const machineId = await activate(license, 'v-culled');
    await spawned(machineId, '1');
    await spawned(machineId, '2');
    expect((await lower(license, 1)).status).toBe(200);
    expect(await code(license, {})).toEqual(['TOO_MANY_PROCESSES', false]);
    // The machine itself has no heartbeat, so only its processes die.
    advance(DEFAULT_WINDOW + DRIFT + 1);
    expect(await code(license, {})).toEqual(['VALID', true]);
  });
});

describe('reading, changing and killing processes', () => {
  it('GET /processes filters by machine, license, product, user and status, and pages', async () => {
    const user = (await t.admin('POST', '/users', doc('users', { email: 'lister@example.com' }))).json.data.id as string;
    const license = await licenseWith({ heartbeatDuration: 120, heartbeatCullStrategy: 'KEEP_DEAD' }, {}, { owner: { type: 'users', id: user } });
    const first = await activate(license, 'list-1');
    const second = await activate(license, 'list-2');
    const old = await spawned(first, '1');
    advance(121 * SECOND);
    const fresh = await spawned(second, '1');
    const ids = async (query: string): Promise<string[]> => {
      const response = await t.admin('GET', `/processes?${query}`);
      expect(response.status, response.text).toBe(200);
      return response.json.data.map((process: { id: string }) => process.id);
    };
    expect(await ids(`license=${license.id}`)).toEqual([fresh, old]);
    expect(await ids(`machine=${first}`)).toEqual([old]);
    expect(await ids(`license=${license.id}&status=dead`)).toEqual([old]);
    expect(await ids(`license=${license.id}&status=ALIVE`)).toEqual([fresh]);
    expect(await ids(`license=${license.id}&status=sleeping`)).toEqual([]);
    expect(await ids(`user=lister@example.com`)).toEqual([fresh, old]);
    expect(await ids(`user=${user}&machine=${second}`)).toEqual([fresh]);
    expect((await ids(`product=${productA}&limit=100`)).includes(fresh)).toBe(true);
    expect(await ids(`product=${productB}`)).toEqual([]);
    expect(await ids('machine=not-a-uuid')).toEqual([]);
    const paged = await t.admin('GET', `/processes?license=${license.id}&page[number]=2&page[size]=1`);
    expect(paged.json.data.map((process: { id: string }) => process.id)).toEqual([old]);
    expect(paged.json.links.meta).toEqual({ pages: 2, count: 2 });
  });

  it('a license sees, pings, changes and kills only its own processes; others get 404', async () => {
    const mine = await licenseWith();
    const theirs = await licenseWith();
    const myProcess = await spawned(await activate(mine, 'own-1'), '1');
    const theirProcess = await spawned(await activate(theirs, 'own-2'), '1');
    const list = await t.request('GET', '/processes', asLicense(mine));
    expect(list.json.data.map((process: { id: string }) => process.id)).toEqual([myProcess]);
    for (const [method, path] of [
      ['GET', `/processes/${theirProcess}`],
      ['POST', `/processes/${theirProcess}/actions/ping`],
      ['DELETE', `/processes/${theirProcess}`],
      ['GET', `/processes/${theirProcess}/machine`],
    ] as const) {
      const response = await t.request(method, path, asLicense(mine));
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(firstError(response).detail).toBe(`The requested machine process '${theirProcess}' was not found`);
    }
    const patch = await t.request('PATCH', `/processes/${theirProcess}`, { ...asLicense(mine), body: { data: { type: 'processes', attributes: { metadata: { a: 1 } } } } });
    expect(patch.status).toBe(404);
    expect((await t.request('GET', `/processes/${theirProcess}`, { token: tokenB })).status).toBe(404);
    expect((await t.request('GET', '/processes/not-a-uuid', asLicense(mine))).status).toBe(404);
    expect((await t.request('DELETE', `/processes/${myProcess}`, asLicense(mine))).status).toBe(204);
    expect((await t.request('DELETE', `/processes/${myProcess}`, asLicense(mine))).status).toBe(404);
  });

  it('PATCH: admins and products change metadata; a license may not (400 unpermitted parameter)', async () => {
    const license = await licenseWith();
    const id = await spawned(await activate(license, 'patch'), '1');
    const body = { data: { type: 'processes', id, attributes: { metadata: { server_id: '0000' } } } };
    advance(SECOND);
    const byAdmin = await t.admin('PATCH', `/processes/${id}`, body);
    expect(byAdmin.status, byAdmin.text).toBe(200);
    expect(byAdmin.json.data.attributes).toMatchObject({ metadata: { serverId: '0000' }, updated: iso(now) });
    expect((await t.request('PATCH', `/processes/${id}`, { token: tokenA, body })).status).toBe(200);
    expectBadRequest(await t.request('PATCH', `/processes/${id}`, { ...asLicense(license), body }), 'unpermitted parameter', '/data/attributes/metadata');
    expectBadRequest(await t.admin('PATCH', `/processes/${id}`, { data: { type: 'processes', attributes: { pid: '2' } } }), 'unpermitted parameter', '/data/attributes/pid');
  });

  it('a suspended license\'s token may not touch its processes (403)', async () => {
    const license = await licenseWith();
    const id = await spawned(await activate(license, 'suspended'), '1');
    const token = (await t.admin('POST', `/licenses/${license.id}/tokens`)).json.data.attributes.token as string;
    expect((await t.request('GET', `/processes/${id}`, { token })).status).toBe(200);
    expect((await t.admin('POST', `/licenses/${license.id}/actions/suspend`)).status).toBe(200);
    expect(firstError(await t.request('POST', `/processes/${id}/actions/ping`, { token }))).toEqual(ACCESS_DENIED);
  });

  it('deactivating the machine kills its processes', async () => {
    const license = await licenseWith();
    const machineId = await activate(license, 'cascade');
    const id = await spawned(machineId, '1');
    expect((await t.request('DELETE', `/machines/${machineId}`, asLicense(license))).status).toBe(204);
    expect((await t.admin('GET', `/processes/${id}`)).status).toBe(404);
  });
});

describe('relationship routes', () => {
  it('the machine\'s advertised processes link lists its processes (by id or fingerprint), and one of them', async () => {
    const license = await licenseWith();
    const machineId = await activate(license, 'linked:fp');
    const other = await activate(license, 'linked-other');
    const id = await spawned(machineId, '1');
    const otherId = await spawned(other, '1');
    const machine = await t.request('GET', `/machines/${machineId}`, asLicense(license));
    const related = machine.json.data.relationships.processes.links.related as string;
    const listed = await t.request('GET', `${related}?limit=100`, asLicense(license));
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json.data.map((process: { id: string }) => process.id)).toEqual([id]);
    expect((await t.request('GET', '/machines/linked:fp/processes', asLicense(license))).json.data).toHaveLength(1);
    expect((await t.request('GET', `/machines/${machineId}/processes/${id}`, asLicense(license))).json.data.id).toBe(id);
    expect((await t.request('GET', `/machines/${machineId}/processes/${otherId}`, asLicense(license))).status).toBe(404);
    expect((await t.request('GET', `/machines/${machineId}/processes`, asLicense(await licenseWith()))).status).toBe(404);
  });

  it('a process\'s machine, license and product; a license holds no product.read (403)', async () => {
    const license = await licenseWith();
    const machineId = await activate(license, 'to-one');
    const process = (await spawn(machineId, '1', asLicense(license))).json.data;
    const follow = (name: string, as: RequestOptions): Promise<ApiResponse> => t.request('GET', process.relationships[name].links.related, as);
    const machine = await follow('machine', asLicense(license));
    expect(machine.status).toBe(200);
    expect(machine.json.data).toMatchObject({ type: 'machines', id: machineId });
    const owner = await follow('license', asLicense(license));
    expect(owner.json.data).toMatchObject({ type: 'licenses', id: license.id });
    expect(firstError(await follow('product', asLicense(license)))).toEqual(ACCESS_DENIED);
    const product = await follow('product', asAdmin());
    expect(product.json.data).toMatchObject({ type: 'products', id: productA });
  });
});
