/**
 * Keygen-Signature verification: every real signed message in test/fixtures/keygen-vectors verifies,
 * every negative control there fails with its exact code, and the algorithms without public
 * vectors (ECDSA P-256, RSA-PSS, RSA PKCS#1 v1.5) round-trip with keys generated here.
 */
import { constants, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parsePublicKey, type PinnedKey } from '../../src/license-file/public-key.js';
import {
  bodyDigest,
  buildSigningString,
  verifyResponse,
  verifySignedMessage,
  type SignatureTrust,
  type SignedMessage,
} from '../../src/keygen/response-signature.js';
import { readVector } from '../support/vectors.js';

interface HttpVector {
  name: string;
  kind: 'response' | 'webhook-request';
  method: string;
  host: string;
  request_target_path: string;
  date: string;
  digest: string;
  signature_header_params: { keyid: string; algorithm: string; signature: string; headers: string };
  signing_string: string;
  negative_controls: { path_with_other_account_alias?: { path: string }; body_with_trailing_newline: { digest: string } };
}

const vectors = (JSON.parse(readVector('', 'http-signatures.json').toString('utf8')) as { vectors: HttpVector[] }).vectors;
const MINUTE = 60_000;
const SIGNED_HEADERS = '(request-target) host date digest';

const pin = (text: string): PinnedKey => {
  const parsed = parsePublicKey(text);
  if (!parsed.ok) throw new Error('test key did not parse');
  return parsed.value;
};
const pinPublic = (key: KeyObject): PinnedKey => pin(key.export({ format: 'pem', type: 'spki' }).toString());

/** `Name: value` lines exactly as published. */
const headersOf = (vector: HttpVector): Record<string, string> =>
  Object.fromEntries(
    readVector(vector.name, 'headers.txt')
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
  );
const bodyOf = (vector: HttpVector): Buffer => readVector(vector.name, 'body.json');

const messageOf = (vector: HttpVector, overrides: Partial<SignedMessage> = {}): SignedMessage => ({
  method: vector.method,
  target: vector.request_target_path,
  host: vector.host,
  headers: headersOf(vector),
  body: bodyOf(vector),
  ...overrides,
});
const trustOf = (vector: HttpVector, overrides: Partial<SignatureTrust> = {}): SignatureTrust => ({
  publicKey: pin(readVector(vector.name, 'public_key_ed25519.hex').toString('utf8')),
  now: Date.parse(vector.date),
  ...overrides,
});
const withSignatureHeader = (vector: HttpVector, header: string | undefined): SignedMessage =>
  messageOf(vector, { headers: { ...headersOf(vector), 'Keygen-Signature': header } });
const paramsHeader = (params: Record<string, string>): string =>
  Object.entries(params)
    .map(([key, value]) => `${key}="${value}"`)
    .join(', ');

/** The failure code, or 'ok': one comparable value per outcome, with a readable diff. */
const outcome = (message: SignedMessage, trust: SignatureTrust): string => {
  const result = verifySignedMessage(message, trust);
  return result.ok ? 'ok' : result.code;
};

const [me] = vectors;
if (me === undefined) throw new Error('http-signatures.json has no vectors');

describe('real Keygen signed messages (test/fixtures/keygen-vectors)', () => {
  it.each(vectors)('$name verifies at its own date', (vector) => {
    expect(verifySignedMessage(messageOf(vector), trustOf(vector))).toEqual({
      ok: true,
      value: { keyId: vector.signature_header_params.keyid, algorithm: 'ed25519', date: Date.parse(vector.date) },
    });
  });

  it.each(vectors)('$name: the signing string and digest are rebuilt byte for byte', (vector) => {
    expect(bodyDigest(bodyOf(vector))).toBe(vector.digest);
    const parts = { method: vector.method, target: vector.request_target_path, host: vector.host, date: vector.date, digest: vector.digest };
    expect(buildSigningString(parts)).toBe(vector.signing_string);
    expect(buildSigningString(parts)).toBe(readVector(vector.name, 'signing_string.txt').toString('utf8'));
  });

  it.each(vectors)('$name verifies from Fetch Headers, lower-case keys, Keygen-* only, and a string body', (vector) => {
    const published = headersOf(vector);
    const lower = Object.fromEntries(Object.entries(published).map(([key, value]) => [key.toLowerCase(), value]));
    const keygenOnly = { 'keygen-signature': published['Keygen-Signature'], 'keygen-date': published['Date'], 'keygen-digest': published['Digest'] };
    for (const headers of [new Headers(published), lower, keygenOnly]) {
      expect(outcome(messageOf(vector, { headers }), trustOf(vector))).toBe('ok');
    }
    expect(outcome(messageOf(vector, { body: bodyOf(vector).toString('utf8') }), trustOf(vector))).toBe('ok');
  });

  it.each(vectors.filter((vector) => vector.kind === 'response'))('$name verifies through verifyResponse', (vector) => {
    const response = { status: 200, headers: headersOf(vector), body: bodyOf(vector) };
    const check = (url: string | URL): string => {
      const result = verifyResponse(response, { method: vector.method, url }, trustOf(vector));
      return result.ok ? 'ok' : result.code;
    };
    const url = `https://${vector.host}${vector.request_target_path}`;
    expect(check(url)).toBe('ok');
    expect(check(new URL(url))).toBe('ok');
    // An explicit default port is dropped by URL, matching the server's port-less host.
    expect(check(`https://${vector.host}:443${vector.request_target_path}`)).toBe('ok');
    expect(check('not a url')).toBe('RESPONSE_SIGNATURE_INVALID');
  });
});

describe('negative controls from the vectors', () => {
  it.each(vectors.filter((vector) => vector.negative_controls.path_with_other_account_alias !== undefined))(
    '$name: the other account alias in the path is not the signed target',
    (vector) => {
      const target = vector.negative_controls.path_with_other_account_alias?.path ?? '';
      expect(outcome(messageOf(vector, { target }), trustOf(vector))).toBe('RESPONSE_SIGNATURE_INVALID');
    },
  );

  it.each(vectors)('$name: an upper-case method in the signing string does not verify', (vector) => {
    // The control itself, checked directly: Keygen signs the lower-case method.
    const upper = vector.signing_string.replace(/^\(request-target\): [a-z]+/, `(request-target): ${vector.method.toUpperCase()}`);
    const signature = Buffer.from(vector.signature_header_params.signature, 'base64');
    expect(verify(null, Buffer.from(upper), trustOf(vector).publicKey.key, signature)).toBe(false);
    // So the verifier lower-cases whatever case the caller used, and only another method fails.
    expect(outcome(messageOf(vector, { method: vector.method.toUpperCase() }), trustOf(vector))).toBe('ok');
    expect(outcome(messageOf(vector, { method: vector.method.toLowerCase() }), trustOf(vector))).toBe('ok');
    const other = vector.method === 'GET' ? 'POST' : 'GET';
    expect(outcome(messageOf(vector, { method: other }), trustOf(vector))).toBe('RESPONSE_SIGNATURE_INVALID');
  });

  it.each(vectors)('$name: host with :443 is not the signed host', (vector) => {
    expect(outcome(messageOf(vector, { host: `${vector.host}:443` }), trustOf(vector))).toBe('RESPONSE_SIGNATURE_INVALID');
  });

  it.each(vectors)('$name: a body with a trailing newline does not match the digest', (vector) => {
    const body = Buffer.concat([bodyOf(vector), Buffer.from('\n')]);
    expect(outcome(messageOf(vector, { body }), trustOf(vector))).toBe('RESPONSE_DIGEST_MISMATCH');
    // The digest we compute is the control's; re-stating it in the header still cannot pass the signature.
    const control = vector.negative_controls.body_with_trailing_newline.digest;
    expect(bodyDigest(body)).toBe(control);
    const headers = { ...headersOf(vector), Digest: control };
    expect(outcome(messageOf(vector, { body, headers }), trustOf(vector))).toBe('RESPONSE_SIGNATURE_INVALID');
  });
});

describe('replay: the Date must be within the skew window, both directions', () => {
  const signedAt = Date.parse(me.date);
  it.each([
    ['6 minutes old', 6 * MINUTE, 'RESPONSE_DATE_OUT_OF_WINDOW'],
    ['6 minutes in the future', -6 * MINUTE, 'RESPONSE_DATE_OUT_OF_WINDOW'],
    ['years old (checked at the real time)', Date.parse('2026-11-23T00:00:00Z') - signedAt, 'RESPONSE_DATE_OUT_OF_WINDOW'],
    ['4 minutes old', 4 * MINUTE, 'ok'],
    ['4 minutes in the future', -4 * MINUTE, 'ok'],
    ['exactly 5 minutes old', 5 * MINUTE, 'ok'],
  ])('a message %s', (_label, age, expected) => {
    expect(outcome(messageOf(me), trustOf(me, { now: signedAt + age }))).toBe(expected);
  });

  it('honours a custom skew and fails closed on a non-finite clock', () => {
    expect(outcome(messageOf(me), trustOf(me, { now: signedAt + 2 * MINUTE, maxClockSkewMs: MINUTE }))).toBe('RESPONSE_DATE_OUT_OF_WINDOW');
    expect(outcome(messageOf(me), trustOf(me, { now: Number.NaN }))).toBe('RESPONSE_DATE_OUT_OF_WINDOW');
  });
});

describe('stripped signature: a missing header is refused', () => {
  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['blank', '   '],
  ])('Keygen-Signature %s', (_label, header) => {
    expect(outcome(withSignatureHeader(me, header), trustOf(me))).toBe('RESPONSE_SIGNATURE_MISSING');
  });

  it('from an empty Fetch Headers object', () => {
    expect(outcome(messageOf(me, { headers: new Headers() }), trustOf(me))).toBe('RESPONSE_SIGNATURE_MISSING');
  });
});

describe('garbled signature header: malformed input is a value, never a throw', () => {
  const p = me.signature_header_params;
  const good = paramsHeader(p);
  it.each([
    ['garbage', 'garbage'],
    ['a bare comma', ','],
    ['unquoted values', `keyid=${p.keyid}, algorithm=ed25519, signature=${p.signature}, headers="${p.headers}"`],
    ['a missing comma', good.replace('", algorithm', '" algorithm')],
    ['a trailing comma', `${good},`],
    ['an unterminated quote', good.slice(0, -1)],
    ['an escaped quote', good.replace('algorithm="ed25519"', 'algorithm="ed\\"25519"')],
    ['a duplicate signature', `${good}, signature="${p.signature}"`],
    ['a duplicate key differing in case', `${good}, Algorithm="ed25519"`],
    ['no signature', paramsHeader({ keyid: p.keyid, algorithm: p.algorithm, headers: p.headers })],
    ['an empty signature', paramsHeader({ ...p, signature: '' })],
    ['a non-base64 signature', paramsHeader({ ...p, signature: `${p.signature.slice(0, -4)}!!==` })],
    ['an unpadded signature', paramsHeader({ ...p, signature: p.signature.replace(/=+$/, '') })],
    ['another header list', paramsHeader({ ...p, headers: 'date digest' })],
    ['no header list', paramsHeader({ keyid: p.keyid, algorithm: p.algorithm, signature: p.signature })],
    ['an oversized header', `${good}, pad="${'a'.repeat(10_000)}"`],
  ])('%s', (_label, header) => {
    expect(outcome(withSignatureHeader(me, header), trustOf(me))).toBe('RESPONSE_SIGNATURE_MALFORMED');
  });

  it('accepts unknown extra parameters and loose whitespace', () => {
    const header = ` ${good.replace(/, /g, ' ,\t')} , created="1"`;
    expect(outcome(withSignatureHeader(me, header), trustOf(me))).toBe('ok');
  });

  it('two Keygen-Signature headers in different case are refused, not one picked', () => {
    const headers = { ...headersOf(me), 'keygen-signature': good };
    expect(outcome(messageOf(me, { headers }), trustOf(me))).toBe('RESPONSE_SIGNATURE_MALFORMED');
  });

  it.each([
    ['no Date', { Date: undefined }],
    ['an ISO 8601 Date', { Date: new Date(Date.parse(me.date)).toISOString() }],
    ['a Date with the wrong weekday', { Date: me.date.replace(/^\w{3}/, 'Mon') }],
    ['no Digest', { Digest: undefined }],
  ])('%s', (_label, change) => {
    expect(outcome(messageOf(me, { headers: { ...headersOf(me), ...change } }), trustOf(me))).toBe('RESPONSE_SIGNATURE_MALFORMED');
  });
});

describe('another account: keyid must match the pinned account when given', () => {
  const { keyid, ...withoutKeyId } = me.signature_header_params;
  it('the right keyid verifies', () => {
    expect(outcome(messageOf(me), trustOf(me, { keyId: keyid }))).toBe('ok');
  });

  it('a wrong or absent keyid is RESPONSE_SIGNATURE_INVALID (decision: not genuine for this vendor)', () => {
    expect(outcome(messageOf(me), trustOf(me, { keyId: '00000000-0000-4000-8000-000000000000' }))).toBe('RESPONSE_SIGNATURE_INVALID');
    const unnamed = withSignatureHeader(me, paramsHeader(withoutKeyId));
    expect(outcome(unnamed, trustOf(me, { keyId: keyid }))).toBe('RESPONSE_SIGNATURE_INVALID');
    expect(verifySignedMessage(unnamed, trustOf(me))).toMatchObject({ ok: true, value: { keyId: null } });
  });
});

describe('forged response: a signature from another key', () => {
  it('an attacker-signed message over the right signing string is RESPONSE_SIGNATURE_INVALID', () => {
    const attacker = generateKeyPairSync('ed25519');
    const forged = sign(null, Buffer.from(me.signing_string), attacker.privateKey).toString('base64');
    const header = paramsHeader({ ...me.signature_header_params, signature: forged });
    expect(outcome(withSignatureHeader(me, header), trustOf(me))).toBe('RESPONSE_SIGNATURE_INVALID');
    // And the genuine message does not verify against a different pinned key either.
    expect(outcome(messageOf(me), trustOf(me, { publicKey: pinPublic(attacker.publicKey) }))).toBe('RESPONSE_SIGNATURE_INVALID');
  });
});

describe('algorithm confusion: the pinned key decides the algorithm', () => {
  const { algorithm: _algorithm, ...withoutAlgorithm } = me.signature_header_params;
  it.each([
    ['rsa-sha256 claimed for an Ed25519 key', { ...me.signature_header_params, algorithm: 'rsa-sha256' }],
    ['an unknown algorithm', { ...me.signature_header_params, algorithm: 'hmac-sha256' }],
    ['an upper-case algorithm', { ...me.signature_header_params, algorithm: 'ED25519' }],
    ['no algorithm', withoutAlgorithm],
  ])('%s', (_label, params) => {
    expect(outcome(withSignatureHeader(me, paramsHeader(params)), trustOf(me))).toBe('RESPONSE_SIGNATURE_UNSUPPORTED_ALGORITHM');
  });

  it.each([
    ['ECDSA', generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey],
    ['RSA', generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey],
  ])('an ed25519 message against a pinned %s key', (_label, key) => {
    expect(outcome(messageOf(me), trustOf(me, { publicKey: pinPublic(key) }))).toBe('RESPONSE_SIGNATURE_UNSUPPORTED_ALGORITHM');
  });
});

describe('round trip for algorithms without public vectors', () => {
  const now = Date.parse('2026-11-24T12:00:00Z');
  const ecdsa = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  // Keygen: OpenSSL::PKey::EC#sign emits DER; RSA-PSS uses salt_length :max (protocol §1.2).
  const signers = {
    'ecdsa-p256': (data: Buffer) => sign('sha256', data, { key: ecdsa.privateKey, dsaEncoding: 'der' }),
    'rsa-pss-sha256': (data: Buffer) =>
      sign('sha256', data, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN }),
    'rsa-sha256': (data: Buffer) => sign('sha256', data, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PADDING }),
    'ecdsa-p256-p1363': (data: Buffer) => sign('sha256', data, { key: ecdsa.privateKey, dsaEncoding: 'ieee-p1363' }),
  } as const;
  type Signer = keyof typeof signers;
  const pinnedFor = { 'ecdsa-p256': pinPublic(ecdsa.publicKey), 'rsa-pss-sha256': pinPublic(rsa.publicKey), 'rsa-sha256': pinPublic(rsa.publicKey) };
  const base = { method: 'POST', target: '/v1/accounts/acme/licenses/actions/validate-key?x=%2F', host: 'licensing.example.com' };

  /** A message as a Keygen server would sign it, with `signAs` choosing the actual signing operation. */
  const signed = (algorithm: keyof typeof pinnedFor, body: string, signAs: Signer = algorithm): SignedMessage => {
    const date = new Date(now).toUTCString();
    const digest = bodyDigest(body);
    const signature = signers[signAs](Buffer.from(buildSigningString({ ...base, date, digest }))).toString('base64');
    const header = paramsHeader({ keyid: 'acme', algorithm, signature, headers: SIGNED_HEADERS });
    return { ...base, body, headers: { Date: date, Digest: digest, 'Keygen-Signature': header } };
  };

  it.each(Object.keys(pinnedFor) as (keyof typeof pinnedFor)[])('%s verifies, and fails on a tampered body or target', (algorithm) => {
    const trust = { publicKey: pinnedFor[algorithm], now, keyId: 'acme' };
    expect(verifySignedMessage(signed(algorithm, '{"meta":{"valid":true}}'), trust)).toEqual({
      ok: true,
      value: { keyId: 'acme', algorithm, date: now },
    });
    const swapped = { ...signed(algorithm, '{"meta":{"valid":true}}'), body: '{"meta":{"valid":false}}' };
    expect(outcome(swapped, trust)).toBe('RESPONSE_DIGEST_MISMATCH');
    // `%2F` and `/` are different targets: the path must be compared exactly as sent.
    expect(outcome({ ...signed(algorithm, '{}'), target: base.target.replace('%2F', '/') }, trust)).toBe('RESPONSE_SIGNATURE_INVALID');
  });

  it.each([
    ['rsa-pss-sha256 claimed, PKCS#1 v1.5 signed', 'rsa-pss-sha256', 'rsa-sha256'],
    ['rsa-sha256 claimed, PSS signed', 'rsa-sha256', 'rsa-pss-sha256'],
    ['ecdsa-p256 in raw r‖s (P1363) form instead of DER', 'ecdsa-p256', 'ecdsa-p256-p1363'],
  ] as const)('%s is RESPONSE_SIGNATURE_INVALID', (_label, algorithm, signAs) => {
    expect(outcome(signed(algorithm, '{}', signAs), { publicKey: pinnedFor[algorithm], now })).toBe('RESPONSE_SIGNATURE_INVALID');
  });
});
