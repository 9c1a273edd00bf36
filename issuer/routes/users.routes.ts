/** `/users`: create, retrieve, list. Products see the users who hold their licenses. */
import { z } from 'zod';
import { invalidAttribute } from '../domain/invalid.js';
import { MAX_METADATA_KEYS, normalizeMetadata } from '../domain/metadata.js';
import { bearerOf, created, ok, type RouteDefinition } from '../http/context.js';
import { unprocessable } from '../http/errors.js';
import { paginationLinks, parsePaging } from '../http/pagination.js';
import { metadata, parseDocument } from '../http/params.js';
import { authorize } from '../http/permissions.js';
import { serializeUser } from '../serializers/user.serializer.js';
import { findUser } from './catalogue-lookup.js';

/** Deliberately loose, like Keygen's own email check: something@something.something. */
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const CREATE = z.strictObject({
  data: z.strictObject({
    type: z.enum(['user', 'users']),
    attributes: z.strictObject({
      email: z.string(),
      firstName: z.string().nullable().optional(),
      lastName: z.string().nullable().optional(),
      password: z.string().nullable().optional(),
      role: z.enum(['user', 'admin']).optional(),
      metadata: metadata().optional(),
    }),
  }),
});

/** Routes of the user resource. */
export const routes: readonly RouteDefinition[] = [
  {
    method: 'POST',
    path: '/users',
    auth: 'required',
    handler: (ctx) => {
      const { data } = parseDocument(CREATE, ctx.body);
      const bearer = bearerOf(ctx);
      authorize(bearer, 'user.create');
      const a = data.attributes;
      // Keygen's `role` parameter is for admins only.
      if (a.role === 'admin') authorize(bearer, 'admin.create');
      const failures = [];
      if (!EMAIL.test(a.email)) failures.push(invalidAttribute('email', 'must be a valid email', 'invalid'));
      else if (ctx.store.users.findByEmail(ctx.account.id, a.email) !== null) failures.push(invalidAttribute('email', 'has already been taken', 'taken'));
      if (a.password != null && a.password.length < 6) failures.push(invalidAttribute('password', 'is too short (minimum is 6 characters)', 'too_short'));
      if (Object.keys(a.metadata ?? {}).length > MAX_METADATA_KEYS) {
        failures.push(invalidAttribute('metadata', `too many keys (exceeded limit of ${MAX_METADATA_KEYS} keys)`, 'too_long'));
      }
      if (failures.length > 0) throw unprocessable('users', failures);
      const user = ctx.store.users.create(ctx.account.id, { ...a, metadata: normalizeMetadata(a.metadata ?? {}) }, ctx.now);
      return created({ data: serializeUser(user, ctx) }, `${ctx.base}/users/${user.id}`);
    },
  },
  {
    method: 'GET',
    path: '/users',
    auth: 'required',
    handler: (ctx) => {
      const bearer = bearerOf(ctx);
      authorize(bearer, 'user.read');
      const paging = parsePaging(ctx.query);
      const productId = bearer.kind === 'product' ? bearer.id : undefined;
      const slice = ctx.store.users.list(ctx.account.id, paging.window, { productId });
      const links = paginationLinks(ctx.path, ctx.query, paging, slice.total);
      return ok({ data: slice.items.map((user) => serializeUser(user, ctx)), ...(links ? { links } : {}) });
    },
  },
  {
    method: 'GET',
    path: '/users/:id',
    auth: 'required',
    handler: (ctx) => {
      const { user, heldByProduct } = findUser(ctx);
      authorize(bearerOf(ctx), 'user.read', { type: 'user', user, heldByProduct });
      return ok({ data: serializeUser(user, ctx) });
    },
  },
];
