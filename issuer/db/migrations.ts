/**
 * The issuer's schema, as numbered migrations. `openDatabase` applies every migration whose
 * number is above `PRAGMA user_version`, each in its own transaction, so a database file
 * created by an older issuer is upgraded in place and never rebuilt. Append new migrations;
 * never edit one that has shipped.
 *
 * Conventions: ids are UUID text; times are INTEGER milliseconds since the epoch; booleans are
 * INTEGER 0/1; JSON is TEXT. Every row carries `account_id` so that every query is scoped.
 */

/** One schema step. `version` must be the previous one plus one. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const CORE_TABLES = `
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  public_key_hex TEXT NOT NULL,
  -- PKCS8 PEM of the Ed25519 signing key. This is a development issuer: the key lives in the
  -- database file in the clear. A production Keygen keeps it in a KMS.
  private_key_pem TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE products (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  code TEXT,
  distribution_strategy TEXT,
  url TEXT,
  platforms TEXT,
  metadata TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX products_account ON products(account_id, created_at);

CREATE TABLE policies (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  duration INTEGER,
  strict INTEGER NOT NULL DEFAULT 0,
  floating INTEGER NOT NULL DEFAULT 0,
  use_pool INTEGER NOT NULL DEFAULT 0,
  max_machines INTEGER,
  max_processes INTEGER,
  max_users INTEGER,
  max_cores INTEGER,
  max_memory INTEGER,
  max_disk INTEGER,
  max_uses INTEGER,
  machine_uniqueness_strategy TEXT NOT NULL,
  machine_matching_strategy TEXT NOT NULL,
  component_uniqueness_strategy TEXT NOT NULL,
  component_matching_strategy TEXT NOT NULL,
  expiration_strategy TEXT NOT NULL,
  expiration_basis TEXT NOT NULL,
  renewal_basis TEXT NOT NULL,
  transfer_strategy TEXT NOT NULL,
  authentication_strategy TEXT NOT NULL,
  machine_leasing_strategy TEXT NOT NULL,
  process_leasing_strategy TEXT NOT NULL,
  overage_strategy TEXT NOT NULL,
  scheme TEXT,
  encrypted INTEGER NOT NULL DEFAULT 0,
  protected INTEGER NOT NULL DEFAULT 0,
  require_product_scope INTEGER NOT NULL DEFAULT 0,
  require_policy_scope INTEGER NOT NULL DEFAULT 0,
  require_machine_scope INTEGER NOT NULL DEFAULT 0,
  require_fingerprint_scope INTEGER NOT NULL DEFAULT 0,
  require_components_scope INTEGER NOT NULL DEFAULT 0,
  require_user_scope INTEGER NOT NULL DEFAULT 0,
  require_checksum_scope INTEGER NOT NULL DEFAULT 0,
  require_version_scope INTEGER NOT NULL DEFAULT 0,
  require_check_in INTEGER NOT NULL DEFAULT 0,
  check_in_interval TEXT,
  check_in_interval_count INTEGER,
  heartbeat_duration INTEGER,
  heartbeat_cull_strategy TEXT NOT NULL,
  heartbeat_resurrection_strategy TEXT NOT NULL,
  heartbeat_basis TEXT NOT NULL,
  require_heartbeat INTEGER NOT NULL DEFAULT 0,
  metadata TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX policies_account ON policies(account_id, created_at);
CREATE INDEX policies_product ON policies(product_id);

CREATE TABLE groups (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  max_licenses INTEGER,
  max_machines INTEGER,
  max_users INTEGER,
  metadata TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  group_id TEXT REFERENCES groups(id) ON DELETE SET NULL,
  email TEXT NOT NULL,
  first_name TEXT,
  last_name TEXT,
  role TEXT NOT NULL DEFAULT 'user',
  -- scrypt$<salt b64>$<hash b64>; never returned by the API.
  password_digest TEXT,
  banned_at INTEGER,
  metadata TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (account_id, email)
);

CREATE TABLE licenses (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  policy_id TEXT NOT NULL REFERENCES policies(id) ON DELETE CASCADE,
  -- Denormalized from the policy, as Keygen does, so product filters need no join.
  product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  owner_id TEXT REFERENCES users(id) ON DELETE SET NULL,
  group_id TEXT REFERENCES groups(id) ON DELETE SET NULL,
  name TEXT,
  key TEXT NOT NULL,
  expiry INTEGER,
  uses INTEGER NOT NULL DEFAULT 0,
  suspended INTEGER NOT NULL DEFAULT 0,
  protected INTEGER,
  max_machines_override INTEGER,
  max_processes_override INTEGER,
  max_users_override INTEGER,
  max_cores_override INTEGER,
  max_memory_override INTEGER,
  max_disk_override INTEGER,
  max_uses_override INTEGER,
  last_validated_at INTEGER,
  last_validated_version TEXT,
  last_check_out_at INTEGER,
  last_check_in_at INTEGER,
  metadata TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (account_id, key)
);
CREATE INDEX licenses_account ON licenses(account_id, created_at);
CREATE INDEX licenses_policy ON licenses(policy_id);
CREATE INDEX licenses_owner ON licenses(owner_id);

CREATE TABLE license_users (
  license_id TEXT NOT NULL REFERENCES licenses(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (license_id, user_id)
);
CREATE INDEX license_users_user ON license_users(user_id);

CREATE TABLE entitlements (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  code TEXT NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (account_id, code)
);

CREATE TABLE policy_entitlements (
  policy_id TEXT NOT NULL REFERENCES policies(id) ON DELETE CASCADE,
  entitlement_id TEXT NOT NULL REFERENCES entitlements(id) ON DELETE CASCADE,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (policy_id, entitlement_id)
);

CREATE TABLE license_entitlements (
  license_id TEXT NOT NULL REFERENCES licenses(id) ON DELETE CASCADE,
  entitlement_id TEXT NOT NULL REFERENCES entitlements(id) ON DELETE CASCADE,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (license_id, entitlement_id)
);
`;

const MACHINE_TABLES = `
CREATE TABLE machines (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  license_id TEXT NOT NULL REFERENCES licenses(id) ON DELETE CASCADE,
  policy_id TEXT NOT NULL REFERENCES policies(id) ON DELETE CASCADE,
  product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  owner_id TEXT REFERENCES users(id) ON DELETE SET NULL,
  fingerprint TEXT NOT NULL,
  name TEXT,
  ip TEXT,
  hostname TEXT,
  platform TEXT,
  cores INTEGER,
  memory INTEGER,
  disk INTEGER,
  max_processes_override INTEGER,
  last_heartbeat_at INTEGER,
  last_death_event_at INTEGER,
  last_check_out_at INTEGER,
  metadata TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  -- Keygen's weakest machineUniquenessStrategy (the default) is UNIQUE_PER_LICENSE, so this
  -- holds for every policy. Wider scopes (policy, product, account) depend on the policy at
  -- activation time and are checked by the activation route, not by the schema.
  UNIQUE (license_id, fingerprint)
);
CREATE INDEX machines_account_fingerprint ON machines(account_id, fingerprint);

CREATE TABLE components (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  machine_id TEXT NOT NULL REFERENCES machines(id) ON DELETE CASCADE,
  fingerprint TEXT NOT NULL,
  name TEXT NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (machine_id, fingerprint)
);

CREATE TABLE processes (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  machine_id TEXT NOT NULL REFERENCES machines(id) ON DELETE CASCADE,
  pid TEXT NOT NULL,
  last_heartbeat_at INTEGER,
  metadata TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (machine_id, pid)
);

CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  bearer_type TEXT NOT NULL CHECK (bearer_type IN ('users', 'products', 'licenses')),
  bearer_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  -- SHA-256 (hex) of the token. The token itself is shown once, at creation, and never stored.
  digest TEXT NOT NULL UNIQUE,
  name TEXT,
  expiry INTEGER,
  max_activations INTEGER,
  activations INTEGER NOT NULL DEFAULT 0,
  max_deactivations INTEGER,
  deactivations INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX tokens_bearer ON tokens(bearer_type, bearer_id);
`;

const CERTIFICATE_KEYS = `
-- Keygen signs certificates with one key per family: Ed25519 (the response key), ECDSA P-256
-- and RSA-2048. Databases from before this migration get theirs at the next start.
ALTER TABLE accounts ADD COLUMN ecdsa_private_key_pem TEXT;
ALTER TABLE accounts ADD COLUMN rsa_private_key_pem TEXT;
`;

const MACHINE_SCALE = `
-- A license's machines in creation order (its seat list, newest first, pages through this
-- index instead of sorting every machine of the license for every page).
CREATE INDEX machines_license_created ON machines(license_id, created_at);

-- Culling looks only at machines whose last sign of life (last heartbeat, else creation) is
-- older than the shortest heartbeat window: a range on this index, not a scan of the license.
CREATE INDEX machines_license_last_sign ON machines(license_id, COALESCE(last_heartbeat_at, created_at));

-- When a validation named the machine by fingerprint: with the heartbeat and the last
-- check-out, what tells an administrator that a seat is still in use.
ALTER TABLE machines ADD COLUMN last_validated_at INTEGER;

-- Machine count and resource totals per license, kept by triggers: every activation checks
-- the license's limits, and counting a license's machines row by row made activation slower
-- with every machine the license had.
CREATE TABLE license_machine_usage (
  license_id TEXT PRIMARY KEY REFERENCES licenses(id) ON DELETE CASCADE,
  machines INTEGER NOT NULL DEFAULT 0,
  cores INTEGER NOT NULL DEFAULT 0,
  memory INTEGER NOT NULL DEFAULT 0,
  disk INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

INSERT INTO license_machine_usage (license_id, machines, cores, memory, disk)
  SELECT license_id, COUNT(*), COALESCE(SUM(cores), 0), COALESCE(SUM(memory), 0), COALESCE(SUM(disk), 0)
  FROM machines GROUP BY license_id;

CREATE TRIGGER machines_usage_insert AFTER INSERT ON machines BEGIN
  INSERT OR IGNORE INTO license_machine_usage (license_id) VALUES (NEW.license_id);
  UPDATE license_machine_usage
     SET machines = machines + 1, cores = cores + COALESCE(NEW.cores, 0),
         memory = memory + COALESCE(NEW.memory, 0), disk = disk + COALESCE(NEW.disk, 0)
   WHERE license_id = NEW.license_id;
END;

CREATE TRIGGER machines_usage_delete AFTER DELETE ON machines BEGIN
  UPDATE license_machine_usage
     SET machines = machines - 1, cores = cores - COALESCE(OLD.cores, 0),
         memory = memory - COALESCE(OLD.memory, 0), disk = disk - COALESCE(OLD.disk, 0)
   WHERE license_id = OLD.license_id;
END;

CREATE TRIGGER machines_usage_update AFTER UPDATE OF license_id, cores, memory, disk ON machines BEGIN
  UPDATE license_machine_usage
     SET machines = machines - 1, cores = cores - COALESCE(OLD.cores, 0),
         memory = memory - COALESCE(OLD.memory, 0), disk = disk - COALESCE(OLD.disk, 0)
   WHERE license_id = OLD.license_id;
  INSERT OR IGNORE INTO license_machine_usage (license_id) VALUES (NEW.license_id);
  UPDATE license_machine_usage
     SET machines = machines + 1, cores = cores + COALESCE(NEW.cores, 0),
         memory = memory + COALESCE(NEW.memory, 0), disk = disk + COALESCE(NEW.disk, 0)
   WHERE license_id = NEW.license_id;
END;
`;

/** Every migration, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'accounts, catalogue and licenses', sql: CORE_TABLES },
  { version: 2, name: 'machines, components, processes and tokens', sql: MACHINE_TABLES },
  { version: 3, name: 'ECDSA and RSA certificate keys', sql: CERTIFICATE_KEYS },
  { version: 4, name: 'machine usage per license, seat indexes and last validation', sql: MACHINE_SCALE },
];
