/**
 * The issuer's composition root: database → store → account → seed → HTTP server. Used by the
 * CLI (`tessera-issuer serve`) and by tests, which start it on 127.0.0.1 port 0 with `:memory:`.
 */
import type { AddressInfo } from 'node:net';
import { openDatabase } from './db/database.js';
import { createStore, type Store } from './db/store.js';
import { certificatePublicKeys, type CertificatePublicKeys } from './domain/checkout-keys.js';
import { createIssuerServer } from './http/server.js';
import { parseRateLimit, type RateLimitConfig } from './http/rate-limit.js';
import { ensureAccount, seedDemo, type SeededLicense } from './seed.js';

/** How to start an issuer. Every field has a development default. */
export interface StartOptions {
  /** SQLite file, or `:memory:` (the default). */
  readonly db?: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
  /**
   * The account (id or slug) that paths without an account segment (`/v1/licenses`) are for,
   * and whose admin token, keys and seed this start prints. Absent: the first account, and
   * `/v1/…` answers for the only account in the database (404 when there are several).
   * Rejects the start when no such account exists.
   */
  readonly account?: string;
  /** `demo` creates (or reuses) the demo product, policies and one license per policy. */
  readonly seed?: 'demo' | null;
  /** `N/WINDOW` (`100/60s`) or parsed; default: no limit. */
  readonly rateLimit?: string | RateLimitConfig | null;
  /** Milliseconds since the epoch; default `Date.now`. */
  readonly clock?: () => number;
  /** Request body cap in bytes; default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Where unexpected server errors go; default stderr. */
  readonly log?: (line: string) => void;
}

/** A ready Tessera vendor configuration pointing at this issuer. */
export interface VendorConfig {
  readonly apiUrl: string;
  readonly account: string;
  readonly product: string | null;
  readonly publicKey: string;
}

/** A running issuer. */
export interface IssuerHandle {
  /**
   * Base URL, e.g. `http://127.0.0.1:53121`. The API is under `/v1/accounts/<account>/…`, and
   * under `/v1/…` for the served account (what keygen-go calls when `APIURL` is this URL).
   */
  readonly url: string;
  /** The account id. */
  readonly account: string;
  /** Ed25519 public key, 64 hex characters: what clients pin to verify responses. */
  readonly publicKey: string;
  /** Public keys of the certificate signing keys (Ed25519 hex, ECDSA P-256 and RSA-2048 SPKI PEM), for vendors to pin. */
  readonly certificateKeys: CertificatePublicKeys;
  /** An admin token created at this start (tokens are stored hashed, so each start makes a new one). */
  readonly adminToken: string;
  readonly config: VendorConfig;
  /** The seeded licenses (empty without `seed: 'demo'`). */
  readonly licenses: readonly SeededLicense[];
  /** Direct data access, for tests and for seeding scripts. */
  readonly store: Store;
  /** Stops listening, closes open connections and the database. Idempotent. */
  close(): Promise<void>;
}

/** Starts an issuer and resolves once it is listening. Rejects on a bad option or a bind failure. */
export async function startIssuer(options: StartOptions = {}): Promise<IssuerHandle> {
  const rateLimit = typeof options.rateLimit === 'string' ? parseRateLimit(options.rateLimit) : (options.rateLimit ?? null);
  if (typeof options.rateLimit === 'string' && rateLimit === null) throw new Error(`invalid rate limit "${options.rateLimit}" (expected N/WINDOW, e.g. 100/60s)`);
  const clock = options.clock ?? Date.now;
  const db = openDatabase(options.db ?? ':memory:');
  let server: ReturnType<typeof createIssuerServer> | null = null;
  try {
    const store = createStore(db);
    const now = clock();
    const { account, adminToken } = store.transaction(() => ensureAccount(store, now, options.account));
    const seeded = options.seed === 'demo' ? store.transaction(() => seedDemo(store, account, now)) : { productId: null, licenses: [] };

    const defaultAccount = options.account === undefined ? null : account.id;
    server = createIssuerServer({ store, clock, rateLimit, maxBodyBytes: options.maxBodyBytes, defaultAccount, log: options.log });
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        listening.off('error', reject);
        resolve();
      });
    });
    const address = listening.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    let closed: Promise<void> | null = null;
    return {
      url,
      account: account.id,
      publicKey: account.publicKeyHex,
      certificateKeys: certificatePublicKeys(account),
      adminToken,
      config: { apiUrl: url, account: account.id, product: seeded.productId, publicKey: account.publicKeyHex },
      licenses: seeded.licenses,
      store,
      close() {
        closed ??= new Promise<void>((resolve) => {
          listening.close(() => {
            db.close();
            resolve();
          });
          listening.closeAllConnections();
        });
        return closed;
      },
    };
  } catch (error) {
    server?.close();
    db.close();
    throw error;
  }
}
