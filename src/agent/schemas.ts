/**
 * What the local agent accepts, checked at run time at the boundary: request bodies, query
 * strings, path ids, and the file of extra tokens. Messages never echo the input (it may hold
 * a license key).
 */
import { z } from 'zod';
import { certificateSchema as certificate, describeIssues, licenseKeySchema as licenseKey } from '../contract/operation-schemas.js';

export { describeIssues };

/** The permissions a bearer token can carry (Grafana's licensing RBAC actions). */
export const AGENT_SCOPES = ['licensing:read', 'licensing:write', 'licensing:delete'] as const;
export type AgentScope = (typeof AGENT_SCOPES)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The state store's bound on names and labels. */
const MAX_LABEL_LENGTH = 1024;
const MAX_FINGERPRINT_LENGTH = 1024;
const MAX_CURSOR_LENGTH = 1024;
/** Kong's page size default and ceiling. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** Visible ASCII, no spaces: license keys, cursors, fingerprints. */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
/** Any text without control characters (a label shown to people and written to logs). */
const NO_CONTROL_CHARACTERS = /^[^\p{Cc}]*$/u;

/**
 * `PUT /v1/license`: activate with a license key (`licenseKey` alone), or import a certificate
 * (`certificate`, with its key when it is encrypted).
 */
export const activeLicenseBody = z
  .strictObject({ certificate: certificate.optional(), licenseKey: licenseKey.optional() })
  .refine((body) => body.certificate !== undefined || body.licenseKey !== undefined, 'expected "licenseKey" or "certificate"');
export type ActiveLicenseBody = z.infer<typeof activeLicenseBody>;

/** `POST /v1/licenses` and `PUT /v1/licenses/{id}`: a certificate to install. */
export const installBody = z.strictObject({ certificate, licenseKey: licenseKey.optional() });
export type InstallBody = z.infer<typeof installBody>;

/** `PATCH /v1/licenses/{id}`: a person's label and/or the pin; at least one of them. */
export const updateBody = z
  .strictObject({
    label: z.string().trim().max(MAX_LABEL_LENGTH).regex(NO_CONTROL_CHARACTERS).nullable().optional(),
    pinned: z.boolean().optional(),
  })
  .refine((body) => body.label !== undefined || body.pinned !== undefined, 'expected "label" or "pinned"');
export type UpdateBody = z.infer<typeof updateBody>;

/** `DELETE /v1/license`: the fingerprint of the machine being deactivated, as a confirmation. */
export const machineConfirmation = z.string().trim().min(1).max(MAX_FINGERPRINT_LENGTH).regex(VISIBLE_ASCII);
export const deactivateBody = z.strictObject({ machine: machineConfirmation });

/** `POST /v1/license/renew` takes nothing: an empty body or `{}` (what Grafana's clients send). */
export const emptyBody = z.strictObject({});

/** `GET /v1/licenses?size=N&after=cursor`. */
export const listQuery = z.strictObject({
  size: z
    .string()
    .regex(/^\d{1,4}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.int().min(1).max(MAX_PAGE_SIZE))
    .optional(),
  after: z.string().min(1).max(MAX_CURSOR_LENGTH).regex(VISIBLE_ASCII).optional(),
});

/** `GET /v1/license?online=true|false`. */
export const statusQuery = z.strictObject({ online: z.enum(['true', 'false']).optional() });

/** `DELETE /v1/license?machine=…`. */
export const deactivateQuery = z.strictObject({ machine: machineConfirmation.optional() });

/** A request with no query parameters at all. */
export const noQuery = z.strictObject({});

/** Whether a path id is a UUID (license ids are). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** `<dataFolder>/agent/tokens.json`: the extra tokens, by digest only (never the tokens). */
export const issuedTokensFile = z.strictObject({
  version: z.literal(1),
  tokens: z.array(
    z.strictObject({
      id: z.string().regex(UUID),
      /** SHA-256 of the token's text, lowercase hex. */
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      scopes: z.array(z.enum(AGENT_SCOPES)).min(1),
      createdAt: z.iso.datetime(),
    }),
  ),
});
export type IssuedTokensFile = z.infer<typeof issuedTokensFile>;

/**
 * Turns a query string into an object for a strict schema: a repeated parameter is refused
 * (null), since only one value would be honoured.
 */
export function queryObject(search: URLSearchParams): Record<string, string> | null {
  // No prototype: a parameter named "__proto__" is just a key (that the strict schemas refuse).
  const query = Object.create(null) as Record<string, string>;
  for (const [key, value] of search) {
    if (Object.hasOwn(query, key)) return null;
    query[key] = value;
  }
  return query;
}
