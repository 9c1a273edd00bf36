/** `POST /licenses/:id/tokens`: a license ("activation") token, `activ-…`, shown once. */
import { z } from 'zod';
import { invalidAttribute } from '../domain/invalid.js';
import { bearerOf, ok, type RouteDefinition } from '../http/context.js';
import { notFound, unprocessable } from '../http/errors.js';
import { limit, parseDocument, timestamp } from '../http/params.js';
import { authorize, productScope } from '../http/permissions.js';
import { serializeToken } from '../serializers/token.serializer.js';

const CREATE = z.strictObject({
  data: z
    .strictObject({
      type: z.enum(['token', 'tokens']),
      attributes: z
        .strictObject({
          name: z.string().nullable().optional(),
          expiry: timestamp().optional(),
          maxActivations: limit().optional(),
          maxDeactivations: limit().optional(),
          permissions: z.array(z.string()).optional(),
        })
        .optional(),
    })
    .optional(),
});

/** Routes of license tokens. */
export const routes: readonly RouteDefinition[] = [
  {
    method: 'POST',
    path: '/licenses/:id/tokens',
    auth: 'required',
    handler: (ctx) => {
      const id = ctx.params.id ?? '';
      const license = ctx.store.licenses.findByIdOrKey(ctx.account.id, id);
      const scope = productScope(ctx.bearer);
      if (license === null || (scope !== undefined && license.productId !== scope)) throw notFound('license', id);
      authorize(bearerOf(ctx), 'license.tokens.generate', { type: 'license', license });
      const attributes = parseDocument(CREATE, ctx.body ?? {}).data?.attributes ?? {};
      const failures = [];
      if (attributes.maxActivations != null && attributes.maxActivations < 0) {
        failures.push(invalidAttribute('maxActivations', 'must be greater than or equal to 0', 'invalid'));
      }
      if (attributes.maxDeactivations != null && attributes.maxDeactivations < 0) {
        failures.push(invalidAttribute('maxDeactivations', 'must be greater than or equal to 0', 'invalid'));
      }
      if (failures.length > 0) throw unprocessable('tokens', failures);
      const { token, secret } = ctx.store.tokens.create(
        ctx.account.id,
        {
          kind: 'activation-token',
          bearerType: 'licenses',
          bearerId: license.id,
          name: attributes.name ?? null,
          expiry: attributes.expiry == null ? null : Date.parse(attributes.expiry),
          maxActivations: attributes.maxActivations ?? null,
          maxDeactivations: attributes.maxDeactivations ?? null,
        },
        ctx.now,
      );
      // The reference documents 200 OK for this endpoint (not 201).
      return ok({ data: serializeToken(token, ctx, secret) });
    },
  },
];
