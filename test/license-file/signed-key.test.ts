/**
 * Signed license keys (`key/<base64url(dataset)>.<base64url(signature)>`): the real
 * ED25519_SIGN key from test/fixtures/keygen-vectors verifies; ECDSA and RSA schemes, which have no
 * public vectors, round-trip with keys generated here.
 */
import { constants, createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parsePublicKey, type PinnedKey } from '../../src/license-file/public-key.js';
import { MAX_SIGNED_KEY_CHARS, verifySignedLicenseKey } from '../../src/license-file/signed-key.js';
import { readVector } from '../support/vectors.js';

const DIR = 'signed-license-key-ed25519-2021';
const licenseKey = readVector(DIR, 'license_key.txt').toString('ascii');
const datasetText = readVector(DIR, 'dataset.json').toString('utf8');
const expected = JSON.parse(readVector(DIR, 'expected.json').toString('utf8')) as {
  scheme: string;
  signing_input: string;
  dataset_sha256: string;
  dataset: unknown;
};

const pin = (text: string): PinnedKey => {
  const parsed = parsePublicKey(text);
  if (!parsed.ok) throw new Error('test key did not parse');
  return parsed.value;
};
const pinPublic = (key: KeyObject): PinnedKey => pin(key.export({ format: 'pem', type: 'spki' }).toString());
const demoKey = pin(readVector(DIR, 'public_key_ed25519.hex').toString('ascii'));

const [datasetPart = '', signaturePart = ''] = licenseKey.slice('key/'.length).split('.');

/** Replaces the character at `index` with another base64url character (both decode cleanly). */
const flip = (text: string, index: number): string => text.slice(0, index) + (text[index] === 'A' ? 'B' : 'A') + text.slice(index + 1);

describe('the real ED25519_SIGN key (test/fixtures/keygen-vectors)', () => {
  it('verifies, and its dataset is dataset.json byte for byte', () => {
    const result = verifySignedLicenseKey(licenseKey, demoKey);
    expect(result).toEqual({ ok: true, value: { scheme: 'ED25519_SIGN', dataset: datasetText, data: expected.dataset } });
    if (!result.ok) return;
    expect(result.value.scheme).toBe(expected.scheme);
    expect(createHash('sha256').update(result.value.dataset, 'utf8').digest('hex')).toBe(expected.dataset_sha256);
    expect(`key/${datasetPart}`).toBe(expected.signing_input);
  });

  it('ignores whitespace around a pasted key and accepts an unpadded signature', () => {
    expect(verifySignedLicenseKey(`  ${licenseKey}\n`, demoKey).ok).toBe(true);
    expect(verifySignedLicenseKey(`key/${datasetPart}.${signaturePart.replace(/=+$/, '')}`, demoKey).ok).toBe(true);
  });

  it('signs the dataset part exactly as given: dropping its padding is NOT_GENUINE', () => {
    const unpadded = `key/${datasetPart.replace(/=+$/, '')}.${signaturePart}`;
    expect(verifySignedLicenseKey(unpadded, demoKey)).toMatchObject({ ok: false, code: 'LICENSE_KEY_NOT_GENUINE' });
  });
});

describe('tampered key: NOT_GENUINE', () => {
  it.each([
    ['a character of the dataset', `key/${flip(datasetPart, 40)}.${signaturePart}`],
    ['a character of the signature', `key/${datasetPart}.${flip(signaturePart, 20)}`],
  ])('flipping %s', (_label, key) => {
    expect(verifySignedLicenseKey(key, demoKey)).toMatchObject({ ok: false, code: 'LICENSE_KEY_NOT_GENUINE' });
  });

  it('another Ed25519 key, or another family, does not verify the real key', () => {
    const other = generateKeyPairSync('ed25519');
    expect(verifySignedLicenseKey(licenseKey, pinPublic(other.publicKey))).toMatchObject({ code: 'LICENSE_KEY_NOT_GENUINE' });
    const ecdsa = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expect(verifySignedLicenseKey(licenseKey, pinPublic(ecdsa.publicKey))).toMatchObject({ code: 'LICENSE_KEY_NOT_GENUINE' });
  });
});

describe('garbage: MALFORMED, never a throw', () => {
  it.each([
    ['empty', ''],
    ['only the prefix', 'key/'],
    ['no key/ prefix', `${datasetPart}.${signaturePart}`],
    ['an upper-case prefix', `KEY/${datasetPart}.${signaturePart}`],
    ['a legacy RSA v1 key', 'ABCDEF-123456-ABCDEF-123456-V3'],
    ['no dot', `key/${datasetPart}${signaturePart}`],
    ['an empty dataset part', `key/.${signaturePart}`],
    ['an empty signature part', `key/${datasetPart}.`],
    ['a second dot', `key/${datasetPart}.${signaturePart}.AAAA`],
    ['standard-alphabet characters', `key/${datasetPart}.${signaturePart.replace(/_/g, '/')}`],
    ['a character outside base64url', `key/${datasetPart}.${signaturePart.slice(0, 10)}!${signaturePart.slice(11)}`],
    ['an impossible unpadded length', `key/${datasetPart}.AAA${signaturePart.replace(/=+$/, '')}`],
    ['too much padding', `key/${datasetPart}.${signaturePart}=`],
    ['non-canonical tail bits', `key/${datasetPart}.${signaturePart.replace(/A==$/, 'B==')}`],
    ['whitespace inside', `key/${datasetPart.slice(0, 8)} ${datasetPart.slice(8)}.${signaturePart}`],
    ['an oversized key', `key/${'A'.repeat(MAX_SIGNED_KEY_CHARS)}.${signaturePart}`],
  ])('%s', (_label, key) => {
    expect(verifySignedLicenseKey(key, demoKey)).toMatchObject({ ok: false, code: 'LICENSE_KEY_MALFORMED' });
  });

  it('a non-string from an untyped caller', () => {
    for (const value of [undefined, null, 42, {}]) {
      expect(verifySignedLicenseKey(value as unknown as string, demoKey)).toMatchObject({ code: 'LICENSE_KEY_MALFORMED' });
    }
  });
});

describe('round trip for schemes without public vectors', () => {
  const encode = (bytes: Buffer, padded: boolean): string => {
    const text = bytes.toString('base64url');
    return padded ? text + '='.repeat((4 - (text.length % 4)) % 4) : text;
  };
  /** Builds a key the way keygen-api does: sign `key/` + encoded dataset, then append `.` + encoded signature. */
  const issue = (dataset: Buffer, signer: (data: Buffer) => Buffer, padded = true): string => {
    const signingInput = `key/${encode(dataset, padded)}`;
    return `${signingInput}.${encode(signer(Buffer.from(signingInput, 'ascii')), padded)}`;
  };
  const ed25519 = generateKeyPairSync('ed25519');
  const ecdsa = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const json = Buffer.from('{"license":{"id":"1","expiry":null},"note":"✓ unicode"}', 'utf8');

  it.each([
    ['ECDSA_P256_SIGN', ecdsa.publicKey, (data: Buffer) => sign('sha256', data, { key: ecdsa.privateKey, dsaEncoding: 'der' })],
    [
      'RSA_2048_PKCS1_PSS_SIGN_V2',
      rsa.publicKey,
      (data: Buffer) =>
        sign('sha256', data, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN }),
    ],
    ['RSA_2048_PKCS1_SIGN_V2', rsa.publicKey, (data: Buffer) => sign('sha256', data, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PADDING })],
    ['ED25519_SIGN', ed25519.publicKey, (data: Buffer) => sign(null, data, ed25519.privateKey)],
  ] as const)('%s verifies padded and unpadded, and reports its scheme', (scheme, publicKey, signer) => {
    for (const padded of [true, false]) {
      const result = verifySignedLicenseKey(issue(json, signer, padded), pinPublic(publicKey));
      expect(result).toEqual({ ok: true, value: { scheme, dataset: json.toString('utf8'), data: JSON.parse(json.toString('utf8')) } });
    }
    const tampered = issue(Buffer.from('{"license":{"id":"2","expiry":null}}'), signer).replace(/^key\/[^.]+/, `key/${encode(json, true)}`);
    expect(verifySignedLicenseKey(tampered, pinPublic(publicKey))).toMatchObject({ code: 'LICENSE_KEY_NOT_GENUINE' });
  });

  it('a non-JSON dataset verifies with data null', () => {
    const key = issue(Buffer.from('plain dataset, not JSON'), (data) => sign(null, data, ed25519.privateKey));
    expect(verifySignedLicenseKey(key, pinPublic(ed25519.publicKey))).toEqual({
      ok: true,
      value: { scheme: 'ED25519_SIGN', dataset: 'plain dataset, not JSON', data: null },
    });
  });

  it('a genuine dataset that is not UTF-8 is MALFORMED', () => {
    const key = issue(Buffer.from([0xff, 0xfe, 0x00]), (data) => sign(null, data, ed25519.privateKey));
    expect(verifySignedLicenseKey(key, pinPublic(ed25519.publicKey))).toMatchObject({ code: 'LICENSE_KEY_MALFORMED' });
  });
});
