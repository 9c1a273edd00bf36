/**
 * The agent's endpoints: the seeds' local license APIs (Sensu `/license`, Grafana
 * `/api/licensing`, Kong `/licenses`) over the license manager, with their status codes.
 * Handlers validate their input with `schemas.ts` and return replies; they never throw for an
 * expected failure.
 */
import type { z } from 'zod';
import type { AgentCode, Failure } from '../contract/codes.js';
import { statusFor } from '../contract/failures.js';
import { MESSAGES } from '../contract/messages.js';
import type { LicenseManager } from '../licensing/manager.types.js';
import { sameText } from './digest.js';
import {
  activeLicenseBody,
  deactivateBody,
  deactivateQuery,
  DEFAULT_PAGE_SIZE,
  describeIssues,
  emptyBody,
  installBody,
  isUuid,
  listQuery,
  noQuery,
  statusQuery,
  updateBody,
  type AgentScope,
} from './schemas.js';

export type AgentMethod = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
export const AGENT_METHODS: readonly AgentMethod[] = ['GET', 'PUT', 'POST', 'PATCH', 'DELETE'];

/** Reading needs `licensing:read`, changing `licensing:write`, removing `licensing:delete` (Grafana's RBAC). */
export const SCOPE_FOR_METHOD: Readonly<Record<AgentMethod, AgentScope>> = {
  GET: 'licensing:read',
  PUT: 'licensing:write',
  POST: 'licensing:write',
  PATCH: 'licensing:write',
  DELETE: 'licensing:delete',
};

/** What a handler answers; the server adds the common headers. */
export interface Reply {
  readonly status: number;
  /** Sent as JSON; `undefined` sends no body (204). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What a handler is given, already authenticated. */
export interface RouteContext {
  readonly manager: LicenseManager;
  readonly machineFingerprint: () => Promise<string>;
  readonly params: Readonly<Record<string, string>>;
  /** Query parameters (each at most once). */
  readonly query: Readonly<Record<string, string>>;
  /** The parsed JSON body, or undefined when there was none. */
  readonly body: unknown;
  /** The scopes of the caller's token or console session. */
  readonly scopes: readonly AgentScope[];
}

export interface AgentRoute {
  readonly method: AgentMethod;
  readonly path: string;
  readonly handler: (context: RouteContext) => Promise<Reply>;
  /** The scope the route needs; by default the method's (`SCOPE_FOR_METHOD`). */
  readonly scope?: AgentScope;
  /** Whether a web console session (cookie) may call it, beside bearer tokens. */
  readonly session?: boolean;
}

/** An error reply with the agent's own code, its status from the failure table (`failures.ts`). */
export function agentError(code: AgentCode, message: string = MESSAGES[code].message): Reply {
  return { status: statusFor(code), body: { code, message } };
}

/**
 * The reply for a licensing failure: `{ code, message }` with its status from the failure table
 * (`failures.ts`): 404 for nothing installed, 503 when the licensing server (or the keychain)
 * cannot be asked now, 502 when it answered wrongly or something else answered, 500 for a broken
 * local installation, and 400 for everything refused (malformed, not genuine, expired, Keygen
 * refusals), as the seeds answer an invalid license.
 */
export function failureReply(failure: Failure): Reply {
  return { status: statusFor(failure.code), body: { code: failure.code, message: failure.message } };
}

/** Parses `input` with `schema`, or gives the 400 reply. */
function parse<S extends z.ZodType>(schema: S, input: unknown): { ok: true; value: z.output<S> } | { ok: false; reply: Reply } {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, reply: agentError('INVALID_REQUEST', describeIssues(parsed.error)) };
}

/** The `{id}` path parameter, or the 400 reply (Kong: "If the ID is not a valid UUID, a 400"). */
function licenseId(context: RouteContext): { ok: true; value: string } | { ok: false; reply: Reply } {
  const id = context.params.id ?? '';
  return isUuid(id) ? { ok: true, value: id } : { ok: false, reply: agentError('INVALID_ID') };
}

/** How many pages of installed licenses `upsert` reads to know which ids existed before. */
const MAX_SNAPSHOT_PAGES = 100;

async function installedIds(manager: LicenseManager): Promise<Set<string>> {
  const ids = new Set<string>();
  let after: string | undefined;
  for (let page = 0; page < MAX_SNAPSHOT_PAGES; page += 1) {
    const result = await manager.installed(after === undefined ? { limit: 1000 } : { after, limit: 1000 });
    if (!result.ok) break;
    for (const license of result.value.data) ids.add(license.id.toLowerCase());
    if (result.value.next === null || result.value.next === after) break;
    after = result.value.next;
  }
  return ids;
}

function install(manager: LicenseManager, body: { certificate: string; licenseKey?: string | undefined }) {
  return body.licenseKey === undefined ? manager.importFile(body.certificate) : manager.importFile(body.certificate, { licenseKey: body.licenseKey });
}

/** `GET /v1/license/check` (Grafana `GET /api/licensing/check`): `true` or `false`, decided offline. */
async function checkLicense(context: RouteContext): Promise<Reply> {
  const query = parse(noQuery, context.query);
  if (!query.ok) return query.reply;
  const report = await context.manager.status({ online: false });
  return { status: 200, body: report.licensed };
}

/** `GET /v1/license[?online=true|false]` (Sensu `GET /license`): the active license's report; 404 when none. */
async function getLicense(context: RouteContext): Promise<Reply> {
  const query = parse(statusQuery, context.query);
  if (!query.ok) return query.reply;
  const report = query.value.online === undefined ? await context.manager.status() : await context.manager.status({ online: query.value.online === 'true' });
  if (report.code === 'NOT_ACTIVATED') return { status: statusFor(report.code), body: { code: report.code, message: report.message } };
  return { status: 200, body: report };
}

/**
 * `PUT /v1/license` (Sensu `PUT /license`, Grafana `POST /token`): `{licenseKey}` activates
 * online and answers the status report; `{certificate, licenseKey?}` imports and answers the
 * installed license. 201 either way.
 */
async function putLicense(context: RouteContext): Promise<Reply> {
  const body = parse(activeLicenseBody, context.body);
  if (!body.ok) return body.reply;
  const { certificate, licenseKey } = body.value;
  const result =
    certificate !== undefined
      ? await install(context.manager, { certificate, licenseKey })
      : await context.manager.activate(licenseKey ?? '');
  return result.ok ? { status: 201, body: result.value } : failureReply(result);
}

/** `POST /v1/license/renew` (Grafana `POST /token/renew`): a fresh check-out of the active license. */
async function renewLicense(context: RouteContext): Promise<Reply> {
  const body = parse(emptyBody, context.body ?? {});
  if (!body.ok) return body.reply;
  const result = await context.manager.renew();
  return result.ok ? { status: 200, body: result.value } : failureReply(result);
}

/**
 * `DELETE /v1/license` (Grafana `DELETE /token`, "instance must match"): the body or query names
 * this machine's fingerprint; 422 when it is another machine's; 202 when deactivated or when
 * nothing was activated (Grafana: "license removed or did not exist").
 */
async function deactivateLicense(context: RouteContext): Promise<Reply> {
  const query = parse(deactivateQuery, context.query);
  if (!query.ok) return query.reply;
  const body = context.body === undefined ? null : parse(deactivateBody, context.body);
  if (body !== null && !body.ok) return body.reply;
  const fromBody = body?.value.machine;
  const fromQuery = query.value.machine;
  if (fromBody !== undefined && fromQuery !== undefined && fromBody !== fromQuery) {
    return agentError('INVALID_REQUEST', 'The body and the query name different machines.');
  }
  const confirming = fromBody ?? fromQuery;
  if (confirming === undefined) return agentError('INVALID_REQUEST', 'Name this machine\'s fingerprint in "machine" (body or query) to confirm.');

  let current: string;
  try {
    current = await context.machineFingerprint();
  } catch {
    return failureReply({ ok: false, code: 'MACHINE_ID_UNAVAILABLE', message: 'This machine could not be identified.' });
  }
  if (!sameText(confirming, current)) return agentError('MACHINE_MISMATCH');

  const result = await context.manager.deactivate();
  if (result.ok) return { status: 202, body: result.value };
  return result.code === 'NOT_ACTIVATED' ? { status: 202, body: {} } : failureReply(result);
}

/** `GET /v1/licenses?size=N&after=cursor` (Kong `GET /licenses`): `{ data, next }`. */
async function listLicenses(context: RouteContext): Promise<Reply> {
  const query = parse(listQuery, context.query);
  if (!query.ok) return query.reply;
  const { size, after } = query.value;
  const page = await context.manager.installed(after === undefined ? { limit: size ?? DEFAULT_PAGE_SIZE } : { after, limit: size ?? DEFAULT_PAGE_SIZE });
  // A state that cannot be read is said so, never answered as an empty list.
  if (!page.ok) return failureReply(page);
  return { status: 200, body: { data: page.value.data, next: page.value.next } };
}

/** `POST /v1/licenses` (Kong `POST /licenses`): installs a certificate; 201, or 400 when it is not genuine. */
async function addLicense(context: RouteContext): Promise<Reply> {
  const body = parse(installBody, context.body);
  if (!body.ok) return body.reply;
  const result = await install(context.manager, body.value);
  return result.ok ? { status: 201, body: result.value } : failureReply(result);
}

/**
 * `PUT /v1/licenses/{id}` (Kong upsert): installs or replaces the license `{id}`; 200. The
 * certificate must be for `{id}`: the manager only reveals a certificate's id once it has
 * verified and stored it, so a mismatch is undone (when it added a new license) and refused.
 */
async function upsertLicense(context: RouteContext): Promise<Reply> {
  const id = licenseId(context);
  if (!id.ok) return id.reply;
  const body = parse(installBody, context.body);
  if (!body.ok) return body.reply;
  const before = await installedIds(context.manager);
  const result = await install(context.manager, body.value);
  if (!result.ok) return failureReply(result);
  if (result.value.id.toLowerCase() !== id.value.toLowerCase()) {
    if (!before.has(result.value.id.toLowerCase())) await context.manager.remove(result.value.id);
    return agentError('LICENSE_ID_MISMATCH');
  }
  return { status: 200, body: result.value };
}

/** `PATCH /v1/licenses/{id}` (Kong): label and/or pin; 200, 404 unknown, 400 invalid. */
async function updateLicense(context: RouteContext): Promise<Reply> {
  const id = licenseId(context);
  if (!id.ok) return id.reply;
  const body = parse(updateBody, context.body);
  if (!body.ok) return body.reply;
  const changes: { label?: string | null; pinned?: boolean } = {};
  if (body.value.label !== undefined) changes.label = body.value.label === '' ? null : body.value.label;
  if (body.value.pinned !== undefined) changes.pinned = body.value.pinned;
  const result = await context.manager.update(id.value, changes);
  return result.ok ? { status: 200, body: result.value } : failureReply(result);
}

/** `GET /v1/licenses/{id}` (Kong): 200, or 404. */
async function getInstalled(context: RouteContext): Promise<Reply> {
  const id = licenseId(context);
  if (!id.ok) return id.reply;
  const query = parse(noQuery, context.query);
  if (!query.ok) return query.reply;
  const result = await context.manager.get(id.value);
  return result.ok ? { status: 200, body: result.value } : failureReply(result);
}

/** `DELETE /v1/licenses/{id}` (Kong): removes it locally; 204, or 404. */
async function removeInstalled(context: RouteContext): Promise<Reply> {
  const id = licenseId(context);
  if (!id.ok) return id.reply;
  const result = await context.manager.remove(id.value);
  return result.ok ? { status: 204 } : failureReply(result);
}

/** Every endpoint of the agent. */
export const AGENT_ROUTES: readonly AgentRoute[] = [
  { method: 'GET', path: '/v1/license/check', handler: checkLicense },
  { method: 'GET', path: '/v1/license', handler: getLicense },
  { method: 'PUT', path: '/v1/license', handler: putLicense },
  { method: 'DELETE', path: '/v1/license', handler: deactivateLicense },
  { method: 'POST', path: '/v1/license/renew', handler: renewLicense },
  { method: 'GET', path: '/v1/licenses', handler: listLicenses },
  { method: 'POST', path: '/v1/licenses', handler: addLicense },
  { method: 'GET', path: '/v1/licenses/:id', handler: getInstalled },
  { method: 'PUT', path: '/v1/licenses/:id', handler: upsertLicense },
  { method: 'PATCH', path: '/v1/licenses/:id', handler: updateLicense },
  { method: 'DELETE', path: '/v1/licenses/:id', handler: removeInstalled },
];
