/**
 * Machine heartbeats under a controlled clock: ping and reset (and their `-heartbeat` aliases),
 * the NOT_STARTED → ALIVE → DEAD lifecycle, resurrection windows, the FROM_CREATION basis, who
 * may ping or reset, and culling of dead machines (DEACTIVATE_DEAD vs KEEP_DEAD).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cullDeadMachines } from '../../issuer/domain/culling.js';
import { createLicense, createPolicy, createProduct, firstError, startTestIssuer, type ApiResponse, type TestIssuer } from './support.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** The policies below use a 2-minute heartbeat window. */
const WINDOW = 2 * MINUTE;

interface LicenseObject {
  id: string;
  attributes: { key: string };
}

let now = Date.parse('2030-01-01T00:00:00.000Z');
const advance = (ms: number): void => {
  now += ms;
};
let t: TestIssuer;
let productId: string;
let productToken: string;

beforeAll(async () => {
  t = await startTestIssuer({ clock: () => now });
  productId = await createProduct(t);
  productToken = (await t.admin('POST', `/products/${productId}/tokens`)).json.data.attributes.token;
});
afterAll(() => t.close());

/** A floating license under a heartbeat policy (2-minute window, counted from the first ping, unless overridden). */
async function heartbeatLicense(attributes: Record<string, unknown> = {}): Promise<LicenseObject> {
  const policy = await createPolicy(t, productId, {
    floating: true,
    maxMachines: 10,
    requireHeartbeat: true,
    heartbeatDuration: WINDOW / SECOND,
    heartbeatBasis: 'FROM_FIRST_PING',
    ...attributes,
  });
  return createLicense(t, policy);
}

const asLicense = (license: LicenseObject) => ({ auth: `License ${license.attributes.key}` });

async function activate(license: LicenseObject, fingerprint: string): Promise<{ id: string; attributes: Record<string, unknown> }> {
  const response = await t.request('POST', '/machines', {
    ...asLicense(license),
    body: { data: { type: 'machines', attributes: { fingerprint }, relationships: { license: { data: { type: 'licenses', id: license.id } } } } },
  });
  expect(response.status, response.text).toBe(201);
  return response.json.data;
}

const ping = (id: string, license: LicenseObject, action = 'ping'): Promise<ApiResponse> => t.request('POST', `/machines/${encodeURIComponent(id)}/actions/${action}`, asLicense(license));
const status = async (id: string): Promise<string> => (await t.admin('GET', `/machines/${id}`)).json.data.attributes.heartbeatStatus;
const iso = (ms: number): string => new Date(ms).toISOString();

function expectDead(response: ApiResponse): void {
  expect(response.status, response.text).toBe(422);
  expect(firstError(response)).toEqual({ title: 'Unprocessable entity', detail: 'is dead', code: 'MACHINE_HEARTBEAT_DEAD' });
}

describe('ping and reset', () => {
  it('NOT_STARTED → ping → ALIVE with next heartbeat one window later → DEAD after the window → 422 MACHINE_HEARTBEAT_DEAD', async () => {
    const license = await heartbeatLicense({ heartbeatCullStrategy: 'KEEP_DEAD' });
    const machine = await activate(license, 'lifecycle');
    expect(machine.attributes).toMatchObject({ requireHeartbeat: true, heartbeatStatus: 'NOT_STARTED', heartbeatDuration: 120, lastHeartbeat: null, nextHeartbeat: null });

    advance(30 * SECOND);
    const pinged = await ping(machine.id, license);
    expect(pinged.status, pinged.text).toBe(200);
    expect(pinged.json.data.attributes).toMatchObject({ heartbeatStatus: 'ALIVE', lastHeartbeat: iso(now), nextHeartbeat: iso(now + WINDOW), updated: iso(now) });

    advance(WINDOW);
    expect(await status(machine.id)).toBe('ALIVE');
    advance(1);
    expect(await status(machine.id)).toBe('DEAD');
    expectDead(await ping(machine.id, license));
    expect(await status(machine.id)).toBe('DEAD');
  });

  it('without a required heartbeat: 600 s window shown, and a machine that pings is held to it', async () => {
    const policy = await createPolicy(t, productId, { floating: true, maxMachines: 10 });
    const license: LicenseObject = await createLicense(t, policy);
    const machine = await activate(license, 'optional-heartbeat');
    expect(machine.attributes).toMatchObject({ requireHeartbeat: false, heartbeatStatus: 'NOT_STARTED', heartbeatDuration: 600 });
    const pinged = await ping(machine.id, license);
    expect(pinged.status, pinged.text).toBe(200);
    expect(pinged.json.data.attributes).toMatchObject({ requireHeartbeat: true, heartbeatStatus: 'ALIVE', heartbeatDuration: 600, nextHeartbeat: iso(now + 600 * SECOND) });
  });

  it('answers on the `-heartbeat` aliases and by fingerprint', async () => {
    const license = await heartbeatLicense();
    const machine = await activate(license, 'alias:fp');
    const byAlias = await ping('alias:fp', license, 'ping-heartbeat');
    expect(byAlias.status).toBe(200);
    expect(byAlias.json.data).toMatchObject({ id: machine.id, attributes: { heartbeatStatus: 'ALIVE' } });
    const reset = await t.admin('POST', `/machines/${machine.id}/actions/reset-heartbeat`);
    expect(reset.status).toBe(200);
    expect(reset.json.data.attributes).toMatchObject({ heartbeatStatus: 'NOT_STARTED', lastHeartbeat: null, nextHeartbeat: null });
  });

  it('a required heartbeat that never starts is DEAD one window after activation', async () => {
    const license = await heartbeatLicense({ heartbeatCullStrategy: 'KEEP_DEAD' });
    const machine = await activate(license, 'never-pinged');
    advance(WINDOW);
    expect(await status(machine.id)).toBe('NOT_STARTED');
    advance(1);
    expect(await status(machine.id)).toBe('DEAD');
    expectDead(await ping(machine.id, license));
  });

  it('under FROM_CREATION (the default when heartbeats are required) the first heartbeat is the activation itself', async () => {
    const license = await createLicense(t, await createPolicy(t, productId, { floating: true, requireHeartbeat: true, heartbeatDuration: WINDOW / SECOND }));
    const machine = await activate(license, 'from-creation');
    expect(machine.attributes).toMatchObject({ heartbeatStatus: 'ALIVE', lastHeartbeat: iso(now), nextHeartbeat: iso(now + WINDOW) });
  });

  it('reset: admins and products may, a license may not (403); a license pings only its own machines (404)', async () => {
    const license = await heartbeatLicense();
    const other = await heartbeatLicense();
    const machine = await activate(license, 'reset-me');
    const othersMachine = await activate(other, 'not-yours');
    expect((await ping(machine.id, license)).status).toBe(200);

    const byLicense = await ping(machine.id, license, 'reset');
    expect(byLicense.status).toBe(403);
    expect(firstError(byLicense)).toEqual({
      title: 'Access denied',
      detail: 'You do not have permission to complete the request (ensure the token bearer is allowed to access this resource)',
    });
    const byProduct = await t.request('POST', `/machines/${machine.id}/actions/reset`, { token: productToken });
    expect(byProduct.status).toBe(200);
    expect(byProduct.json.data.attributes.heartbeatStatus).toBe('NOT_STARTED');

    expect((await ping(othersMachine.id, license)).status).toBe(404);
    expect((await t.request('POST', `/machines/${othersMachine.id}/actions/ping`, { token: productToken })).status).toBe(200);
    const anonymous = await t.request('POST', `/machines/${machine.id}/actions/ping`);
    expect(anonymous.status).toBe(401);
  });
});

describe('resurrection', () => {
  it('5_MINUTE_REVIVE: a ping within 5 minutes of death answers RESURRECTED (once), later ones are refused', async () => {
    const license = await heartbeatLicense({ heartbeatResurrectionStrategy: '5_MINUTE_REVIVE', heartbeatCullStrategy: 'KEEP_DEAD' });
    const machine = await activate(license, 'lazarus');
    expect((await ping(machine.id, license)).status).toBe(200);

    advance(WINDOW + 4 * MINUTE);
    expect(await status(machine.id)).toBe('DEAD');
    const revived = await ping(machine.id, license);
    expect(revived.status, revived.text).toBe(200);
    expect(revived.json.data.attributes).toMatchObject({ heartbeatStatus: 'RESURRECTED', lastHeartbeat: iso(now), nextHeartbeat: iso(now + WINDOW) });
    expect(await status(machine.id)).toBe('ALIVE');

    advance(WINDOW + 5 * MINUTE + 1);
    expectDead(await ping(machine.id, license));
  });

  it('a machine that never pinged cannot be revived by a timed strategy, only by ALWAYS_REVIVE', async () => {
    const timed = await heartbeatLicense({ heartbeatResurrectionStrategy: '15_MINUTE_REVIVE', heartbeatCullStrategy: 'KEEP_DEAD' });
    const always = await heartbeatLicense({ heartbeatResurrectionStrategy: 'ALWAYS_REVIVE', heartbeatCullStrategy: 'KEEP_DEAD' });
    const idle = await activate(timed, 'idle-timed');
    const idleAlways = await activate(always, 'idle-always');
    advance(WINDOW + MINUTE);
    expectDead(await ping(idle.id, timed));
    const revived = await ping(idleAlways.id, always);
    expect(revived.json.data.attributes.heartbeatStatus).toBe('RESURRECTED');
  });

  it('ALWAYS_REVIVE revives however long the machine has been dead', async () => {
    const license = await heartbeatLicense({ heartbeatResurrectionStrategy: 'ALWAYS_REVIVE', heartbeatCullStrategy: 'KEEP_DEAD' });
    const machine = await activate(license, 'phoenix');
    await ping(machine.id, license);
    advance(60 * 86_400 * SECOND);
    expect((await ping(machine.id, license)).json.data.attributes.heartbeatStatus).toBe('RESURRECTED');
  });
});

describe('culling dead machines', () => {
  it('DEACTIVATE_DEAD: a machine dead for longer than the 30 s drift is deleted and frees its seat', async () => {
    const policy = await createPolicy(t, productId, { requireHeartbeat: true, heartbeatDuration: WINDOW / SECOND, heartbeatBasis: 'FROM_FIRST_PING' });
    const license = await createLicense(t, policy);
    const machine = await activate(license, 'doomed');
    await ping(machine.id, license);

    advance(WINDOW + 30 * SECOND);
    expectDead(await ping(machine.id, license));
    advance(1);
    const gone = await t.admin('GET', `/machines/${machine.id}`);
    expect(gone.status).toBe(404);
    expect(firstError(gone)).toMatchObject({ code: 'NOT_FOUND' });
    expect((await t.admin('GET', `/licenses/${license.id}/machines`)).json.data).toEqual([]);
    expect((await activate(license, 'replacement')).attributes.heartbeatStatus).toBe('NOT_STARTED');
  });

  it('lists, pings and deletes see culled machines as gone', async () => {
    const license = await heartbeatLicense();
    const dead = await activate(license, 'dead-in-list');
    await ping(dead.id, license);
    advance(WINDOW / 2);
    const alive = await activate(license, 'alive-in-list');
    await ping(alive.id, license);
    advance(WINDOW / 2 + 31 * SECOND);
    const listed = await t.request('GET', '/machines', asLicense(license));
    expect(listed.json.data.map((machine: { id: string }) => machine.id)).toEqual([alive.id]);
    expect((await ping(dead.id, license)).status).toBe(404);
    expect((await t.request('DELETE', `/machines/${dead.id}`, asLicense(license))).status).toBe(404);
  });

  it('keeps machines under KEEP_DEAD, without a required heartbeat, or still inside a revive window', async () => {
    const keep = await heartbeatLicense({ heartbeatCullStrategy: 'KEEP_DEAD' });
    const unmonitored = await createLicense(t, await createPolicy(t, productId, { floating: true, heartbeatDuration: WINDOW / SECOND }));
    const revivable = await heartbeatLicense({ heartbeatResurrectionStrategy: '10_MINUTE_REVIVE' });
    const kept = await activate(keep, 'kept');
    const idle = await activate(unmonitored, 'unmonitored');
    const waiting = await activate(revivable, 'waiting');
    await ping(kept.id, keep);
    await ping(waiting.id, revivable);

    advance(WINDOW + 5 * MINUTE);
    expect(cullDeadMachines(t.issuer.store, keep.id, now)).toBe(0);
    expect(cullDeadMachines(t.issuer.store, unmonitored.id, now)).toBe(0);
    expect(cullDeadMachines(t.issuer.store, revivable.id, now)).toBe(0);
    expect(await status(kept.id)).toBe('DEAD');
    expect(await status(idle.id)).toBe('NOT_STARTED');
    expect(await status(waiting.id)).toBe('DEAD');

    advance(5 * MINUTE + 1);
    expect(cullDeadMachines(t.issuer.store, revivable.id, now)).toBe(1);
    expect(t.issuer.store.machines.findById(t.issuer.account, waiting.id)).toBeNull();
  });

  it('the status filter lists ALIVE and DEAD machines', async () => {
    const license = await heartbeatLicense({ heartbeatCullStrategy: 'KEEP_DEAD' });
    const dying = await activate(license, 'status-dead');
    await ping(dying.id, license);
    advance(WINDOW + 1);
    const fresh = await activate(license, 'status-fresh');
    const fingerprints = async (filter: string) =>
      (await t.admin('GET', `/machines?license=${license.id}&status=${filter}`)).json.data.map((machine: { id: string }) => machine.id);
    expect(await fingerprints('DEAD')).toEqual([dying.id]);
    expect(await fingerprints('alive')).toEqual([fresh.id]);
  });
});
