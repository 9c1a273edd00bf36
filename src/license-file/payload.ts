import { fail } from '../contract/messages.js';
import type { Envelope } from './envelope.js';
import {
  DEFAULT_MAX_CLOCK_DRIFT_MS,
  type CertificateMeta,
  type LicenseFileResult,
  type Resource,
  type VerifyOptions,
} from './types.js';

const DATA_TYPE = { license: 'licenses', machine: 'machines' } as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON:API resource object, or null when `value` is not one. */
function asResource(value: unknown): Resource | null {
  if (!isObject(value)) return null;
  const { id, type, attributes, relationships } = value;
  if (typeof id !== 'string' || typeof type !== 'string') return null;
  if (attributes !== undefined && !isObject(attributes)) return null;
  if (relationships !== undefined && !isObject(relationships)) return null;
  return value as unknown as Resource;
}

function asMeta(value: unknown): CertificateMeta | null {
  if (!isObject(value)) return null;
  const { issued, expiry, ttl } = value;
  if (typeof issued !== 'string') return null;
  if (expiry !== null && expiry !== undefined && typeof expiry !== 'string') return null;
  if (ttl !== null && ttl !== undefined && (typeof ttl !== 'number' || !Number.isFinite(ttl))) return null;
  return { issued, expiry: expiry ?? null, ttl: ttl ?? null };
}

/** The id a to-one relationship points at, if any. */
function relatedId(resource: Resource, name: string): string | null {
  const relationship = resource.relationships?.[name];
  if (!isObject(relationship) || !isObject(relationship.data)) return null;
  const id = relationship.data.id;
  return typeof id === 'string' ? id : null;
}

/**
 * Checks a verified, decoded payload against the trust inputs and returns the license.
 * Only ever called after the signature verified. Returns `LICENSE_FILE_MALFORMED`,
 * `LICENSE_FILE_KIND_MISMATCH`, `FINGERPRINT_MISMATCH`, `LICENSE_FILE_ISSUED_IN_FUTURE`,
 * `CLOCK_ROLLED_BACK` or `LICENSE_FILE_EXPIRED`, in that order of precedence.
 */
export function checkPayload(payload: string, envelope: Envelope, options: VerifyOptions): LicenseFileResult {
  let document: unknown;
  try {
    document = JSON.parse(payload);
  } catch {
    return fail('LICENSE_FILE_MALFORMED');
  }
  if (!isObject(document)) return fail('LICENSE_FILE_MALFORMED');
  const data = asResource(document.data);
  const meta = asMeta(document.meta);
  if (data === null || meta === null) return fail('LICENSE_FILE_MALFORMED');
  const rawIncluded = document.included ?? [];
  if (!Array.isArray(rawIncluded)) return fail('LICENSE_FILE_MALFORMED');
  const included: Resource[] = [];
  for (const entry of rawIncluded) {
    const resource = asResource(entry);
    if (resource === null) return fail('LICENSE_FILE_MALFORMED');
    included.push(resource);
  }

  if (data.type !== DATA_TYPE[envelope.kind]) return fail('LICENSE_FILE_KIND_MISMATCH');
  // The payload binding matters most for unencrypted machine files, where the key derivation
  // does not bind the file to the machine (protocol §1.6).
  if (envelope.kind === 'machine') {
    const fingerprint = data.attributes?.fingerprint;
    if (typeof fingerprint !== 'string' || !options.fingerprint || fingerprint !== options.fingerprint) {
      return fail('FINGERPRINT_MISMATCH');
    }
  }

  const issued = Date.parse(meta.issued);
  const expiry = meta.expiry === null ? null : Date.parse(meta.expiry);
  if (Number.isNaN(issued) || (expiry !== null && Number.isNaN(expiry))) return fail('LICENSE_FILE_MALFORMED');
  if (options.ignoreDates !== true) {
    const drift = options.maxClockDriftMs ?? DEFAULT_MAX_CLOCK_DRIFT_MS;
    if (issued > options.now + drift) return fail('LICENSE_FILE_ISSUED_IN_FUTURE');
    if (options.watermark !== undefined && options.watermark !== null && options.now < options.watermark) {
      return fail('CLOCK_ROLLED_BACK');
    }
    // `meta.expiry` as given: Keygen adds TTLs in calendar units, so issued + ttl is wrong.
    if (expiry !== null && options.now > expiry) return fail('LICENSE_FILE_EXPIRED');
  }

  const byType = (type: string): Resource[] => included.filter((resource) => resource.type === type);
  const license = envelope.kind === 'license' ? data : (byType('licenses')[0] ?? null);
  const users = byType('users');
  const ownerId = license === null ? null : relatedId(license, 'owner') ?? relatedId(license, 'user');
  return {
    ok: true,
    value: {
      kind: envelope.kind,
      alg: envelope.alg,
      encrypted: envelope.encrypted,
      meta,
      license,
      machine: envelope.kind === 'machine' ? data : null,
      product: byType('products')[0] ?? null,
      policy: byType('policies')[0] ?? null,
      entitlements: byType('entitlements'),
      owner: users.find((user) => user.id === ownerId) ?? null,
      users,
      components: byType('components'),
      included,
      payload,
    },
  };
}
