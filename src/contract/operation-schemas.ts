/**
 * The contract's input schemas, checked at run time wherever an operation crosses a process
 * boundary (Electron IPC, the web console's HTTP). Strict objects: an unknown key is refused.
 * Kept apart from `operations.ts` so that the renderer's bundle does not carry the schema library.
 */
import { z } from 'zod';
import type { OperationInput, OperationName } from './operations.js';

/** The license-file engine refuses larger certificates (LICENSE_FILE_TOO_LARGE); transports cap bodies first anyway. */
export const MAX_CERTIFICATE_LENGTH = 1024 * 1024;
/** Signed license keys (`key/…`) carry their payload, so they may be a few kilobytes long. */
const MAX_LICENSE_KEY_LENGTH = 64 * 1024;
const MAX_ID_LENGTH = 1024;
/** At most this many seats per deactivation request; the UI sends them in batches with progress. */
export const MAX_SEATS_PER_REQUEST = 1000;

/** Visible ASCII, no spaces: license keys, tokens, ids, cursors. */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

export const licenseKeySchema = z.string().trim().min(1).max(MAX_LICENSE_KEY_LENGTH).regex(VISIBLE_ASCII);
export const certificateSchema = z
  .string()
  .max(MAX_CERTIFICATE_LENGTH)
  .refine((text) => text.trimStart().startsWith('-----BEGIN '), 'expected an armored certificate ("-----BEGIN …")');
const idSchema = z.string().min(1).max(MAX_ID_LENGTH).regex(VISIBLE_ASCII);
const nothing = z.strictObject({});

const seatAccess = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('active-license') }),
  z.strictObject({ kind: z.literal('admin'), adminToken: licenseKeySchema, licenseId: idSchema }),
  z.strictObject({ kind: z.literal('admin-session'), licenseId: idSchema }),
  z.strictObject({ kind: z.literal('license-key'), licenseKey: licenseKeySchema }),
]);
/** Seats one bulk deactivation may name: a license of this size, in one job. */
export const MAX_SEATS_PER_JOB = 20_000;
const exportFormat = z.enum(['csv', 'json']);
const search = z.string().max(256);
const jobId = z.string().uuid();

/** Requests and receipts are a few KB; a response carries a machine file (1 MiB at most). */
export const MAX_CARRIED_FILE_LENGTH = MAX_CERTIFICATE_LENGTH + 64 * 1024;
const carriedFile = z.strictObject({
  name: z.string().trim().min(1).max(255),
  text: z.string().max(MAX_CARRIED_FILE_LENGTH),
});
const fulfilAccess = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('license-key'), licenseKey: licenseKeySchema }),
  z.strictObject({ kind: z.literal('admin'), adminToken: licenseKeySchema, licenseId: idSchema }),
  z.strictObject({ kind: z.literal('from-request') }),
]);
const driveId = z.string().regex(/^[0-9a-f]{16,64}$/);

/** The air-gapped operations' input schemas (merged into OPERATION_SCHEMAS). */
const AIRGAP_SCHEMAS = {
  'airgap:machine': nothing,
  'airgap:create-request': z.strictObject({ licenseKey: licenseKeySchema.optional() }),
  'airgap:import-file': z.strictObject({ file: carriedFile, licenseKey: licenseKeySchema.optional() }),
  'airgap:deactivate-offline': nothing,
  'airgap:fulfil-file': z.strictObject({ file: carriedFile, access: fulfilAccess }),
  'drives:list': nothing,
  'drives:import': z.strictObject({ drive: driveId, licenseKey: licenseKeySchema.optional() }),
  'drives:fulfil': z.strictObject({ drive: driveId, access: fulfilAccess }),
  'files:choose-many': nothing,
  'files:save': z.strictObject({ file: carriedFile }),
};

/** Every operation's input schema; `satisfies` makes the compiler fail when one is missing or disagrees with the contract. */
export const OPERATION_SCHEMAS = {
  'license:status': z.strictObject({ online: z.boolean().optional() }),
  'license:activate': z.strictObject({ licenseKey: licenseKeySchema }),
  'license:check-in': nothing,
  'license:renew': nothing,
  'license:deactivate': nothing,
  'files:choose': nothing,
  'files:import': z.strictObject({ certificate: certificateSchema, licenseKey: licenseKeySchema.optional() }),
  'licenses:list': z.strictObject({ after: idSchema.optional(), limit: z.int().min(1).max(1000).optional() }),
  'licenses:remove': z.strictObject({ id: idSchema }),
  'licenses:use': z.strictObject({ id: idSchema }),
  'licenses:dismiss-notices': nothing,
  'seats:list': z.strictObject({ access: seatAccess, page: z.int().min(1).max(1_000_000).optional(), size: z.int().min(1).max(100).optional() }),
  'seats:deactivate': z.strictObject({ access: seatAccess, ids: z.array(idSchema).min(1).max(MAX_SEATS_PER_REQUEST) }),
  'settings:get': nothing,
  'settings:diagnostics': nothing,
  'settings:doctor': nothing,
  'admin:sign-in': z.strictObject({ token: licenseKeySchema }),
  'admin:session': nothing,
  'admin:sign-out': nothing,
  'admin:licenses': z.strictObject({ page: z.int().min(1).max(1_000_000).optional(), size: z.int().min(1).max(100).optional(), search: search.optional() }),
  'admin:export-licenses': z.strictObject({ format: exportFormat, search: search.optional() }),
  'seats:capacity': z.strictObject({ access: seatAccess }),
  'seats:export': z.strictObject({ access: seatAccess, format: exportFormat, unseenDays: z.int().min(0).max(36_500).optional() }),
  'seats:bulk-start': z.strictObject({ access: seatAccess, ids: z.array(idSchema).min(1).max(MAX_SEATS_PER_JOB) }),
  'seats:bulk-status': z.strictObject({ jobId }),
  'seats:bulk-cancel': z.strictObject({ jobId }),
  'audit:list': z.strictObject({ limit: z.int().min(1).max(10_000).optional() }),
  ...AIRGAP_SCHEMAS,
} satisfies { readonly [N in OperationName]: z.ZodType<OperationInput<N>, unknown> };

/**
 * A short, input-free description of why the input was refused: the path and the rule, never
 * the value (which may be a license key or a certificate).
 */
export function describeIssues(error: z.ZodError): string {
  const [issue] = error.issues;
  if (issue === undefined) return 'The input is not valid.';
  // Zod's messages name the rule and, for unknown keys, the key; never the value.
  const where = issue.path.length === 0 ? '' : `${issue.path.map(String).join('.').slice(0, 64)}: `;
  return `${where}${issue.message}`.slice(0, 200);
}
