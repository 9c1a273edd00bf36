/**
 * The client flows on the `--seed demo` catalogue, over sockets, the way Tessera drives a
 * Keygen server (protocol §3): validate-key scoped to a fingerprint → activate with the license
 * key → validate again → check out a machine file → verify it offline with the engine; plus
 * each demo policy's own behaviour (seats, check-in, heartbeat, expiry, suspension, plain
 * check-out) and deactivation.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLicenseFile } from '../../src/license-file/verify.js';
import { firstError, startTestIssuer, type ApiResponse, type TestIssuer } from './support.js';

const DAY = 86_400_000;
let now = Date.parse('2031-03-01T12:00:00.000Z');
let t: TestIssuer;
let productId: string;

beforeAll(async () => {
  t = await startTestIssuer({ seed: 'demo', clock: () => now });
  productId = t.issuer.config.product as string;
});
afterAll(() => t.close());

function demoKey(policy: string): { id: string; key: string } {
  const license = t.issuer.licenses.find((candidate) => candidate.policy === policy);
  if (license === undefined) throw new Error(`no demo license for ${policy}`);
  return license;
}

const fingerprint = (): string => randomBytes(32).toString('hex');
const asLicense = (key: string) => ({ auth: `License ${key}` });

async function validateKey(key: string, scope: Record<string, unknown>): Promise<{ valid: boolean; code: string; response: ApiResponse }> {
  const nonce = Math.floor(Math.random() * 1e9);
  const response = await t.request('POST', '/licenses/actions/validate-key', { body: { meta: { key, nonce, scope: { product: productId, ...scope } } } });
  expect(response.status, response.text).toBe(200);
  expect(response.json.meta.nonce).toBe(nonce);
  return { valid: response.json.meta.valid, code: response.json.meta.code, response };
}

function activate(license: { id: string; key: string }, machineFingerprint: string): Promise<ApiResponse> {
  return t.request('POST', '/machines', {
    ...asLicense(license.key),
    body: {
      data: {
        type: 'machines',
        attributes: { fingerprint: machineFingerprint, platform: 'linux', hostname: 'demo-host', cores: 4 },
        relationships: { license: { data: { type: 'licenses', id: license.id } } },
      },
    },
  });
}

describe('node-locked demo license: the first activation, as a client performs it', () => {
  it('NO_MACHINE → activate → VALID → encrypted machine file verifies offline with key + fingerprint', async () => {
    const license = demoKey('Node-locked');
    const fp = fingerprint();
    expect((await validateKey(license.key, { fingerprint: fp })).code).toBe('NO_MACHINE');

    const activated = await activate(license, fp);
    expect(activated.status, activated.text).toBe(201);
    expect(activated.json.data.attributes.fingerprint).toBe(fp);

    const valid = await validateKey(license.key, { fingerprint: fp });
    expect(valid).toMatchObject({ valid: true, code: 'VALID' });
    expect(valid.response.json.data.id).toBe(license.id);

    const checkout = await t.request('POST', `/machines/${fp}/actions/check-out?encrypt=1&include=license,license.entitlements`, asLicense(license.key));
    expect(checkout.status, checkout.text).toBe(200);
    const result = verifyLicenseFile(checkout.json.data.attributes.certificate, t.pinned, { licenseKey: license.key, fingerprint: fp, now });
    if (!result.ok) throw new Error(`machine file refused: ${result.code}`);
    expect(result.value.kind).toBe('machine');
    expect(result.value.license?.id).toBe(license.id);
    expect(result.value.entitlements.map((entitlement) => entitlement.attributes.code).sort()).toEqual(['CORE', 'PRO']);

    // A second machine: strict node-locked refuses it; the first machine's file does not open on it.
    const other = fingerprint();
    const refused = await activate(license, other);
    expect(refused.status).toBe(422);
    expect(firstError(refused)).toMatchObject({ code: 'MACHINE_LIMIT_EXCEEDED', source: { pointer: '/data' } });
    // Encrypted with key + fingerprint, the file does not even decrypt on another machine.
    const elsewhere = verifyLicenseFile(checkout.json.data.attributes.certificate, t.pinned, { licenseKey: license.key, fingerprint: other, now });
    expect(elsewhere.ok ? 'accepted' : elsewhere.code).toBe('LICENSE_FILE_DECRYPTION_FAILED');
    expect((await validateKey(license.key, { fingerprint: other })).code).toBe('FINGERPRINT_SCOPE_MISMATCH');

    // Deactivating frees the seat.
    expect((await t.request('DELETE', `/machines/${fp}`, asLicense(license.key))).status).toBe(204);
    expect((await validateKey(license.key, { fingerprint: fp })).code).toBe('NO_MACHINE');
    expect((await activate(license, other)).status).toBe(201);
  });
});

describe('each demo policy', () => {
  it('Floating (3 seats): NO_MACHINES, three activations, the fourth refused, each seat VALID', async () => {
    const license = demoKey('Floating (3 seats)');
    expect((await validateKey(license.key, { fingerprint: fingerprint() })).code).toBe('NO_MACHINES');
    const seats = [fingerprint(), fingerprint(), fingerprint()];
    for (const seat of seats) expect((await activate(license, seat)).status).toBe(201);
    const fourth = await activate(license, fingerprint());
    expect(fourth.status).toBe(422);
    expect(firstError(fourth).code).toBe('MACHINE_LIMIT_EXCEEDED');
    for (const seat of seats) expect((await validateKey(license.key, { fingerprint: seat })).code).toBe('VALID');
    const listed = await t.request('GET', `/licenses/${license.id}/machines`, asLicense(license.key));
    expect(listed.json.data.map((machine: { attributes: { fingerprint: string } }) => machine.attributes.fingerprint).sort()).toEqual([...seats].sort());
  });

  it('Check-in required: check-in moves nextCheckIn; overdue after a missed day; other policies refuse check-in (422)', async () => {
    const license = demoKey('Check-in required');
    const fp = fingerprint();
    expect((await activate(license, fp)).status).toBe(201);
    const checkedIn = await t.request('POST', `/licenses/${license.id}/actions/check-in`, asLicense(license.key));
    expect(checkedIn.status, checkedIn.text).toBe(200);
    expect(checkedIn.json.data.attributes.nextCheckIn).toBe(new Date(now + DAY).toISOString());
    expect((await validateKey(license.key, { fingerprint: fp })).code).toBe('VALID');

    const saved = now;
    now += DAY + 60_000;
    expect((await validateKey(license.key, { fingerprint: fp })).code).toBe('OVERDUE');
    now = saved;

    const nodeLocked = demoKey('Node-locked');
    const refused = await t.request('POST', `/licenses/${nodeLocked.id}/actions/check-in`, asLicense(nodeLocked.key));
    expect(refused.status).toBe(422);
  });

  it('Heartbeat required: activation starts the heartbeat, pings keep it alive, a dead machine is culled', async () => {
    const license = demoKey('Heartbeat required');
    const fp = fingerprint();
    const activated = await activate(license, fp);
    expect(activated.status).toBe(201);
    expect(activated.json.data.attributes).toMatchObject({ requireHeartbeat: true, heartbeatDuration: 600 });
    const before = await validateKey(license.key, { fingerprint: fp });
    // FROM_CREATION (the default basis when a heartbeat is required): the activation is the first beat.
    expect(before.code).toBe('VALID');

    const ping = await t.request('POST', `/machines/${fp}/actions/ping`, asLicense(license.key));
    expect(ping.status, ping.text).toBe(200);
    expect(ping.json.data.attributes.heartbeatStatus).toBe('ALIVE');
    expect((await validateKey(license.key, { fingerprint: fp })).code).toBe('VALID');

    const saved = now;
    now += 11 * 60_000;
    // Dead past the window (and Keygen's 30 s drift): DEACTIVATE_DEAD culls it, freeing the seat.
    expect((await validateKey(license.key, { fingerprint: fp })).code).toBe('NO_MACHINES');
    expect((await t.request('GET', `/machines/${fp}`, asLicense(license.key))).status).toBe(404);
    now = saved;
  });

  it('Short expiry: VALID today, EXPIRED two days later', async () => {
    const license = demoKey('Short expiry');
    const fp = fingerprint();
    expect((await activate(license, fp)).status).toBe(201);
    expect((await validateKey(license.key, { fingerprint: fp })).code).toBe('VALID');
    const saved = now;
    now += 2 * DAY;
    expect((await validateKey(license.key, { fingerprint: fp })).code).toBe('EXPIRED');
    now = saved;
  });

  it('Suspended: validation says SUSPENDED and the license key may not activate (403 LICENSE_SUSPENDED)', async () => {
    const license = demoKey('Suspended');
    expect((await validateKey(license.key, {})).code).toBe('SUSPENDED');
    const refused = await activate(license, fingerprint());
    expect(refused.status).toBe(403);
    expect(firstError(refused).code).toBe('LICENSE_SUSPENDED');
  });

  it('Unencrypted check-out: a plain license file verifies without the license key', async () => {
    const license = demoKey('Unencrypted check-out');
    const checkout = await t.request('GET', `/licenses/${license.id}/actions/check-out?include=entitlements`, asLicense(license.key));
    expect(checkout.status).toBe(200);
    const result = verifyLicenseFile(checkout.text, t.pinned, { now });
    if (!result.ok) throw new Error(`license file refused: ${result.code}`);
    expect(result.value.alg).toBe('base64+ed25519');
    expect(result.value.entitlements.map((entitlement) => entitlement.attributes.code).sort()).toEqual(['CORE', 'OFFLINE']);
  });

  it('an unknown key is NOT_FOUND with data null, and a license key cannot read another license', async () => {
    const unknown = await validateKey('NOT-A-REAL-KEY', {});
    expect(unknown).toMatchObject({ valid: false, code: 'NOT_FOUND' });
    expect(unknown.response.json.data).toBeNull();
    const mine = demoKey('Node-locked');
    const theirs = demoKey('Floating (3 seats)');
    expect((await t.request('GET', `/licenses/${theirs.id}`, asLicense(mine.key))).status).toBe(404);
  });
});
