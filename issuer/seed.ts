/**
 * The development account and the `--seed demo` catalogue. Both are idempotent: on an existing
 * database they find what an earlier start created (by slug and by name) and reuse it, so the
 * same license keys are printed again.
 */
import type { Store } from './db/store.js';
import { expiryFromDuration } from './domain/expiry.js';
import { generateLicenseKey } from './domain/license-key.js';
import { withPolicyDefaults } from './domain/policy-defaults.js';
import { policyRules } from './domain/policy-rules.js';
import type { Account, License, Policy } from './domain/types.js';

/** The account a fresh database gets. */
export const DEV_ACCOUNT = { slug: 'tessera-dev', name: 'Tessera Development' } as const;
const ADMIN_EMAIL = 'admin@tessera.invalid';
const PRODUCT_NAME = 'Tessera Demo';

/** What the start line prints for each seeded license. */
export interface SeededLicense {
  readonly id: string;
  readonly key: string;
  /** The policy's name. */
  readonly policy: string;
  readonly policyId: string;
  readonly expiry: string | null;
  readonly suspended: boolean;
}

/**
 * The account to serve and a new admin token for it: the account named `preferred` (id or
 * slug), else the first account in the database. A database without accounts first gets the
 * development account, so `preferred` may name it (`tessera-dev`) on a fresh start. Tokens are
 * stored hashed, so every start mints one to print. Throws when `preferred` names no account,
 * as self-hosted Keygen refuses to boot when `KEYGEN_ACCOUNT_ID` names none (keygen-api
 * `config/initializers/keygen.rb`, "Account … does not exist").
 */
export function ensureAccount(store: Store, now: number, preferred?: string): { account: Account; adminToken: string } {
  if (store.accounts.first() === null) store.accounts.create({ ...DEV_ACCOUNT, now });
  const existing = preferred === undefined ? store.accounts.first() : store.accounts.findByIdOrSlug(preferred);
  if (existing === null) throw new Error(`account "${preferred ?? ''}" does not exist in this database`);
  const account = store.accounts.withCertificateKeys(existing);
  const admin =
    store.users.findByEmail(account.id, ADMIN_EMAIL) ??
    store.users.create(account.id, { email: ADMIN_EMAIL, firstName: 'Issuer', lastName: 'Admin', role: 'admin' }, now);
  const { secret } = store.tokens.create(account.id, { kind: 'admin-token', bearerType: 'users', bearerId: admin.id, name: 'tessera-issuer start' }, now);
  return { account, adminToken: secret };
}

const ENTITLEMENTS = [
  { code: 'CORE', name: 'Core features' },
  { code: 'PRO', name: 'Pro features' },
  { code: 'OFFLINE', name: 'Offline use' },
] as const;

/** Every demo policy allows license-key and token authentication, as client apps need. */
const MIXED_AUTH = { authenticationStrategy: 'MIXED' };
const YEAR = 365 * 86_400;

interface DemoPolicy {
  readonly name: string;
  readonly attributes: Record<string, unknown>;
  readonly entitlements: readonly string[];
  readonly license?: { readonly suspended?: boolean };
}

const POLICIES: readonly DemoPolicy[] = [
  { name: 'Node-locked', attributes: { duration: YEAR, strict: true, floating: false, maxMachines: 1 }, entitlements: ['CORE', 'PRO'] },
  { name: 'Floating (3 seats)', attributes: { duration: YEAR, strict: true, floating: true, maxMachines: 3 }, entitlements: ['CORE', 'PRO'] },
  {
    name: 'Check-in required',
    attributes: { duration: YEAR, floating: false, requireCheckIn: true, checkInInterval: 'day', checkInIntervalCount: 1 },
    entitlements: ['CORE'],
  },
  {
    name: 'Heartbeat required',
    attributes: { duration: YEAR, floating: true, maxMachines: 3, requireHeartbeat: true, heartbeatDuration: 600 },
    entitlements: ['CORE'],
  },
  // Keygen's shortest policy duration is one day.
  { name: 'Short expiry', attributes: { duration: 86_400, floating: false }, entitlements: ['CORE'] },
  { name: 'Suspended', attributes: { duration: YEAR, floating: false }, entitlements: ['CORE'], license: { suspended: true } },
  {
    // Check-out is unencrypted unless the client asks (Keygen's default); the metadata tells demos to not ask.
    name: 'Unencrypted check-out',
    attributes: { duration: YEAR, floating: false, metadata: { checkOutEncrypted: false } },
    entitlements: ['CORE', 'OFFLINE'],
  },
];

/** Creates or finds the demo product, entitlements, policies and one license per policy. */
export function seedDemo(store: Store, account: Account, now: number): { productId: string; licenses: SeededLicense[] } {
  const product =
    store.products.findByName(account.id, PRODUCT_NAME) ??
    store.products.create(account.id, { name: PRODUCT_NAME, code: 'tessera-demo', metadata: { seed: 'demo' } }, now);
  const entitlementIds = new Map<string, string>();
  for (const { code, name } of ENTITLEMENTS) {
    const entitlement = store.entitlements.findByCode(account.id, code) ?? store.entitlements.create(account.id, { code, name }, now);
    entitlementIds.set(code, entitlement.id);
  }
  const licenses = POLICIES.map((demo) => {
    const policy =
      store.policies.findByName(account.id, product.id, demo.name) ??
      store.policies.create(account.id, product.id, withPolicyDefaults({ name: demo.name, ...MIXED_AUTH, ...demo.attributes }), now);
    for (const code of demo.entitlements) store.entitlements.attachToPolicy(account.id, policy.id, entitlementIds.get(code) as string, now);
    const license = store.licenses.firstForPolicy(account.id, policy.id) ?? createDemoLicense(store, account, policy, demo, now);
    return {
      id: license.id,
      key: license.key,
      policy: demo.name,
      policyId: policy.id,
      expiry: license.expiry === null ? null : new Date(license.expiry).toISOString(),
      suspended: license.suspended,
    };
  });
  return { productId: product.id, licenses };
}

function createDemoLicense(store: Store, account: Account, policy: Policy, demo: DemoPolicy, now: number): License {
  const rules = policyRules(policy);
  return store.licenses.create(
    account.id,
    {
      policyId: policy.id,
      productId: policy.productId,
      key: generateLicenseKey(),
      name: `Demo: ${demo.name}`,
      expiry: rules.duration === null ? null : expiryFromDuration(now, rules.duration),
      suspended: demo.license?.suspended ?? false,
      protected: rules.protected,
      lastCheckInAt: rules.requireCheckIn ? now : null,
      metadata: { seed: 'demo' },
    },
    now,
  );
}
