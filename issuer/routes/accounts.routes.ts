/**
 * `GET /v1/accounts/:account`: the account itself, which every resource's `account`
 * relationship links to (keygen-api `config/routes.rb` `resources :accounts, only: show`).
 * Keygen's `AccountPolicy#show?` asks for `account.read` on the bearer's own account: admins
 * and products hold it; a license's default permissions leave it out.
 */
import { bearerOf, ok, type RouteDefinition } from '../http/context.js';
import { authorize } from '../http/permissions.js';
import { serializeAccount } from '../serializers/account.serializer.js';

/** Routes of the account resource (`''` is the account path itself, see `http/router.ts`). */
export const routes: readonly RouteDefinition[] = [
  {
    method: 'GET',
    path: '',
    auth: 'required',
    handler: (ctx) => {
      authorize(bearerOf(ctx), 'account.read');
      return ok({ data: serializeAccount(ctx.account) });
    },
  },
];
