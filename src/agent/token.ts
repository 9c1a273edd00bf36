/**
 * The agent's tokens. The main token (all scopes, id `main`) is created on first start and kept
 * in the OS keychain and in `<dataFolder>/agent/token` (0600, folder 0700) so that local scripts
 * can read it. Extra tokens with fewer scopes (each with a UUID as its id) are listed in
 * `tokens.json` by SHA-256 digest only; their text is kept in the keychain, because the agent
 * needs it to check and make HMAC signatures (`signature.ts`). Tokens are compared in constant
 * time.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Result } from '../contract/codes.js';
import { writeFileAtomic } from '../licensing/atomic-file.js';
import type { SecretStore, SecretStoreCode } from '../vault/secret-store.js';
import { sha256 } from './digest.js';
import { AGENT_SCOPES, issuedTokensFile, type AgentScope, type IssuedTokensFile } from './schemas.js';
import { MAIN_TOKEN_ID } from './signature.js';

/** The keychain account that holds the main token. */
export const AGENT_TOKEN_ACCOUNT = 'agent-token';
/** Where the token files live, under the data folder. */
export const AGENT_FOLDER = 'agent';
export const TOKEN_FILE = 'token';
export const ISSUED_TOKENS_FILE = 'tokens.json';
/** The keychain account of an extra token's text. */
export const issuedTokenAccount = (id: string): string => `${AGENT_TOKEN_ACCOUNT}:${id}`;

/** 32 random bytes in base64url: 43 characters. */
const TOKEN_BYTES = 32;
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;
/** POSIX modes are meaningless on Windows, where the profile folder's ACL protects the files. */
const POSIX = process.platform !== 'win32';

/** A token created by `issueToken`: its text is shown once and never stored. */
export interface IssuedToken {
  readonly id: string;
  readonly token: string;
  readonly scopes: readonly AgentScope[];
  readonly createdAt: string;
}

/** A token's text (the HMAC key) and scopes, found by its id. */
export interface SigningToken {
  readonly key: string;
  readonly scopes: readonly AgentScope[];
}

/** A stored extra token, without anything secret. */
export interface IssuedTokenInfo {
  readonly id: string;
  readonly scopes: readonly AgentScope[];
  readonly createdAt: string;
}

/** Constant-time equality of two SHA-256 digests (always 32 bytes, so lengths never leak). */
const sameDigest = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** The text of a file, or null when it does not exist. */
async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
}

/** Options of an `AgentTokenStore`. */
export interface AgentTokenStoreOptions {
  /** The keychain (or its in-memory twin in tests). */
  readonly secrets: SecretStore;
  /** Tessera's data folder; the tokens go to `<dataFolder>/agent/`. */
  readonly dataFolder: string;
}

/**
 * The agent's tokens. Methods throw only on file-system errors (permissions, disk full), which
 * are not expected failures; an unavailable keychain is a value from `ensure`.
 */
export class AgentTokenStore {
  readonly folder: string;
  /** The file holding the main token, for local scripts. */
  readonly tokenFile: string;
  readonly #issuedFile: string;
  readonly #secrets: SecretStore;
  #mainDigest: Buffer | null = null;
  #mainToken: string | null = null;
  /** Extra tokens' text read from the keychain, by id (checked against their digest at each use). */
  readonly #issuedKeys = new Map<string, string>();
  #ensuring: Promise<Result<string, SecretStoreCode>> | null = null;
  #issuedCache: { readonly stamp: string; readonly tokens: IssuedTokensFile['tokens'] } | null = null;

  constructor(options: AgentTokenStoreOptions) {
    this.#secrets = options.secrets;
    this.folder = join(options.dataFolder, AGENT_FOLDER);
    this.tokenFile = join(this.folder, TOKEN_FILE);
    this.#issuedFile = join(this.folder, ISSUED_TOKENS_FILE);
  }

  /**
   * The main token, created on first start. The keychain is authoritative: a token file that is
   * missing or disagrees with it is rewritten from it; a token file readable by others is treated
   * as leaked and both copies are replaced; a file without its keychain twin is never adopted.
   * Fails with `KEYCHAIN_UNAVAILABLE` or `KEYCHAIN_TIMEOUT`.
   */
  ensure(): Promise<Result<string, SecretStoreCode>> {
    this.#ensuring ??= this.#ensureOnce().finally(() => {
      this.#ensuring = null;
    });
    return this.#ensuring;
  }

  /**
   * The scopes `presented` grants, or null when it is no token of this agent. Every candidate is
   * compared (constant time, no early exit) so the timing does not tell which one matched.
   */
  async authenticate(presented: string): Promise<readonly AgentScope[] | null> {
    if (this.#mainDigest === null && !(await this.ensure()).ok) return null;
    // The format is public; checking it first leaks nothing about any token.
    if (!TOKEN_FORMAT.test(presented)) return null;
    const digest = sha256(presented);
    let scopes: readonly AgentScope[] | null = null;
    if (this.#mainDigest !== null && sameDigest(digest, this.#mainDigest)) scopes = AGENT_SCOPES;
    for (const issued of await this.#issued()) {
      if (sameDigest(digest, Buffer.from(issued.sha256, 'hex')) && scopes === null) scopes = issued.scopes;
    }
    return scopes;
  }

  /**
   * The text and scopes of the token named `id` (`main`, or an extra token's UUID), for
   * signed requests; null when there is no such token, or its text is not in the keychain (an
   * extra token issued before tokens were kept there, or a keychain that cannot be read now).
   */
  async signingKey(id: string): Promise<SigningToken | null> {
    if (id === MAIN_TOKEN_ID) {
      if (this.#mainToken === null && !(await this.ensure()).ok) return null;
      return this.#mainToken === null ? null : { key: this.#mainToken, scopes: AGENT_SCOPES };
    }
    // Ids are not secret: finding one by id leaks nothing. The list is re-read when it changes, so a revoked id is gone.
    const issued = (await this.#issued()).find((token) => token.id === id);
    if (issued === undefined) return null;
    let key = this.#issuedKeys.get(id);
    if (key === undefined) {
      const stored = await this.#secrets.get(issuedTokenAccount(id));
      if (!stored.ok || stored.value === null) return null;
      key = stored.value;
      this.#issuedKeys.set(id, key);
    }
    // The keychain's copy counts only while it is the token tokens.json lists.
    return sameDigest(sha256(key), Buffer.from(issued.sha256, 'hex')) ? { key, scopes: issued.scopes } : null;
  }

  /**
   * Creates an extra token with `scopes`: its digest goes to `tokens.json`, its text to the
   * keychain. Throws on an empty or unknown scope (a bug), and when the keychain refuses to
   * keep the token (nothing is issued then).
   */
  async issueToken(scopes: readonly AgentScope[]): Promise<IssuedToken> {
    const unique = AGENT_SCOPES.filter((scope) => scopes.includes(scope));
    if (unique.length === 0 || scopes.some((scope) => !(AGENT_SCOPES as readonly string[]).includes(scope))) {
      throw new TypeError(`A token needs one or more of the scopes ${AGENT_SCOPES.join(', ')}.`);
    }
    const token = newToken();
    const issued: IssuedToken = { id: randomUUID(), token, scopes: unique, createdAt: new Date().toISOString() };
    const kept = await this.#secrets.set(issuedTokenAccount(issued.id), token);
    if (!kept.ok) throw new Error(`The new token could not be kept in the keychain (${kept.code}): ${kept.message}`);
    await this.#prepareFolder();
    const tokens = await this.#issued();
    await this.#writeIssued([...tokens, { id: issued.id, sha256: sha256(token).toString('hex'), scopes: [...unique], createdAt: issued.createdAt }]);
    return issued;
  }

  /** The extra tokens (ids, scopes, dates; never a token or digest). */
  async listTokens(): Promise<readonly IssuedTokenInfo[]> {
    return (await this.#issued()).map(({ id, scopes, createdAt }) => ({ id, scopes, createdAt }));
  }

  /** Revokes an extra token: true when it existed. Its keychain copy goes too (a copy left behind grants nothing). */
  async revokeToken(id: string): Promise<boolean> {
    const tokens = await this.#issued();
    const kept = tokens.filter((token) => token.id !== id);
    if (kept.length === tokens.length) return false;
    await this.#writeIssued(kept);
    this.#issuedKeys.delete(id);
    await this.#secrets.delete(issuedTokenAccount(id));
    return true;
  }

  async #ensureOnce(): Promise<Result<string, SecretStoreCode>> {
    await this.#prepareFolder();
    const stored = await this.#secrets.get(AGENT_TOKEN_ACCOUNT);
    if (!stored.ok) return stored;
    const fromKeychain = stored.value !== null && TOKEN_FORMAT.test(stored.value) ? stored.value : null;
    const fromFile = (await readIfExists(this.tokenFile))?.trim() ?? null;

    let token = fromKeychain;
    if (token === null || (fromFile === token && (await this.#fileIsExposed()))) {
      token = newToken();
      const saved = await this.#secrets.set(AGENT_TOKEN_ACCOUNT, token);
      if (!saved.ok) return saved;
    }
    if (fromFile !== token) await writeFileAtomic(this.tokenFile, `${token}\n`, 0o600);
    this.#mainDigest = sha256(token);
    this.#mainToken = token;
    return { ok: true, value: token };
  }

  /** Whether group or others may read or write the token file. */
  async #fileIsExposed(): Promise<boolean> {
    if (!POSIX) return false;
    return ((await stat(this.tokenFile)).mode & 0o077) !== 0;
  }

  /**
   * Creates the folder owner-only, and narrows it if it was created wider. A folder that is
   * already owner-only is left alone: on a read-only or full disk the agent still starts and
   * answers from what is installed.
   */
  async #prepareFolder(): Promise<void> {
    await mkdir(this.folder, { recursive: true, mode: 0o700 });
    if (POSIX && ((await stat(this.folder)).mode & 0o077) !== 0) await chmod(this.folder, 0o700);
  }

  /**
   * The extra tokens, re-read when the file changes (another process may issue one while the
   * agent runs). A missing or unreadable file grants nothing.
   */
  async #issued(): Promise<IssuedTokensFile['tokens']> {
    let stamp: string;
    try {
      const info = await stat(this.#issuedFile);
      stamp = `${info.ino}:${info.size}:${info.mtimeMs}`;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw error;
    }
    if (this.#issuedCache?.stamp === stamp) return this.#issuedCache.tokens;
    const text = await readIfExists(this.#issuedFile);
    let tokens: IssuedTokensFile['tokens'] = [];
    try {
      const parsed = issuedTokensFile.safeParse(JSON.parse(text ?? ''));
      if (parsed.success) tokens = parsed.data.tokens;
    } catch {
      // Not JSON: grants nothing; the next `issueToken` writes a fresh file.
    }
    this.#issuedCache = { stamp, tokens };
    return tokens;
  }

  async #writeIssued(tokens: IssuedTokensFile['tokens']): Promise<void> {
    const file: IssuedTokensFile = { version: 1, tokens };
    await writeFileAtomic(this.#issuedFile, `${JSON.stringify(file, null, 2)}\n`, 0o600);
    this.#issuedCache = null;
  }
}

function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** The token store for a data folder. Never fails: the keychain is first used by `ensure`. */
export function createAgentTokenStore(options: AgentTokenStoreOptions): AgentTokenStore {
  return new AgentTokenStore(options);
}
