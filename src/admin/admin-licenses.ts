/**
 * The licenses of the configured product, as the Licenses view lists them: name, masked key,
 * policy (by name), status, expiry, seats "x of N", last validation. Searching by owner email
 * is the server's `owner` filter (Keygen takes a UUID or an email there); any other search
 * matches the license's id, name, key or owner id as text, page by page — so the view and an
 * export walk every page and keep what matches.
 */
import type { AdminLicense, ListPage } from '../contract/admin.js';
import type { Result } from '../contract/codes.js';
import type { ApiResource, Credentials, KeygenAdminClient } from '../keygen/client.types.js';
import { maskKey } from '../licensing/facts.js';
import { fetchEveryPage } from './every-page.js';
import { text, time } from './attributes.js';

function related(resource: ApiResource, name: string): { readonly id: string | null; readonly count: number | null } {
  const relationship = resource.relationships?.[name] as { data?: { id?: unknown } | null; meta?: { count?: unknown } } | undefined;
  const id = typeof relationship?.data?.id === 'string' ? relationship.data.id : null;
  const count = relationship?.meta?.count;
  return { id, count: typeof count === 'number' && Number.isSafeInteger(count) && count >= 0 ? count : null };
}

/** One license row; `policies` names policies by id. The key leaves this function masked only. */
export function licenseRow(license: ApiResource, policies: ReadonlyMap<string, string | null>): AdminLicense {
  const attributes = license.attributes;
  const policyId = related(license, 'policy').id;
  const key = text(attributes.key);
  const max = attributes.maxMachines;
  return {
    id: license.id,
    name: text(attributes.name),
    keyHint: key === null ? null : maskKey(key),
    policy: policyId === null ? null : { id: policyId, name: policies.get(policyId) ?? null },
    status: text(attributes.status),
    expiry: time(attributes.expiry),
    used: related(license, 'machines').count,
    max: typeof max === 'number' && Number.isSafeInteger(max) && max >= 0 ? max : null,
    lastValidated: time(attributes.lastValidated),
    owner: related(license, 'owner').id,
    created: time(attributes.created),
  };
}

/** A search as the server's filters and a test on each license returned. */
export interface LicenseSearch {
  readonly filters: Readonly<Record<string, string>>;
  readonly matches: (license: ApiResource) => boolean;
}

/** An email goes to the server's owner filter; anything else matches id, name, key or owner id, ignoring case. */
export function licenseSearch(search: string | undefined, product: string | null): LicenseSearch {
  const filters: Record<string, string> = product === null ? {} : { product };
  const needle = (search ?? '').trim();
  if (needle === '') return { filters, matches: () => true };
  if (needle.includes('@')) return { filters: { ...filters, owner: needle.toLowerCase() }, matches: () => true };
  const lower = needle.toLowerCase();
  return {
    filters,
    matches: (license) =>
      [license.id, text(license.attributes.name), text(license.attributes.key), related(license, 'owner').id].some((value) => value !== null && value.toLowerCase().includes(lower)),
  };
}

/** Policy names of the product, by id (every page; a product has few). Empty when they cannot be read: rows then show ids. */
export async function policyNames(client: KeygenAdminClient, credentials: Credentials, product: string | null): Promise<Map<string, string | null>> {
  const listed = await fetchEveryPage((number, size) => client.policies(product === null ? {} : { product }, { number, size }, credentials));
  const names = new Map<string, string | null>();
  if (listed.ok) for (const policy of listed.items) names.set(policy.id, text(policy.attributes.name));
  return names;
}

/** One page of the product's licenses that match `search`. */
export async function licensesPage(
  client: KeygenAdminClient,
  credentials: Credentials,
  search: LicenseSearch,
  policies: ReadonlyMap<string, string | null>,
  page: { readonly number: number; readonly size: number },
): Promise<Result<ListPage<AdminLicense>>> {
  const listed = await client.licenses(search.filters, page, credentials);
  if (!listed.ok) return listed;
  const rows = listed.value.data.filter(search.matches).map((license) => licenseRow(license, policies));
  return { ok: true, value: { data: rows, next: listed.value.next, total: listed.value.total ?? null } };
}
