/**
 * Check-out: `/licenses/:id/actions/check-out` and `/machines/:id/actions/check-out`
 * (keygen-api `Licenses::Actions::CheckoutsController`, `Machines::Actions::CheckoutsController`).
 * POST answers the `license-files` / `machine-files` resource, with options from the query and
 * the body's `meta` (which wins); GET answers the certificate itself as a download, with
 * options from the query only. Each check-out records `lastCheckOut` on the license (and the machine).
 */
import { z } from 'zod';
import { issueCertificate, type IssuedCertificate } from '../domain/certificate.js';
import { includePermissions, resolveCheckoutOptions, type CheckoutOptions, type RequestedCheckout } from '../domain/checkout-options.js';
import { DEFAULT_LICENSE_PERMISSIONS } from '../domain/license-permissions.js';
import { policyRules } from '../domain/policy-rules.js';
import type { Policy } from '../domain/types.js';
import type { Bearer } from '../http/auth.js';
import { bearerOf, ok, type Reply, type RequestContext, type RouteDefinition } from '../http/context.js';
import { accessDenied, badRequest } from '../http/errors.js';
import { parseDocument } from '../http/params.js';
import { authorize } from '../http/permissions.js';
import { scalarParam, type Query } from '../http/query.js';
import { licenseFileDocument, serializeLicenseFile } from '../serializers/license-file.serializer.js';
import { machineFileDocument, serializeMachineFile } from '../serializers/machine-file.serializer.js';
import type { CertificateKind } from '../../src/license-file/types.js';
import { findLicense, findMachine, policyOf } from './lookup.js';

/** typed_params' integer coercion accepts digit strings in the body too. */
const coerceInteger = (value: unknown): unknown => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);

const BODY = z.strictObject({
  meta: z
    .strictObject({
      encrypt: z.boolean().nullable().optional(),
      algorithm: z.string().nullable().optional(),
      ttl: z.preprocess(coerceInteger, z.int().nullable()).optional(),
      include: z.array(z.string()).optional(),
    })
    .optional(),
});

/** Rails' boolean casting of query values; blank means "not given". */
const TRUE_VALUES = new Set(['1', 'true', 't', 'yes', 'y', 'on']);
const FALSE_VALUES = new Set(['0', 'false', 'f', 'no', 'n', 'off']);

function typeMismatch(parameter: string, expected: string): never {
  throw badRequest(`type mismatch (received string expected ${expected})`, { source: { parameter } });
}

/** `?encrypt=…&algorithm=…&ttl=…&include=a,b` typed as Keygen's `typed_query` types them. */
function requestedFromQuery(query: Query): RequestedCheckout {
  const encrypt = scalarParam(query, 'encrypt')?.toLowerCase();
  const algorithm = scalarParam(query, 'algorithm');
  const ttl = scalarParam(query, 'ttl');
  const include = query.include;
  let encryptValue: boolean | undefined;
  if (encrypt !== undefined && encrypt !== '') {
    if (!TRUE_VALUES.has(encrypt) && !FALSE_VALUES.has(encrypt)) typeMismatch('encrypt', 'boolean');
    encryptValue = TRUE_VALUES.has(encrypt);
  }
  if (ttl !== undefined && ttl !== '' && !/^-?\d+$/.test(ttl)) typeMismatch('ttl', 'integer');
  const includeList = include === undefined ? undefined : typeof include === 'string' ? include.split(',') : Object.values(include);
  return {
    ...(encryptValue === undefined ? {} : { encrypt: encryptValue }),
    ...(algorithm === undefined ? {} : { algorithm }),
    // `?ttl=` is an explicit null: a file that never expires.
    ...(ttl === undefined ? {} : { ttl: ttl === '' ? null : Number(ttl) }),
    ...(includeList === undefined ? {} : { include: includeList.map((path) => path.trim()).filter((path) => path !== '') }),
  };
}

/** The query's options, overridden by the body's `meta` for POST (`checkout_query.merge(checkout_meta)`). */
function requestedOptions(ctx: RequestContext): RequestedCheckout {
  const fromQuery = requestedFromQuery(ctx.query);
  if (ctx.method !== 'POST' || ctx.body === undefined) return fromQuery;
  const { meta } = parseDocument(BODY, ctx.body);
  return { ...fromQuery, ...meta };
}

/** Resolves the options for `policy`'s scheme; 400 with Keygen's `CHECKOUT_*_INVALID` code otherwise. */
function checkoutOptions(ctx: RequestContext, kind: CertificateKind, policy: Policy): CheckoutOptions {
  const result = resolveCheckoutOptions(kind, requestedOptions(ctx), policyRules(policy).scheme);
  if (!result.ok) {
    const { code, detail, parameter } = result.failure;
    throw badRequest(detail, { code, source: { parameter } });
  }
  return result.value;
}

/** A license bearer must also hold the read permission of every include (keygen-api `LicenseFilePolicy#show?`). */
function authorizeIncludes(bearer: Bearer, includes: readonly string[]): void {
  if (bearer.kind !== 'license') return;
  if (includePermissions(includes).some((permission) => !DEFAULT_LICENSE_PERMISSIONS.includes(permission))) throw accessDenied(true);
}

/** The GET answer: the certificate as a `<id>.lic` download. */
function download(file: IssuedCertificate, id: string): Reply {
  return {
    status: 200,
    body: file.certificate,
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Disposition': `attachment; filename="${id}.lic"` },
  };
}

async function checkOutLicense(ctx: RequestContext): Promise<Reply> {
  const bearer = bearerOf(ctx);
  const license = findLicense(ctx);
  authorize(bearer, 'license.check-out', { type: 'license', license });
  const policy = policyOf(ctx, license);
  const options = checkoutOptions(ctx, 'license', policy);
  authorizeIncludes(bearer, options.includes);
  const serializeContext = { ...ctx, policies: new Map([[policy.id, policy]]) };
  const document = licenseFileDocument(license, options.includes, serializeContext);
  const file = issueCertificate({ account: ctx.account, license, document, options, now: ctx.now });
  ctx.store.licenses.update(license, { lastCheckOutAt: ctx.now }, ctx.now);
  return ctx.method === 'GET' ? download(file, license.id) : ok({ data: serializeLicenseFile(file, ctx) });
}

async function checkOutMachine(ctx: RequestContext): Promise<Reply> {
  const bearer = bearerOf(ctx);
  const machine = findMachine(ctx);
  authorize(bearer, 'machine.check-out', { type: 'machine', machine });
  const license = ctx.store.licenses.findById(ctx.account.id, machine.licenseId);
  if (license === null) throw new Error(`machine ${machine.id} has no license ${machine.licenseId}`);
  const policy = policyOf(ctx, license);
  const options = checkoutOptions(ctx, 'machine', policy);
  authorizeIncludes(bearer, options.includes);
  const serializeContext = { ...ctx, policies: new Map([[policy.id, policy]]) };
  const document = machineFileDocument(machine, license, options.includes, serializeContext);
  const file = issueCertificate({ account: ctx.account, license, machine, document, options, now: ctx.now });
  ctx.store.machines.update(machine, { lastCheckOutAt: ctx.now }, ctx.now);
  return ctx.method === 'GET' ? download(file, machine.id) : ok({ data: serializeMachineFile(file, ctx) });
}

/** Routes of both check-out actions. */
export const routes: readonly RouteDefinition[] = [
  { method: 'POST', path: '/licenses/:id/actions/check-out', auth: 'required', handler: checkOutLicense },
  { method: 'GET', path: '/licenses/:id/actions/check-out', auth: 'required', handler: checkOutLicense },
  { method: 'POST', path: '/machines/:id/actions/check-out', auth: 'required', handler: checkOutMachine },
  { method: 'GET', path: '/machines/:id/actions/check-out', auth: 'required', handler: checkOutMachine },
];
