/**
 * An independent Keygen certificate signer for tests: it builds license and machine files the
 * way keygen-api's checkout services do (protocol §1.1–1.4), with node:crypto only and none of
 * the engine's code, so that the engine is checked against a second implementation.
 */
import {
  constants,
  createCipheriv,
  createHash,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';

export type Kind = 'license' | 'machine';
export type Family = 'ed25519' | 'ecdsa-p256' | 'rsa';
export type Signing = 'ed25519' | 'ecdsa-p256' | 'rsa-pss-sha256' | 'rsa-sha256';
export type Encoding = 'aes-256-gcm' | 'base64';

/** Keygen's eight `alg` values (api: app/models/license_file.rb), kept apart from the engine's list. */
export const ALL_ALGS = [
  'aes-256-gcm+ed25519',
  'aes-256-gcm+ecdsa-p256',
  'aes-256-gcm+rsa-pss-sha256',
  'aes-256-gcm+rsa-sha256',
  'base64+ed25519',
  'base64+ecdsa-p256',
  'base64+rsa-pss-sha256',
  'base64+rsa-sha256',
] as const;
export type Alg = (typeof ALL_ALGS)[number];

/** A signing key pair and the public key as a vendor would pin it. */
export interface SigningKeys {
  readonly family: Family;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** 64 hex characters for Ed25519, SPKI PEM otherwise. */
  readonly publicKeyText: string;
}

/** A JSON:API resource object. */
export interface ResourceObject {
  id: string;
  type: string;
  attributes: Record<string, unknown>;
  relationships?: Record<string, unknown>;
  links?: Record<string, unknown>;
}

/** `meta` as Keygen writes it: ISO-8601 with milliseconds, ttl in seconds. */
export interface Meta {
  issued: string;
  expiry: string | null;
  ttl: number | null;
}

/** A certificate payload document: `{data, included?, meta}` in Keygen's key order. */
export interface PayloadDocument {
  data: ResourceObject;
  included?: ResourceObject[];
  meta: Meta;
}

export const encodingOf = (alg: Alg): Encoding => (alg.startsWith('aes-256-gcm+') ? 'aes-256-gcm' : 'base64');
export const signingOf = (alg: Alg): Signing => alg.slice(alg.indexOf('+') + 1) as Signing;
export const familyOf = (alg: Alg): Family => {
  const signing = signingOf(alg);
  return signing === 'rsa-pss-sha256' || signing === 'rsa-sha256' ? 'rsa' : signing;
};

// ---------------------------------------------------------------------------------------------
// Keys

const keyCache = new Map<string, SigningKeys>();

function generate(family: Family): SigningKeys {
  switch (family) {
    case 'ed25519': {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      // The raw key is the tail of the 44-byte SPKI (RFC 8410 §4); dashboards show it as hex.
      const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
      return { family, privateKey, publicKey, publicKeyText: raw.toString('hex') };
    }
    case 'ecdsa-p256': {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      return { family, privateKey, publicKey, publicKeyText: publicKey.export({ format: 'pem', type: 'spki' }).toString() };
    }
    case 'rsa': {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      return { family, privateKey, publicKey, publicKeyText: publicKey.export({ format: 'pem', type: 'spki' }).toString() };
    }
  }
}

/**
 * A key pair of `family`, generated once per process and `label` (RSA generation is slow):
 * use the default label for the vendor and another (e.g. `attacker`) for a second key.
 */
export function signingKeys(family: Family, label = 'vendor'): SigningKeys {
  const id = `${family}:${label}`;
  let keys = keyCache.get(id);
  if (keys === undefined) {
    keys = generate(family);
    keyCache.set(id, keys);
  }
  return keys;
}

/** The vendor key for an `alg`. */
export const keysFor = (alg: Alg, label = 'vendor'): SigningKeys => signingKeys(familyOf(alg), label);

// ---------------------------------------------------------------------------------------------
// Low-level steps, exposed for attacks

/** Signs `message` the way keygen-api does for `signing` (abstract_checkout_service.rb:112-131). */
export function signBytes(signing: Signing, privateKey: KeyObject, message: Uint8Array | string): Buffer {
  const bytes = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  switch (signing) {
    case 'ed25519':
      return sign(null, bytes, privateKey);
    case 'ecdsa-p256':
      // OpenSSL::PKey::EC#sign: ASN.1 DER, node's default dsaEncoding.
      return sign('sha256', bytes, privateKey);
    case 'rsa-pss-sha256':
      return sign('sha256', bytes, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN });
    case 'rsa-sha256':
      return sign('sha256', bytes, { key: privateKey, padding: constants.RSA_PKCS1_PADDING });
  }
}

/** The message a certificate signature covers: `"license/" + enc` or `"machine/" + enc`. */
export const signedMessage = (kind: Kind, enc: string): string => `${kind}/${enc}`;

/** The AES secret: license key, plus the fingerprint for machine files, no separator (§1.3). */
export const encryptionSecret = (kind: Kind, licenseKey: string, fingerprint = ''): string =>
  kind === 'machine' ? licenseKey + fingerprint : licenseKey;

/** Parts of an `aes-256-gcm` enc, as raw bytes. */
export interface GcmParts {
  readonly ciphertext: Buffer;
  readonly iv: Buffer;
  readonly tag: Buffer;
}

/** AES-256-GCM with key SHA-256(utf8(secret)), empty AAD, 12-byte IV, 16-byte tag. */
export function encryptParts(payload: string, secret: string, iv: Uint8Array = randomBytes(12)): GcmParts {
  const key = createHash('sha256').update(secret, 'utf8').digest();
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  const ciphertext = Buffer.concat([cipher.update(payload, 'utf8'), cipher.final()]);
  return { ciphertext, iv: Buffer.from(iv), tag: cipher.getAuthTag() };
}

/** `b64(ciphertext).b64(iv).b64(tag)`, each strict padded standard base64. */
export const gcmEnc = (parts: GcmParts): string =>
  [parts.ciphertext, parts.iv, parts.tag].map((part) => part.toString('base64')).join('.');

/** `enc` of an `aes-256-gcm` certificate. */
export const encryptPayload = (payload: string, secret: string, iv?: Uint8Array): string => gcmEnc(encryptParts(payload, secret, iv));

/** `enc` of a `base64` certificate: Base64.strict_encode64(payload). */
export const encodePayload = (payload: string): string => Buffer.from(payload, 'utf8').toString('base64');

/** The outer document exactly as Ruby's `Hash#to_json` writes it: `{"enc":…,"sig":…,"alg":…}`. */
export const outerDocument = (fields: { enc: unknown; sig: unknown; alg: unknown }): string =>
  JSON.stringify({ enc: fields.enc, sig: fields.sig, alg: fields.alg });

export interface ArmorOptions {
  /** Body line length; 60 (Ruby Base64.encode64) by default, Infinity for one line. */
  readonly lineLength?: number;
  /** `\r\n` line endings (a file that went through a Windows editor or mail client). */
  readonly crlf?: boolean;
}

/** Armors already-base64 body text: header, body wrapped, footer, final newline. */
export function armorBody(kind: Kind, body: string, options: ArmorOptions = {}): string {
  const lineLength = options.lineLength ?? 60;
  const newline = options.crlf ? '\r\n' : '\n';
  const lines: string[] = [];
  if (!Number.isFinite(lineLength)) lines.push(body);
  else for (let start = 0; start < body.length; start += lineLength) lines.push(body.slice(start, start + lineLength));
  const label = kind === 'machine' ? 'MACHINE' : 'LICENSE';
  return [`-----BEGIN ${label} FILE-----`, ...lines, `-----END ${label} FILE-----`, ''].join(newline);
}

/** Armors outer-document text (base64 of its UTF-8 bytes, wrapped). */
export const armor = (kind: Kind, outer: string, options: ArmorOptions = {}): string =>
  armorBody(kind, Buffer.from(outer, 'utf8').toString('base64'), options);

/** The armor label and base64 body of a certificate, decoded independently of the engine. */
export function unarmor(certificate: string): { kind: Kind; body: string; outer: string; fields: { enc: string; sig: string; alg: string } } {
  const lines = certificate.trim().split(/\r?\n/);
  const header = /^-----BEGIN (LICENSE|MACHINE) FILE-----$/.exec(lines[0] ?? '');
  if (header === null) throw new Error('unarmor: no header');
  const body = lines.slice(1, -1).join('');
  const outer = Buffer.from(body, 'base64').toString('utf8');
  return { kind: header[1] === 'MACHINE' ? 'machine' : 'license', body, outer, fields: JSON.parse(outer) as { enc: string; sig: string; alg: string } };
}

// ---------------------------------------------------------------------------------------------
// Certificates

export interface SignOptions {
  readonly kind: Kind;
  readonly alg: Alg;
  /** Signing keys; the vendor key of the alg's family by default. */
  readonly keys?: SigningKeys;
  /** Required for `aes-256-gcm+…`. */
  readonly licenseKey?: string;
  /** The machine fingerprint the file is encrypted to (machine files). */
  readonly fingerprint?: string;
  /** The payload text exactly; otherwise JSON of `{data, included, meta}`. */
  readonly payload?: string;
  readonly document?: PayloadDocument;
  readonly lineLength?: number;
  readonly crlf?: boolean;
  /** A fixed IV, for deterministic output. */
  readonly iv?: Uint8Array;
  /** Sign with this prefix instead of the armor kind (replay and confusion attacks). */
  readonly signedAs?: Kind;
}

/** A certificate and everything that went into it. */
export interface SignedCertificate {
  readonly certificate: string;
  readonly kind: Kind;
  readonly alg: Alg;
  readonly payload: string;
  readonly enc: string;
  readonly sig: string;
  readonly outer: string;
  readonly keys: SigningKeys;
}

/** Builds, signs and armors a certificate as keygen-api's checkout service does. */
export function signCertificate(options: SignOptions): SignedCertificate {
  const keys = options.keys ?? keysFor(options.alg);
  const payload = options.payload ?? JSON.stringify(options.document ?? buildPayload({ kind: options.kind, licenseKey: options.licenseKey, fingerprint: options.fingerprint }));
  let enc: string;
  if (encodingOf(options.alg) === 'aes-256-gcm') {
    if (options.licenseKey === undefined) throw new Error('signCertificate: aes-256-gcm needs a license key');
    enc = encryptPayload(payload, encryptionSecret(options.kind, options.licenseKey, options.fingerprint), options.iv);
  } else {
    enc = encodePayload(payload);
  }
  const sig = signBytes(signingOf(options.alg), keys.privateKey, signedMessage(options.signedAs ?? options.kind, enc)).toString('base64');
  const outer = outerDocument({ enc, sig, alg: options.alg });
  const certificate = armor(options.kind, outer, { lineLength: options.lineLength, crlf: options.crlf });
  return { certificate, kind: options.kind, alg: options.alg, payload, enc, sig, outer, keys };
}

/** Re-armors given fields (any values: attacks put numbers, nulls or unknown algs here). */
export function rearmor(kind: Kind, fields: { enc: unknown; sig: unknown; alg: unknown }, options: ArmorOptions = {}): string {
  return armor(kind, outerDocument(fields), options);
}

// ---------------------------------------------------------------------------------------------
// Payloads

/** A fixed "now" for tests: 2025-06-01T12:00:00.000Z. */
export const NOW = Date.UTC(2025, 5, 1, 12, 0, 0, 0);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const iso = (ms: number): string => new Date(ms).toISOString();

/** A stable UUID-shaped id derived from a label, so payloads are reproducible. */
export function uuidFor(label: string): string {
  const hex = createHash('sha256').update(label).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const DEFAULT_LICENSE_KEY = 'C1B6DE-39A6E3-DE1529-8559A0-4AF593-V3';
export const DEFAULT_FINGERPRINT = 'af249c134edd21c508e2114f0dd52628caf36e002edd9cada71eedb2d52f6841';

export interface PayloadOptions {
  readonly kind: Kind;
  readonly licenseKey?: string | undefined;
  readonly fingerprint?: string | undefined;
  /** `meta.issued` in ms; one day before NOW by default. */
  readonly issued?: number;
  /** `meta.expiry` in ms, or null; 30 days after NOW by default. Taken as given, like Keygen's. */
  readonly expiry?: number | null;
  /** `meta.ttl` in seconds, or null; derived from issued/expiry by default. */
  readonly ttl?: number | null;
  /** Number of entitlements included; 3 by default. */
  readonly entitlements?: number;
  /** Number of machine components included (machine files); 2 by default. */
  readonly components?: number;
  /** Distinguishes ids and names between payloads. */
  readonly seed?: string;
  /** Appended to the license name (to tune payload length). */
  readonly nameSuffix?: string;
}

const ACCOUNT = uuidFor('account');
const related = (type: string, id: string): Record<string, unknown> => ({
  links: { related: `/v1/accounts/${ACCOUNT}/${type}/${id}` },
  data: { type, id },
});

/**
 * A realistic Keygen payload: a license (with product, policy, owner and entitlements
 * included) or a machine (with its license, components and the rest included).
 */
export function buildPayload(options: PayloadOptions): PayloadDocument {
  const seed = options.seed ?? 'default';
  const issued = options.issued ?? NOW - DAY;
  const expiry = options.expiry === undefined ? NOW + 30 * DAY : options.expiry;
  const ttl = options.ttl === undefined ? (expiry === null ? null : Math.round((expiry - issued) / 1000)) : options.ttl;
  const created = iso(issued - 90 * DAY);
  const stamp = { metadata: {}, created, updated: iso(issued) };
  const ids = {
    license: uuidFor(`${seed}:license`),
    machine: uuidFor(`${seed}:machine`),
    product: uuidFor(`${seed}:product`),
    policy: uuidFor(`${seed}:policy`),
    owner: uuidFor(`${seed}:owner`),
  };

  const entitlements: ResourceObject[] = Array.from({ length: options.entitlements ?? 3 }, (_, index) => {
    const id = uuidFor(`${seed}:entitlement:${index}`);
    return {
      id,
      type: 'entitlements',
      attributes: { name: `Feature ${index + 1}`, code: `FEATURE_${index + 1}`, ...stamp },
      links: { self: `/v1/accounts/${ACCOUNT}/entitlements/${id}` },
    };
  });
  const product: ResourceObject = {
    id: ids.product,
    type: 'products',
    attributes: { name: 'Tessera Studio', code: 'tessera-studio', url: 'https://example.com', distributionStrategy: 'LICENSED', platforms: ['linux', 'darwin', 'win32'], permissions: [], ...stamp },
    relationships: { account: related('accounts', ACCOUNT) },
  };
  const policy: ResourceObject = {
    id: ids.policy,
    type: 'policies',
    attributes: {
      name: 'Annual', duration: 31556952, strict: false, floating: true, scheme: 'ED25519_SIGN', requireProductScope: false,
      requireFingerprintScope: false, concurrent: true, maxMachines: 3, maxProcesses: null, maxCores: null, maxUses: null,
      encrypted: false, protected: true, requireHeartbeat: false, heartbeatDuration: null, expirationStrategy: 'RESTRICT_ACCESS', ...stamp,
    },
    relationships: { product: related('products', ids.product) },
  };
  const owner: ResourceObject = {
    id: ids.owner,
    type: 'users',
    attributes: { fullName: 'Ada Lovelace', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', status: 'ACTIVE', role: 'user', ...stamp },
  };
  const license: ResourceObject = {
    id: ids.license,
    type: 'licenses',
    attributes: {
      name: `Studio license ${seed}${options.nameSuffix ?? ''}`,
      key: options.licenseKey ?? DEFAULT_LICENSE_KEY,
      expiry: expiry === null ? null : iso(expiry),
      status: 'ACTIVE', uses: 0, suspended: false, scheme: null, encrypted: false, strict: false, floating: true, protected: true,
      version: null, maxMachines: 3, maxProcesses: null, maxCores: null, maxUses: null, requireHeartbeat: false, requireCheckIn: false,
      lastValidated: iso(issued - HOUR), lastCheckIn: null, nextCheckIn: null, lastCheckOut: iso(issued), permissions: [], ...stamp,
    },
    relationships: {
      account: related('accounts', ACCOUNT),
      environment: { links: { related: null }, data: null },
      product: related('products', ids.product),
      policy: related('policies', ids.policy),
      owner: related('users', ids.owner),
      entitlements: { links: { related: `/v1/accounts/${ACCOUNT}/licenses/${ids.license}/entitlements` } },
    },
    links: { self: `/v1/accounts/${ACCOUNT}/licenses/${ids.license}` },
  };
  const meta: Meta = { issued: iso(issued), expiry: expiry === null ? null : iso(expiry), ttl };

  if (options.kind === 'license') return { data: license, included: [product, policy, owner, ...entitlements], meta };

  const components: ResourceObject[] = Array.from({ length: options.components ?? 2 }, (_, index) => ({
    id: uuidFor(`${seed}:component:${index}`),
    type: 'components',
    attributes: { fingerprint: createHash('sha256').update(`${seed}:component:${index}`).digest('hex'), name: ['cpu', 'disk', 'board'][index % 3], ...stamp },
    relationships: { machine: related('machines', ids.machine) },
  }));
  const machine: ResourceObject = {
    id: ids.machine,
    type: 'machines',
    attributes: {
      fingerprint: options.fingerprint ?? DEFAULT_FINGERPRINT,
      cores: 8, ip: null, hostname: 'workstation', platform: 'linux/x64', name: 'Workstation', requireHeartbeat: false,
      heartbeatStatus: 'NOT_STARTED', heartbeatDuration: 600, maxProcesses: null, lastCheckOut: iso(issued), lastHeartbeat: null,
      nextHeartbeat: null, ...stamp,
    },
    relationships: {
      account: related('accounts', ACCOUNT),
      product: related('products', ids.product),
      license: related('licenses', ids.license),
      owner: related('users', ids.owner),
      components: { links: { related: `/v1/accounts/${ACCOUNT}/machines/${ids.machine}/components` } },
    },
    links: { self: `/v1/accounts/${ACCOUNT}/machines/${ids.machine}` },
  };
  return { data: machine, included: [license, product, policy, owner, ...entitlements, ...components], meta };
}

/** Options to sign a default certificate of `kind` and `alg` with the vendor key. */
export interface QuickOptions extends Omit<SignOptions, 'kind' | 'alg' | 'document'>, Omit<PayloadOptions, 'kind' | 'licenseKey' | 'fingerprint'> {}

/**
 * A genuine certificate with a realistic payload, the default license key and fingerprint
 * (override either), signed by the vendor key of the alg's family.
 */
export function genuine(kind: Kind, alg: Alg, options: QuickOptions = {}): SignedCertificate {
  const licenseKey = options.licenseKey ?? DEFAULT_LICENSE_KEY;
  const fingerprint = options.fingerprint ?? DEFAULT_FINGERPRINT;
  const document = buildPayload({ ...options, kind, licenseKey, fingerprint });
  return signCertificate({ ...options, kind, alg, licenseKey, fingerprint: kind === 'machine' ? fingerprint : undefined, document });
}

/** Verify options matching `genuine`'s defaults, at NOW. */
export const trustedOptions = (overrides: Partial<{ licenseKey: string | null; fingerprint: string | null; now: number; watermark: number | null; maxClockDriftMs: number }> = {}) => ({
  licenseKey: DEFAULT_LICENSE_KEY,
  fingerprint: DEFAULT_FINGERPRINT,
  now: NOW,
  ...overrides,
});
