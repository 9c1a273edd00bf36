/** Requests, responses and receipts: made, signed, parsed; what is refused before anything is used. */
import { describe, expect, it } from 'vitest';
import { parseCarried, documentDigest } from '../../src/airgap/documents.js';
import { machineKey, machineKeyDraft, MACHINE_KEY_ACCOUNT, registeredKey, registeredValue } from '../../src/airgap/machine-key.js';
import { checkForThisVendor, createActivationRequest, MAX_REQUEST_AGE_MS } from '../../src/airgap/request.js';
import { createMemoryStore } from '../../src/vault/memory.store.js';
import { otherMachine, receiptFrom, requestFrom } from './support.js';

const CONFIG = { account: 'acct-1', product: 'prod-1' };
const NOW = Date.UTC(2030, 0, 1);

describe('the machine key', () => {
  it('is made once, kept in the secret store, and the same afterwards', async () => {
    const secrets = createMemoryStore();
    const first = await machineKey(secrets);
    const second = await machineKey(secrets);
    expect(first.ok && second.ok && first.value.publicKey === second.value.publicKey).toBe(true);
    expect((await secrets.list()).ok && (await secrets.list())).toEqual({ ok: true, value: [MACHINE_KEY_ACCOUNT] });
    // Another process (a fresh cache) reads the same key back from the store.
    const copy = createMemoryStore();
    const stored = await secrets.get(MACHINE_KEY_ACCOUNT);
    await copy.set(MACHINE_KEY_ACCOUNT, stored.ok ? (stored.value as string) : '');
    const again = await machineKey(copy);
    expect(again.ok && first.ok && again.value.publicKey === first.value.publicKey).toBe(true);
  });

  it('a draft is stored only when saved (a refused activation keeps nothing)', async () => {
    const secrets = createMemoryStore();
    const draft = await machineKeyDraft(secrets);
    expect(draft.ok).toBe(true);
    expect(await secrets.list()).toEqual({ ok: true, value: [] });
    if (draft.ok) expect(await draft.value.save()).toEqual({ ok: true, value: undefined });
    const kept = await machineKey(secrets);
    expect(kept.ok && draft.ok && kept.value.publicKey === draft.value.key.publicKey).toBe(true);
  });

  it('is registered in metadata as "ed25519:<hex>" and read back only in that shape', () => {
    const hex = 'ab'.repeat(32);
    expect(registeredKey({ tesseraMachineKey: registeredValue(hex) })).toBe(hex);
    for (const metadata of [null, {}, { tesseraMachineKey: hex }, { tesseraMachineKey: `rsa:${hex}` }, { tesseraMachineKey: 1 }]) expect(registeredKey(metadata)).toBeNull();
  });
});

describe('activation requests', () => {
  it('carry the machine, vendor, app version, nonce and public key, signed; no license key unless asked', async () => {
    const secrets = createMemoryStore();
    const describe = async () => ({ ok: true as const, value: { fingerprint: 'f'.repeat(64), hostname: 'lab-7', platform: 'linux/x64', cores: 8, memory: 1024, cpuModel: 'x', disk: null } });
    const made = await createActivationRequest({ config: CONFIG, secrets, machine: { describe }, now: () => NOW, version: '9.9.9' });
    if (!made.ok) throw new Error(made.code);
    expect(made.value.name).toBe('lab-7-ffffffffffff.activation-request.json');
    const parsed = parseCarried(made.value.text);
    expect(parsed.ok).toBe(true);
    expect(made.value.document).toMatchObject({ account: 'acct-1', product: 'prod-1', created: new Date(NOW).toISOString(), app: { version: '9.9.9' }, machine: { fingerprint: 'f'.repeat(64), cores: 8 } });
    expect(made.value.document.licenseKey).toBeUndefined();
    const withKey = await createActivationRequest({ config: CONFIG, secrets, machine: { describe }, now: () => NOW, version: '9.9.9' }, { licenseKey: 'KEY-1' });
    expect(withKey.ok && withKey.value.document.licenseKey).toBe('KEY-1');
    expect(withKey.ok && withKey.value.document.nonce).not.toBe(made.value.document.nonce);
  });

  it('must be for this account and product, at most 30 days old, not from the future', async () => {
    const request = (await requestFrom(otherMachine('a'), CONFIG, { now: NOW })).document;
    expect(checkForThisVendor(request, CONFIG, NOW).ok).toBe(true);
    expect(checkForThisVendor(request, { ...CONFIG, product: 'other' }, NOW)).toMatchObject({ code: 'AIRGAP_PRODUCT_MISMATCH' });
    expect(checkForThisVendor(request, { ...CONFIG, account: 'other' }, NOW)).toMatchObject({ code: 'AIRGAP_PRODUCT_MISMATCH' });
    expect(checkForThisVendor(request, CONFIG, NOW + MAX_REQUEST_AGE_MS + 1)).toMatchObject({ code: 'AIRGAP_REQUEST_EXPIRED' });
    expect(checkForThisVendor(request, CONFIG, NOW - 10 * 60_000)).toMatchObject({ code: 'AIRGAP_FILE_FROM_FUTURE' });
  });
});

describe('parsing carried files', () => {
  it('refuses unknown formats, other versions and unknown members, each with its code', async () => {
    const { document } = await requestFrom(otherMachine('b'), CONFIG);
    expect(parseCarried('not json')).toMatchObject({ code: 'AIRGAP_FILE_MALFORMED' });
    expect(parseCarried(JSON.stringify({ format: 'something-else' }))).toMatchObject({ code: 'AIRGAP_FILE_MALFORMED' });
    expect(parseCarried(JSON.stringify({ ...document, version: 2 }))).toMatchObject({ code: 'AIRGAP_FILE_UNSUPPORTED_VERSION' });
    expect(parseCarried(JSON.stringify({ ...document, extra: true }))).toMatchObject({ code: 'AIRGAP_FILE_MALFORMED' });
    expect(parseCarried(JSON.stringify({ ...document, machine: { ...document.machine, cores: 1.5 } }))).toMatchObject({ code: 'AIRGAP_FILE_MALFORMED' });
  });

  it('digests a receipt over its canonical form: the same however it is indented', () => {
    const { document, text } = receiptFrom(otherMachine('c'), CONFIG, '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002');
    const parsed = parseCarried(JSON.stringify(JSON.parse(text)));
    expect(parsed.ok && parsed.value.format === 'tessera.deactivation-receipt' && documentDigest(parsed.value.document)).toBe(documentDigest(document));
  });
});
