/**
 * The files carried between an air-gapped machine and a connected one, as versioned JSON with
 * strict schemas (an unknown member is refused):
 * - activation request (air-gapped → connected), signed by the machine key it names;
 * - activation response (connected → air-gapped): the machine file the licensing server signed,
 *   with what the air-gapped side needs to install it. Not signed again: the machine file's
 *   vendor signature is the only thing the air-gapped side can check, so it is the only thing
 *   trusted, and the other members are cross-checked against it;
 * - deactivation receipt (air-gapped → connected), signed by the machine key;
 * - deactivation confirmation (what fulfilling a receipt leaves beside it): a record, not a proof.
 * Parsing never throws: a failure is AIRGAP_FILE_MALFORMED or AIRGAP_FILE_UNSUPPORTED_VERSION.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { MAX_CARRIED_FILE_LENGTH } from '../contract/operation-schemas.js';
import { canonicalBytes } from './canonical-json.js';
import { verifyMachineSignature } from './machine-key.js';

export const REQUEST_FORMAT = 'tessera.activation-request';
export const RESPONSE_FORMAT = 'tessera.activation-response';
export const RECEIPT_FORMAT = 'tessera.deactivation-receipt';
export const CONFIRMATION_FORMAT = 'tessera.deactivation-confirmation';
export const DOCUMENT_VERSION = 1;

/** Requests, receipts and confirmations are about a kilobyte; 16 KiB is far above any. */
export const MAX_SIGNED_FILE_BYTES = 16 * 1024;
/** A response carries a machine file (1 MiB at most) and a little more. */
export const MAX_RESPONSE_BYTES = MAX_CARRIED_FILE_LENGTH;

// eslint-disable-next-line no-control-regex -- one line of text, no control characters
const TEXT = /^[^\u0000-\u001f\u007f-\u009f]*$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const text = (max: number) => z.string().max(max).regex(TEXT);
const visible = (max: number) => z.string().min(1).max(max).regex(/^[\x21-\x7e]+$/);
const time = z.string().regex(ISO_TIME).refine((value) => Number.isFinite(Date.parse(value)), 'not a date');
const nonce = z.string().regex(/^[A-Za-z0-9_-]{22,64}$/);
/** 64 bytes in unpadded base64url. */
const signature = z.string().regex(/^[A-Za-z0-9_-]{86}$/);
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
/** Keygen fingerprints are free text up to 4 KB; Tessera's are 64 hex characters. */
const fingerprint = visible(4096);
const machineKeyField = z.strictObject({ alg: z.literal('ed25519'), publicKey: z.string().regex(/^[0-9a-f]{64}$/) });

const requestSchema = z.strictObject({
  format: z.literal(REQUEST_FORMAT),
  version: z.literal(DOCUMENT_VERSION),
  created: time,
  nonce,
  account: visible(256),
  product: visible(256).nullable(),
  machine: z.strictObject({
    fingerprint,
    hostname: text(255),
    platform: text(64),
    cores: z.int().min(1).max(1_000_000),
    memory: z.int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  }),
  app: z.strictObject({ version: text(64) }),
  machineKey: machineKeyField,
  licenseKey: visible(8192).optional(),
  signature,
});

const responseSchema = z.strictObject({
  format: z.literal(RESPONSE_FORMAT),
  version: z.literal(DOCUMENT_VERSION),
  created: time,
  request: z.strictObject({ nonce, fingerprint, hostname: text(255) }),
  license: z.strictObject({ id: uuid }),
  machine: z.strictObject({ id: uuid }),
  certificate: z.string().max(MAX_CARRIED_FILE_LENGTH).startsWith('-----BEGIN MACHINE FILE-----'),
  licenseKey: visible(8192).optional(),
});

const receiptSchema = z.strictObject({
  format: z.literal(RECEIPT_FORMAT),
  version: z.literal(DOCUMENT_VERSION),
  created: time,
  nonce,
  account: visible(256),
  product: visible(256).nullable(),
  license: z.strictObject({ id: uuid }),
  machine: z.strictObject({ id: uuid, fingerprint, hostname: text(255) }),
  machineKey: machineKeyField,
  signature,
});

const confirmationSchema = z.strictObject({
  format: z.literal(CONFIRMATION_FORMAT),
  version: z.literal(DOCUMENT_VERSION),
  created: time,
  receipt: z.strictObject({ nonce, digest: z.string().regex(/^[0-9a-f]{64}$/) }),
  license: z.strictObject({ id: uuid }),
  machine: z.strictObject({ id: uuid, fingerprint }),
  outcome: z.enum(['deactivated', 'already-deactivated']),
});

export type ActivationRequest = z.infer<typeof requestSchema>;
export type ActivationResponse = z.infer<typeof responseSchema>;
export type DeactivationReceipt = z.infer<typeof receiptSchema>;
export type DeactivationConfirmation = z.infer<typeof confirmationSchema>;
/** A signed document before it is signed. */
export type Unsigned<T> = Omit<T, 'signature'>;

export type CarriedDocument =
  | { readonly format: typeof REQUEST_FORMAT; readonly document: ActivationRequest }
  | { readonly format: typeof RESPONSE_FORMAT; readonly document: ActivationResponse }
  | { readonly format: typeof RECEIPT_FORMAT; readonly document: DeactivationReceipt }
  | { readonly format: typeof CONFIRMATION_FORMAT; readonly document: DeactivationConfirmation };

export type DocumentFormat = CarriedDocument['format'];
type DocumentCode = 'AIRGAP_FILE_MALFORMED' | 'AIRGAP_FILE_UNSUPPORTED_VERSION' | 'AIRGAP_FILE_NOT_GENUINE';

const SCHEMAS = { [REQUEST_FORMAT]: requestSchema, [RESPONSE_FORMAT]: responseSchema, [RECEIPT_FORMAT]: receiptSchema, [CONFIRMATION_FORMAT]: confirmationSchema } as const;

/** The format a text claims (`"format"` member), without checking anything else; null for anything else. */
export function claimedFormat(value: unknown): DocumentFormat | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const format = (value as { format?: unknown }).format;
  return typeof format === 'string' && Object.hasOwn(SCHEMAS, format) ? (format as DocumentFormat) : null;
}

/**
 * Parses a carried file: JSON, a known format, its version (AIRGAP_FILE_UNSUPPORTED_VERSION for
 * any other), then the strict schema; then, for requests and receipts, the signature by the
 * machine key they name (AIRGAP_FILE_NOT_GENUINE). Nothing in a file is used before all of
 * that holds.
 */
export function parseCarried(text: string): Result<CarriedDocument, DocumentCode> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('AIRGAP_FILE_MALFORMED');
  }
  const format = claimedFormat(value);
  if (format === null) return fail('AIRGAP_FILE_MALFORMED');
  if ((value as { version?: unknown }).version !== DOCUMENT_VERSION) return fail('AIRGAP_FILE_UNSUPPORTED_VERSION');
  const parsed = SCHEMAS[format].safeParse(value);
  if (!parsed.success) return fail('AIRGAP_FILE_MALFORMED');
  const carried = { format, document: parsed.data } as CarriedDocument;
  if (carried.format === REQUEST_FORMAT || carried.format === RECEIPT_FORMAT) {
    if (!signatureHolds(carried.document)) return fail('AIRGAP_FILE_NOT_GENUINE');
  }
  return { ok: true, value: carried };
}

/** Whether a request's or receipt's signature is its own machine key's, over the canonical form of every other member. */
function signatureHolds(document: ActivationRequest | DeactivationReceipt): boolean {
  const { signature: signed, ...rest } = document;
  return verifyMachineSignature(document.machineKey.publicKey, canonicalBytes(rest), Buffer.from(signed, 'base64url'));
}

/** Signs a document with `sign` (the machine key) over the canonical form of its members. */
export function signDocument<T extends ActivationRequest | DeactivationReceipt>(unsigned: Unsigned<T>, sign: (message: Uint8Array) => Buffer): T {
  const signatureText = sign(canonicalBytes(unsigned)).toString('base64url');
  return { ...unsigned, signature: signatureText } as T;
}

/** SHA-256 (hex) of a signed document's canonical form: what the receipt ledger remembers. */
export function documentDigest(document: ActivationRequest | DeactivationReceipt): string {
  return createHash('sha256').update(canonicalBytes(document)).digest('hex');
}

/** The text a file holds: indented JSON, for people who open it, ending in a newline. */
export function documentText(document: object): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
