/**
 * License and machine files, issued as Keygen's checkout services issue them (protocol §1.1,
 * §1.4): the payload is `{"data", "included"?, "meta": {"issued", "expiry", "ttl"}}` as JSON
 * text, with `expiry = issued + ActiveSupport::Duration.build(ttl)`; the production signer
 * (`src/license-file/sign.ts`) encrypts or encodes it and signs it with the account's key of
 * the algorithm's family. The AES key comes from the license key (plus the machine's
 * fingerprint for machine files), so only the holder of both can read an encrypted file.
 */
import { randomUUID } from 'node:crypto';
import { signCertificate, signingFamilyOf } from '../../src/license-file/sign.js';
import type { Algorithm, CertificateKind } from '../../src/license-file/types.js';
import { certificateSigningKey } from './checkout-keys.js';
import type { CheckoutOptions } from './checkout-options.js';
import { addKeygenDuration } from './duration.js';
import type { Account, License, Machine } from './types.js';

/** A certificate and what the `license-files` / `machine-files` resource says about it. */
export interface IssuedCertificate {
  /** The resource id: Keygen makes a fresh UUID per check-out and stores nothing. */
  readonly id: string;
  readonly kind: CertificateKind;
  readonly accountId: string;
  readonly licenseId: string;
  /** Null for license files. */
  readonly machineId: string | null;
  /** The armored file, ending in a newline. */
  readonly certificate: string;
  readonly algorithm: Algorithm;
  readonly includes: readonly string[];
  readonly ttl: number | null;
  readonly issued: number;
  readonly expiry: number | null;
}

/** `data` and, when includes were asked for, `included`: the JSON:API part of the payload. */
export interface CertificateDocument {
  readonly data: Record<string, unknown>;
  readonly included?: readonly Record<string, unknown>[];
}

/** What to issue: the subject, its already serialized document, and the resolved options. */
export interface CertificateRequest {
  readonly account: Account;
  readonly license: License;
  /** Present for machine files. */
  readonly machine?: Machine;
  readonly document: CertificateDocument;
  readonly options: CheckoutOptions;
  /** The issue time (ms), which also becomes `meta.issued`. */
  readonly now: number;
}

/** `issued + Duration.build(ttl)` in ms, or null for a file without TTL. */
export function certificateExpiry(issued: number, ttl: number | null): number | null {
  return ttl === null ? null : addKeygenDuration(issued, ttl).getTime();
}

/** The payload text exactly as it is signed: key order `data`, `included`, `meta`, as Keygen writes it. */
export function certificatePayload(document: CertificateDocument, issued: number, expiry: number | null, ttl: number | null): string {
  const meta = { issued: new Date(issued).toISOString(), expiry: expiry === null ? null : new Date(expiry).toISOString(), ttl };
  const included = document.included === undefined ? {} : { included: document.included };
  return JSON.stringify({ data: document.data, ...included, meta });
}

/** Builds and signs a license file (no `machine`) or a machine file. */
export function issueCertificate(request: CertificateRequest): IssuedCertificate {
  const { account, license, machine, document, options, now } = request;
  const kind: CertificateKind = machine === undefined ? 'license' : 'machine';
  const expiry = certificateExpiry(now, options.ttl);
  const signingKey = certificateSigningKey(account, signingFamilyOf(options.algorithm));
  const certificate = signCertificate({
    kind,
    algorithm: options.algorithm,
    signingKey,
    payload: certificatePayload(document, now, expiry, options.ttl),
    licenseKey: license.key,
    fingerprint: machine?.fingerprint,
  });
  return {
    id: randomUUID(),
    kind,
    accountId: account.id,
    licenseId: license.id,
    machineId: machine?.id ?? null,
    certificate,
    algorithm: options.algorithm,
    includes: options.includes,
    ttl: options.ttl,
    issued: now,
    expiry,
  };
}
