/** `GET /me`: the bearer itself (an admin user, a product, or a license). */
import { bearerOf, ok, type RouteDefinition } from '../http/context.js';
import { serializeLicense } from '../serializers/license.serializer.js';
import { serializeProduct } from '../serializers/product.serializer.js';
import { serializeUser } from '../serializers/user.serializer.js';

/** Routes of the profile resource. */
export const routes: readonly RouteDefinition[] = [
  {
    method: 'GET',
    path: '/me',
    auth: 'required',
    handler: (ctx) => {
      const bearer = bearerOf(ctx);
      switch (bearer.kind) {
        case 'admin':
          return ok({ data: serializeUser(bearer.user, ctx) });
        case 'product':
          return ok({ data: serializeProduct(bearer.product, ctx) });
        case 'license':
          return ok({ data: serializeLicense(bearer.license, { ...ctx, store: ctx.store }) });
      }
    },
  },
];
