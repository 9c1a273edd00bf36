/**
 * Threat: hostile structure — input that is armored and base64 but not the expected documents,
 * aimed at parser crashes or at checks skipped on odd shapes. Every case is a typed
 * LICENSE_FILE_MALFORMED, including payloads the vendor key really signed.
 */
import { describe, expect, it } from 'vitest';
import {
  armor,
  buildPayload,
  encryptPayload,
  encryptionSecret,
  genuine,
  keysFor,
  rearmor,
  signBytes,
  signCertificate,
  DEFAULT_LICENSE_KEY,
} from '../support/certificate-signer.js';
import { outcome } from '../support/both-engines.js';

describe('outer document that is not {enc, sig, alg}', () => {
  const signed = genuine('license', 'aes-256-gcm+ed25519');
  const { enc, sig, alg } = JSON.parse(signed.outer) as { enc: string; sig: string; alg: string };

  it.each([
    { name: 'not JSON', outer: 'enc=…;sig=…' },
    { name: 'truncated JSON', outer: signed.outer.slice(0, -2) },
    { name: 'a JSON array', outer: JSON.stringify([enc, sig, alg]) },
    { name: 'a JSON string', outer: JSON.stringify(signed.outer) },
    { name: 'JSON null', outer: 'null' },
    { name: 'a number', outer: '42' },
    { name: 'an empty object', outer: '{}' },
    { name: 'no enc', outer: JSON.stringify({ sig, alg }) },
    { name: 'no sig', outer: JSON.stringify({ enc, alg }) },
    { name: 'an extra key', outer: JSON.stringify({ enc, sig, alg, kid: 'attacker' }) },
    { name: 'enc as a number', outer: JSON.stringify({ enc: 1, sig, alg }) },
    { name: 'enc as an array', outer: JSON.stringify({ enc: enc.split('.'), sig, alg }) },
    { name: 'sig as null', outer: JSON.stringify({ enc, sig: null, alg }) },
    { name: 'sig as an object', outer: JSON.stringify({ enc, sig: { value: sig }, alg }) },
    { name: 'an empty enc', outer: JSON.stringify({ enc: '', sig, alg }) },
    { name: 'a UTF-8 BOM before the JSON', outer: `\ufeff${signed.outer}` },
    { name: 'trailing garbage after the JSON', outer: `${signed.outer}}` },
  ])('$name → LICENSE_FILE_MALFORMED', async ({ outer }) => {
    expect(await outcome(armor('license', outer), signed.keys)).toBe('LICENSE_FILE_MALFORMED');
  });

  it('outer bytes that are not UTF-8 → LICENSE_FILE_MALFORMED', async () => {
    const body = Buffer.from([0xff, 0xfe, 0x7b, 0x22, 0x80, 0x81]).toString('base64');
    expect(await outcome(`-----BEGIN LICENSE FILE-----\n${body}\n-----END LICENSE FILE-----\n`, signed.keys)).toBe('LICENSE_FILE_MALFORMED');
  });
});

describe('aes-256-gcm enc of the wrong shape', () => {
  const signed = genuine('license', 'aes-256-gcm+ed25519');
  const [ciphertext, iv, tag] = signed.enc.split('.') as [string, string, string];
  const b64 = (length: number): string => Buffer.alloc(length, 7).toString('base64');

  it.each([
    { name: 'two parts', enc: `${ciphertext}.${tag}` },
    { name: 'four parts', enc: `${ciphertext}.${iv}.${tag}.${tag}` },
    { name: 'an empty IV', enc: `${ciphertext}..${tag}` },
    { name: 'a 16-byte IV', enc: `${ciphertext}.${b64(16)}.${tag}` },
    { name: 'an 8-byte IV', enc: `${ciphertext}.${b64(8)}.${tag}` },
    { name: 'a 12-byte tag', enc: `${ciphertext}.${iv}.${b64(12)}` },
    { name: 'a 32-byte tag', enc: `${ciphertext}.${iv}.${b64(32)}` },
    { name: 'dots only', enc: '..' },
  ])('$name → LICENSE_FILE_MALFORMED', async ({ enc }) => {
    expect(await outcome(rearmor('license', { enc, sig: signed.sig, alg: signed.alg }), signed.keys)).toBe('LICENSE_FILE_MALFORMED');
  });
});

describe('vendor-signed payload that is not a JSON:API certificate document', () => {
  const keys = keysFor('base64+ed25519');
  const good = buildPayload({ kind: 'license' });
  const json = (value: unknown): string => JSON.stringify(value);
  const cases: { name: string; payload: string }[] = [
    { name: 'empty text', payload: '' },
    { name: 'not JSON', payload: 'license: yes' },
    { name: 'a UTF-8 BOM before the JSON', payload: `\ufeff${json(good)}` },
    { name: 'JSON null', payload: 'null' },
    { name: 'a JSON array', payload: json([good]) },
    { name: 'no data', payload: json({ meta: good.meta }) },
    { name: 'data as an array', payload: json({ data: [good.data], meta: good.meta }) },
    { name: 'data without id', payload: json({ data: { ...good.data, id: undefined }, meta: good.meta }) },
    { name: 'data with a numeric id', payload: json({ data: { ...good.data, id: 7 }, meta: good.meta }) },
    { name: 'data without type', payload: json({ data: { ...good.data, type: undefined }, meta: good.meta }) },
    { name: 'attributes as an array', payload: json({ data: { ...good.data, attributes: [] }, meta: good.meta }) },
    { name: 'no meta', payload: json({ data: good.data }) },
    { name: 'meta without issued', payload: json({ data: good.data, meta: { expiry: good.meta.expiry, ttl: good.meta.ttl } }) },
    { name: 'meta.issued not a date', payload: json({ data: good.data, meta: { ...good.meta, issued: 'yesterday' } }) },
    { name: 'meta.issued as a number', payload: json({ data: good.data, meta: { ...good.meta, issued: 1748779200000 } }) },
    { name: 'meta.expiry not a date', payload: json({ data: good.data, meta: { ...good.meta, expiry: 'never' } }) },
    { name: 'meta.expiry as a number', payload: json({ data: good.data, meta: { ...good.meta, expiry: 4102444800000 } }) },
    { name: 'meta.ttl as a string', payload: json({ data: good.data, meta: { ...good.meta, ttl: '3600' } }) },
    { name: 'included as an object', payload: json({ data: good.data, included: { 0: good.included?.[0] }, meta: good.meta }) },
    { name: 'an included entry without id', payload: json({ data: good.data, included: [{ type: 'products', attributes: {} }], meta: good.meta }) },
    { name: 'an included entry that is a string', payload: json({ data: good.data, included: ['products'], meta: good.meta }) },
  ];

  it.each(cases)('$name → LICENSE_FILE_MALFORMED', async ({ payload }) => {
    const signed = signCertificate({ kind: 'license', alg: 'base64+ed25519', keys, payload });
    expect(await outcome(signed.certificate, keys)).toBe('LICENSE_FILE_MALFORMED');
  });

  it('the same through aes-256-gcm: a vendor-signed ciphertext of non-JSON → LICENSE_FILE_MALFORMED', async () => {
    const aesKeys = keysFor('aes-256-gcm+ed25519');
    const signed = signCertificate({ kind: 'license', alg: 'aes-256-gcm+ed25519', keys: aesKeys, licenseKey: DEFAULT_LICENSE_KEY, payload: 'not json' });
    expect(await outcome(signed.certificate, aesKeys)).toBe('LICENSE_FILE_MALFORMED');
  });

  it('an empty ciphertext, vendor-signed → LICENSE_FILE_MALFORMED', async () => {
    const aesKeys = keysFor('aes-256-gcm+ed25519');
    const enc = encryptPayload('', encryptionSecret('license', DEFAULT_LICENSE_KEY));
    expect(enc.startsWith('.')).toBe(true);
    const signed = signCertificate({ kind: 'license', alg: 'aes-256-gcm+ed25519', keys: aesKeys, licenseKey: DEFAULT_LICENSE_KEY, payload: '' });
    expect(await outcome(signed.certificate, aesKeys)).toBe('LICENSE_FILE_MALFORMED');
  });

  it('invalid UTF-8 in the payload, vendor-signed → LICENSE_FILE_MALFORMED', async () => {
    const enc = Buffer.concat([Buffer.from('{"data":'), Buffer.from([0xc3, 0x28]), Buffer.from('}')]).toString('base64');
    const sig = signBytes('ed25519', keys.privateKey, `license/${enc}`).toString('base64');
    expect(await outcome(rearmor('license', { enc, sig, alg: 'base64+ed25519' }), keys)).toBe('LICENSE_FILE_MALFORMED');
  });
});

describe('never throws on hostile input types', () => {
  it.each([
    { name: 'a string of NULs', input: '\u0000'.repeat(1000) },
    { name: 'lone surrogates', input: '\ud800\udc00\ud800'.repeat(100) },
    { name: 'an empty Uint8Array', input: new Uint8Array(0) },
  ])('$name → LICENSE_FILE_MALFORMED', async ({ input }) => {
    expect(await outcome(input, keysFor('base64+ed25519'))).toBe('LICENSE_FILE_MALFORMED');
  });

  it('a Uint8Array view into a larger buffer reads only its own bytes', async () => {
    const certificate = genuine('license', 'base64+ed25519').certificate;
    const backing = new TextEncoder().encode(`{"enc":"garbage"}${certificate}garbage!`);
    const view = backing.subarray(17, 17 + certificate.length);
    expect(await outcome(view, keysFor('base64+ed25519'))).toBe('OK');
    expect(await outcome(backing.subarray(17, 17 + certificate.length - 30), keysFor('base64+ed25519'))).toBe('LICENSE_FILE_MALFORMED');
  });
});
