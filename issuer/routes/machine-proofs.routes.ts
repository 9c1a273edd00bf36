/**
 * `POST /machines/:id/actions/generate-offline-proof`: an activation proof for an air-gapped
 * machine in `meta.proof`, beside the machine itself, after keygen-api's
 * `Machines::Actions::V1x0::ProofsController` and `Machines::V1x0::ProofPolicy` (the only route
 * to it in `config/routes.rb`).
 *
 * In Keygen's order: the machine is looked up within the bearer's scope (a machine of another
 * license is 404), then the body is checked (only admins and products may send
 * `meta.dataset`, a JSON object; a license sending `meta` is 400 "unpermitted parameter"),
 * then `machine.proofs.generate` is authorized.
 */
import { z } from 'zod';
import { defaultProofDataset, signActivationProof } from '../domain/activation-proof.js';
import type { Policy } from '../domain/types.js';
import { ok, type RequestContext, type RouteDefinition } from '../http/context.js';
import { parseDocument } from '../http/params.js';
import { serializeMachine } from '../serializers/machine.serializer.js';
import { findMachine, policyOf } from './lookup.js';
import { authorizeMachine } from './machine-access.js';

/** The body an admin or a product may send (typed_params `param :meta, optional: true { param :dataset, type: :hash }`). */
const WITH_DATASET = z.strictObject({ meta: z.strictObject({ dataset: z.record(z.string(), z.unknown()) }).optional() }).nullable();
/** Everyone else may send no parameter at all. */
const WITHOUT_DATASET = z.strictObject({}).nullable();

/**
 * The dataset exactly as the client sent it: the request document's keys are camelized for the
 * typed parameters, but what is signed must be what was given.
 */
function suppliedDataset(ctx: RequestContext): Record<string, unknown> | undefined {
  const body = ctx.body as { meta?: { dataset?: Record<string, unknown> } } | null | undefined;
  return body?.meta?.dataset;
}

function generateOfflineProof(ctx: RequestContext) {
  const machine = findMachine(ctx);
  const maySupplyDataset = ctx.bearer?.kind === 'admin' || ctx.bearer?.kind === 'product';
  parseDocument(maySupplyDataset ? WITH_DATASET : WITHOUT_DATASET, ctx.body);
  authorizeMachine(ctx, 'machine.proofs.generate', machine);

  const license = ctx.store.licenses.findById(ctx.account.id, machine.licenseId);
  if (license === null) throw new Error(`machine ${machine.id} has no license ${machine.licenseId}`);
  const policy = policyOf(ctx, license);
  const dataset = suppliedDataset(ctx) ?? defaultProofDataset({ account: ctx.account, policy, license, machine }, ctx.now);
  const proof = signActivationProof(dataset, ctx.account);
  const policies = new Map<string, Policy>([[policy.id, policy]]);
  return ok({ data: serializeMachine(machine, { ...ctx, policies }), meta: { proof } });
}

/** The proof action of the machine resource. */
export const routes: readonly RouteDefinition[] = [
  { method: 'POST', path: '/machines/:id/actions/generate-offline-proof', auth: 'required', handler: generateOfflineProof },
];
