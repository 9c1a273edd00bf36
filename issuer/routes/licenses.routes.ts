/** `/licenses`: create, retrieve (by id or key), update, delete, list with every filter. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { expiryFromDuration } from '../domain/expiry.js';
import { checkMetadata, checkNewKey, checkOverrides } from '../domain/license-checks.js';
import { invalidAttribute, invalidRelationship, type Invalid } from '../domain/invalid.js';
import { normalizeMetadata } from '../domain/metadata.js';
import { policyRules } from '../domain/policy-rules.js';
import { newLicenseKey } from '../domain/signed-license-key.js';
import type { License, LicenseOverrides, Policy } from '../domain/types.js';
import { bearerOf, created, noContent, ok, type RequestContext, type RouteDefinition } from '../http/context.js';
import { unprocessable } from '../http/errors.js';
import { paginationLinks, parsePaging } from '../http/pagination.js';
import { limit, linkage, metadata, nullableLinkage, parseDocument, timestamp, uuid } from '../http/params.js';
import { authorize, licenseScope, productScope } from '../http/permissions.js';
import { serializeLicense } from '../serializers/license.serializer.js';
import { licenseFilterFrom } from './license-list-query.js';
import { findLicense } from './lookup.js';

const OVERRIDES = {
  maxMachines: limit().optional(),
  maxProcesses: limit().optional(),
  maxUsers: limit().optional(),
  maxCores: limit().optional(),
  maxMemory: limit().optional(),
  maxDisk: limit().optional(),
  maxUses: limit().optional(),
};
/** Attributes both create and update accept (`permissions` is accepted and ignored: an EE feature). */
const COMMON = {
  name: z.string().nullable().optional(),
  expiry: timestamp().optional(),
  protected: z.boolean().optional(),
  suspended: z.boolean().optional(),
  metadata: metadata().optional(),
  permissions: z.array(z.string()).optional(),
  ...OVERRIDES,
};
const TYPE = z.enum(['license', 'licenses']);
const CREATE = z.strictObject({
  data: z.strictObject({
    type: TYPE,
    id: uuid().optional(),
    // typed_params refuses a blank key with a 400 before any model rule runs.
    attributes: z.strictObject({ ...COMMON, key: z.string().min(1).optional() }).optional(),
    relationships: z.strictObject({
      policy: linkage(['policy', 'policies']),
      owner: nullableLinkage(['user', 'users']).optional(),
      // Keygen's alias of `owner`, from before licenses had several users.
      user: nullableLinkage(['user', 'users']).optional(),
      group: nullableLinkage(['group', 'groups']).optional(),
    }),
  }),
});
const UPDATE = z.strictObject({ data: z.strictObject({ type: TYPE, id: z.string().optional(), attributes: z.strictObject(COMMON) }) });

type Attributes = z.infer<typeof CREATE>['data']['attributes'] & object;

function overridesOf(attributes: Partial<Record<keyof LicenseOverrides, number | null | undefined>>): Partial<LicenseOverrides> {
  const picked: Partial<Record<keyof LicenseOverrides, number | null>> = {};
  for (const key of Object.keys(OVERRIDES) as (keyof LicenseOverrides)[]) if (attributes[key] !== undefined) picked[key] = attributes[key] ?? null;
  return picked;
}

function serializeFor(ctx: RequestContext) {
  const policies = new Map<string, Policy>();
  return (license: License) => serializeLicense(license, { ...ctx, policies });
}

function createLicense(ctx: RequestContext) {
  const { data } = parseDocument(CREATE, ctx.body);
  const bearer = bearerOf(ctx);
  const attributes: Attributes = data.attributes ?? {};
  const policy = ctx.store.policies.findById(ctx.account.id, data.relationships.policy.data.id.toLowerCase());
  if (policy === null) throw unprocessable('licenses', [invalidRelationship('policy', 'must exist', 'not_found')]);
  authorize(bearer, 'license.create', { type: 'policy', policy });

  const ownerLink = data.relationships.owner ?? data.relationships.user;
  const owner = ownerLink?.data ? ctx.store.users.findById(ctx.account.id, ownerLink.data.id.toLowerCase()) : null;
  const groupLink = data.relationships.group?.data;
  const group = groupLink ? ctx.store.groups.findById(ctx.account.id, groupLink.id.toLowerCase()) : null;
  const rules = policyRules(policy);
  const failures: Invalid[] = [];
  if (ownerLink?.data && owner === null) failures.push(invalidRelationship('owner', 'must exist', 'not_found'));
  if (groupLink && group === null) failures.push(invalidRelationship('group', 'must exist', 'not_found'));
  if (policy.attributes.usePool === true && attributes.key === undefined) failures.push(invalidRelationship('policy', 'pool is empty', 'pool_empty'));
  failures.push(
    ...checkNewKey(attributes.key, data.id, {
      keyTaken: (key) => ctx.store.licenses.findByKey(ctx.account.id, key) !== null,
      idTaken: (id) => ctx.store.licenses.findById(ctx.account.id, id) !== null,
      scheme: rules.scheme,
      legacyEncrypted: rules.encrypted && rules.scheme === 'LEGACY_ENCRYPT',
    }),
    ...checkOverrides(overridesOf(attributes), rules),
    ...checkMetadata(attributes.metadata),
  );
  if (failures.length > 0) throw unprocessable('licenses', failures);

  // Keygen's before_create callbacks: expiry from the policy, protected inherited, first check-in,
  // then the key, whose dataset may carry the id, timestamps and expiry fixed here.
  const expiry =
    attributes.expiry !== undefined
      ? attributes.expiry === null
        ? null
        : Date.parse(attributes.expiry)
      : rules.duration !== null && rules.expirationBasis === 'FROM_CREATION'
        ? expiryFromDuration(ctx.now, rules.duration)
        : null;
  const id = data.id?.toLowerCase() ?? randomUUID();
  const facts = {
    accountId: ctx.account.id,
    productId: policy.productId,
    policyId: policy.id,
    duration: rules.duration,
    owner: owner === null ? null : { id: owner.id, email: owner.email },
    licenseId: id,
    created: ctx.now,
    expiry,
  };
  const key = newLicenseKey(rules.scheme, attributes.key, facts, ctx.account);
  if (!key.ok) throw unprocessable('licenses', [key.failure]);
  // Deterministic signatures (Ed25519, PKCS#1 v1.5, JWT) give one seed one key: a second
  // license with the same seed would break the per-account uniqueness of keys.
  if (ctx.store.licenses.findByKey(ctx.account.id, key.key) !== null) {
    throw unprocessable('licenses', [invalidAttribute('key', 'has already been taken', 'taken')]);
  }
  const license = ctx.store.licenses.create(
    ctx.account.id,
    {
      id,
      policyId: policy.id,
      productId: policy.productId,
      key: key.key,
      ownerId: owner?.id ?? null,
      groupId: group?.id ?? owner?.groupId ?? null,
      name: attributes.name ?? null,
      expiry,
      suspended: attributes.suspended ?? false,
      protected: attributes.protected ?? rules.protected,
      overrides: overridesOf(attributes),
      lastCheckInAt: rules.requireCheckIn ? ctx.now : null,
      metadata: normalizeMetadata(attributes.metadata ?? {}),
    },
    ctx.now,
  );
  return created({ data: serializeLicense(license, { ...ctx }) }, `${ctx.base}/licenses/${license.id}`);
}

function updateLicense(ctx: RequestContext) {
  const license = findLicense(ctx);
  authorize(bearerOf(ctx), 'license.update', { type: 'license', license });
  const { data } = parseDocument(UPDATE, ctx.body);
  const policy = ctx.store.policies.findById(ctx.account.id, license.policyId) as Policy;
  const a = data.attributes;
  const failures = [...checkOverrides(overridesOf(a), policyRules(policy)), ...checkMetadata(a.metadata)];
  if (failures.length > 0) throw unprocessable('licenses', failures);
  const changes = {
    ...overridesOf(a),
    ...(a.name !== undefined ? { name: a.name } : {}),
    ...(a.expiry !== undefined ? { expiry: a.expiry === null ? null : Date.parse(a.expiry) } : {}),
    ...(a.protected !== undefined ? { protected: a.protected } : {}),
    ...(a.suspended !== undefined ? { suspended: a.suspended } : {}),
    ...(a.metadata !== undefined ? { metadata: normalizeMetadata(a.metadata) } : {}),
  };
  const updated = ctx.store.licenses.update(license, changes, ctx.now);
  return ok({ data: serializeLicense(updated, { ...ctx }) });
}

/** Routes of the license resource. Actions (`/licenses/:id/actions/…`) live in their own route files. */
export const routes: readonly RouteDefinition[] = [
  { method: 'POST', path: '/licenses', auth: 'required', handler: createLicense },
  {
    method: 'GET',
    path: '/licenses',
    auth: 'required',
    handler: (ctx) => {
      authorize(bearerOf(ctx), 'license.read');
      const paging = parsePaging(ctx.query);
      const productId = productScope(ctx.bearer);
      const licenseId = licenseScope(ctx.bearer);
      const filter = {
        ...licenseFilterFrom(ctx.query, ctx.now),
        scope: { ...(productId === undefined ? {} : { productId }), ...(licenseId === undefined ? {} : { licenseId }) },
      };
      const slice = ctx.store.licenses.list(ctx.account.id, filter, paging.window);
      const links = paginationLinks(ctx.path, ctx.query, paging, slice.total);
      return ok({ data: slice.items.map(serializeFor(ctx)), ...(links ? { links } : {}) });
    },
  },
  {
    method: 'GET',
    path: '/licenses/:id',
    auth: 'required',
    handler: (ctx) => {
      const license = findLicense(ctx);
      authorize(bearerOf(ctx), 'license.read', { type: 'license', license });
      return ok({ data: serializeLicense(license, { ...ctx }) });
    },
  },
  { method: 'PATCH', path: '/licenses/:id', auth: 'required', handler: updateLicense },
  {
    method: 'DELETE',
    path: '/licenses/:id',
    auth: 'required',
    handler: (ctx) => {
      const license = findLicense(ctx);
      authorize(bearerOf(ctx), 'license.delete', { type: 'license', license });
      ctx.store.transaction(() => {
        ctx.store.tokens.revokeAllFor('licenses', license.id);
        ctx.store.licenses.delete(license);
      });
      return noContent();
    },
  },
];
