/**
 * `/licenses/…/actions/…`: validate (by id, quick GET, and by key), suspend, reinstate, renew,
 * revoke, check-in, and the usage counter (keygen-licenses-api.md "License actions"). Wording
 * and codes of the failures are keygen-api's (`validations_controller`, `permits_controller`,
 * `uses_controller`, the License model's `uses` validations).
 */
import { z } from 'zod';
import { expiryOnFirst, renewedExpiry } from '../domain/license-actions-expiry.js';
import { changeUses } from '../domain/license-actions-usage.js';
import { validateAndRecord, type ValidationOutcome } from '../domain/license-actions-validate.js';
import { effectiveLimits } from '../domain/license-facts.js';
import { camelizeMetadata } from '../domain/metadata.js';
import { policyRules } from '../domain/policy-rules.js';
import type { License } from '../domain/types.js';
import { bearerOf, noContent, ok, type Reply, type RequestContext, type RouteDefinition } from '../http/context.js';
import { ApiError, badRequest, unprocessable } from '../http/errors.js';
import { parseDocument } from '../http/params.js';
import { authorize, type Action } from '../http/permissions.js';
import { iso } from '../serializers/common.js';
import { serializeLicense } from '../serializers/license.serializer.js';
import { findLicense, policyOf } from './lookup.js';

const STRINGS = z.array(z.string());
/** `meta.scope` as keygen-api's typed params declare it (CE: no `environment`). */
const SCOPE = z.strictObject({
  product: z.string().optional(),
  policy: z.string().optional(),
  user: z.string().nullable().optional(),
  machine: z.string().optional(),
  fingerprint: z.string().optional(),
  fingerprints: STRINGS.optional(),
  components: STRINGS.optional(),
  entitlements: STRINGS.optional(),
  checksum: z.string().optional(),
  version: z.string().optional(),
});
const NONCE = z.int().optional();
const VALIDATE = z.strictObject({ meta: z.strictObject({ nonce: NONCE, scope: SCOPE.optional() }).optional() });
/** `legacyEncrypted`/`encrypted` are accepted for compatibility; the issuer has no legacy-encrypted keys. */
const VALIDATE_KEY = z.strictObject({
  meta: z.strictObject({
    key: z.string().min(1),
    legacyEncrypted: z.boolean().optional(),
    encrypted: z.boolean().optional(),
    nonce: NONCE,
    scope: SCOPE.optional(),
  }),
});
const INCREMENT = z.strictObject({ meta: z.strictObject({ increment: z.int().optional() }).optional() });
const DECREMENT = z.strictObject({ meta: z.strictObject({ decrement: z.int().optional() }).optional() });

type ValidationMeta = z.infer<typeof VALIDATE_KEY>['meta'];

/** The license at `:id`, once the bearer may perform `action` on it. */
function licenseFor(ctx: RequestContext, action: Action): License {
  const license = findLicense(ctx);
  authorize(bearerOf(ctx), action, { type: 'license', license });
  return license;
}

/** Keygen's `render_unprocessable_entity`: a 422 about the request rather than a record's validations. */
function unprocessableEntity(detail: string, pointer?: string): ApiError {
  return new ApiError(422, [{ title: 'Unprocessable entity', detail, ...(pointer === undefined ? {} : { source: { pointer } }) }]);
}

function licenseReply(ctx: RequestContext, license: License): Reply {
  return ok({ data: serializeLicense(license, { ...ctx }) });
}

/** The request's `meta.scope` exactly as sent (keys camelized), which Keygen echoes back. */
function sentScope(body: unknown): unknown {
  const document = camelizeMetadata(body) as { meta?: { scope?: unknown } } | null;
  return document?.meta?.scope;
}

/** `{meta: {ts, valid, detail, code, nonce?, scope?}, data}`, as in the reference's validation examples. */
function validationReply(ctx: RequestContext, outcome: ValidationOutcome, meta: Pick<ValidationMeta, 'nonce' | 'scope'> | undefined): Reply {
  const { valid, detail, code } = outcome.result;
  return ok({
    meta: {
      ts: iso(ctx.now),
      valid,
      detail,
      code,
      ...(meta?.nonce === undefined ? {} : { nonce: meta.nonce }),
      ...(meta?.scope === undefined ? {} : { scope: sentScope(ctx.body) }),
    },
    data: outcome.license === null ? null : serializeLicense(outcome.license, { ...ctx }),
  });
}

/** POST …/actions/validate: scoped validation of a license the bearer may see. */
function validateById(ctx: RequestContext): Reply {
  const license = licenseFor(ctx, 'license.validate');
  const { meta } = parseDocument(VALIDATE, ctx.body ?? {});
  const outcome = validateAndRecord(ctx.store, license, { scope: meta?.scope ?? {}, now: ctx.now });
  return validationReply(ctx, outcome, meta);
}

/** GET …/actions/validate: Keygen's quick validation, which skips every scope. */
function quickValidate(ctx: RequestContext): Reply {
  const license = licenseFor(ctx, 'license.validate');
  return validationReply(ctx, validateAndRecord(ctx.store, license, { scope: false, now: ctx.now }), undefined);
}

/**
 * POST /licenses/actions/validate-key: anyone may validate a key; a bearer who sends
 * credentials must also be allowed to validate the license it names (Keygen's `validate_key?`).
 * An unknown key is `NOT_FOUND` with `data: null`, never an error.
 */
function validateKey(ctx: RequestContext): Reply {
  const { meta } = parseDocument(VALIDATE_KEY, ctx.body ?? {});
  const license = ctx.store.licenses.findByKey(ctx.account.id, meta.key);
  if (license !== null && ctx.bearer !== null) authorize(ctx.bearer, 'license.validate', { type: 'license', license });
  const outcome = validateAndRecord(ctx.store, license, { scope: meta.scope ?? {}, now: ctx.now });
  return validationReply(ctx, outcome, meta);
}

/** Sets `suspended`, refusing (422) when it already has that value. */
function setSuspended(ctx: RequestContext, suspended: boolean): Reply {
  const license = licenseFor(ctx, suspended ? 'license.suspend' : 'license.reinstate');
  if (license.suspended === suspended) throw unprocessableEntity(suspended ? 'is already suspended' : 'is not suspended', '/data/attributes/suspended');
  return licenseReply(ctx, ctx.store.licenses.update(license, { suspended }, ctx.now));
}

function renew(ctx: RequestContext): Reply {
  const license = licenseFor(ctx, 'license.renew');
  const expiry = renewedExpiry(license, policyOf(ctx, license), ctx.now);
  if (expiry === null) throw unprocessableEntity('cannot be renewed because the policy does not have a duration');
  return licenseReply(ctx, ctx.store.licenses.update(license, { expiry }, ctx.now));
}

/** DELETE …/actions/revoke: the license goes, with its tokens (machines cascade). */
function revoke(ctx: RequestContext): Reply {
  const license = licenseFor(ctx, 'license.revoke');
  ctx.store.transaction(() => {
    ctx.store.tokens.revokeAllFor('licenses', license.id);
    ctx.store.licenses.delete(license);
  });
  return noContent();
}

function checkIn(ctx: RequestContext): Reply {
  const license = licenseFor(ctx, 'license.check-in');
  if (!policyRules(policyOf(ctx, license)).requireCheckIn) throw unprocessableEntity('cannot be checked in because the policy does not require it');
  return licenseReply(ctx, ctx.store.licenses.update(license, { lastCheckInAt: ctx.now }, ctx.now));
}

const tooLarge = (param: 'increment' | 'decrement'): ApiError => badRequest('integer is too large', { source: { pointer: `/meta/${param}` } });

/** `meta.increment` / `meta.decrement` (default 1); integers beyond the column are Keygen's 400. */
function usageStep(ctx: RequestContext, param: 'increment' | 'decrement'): number {
  const raw = (camelizeMetadata(ctx.body ?? null) as { meta?: Record<string, unknown> } | null)?.meta?.[param];
  if (typeof raw === 'number' && Number.isInteger(raw) && !Number.isSafeInteger(raw)) throw tooLarge(param);
  const meta = param === 'increment' ? parseDocument(INCREMENT, ctx.body ?? {}).meta?.increment : parseDocument(DECREMENT, ctx.body ?? {}).meta?.decrement;
  return meta ?? 1;
}

/** Applies a usage step under the effective `maxUses`; increments may start a FROM_FIRST_USE clock. */
function changeUsage(ctx: RequestContext, param: 'increment' | 'decrement'): Reply {
  const license = licenseFor(ctx, param === 'increment' ? 'license.usage.increment' : 'license.usage.decrement');
  const step = usageStep(ctx, param);
  const policy = policyOf(ctx, license);
  const change = changeUses(license.uses, param === 'increment' ? step : -step, effectiveLimits(license, policyRules(policy)).maxUses);
  switch (change.kind) {
    case 'too-large':
      throw tooLarge(param);
    case 'invalid':
      throw unprocessable('licenses', [change.failure]);
    case 'ok': {
      const expiry = param === 'increment' ? expiryOnFirst('use', license, policy, ctx.now) : null;
      const changes = expiry === null ? { uses: change.uses } : { uses: change.uses, expiry };
      return licenseReply(ctx, ctx.store.licenses.update(license, changes, ctx.now));
    }
  }
}

function resetUsage(ctx: RequestContext): Reply {
  const license = licenseFor(ctx, 'license.usage.reset');
  return licenseReply(ctx, ctx.store.licenses.update(license, { uses: 0 }, ctx.now));
}

/** Routes of the license actions. */
export const routes: readonly RouteDefinition[] = [
  { method: 'GET', path: '/licenses/:id/actions/validate', auth: 'required', handler: quickValidate },
  { method: 'POST', path: '/licenses/:id/actions/validate', auth: 'required', handler: validateById },
  { method: 'POST', path: '/licenses/actions/validate-key', auth: 'optional', handler: validateKey },
  { method: 'POST', path: '/licenses/:id/actions/suspend', auth: 'required', handler: (ctx) => setSuspended(ctx, true) },
  { method: 'POST', path: '/licenses/:id/actions/reinstate', auth: 'required', handler: (ctx) => setSuspended(ctx, false) },
  { method: 'POST', path: '/licenses/:id/actions/renew', auth: 'required', handler: renew },
  { method: 'DELETE', path: '/licenses/:id/actions/revoke', auth: 'required', handler: revoke },
  { method: 'POST', path: '/licenses/:id/actions/check-in', auth: 'required', handler: checkIn },
  { method: 'POST', path: '/licenses/:id/actions/increment-usage', auth: 'required', handler: (ctx) => changeUsage(ctx, 'increment') },
  { method: 'POST', path: '/licenses/:id/actions/decrement-usage', auth: 'required', handler: (ctx) => changeUsage(ctx, 'decrement') },
  { method: 'POST', path: '/licenses/:id/actions/reset-usage', auth: 'required', handler: resetUsage },
];
