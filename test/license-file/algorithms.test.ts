/**
 * Every `alg` Keygen issues, for both certificate kinds, signed by the independent test signer
 * and verified by both engines (node:crypto and portable), which must agree exactly.
 */
import { describe, expect, it } from 'vitest';
import { importPortableKey, verifyLicenseFilePortable, type PortableKey } from '../../src/license-file/portable.js';
import { parsePublicKey, type PinnedKey } from '../../src/license-file/public-key.js';
import type { LicenseFileResult, VerifyOptions } from '../../src/license-file/types.js';
import { verifyLicenseFile } from '../../src/license-file/verify.js';
import {
  ALL_ALGS,
  DAY,
  DEFAULT_FINGERPRINT,
  DEFAULT_LICENSE_KEY,
  NOW,
  encodingOf,
  genuine,
  iso,
  trustedOptions,
  type Alg,
  type Kind,
  type PayloadDocument,
  type SignedCertificate,
} from '../support/certificate-signer.js';

const nodeKeys = new Map<string, PinnedKey>();
const portableKeys = new Map<string, PortableKey>();

function nodeKey(text: string): PinnedKey {
  let key = nodeKeys.get(text);
  if (key === undefined) {
    const parsed = parsePublicKey(text);
    if (!parsed.ok) throw new Error(`parsePublicKey rejected a test key: ${parsed.code}`);
    key = parsed.value;
    nodeKeys.set(text, key);
  }
  return key;
}

async function portableKey(text: string): Promise<PortableKey> {
  let key = portableKeys.get(text);
  if (key === undefined) {
    const imported = await importPortableKey(text);
    if (!imported.ok) throw new Error(`importPortableKey rejected a test key: ${imported.code}`);
    key = imported.value;
    portableKeys.set(text, key);
  }
  return key;
}

/** Verifies with both engines, asserts they agree, and returns the Node engine's result. */
async function verifyBoth(input: string | Uint8Array, signed: SignedCertificate, options: VerifyOptions): Promise<LicenseFileResult> {
  const node = verifyLicenseFile(input, nodeKey(signed.keys.publicKeyText), options);
  const portable = await verifyLicenseFilePortable(input, await portableKey(signed.keys.publicKeyText), options);
  expect(portable).toEqual(node);
  return node;
}

function expectOk(result: LicenseFileResult): Extract<LicenseFileResult, { ok: true }>['value'] {
  if (!result.ok) throw new Error(`expected a verified file, got ${result.code}`);
  return result.value;
}

const KINDS: readonly Kind[] = ['license', 'machine'];
const ENTITLEMENTS = 5;

describe.each(ALL_ALGS.map((alg) => ({ alg })))('$alg', ({ alg }: { alg: Alg }) => {
  describe.each(KINDS.map((kind) => ({ kind })))('$kind file', ({ kind }: { kind: Kind }) => {
    const signed = genuine(kind, alg, { entitlements: ENTITLEMENTS, seed: `${alg}:${kind}` });
    const document = JSON.parse(signed.payload) as PayloadDocument;

    it('verifies in both engines and decodes every claim', async () => {
      const value = expectOk(await verifyBoth(signed.certificate, signed, trustedOptions()));
      expect(value.kind).toBe(kind);
      expect(value.alg).toBe(alg);
      expect(value.encrypted).toBe(encodingOf(alg) === 'aes-256-gcm');
      // The payload is exactly what was signed: never re-serialized.
      expect(value.payload).toBe(signed.payload);
      expect(value.meta).toEqual({ issued: iso(NOW - DAY), expiry: iso(NOW + 30 * DAY), ttl: 31 * 24 * 3600 });
      expect(value.license?.type).toBe('licenses');
      expect(value.license?.attributes.key).toBe(DEFAULT_LICENSE_KEY);
      expect(value.entitlements.map((entitlement) => entitlement.attributes.code)).toEqual(
        Array.from({ length: ENTITLEMENTS }, (_, index) => `FEATURE_${index + 1}`),
      );
      expect(value.product?.attributes.name).toBe('Tessera Studio');
      expect(value.policy?.type).toBe('policies');
      expect(value.owner?.attributes.email).toBe('ada@example.com');
      expect(value.included).toEqual(document.included);
      if (kind === 'machine') {
        expect(value.machine?.id).toBe(document.data.id);
        expect(value.machine?.attributes.fingerprint).toBe(DEFAULT_FINGERPRINT);
        expect(value.components).toHaveLength(2);
      } else {
        expect(value.machine).toBeNull();
        expect(value.license?.id).toBe(document.data.id);
        expect(value.components).toEqual([]);
      }
    });

    it('accepts the same bytes as a Uint8Array', async () => {
      const value = expectOk(await verifyBoth(new TextEncoder().encode(signed.certificate), signed, trustedOptions()));
      expect(value.payload).toBe(signed.payload);
    });
  });
});

describe('line layout of the armor body', () => {
  // Same enc and sig, re-wrapped: only whitespace differs, so every layout must verify.
  const layouts: { name: string; lineLength?: number; crlf?: boolean }[] = [
    { name: 'CRLF line endings', crlf: true },
    { name: '64-character lines', lineLength: 64 },
    { name: '76-character lines (MIME)', lineLength: 76 },
    { name: '76-character lines with CRLF', lineLength: 76, crlf: true },
    { name: 'one long line', lineLength: Number.POSITIVE_INFINITY },
    { name: '1-character lines', lineLength: 1 },
  ];
  const cases = layouts.flatMap((layout) =>
    (['aes-256-gcm+ed25519', 'base64+ecdsa-p256', 'aes-256-gcm+rsa-pss-sha256'] as const).flatMap((alg) =>
      KINDS.map((kind) => ({ ...layout, alg, kind, label: `${layout.name}: ${kind} ${alg}` })),
    ),
  );

  it.each(cases)('$label', async ({ alg, kind, lineLength, crlf }) => {
    const signed = genuine(kind, alg, { lineLength, crlf, seed: 'layout' });
    if (crlf) expect(signed.certificate).toContain('\r\n');
    const value = expectOk(await verifyBoth(signed.certificate, signed, trustedOptions()));
    expect(value.payload).toBe(signed.payload);
  });

  it('accepts a file without the final newline and with surrounding blank lines', async () => {
    const signed = genuine('license', 'aes-256-gcm+ed25519');
    expectOk(await verifyBoth(signed.certificate.trimEnd(), signed, trustedOptions()));
    expectOk(await verifyBoth(`\n\n${signed.certificate}\n\n`, signed, trustedOptions()));
  });
});

describe('payload variety', () => {
  it('decodes a file with no expiry (ttl null) at any later time', async () => {
    const signed = genuine('license', 'base64+ed25519', { expiry: null, ttl: null });
    const value = expectOk(await verifyBoth(signed.certificate, signed, trustedOptions({ now: NOW + 3650 * DAY })));
    expect(value.meta).toEqual({ issued: iso(NOW - DAY), expiry: null, ttl: null });
  });

  it('decodes non-ASCII payload text exactly (UTF-8 end to end)', async () => {
    const signed = genuine('machine', 'aes-256-gcm+ed25519', { nameSuffix: ' — Zürich 東京 🔑' });
    const value = expectOk(await verifyBoth(signed.certificate, signed, trustedOptions()));
    expect(value.payload).toBe(signed.payload);
    expect(value.license?.attributes.name).toBe('Studio license default — Zürich 東京 🔑');
  });

  it('decodes a large file with 500 entitlements', async () => {
    const signed = genuine('license', 'aes-256-gcm+ed25519', { entitlements: 500 });
    const value = expectOk(await verifyBoth(signed.certificate, signed, trustedOptions()));
    expect(value.entitlements).toHaveLength(500);
  });

  it('honours an allow-list that contains the alg', async () => {
    const signed = genuine('license', 'base64+rsa-sha256');
    expectOk(await verifyBoth(signed.certificate, signed, { ...trustedOptions(), allowedAlgorithms: ['base64+rsa-sha256'] }));
  });
});
