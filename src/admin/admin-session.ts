/**
 * Signing in to the administrator views with an admin or product token. The token is checked
 * with the server (`GET /me`: whose is it?), then kept in the secret store (OS keychain, or the
 * owner-only secrets file where the person chose it) and never shown again; what is shown and
 * logged is the token's id. The session's description (no secret) sits beside the audit log.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AdminSession } from '../contract/admin.js';
import type { Failure, Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import type { Credentials, KeygenAdminClient } from '../keygen/client.types.js';
import { writeFileAtomic } from '../licensing/atomic-file.js';
import type { SecretStore } from '../vault/secret-store.js';
import { ADMIN_FOLDER } from './audit-log.js';
import { text } from './attributes.js';

/** The secret store's account that holds the signed-in token. */
export const ADMIN_TOKEN_ACCOUNT = 'admin:token';
const SESSION_FILE = 'session.json';
/** Keygen's user roles that may read other people's licenses (a plain `user` may not). */
const ADMIN_ROLES = new Set(['admin', 'developer', 'sales-agent', 'support-agent', 'read-only']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A token's id for logs when the server does not name it: a short digest that cannot be used to sign in. */
export function tokenLabel(token: string): string {
  return `sha256:${createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 12)}`;
}

/**
 * An API failure in the terms of the admin views: a refused token (revoked, mistyped, another
 * account's), an expired one, and — for calls about one license — an unknown license id.
 */
export function adminFailure(failure: Failure, about: 'token' | 'license' = 'token'): Failure {
  switch (failure.code) {
    case 'TOKEN_INVALID':
      return fail('ADMIN_TOKEN_REFUSED');
    case 'TOKEN_EXPIRED':
      return fail('ADMIN_TOKEN_EXPIRED');
    case 'RESOURCE_NOT_FOUND':
    case 'NOT_FOUND':
      return about === 'license' ? fail('ADMIN_LICENSE_NOT_FOUND') : failure;
    default:
      return failure;
  }
}

export interface AdminSessionOptions {
  readonly client: KeygenAdminClient;
  readonly secrets: SecretStore;
  readonly dataFolder: string;
  /** The configured product, or null: a product token must be this product's. */
  readonly product: string | null;
  readonly now: () => number;
}

export interface AdminSessions {
  /** Checks a token with the server without keeping it (CLI tokens from the environment or stdin). */
  verify(token: string): Promise<Result<AdminSession>>;
  /** Checks, then keeps, the token; replaces any signed-in one. */
  signIn(token: string): Promise<Result<AdminSession>>;
  /** The signed-in session, or null; a session whose token left the secret store is no session. */
  current(): Promise<Result<AdminSession | null>>;
  /** The signed-in token and its session; ADMIN_SIGN_IN_REQUIRED when none. */
  credentials(): Promise<Result<{ readonly credentials: Credentials; readonly session: AdminSession }>>;
  /** Forgets the token and the session; true when one was signed in. */
  signOut(): Promise<Result<boolean>>;
}

function isSession(value: unknown): value is AdminSession {
  if (typeof value !== 'object' || value === null) return false;
  const session = value as Record<string, unknown>;
  const bearer = session.bearer as Record<string, unknown> | undefined;
  return (
    typeof session.tokenId === 'string' &&
    typeof session.signedInAt === 'string' &&
    typeof bearer === 'object' &&
    bearer !== null &&
    (bearer.kind === 'admin' || bearer.kind === 'product') &&
    typeof bearer.id === 'string' &&
    (bearer.name === null || typeof bearer.name === 'string')
  );
}

export function createAdminSessions(options: AdminSessionOptions): AdminSessions {
  const { client, secrets, now } = options;
  const sessionPath = join(options.dataFolder, ADMIN_FOLDER, SESSION_FILE);

  async function verify(token: string): Promise<Result<AdminSession>> {
    const answered = await client.me({ kind: 'token', token });
    if (!answered.ok) return adminFailure(answered);
    const { resource, tokenId } = answered.value;
    let bearer: AdminSession['bearer'];
    if (resource.type === 'users' && ADMIN_ROLES.has(String(resource.attributes.role))) {
      const name = [text(resource.attributes.firstName), text(resource.attributes.lastName)].filter((part) => part !== null).join(' ');
      bearer = { kind: 'admin', id: resource.id, name: name === '' ? text(resource.attributes.email) : name };
    } else if (resource.type === 'products') {
      if (options.product !== null && UUID.test(options.product) && resource.id.toLowerCase() !== options.product.toLowerCase()) return fail('ADMIN_TOKEN_OTHER_PRODUCT');
      bearer = { kind: 'product', id: resource.id, name: text(resource.attributes.name) };
    } else {
      return fail('ADMIN_TOKEN_NOT_ADMIN');
    }
    return { ok: true, value: { tokenId: tokenId ?? tokenLabel(token), bearer, signedInAt: new Date(now()).toISOString() } };
  }

  async function readSession(): Promise<AdminSession | null> {
    try {
      const parsed: unknown = JSON.parse(await readFile(sessionPath, 'utf8'));
      return isSession(parsed) ? parsed : null;
    } catch {
      return null;
    }
  }

  return {
    verify,
    async signIn(token) {
      const verified = await verify(token);
      if (!verified.ok) return verified;
      const stored = await secrets.set(ADMIN_TOKEN_ACCOUNT, token);
      if (!stored.ok) return stored;
      try {
        await mkdir(dirname(sessionPath), { recursive: true, mode: 0o700 });
        await writeFileAtomic(sessionPath, `${JSON.stringify(verified.value)}\n`);
      } catch {
        // Without its description the token would be unusable: take it back out.
        await secrets.delete(ADMIN_TOKEN_ACCOUNT);
        return fail('AUDIT_LOG_UNUSABLE');
      }
      return verified;
    },
    async current() {
      const session = await readSession();
      if (session === null) return { ok: true, value: null };
      const token = await secrets.get(ADMIN_TOKEN_ACCOUNT);
      if (!token.ok) return token;
      return { ok: true, value: token.value === null ? null : session };
    },
    async credentials() {
      const session = await readSession();
      if (session === null) return fail('ADMIN_SIGN_IN_REQUIRED');
      const token = await secrets.get(ADMIN_TOKEN_ACCOUNT);
      if (!token.ok) return token;
      if (token.value === null) return fail('ADMIN_SIGN_IN_REQUIRED');
      return { ok: true, value: { credentials: { kind: 'token', token: token.value }, session } };
    },
    async signOut() {
      const session = await readSession();
      const removed = await secrets.delete(ADMIN_TOKEN_ACCOUNT);
      if (!removed.ok) return removed;
      await rm(sessionPath, { force: true });
      return { ok: true, value: removed.value || session !== null };
    },
  };
}
