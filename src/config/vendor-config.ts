/**
 * Finding the vendor configuration (`tessera.config.json`): which licensing API to talk to and
 * whose public key to trust. The configuration shipped with the app is the trust anchor; the
 * overrides (`--config`, `TESSERA_CONFIG`, the embedded issuer's file) are for development builds,
 * which ship none. With a shipped configuration, an override may change `apiUrl` only.
 */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { failWith, isPlainObject, type ConfigResult } from './config-fields.js';
import { parseApiUrlOverride, parseVendorConfig, type ParseCode } from './parse-vendor-config.js';
import type { ConfigSource, OverrideFile, VendorConfig } from './vendor-config.types.js';

/** The configuration file's name, in the app folder and beside the embedded issuer. */
export const CONFIG_FILE = 'tessera.config.json';

export type ResolveCode = 'CONFIG_NOT_FOUND' | 'CONFIG_OVERRIDE_REFUSED' | ParseCode;

/** A configuration and where it came from. */
export interface ResolvedConfig {
  readonly config: VendorConfig;
  readonly source: ConfigSource;
}

/** Where to look: the app folder (shipped), `--config`, `TESSERA_CONFIG`, the embedded issuer in the data folder. */
export interface ResolveOptions {
  readonly configPath?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The installed app's folder (a packaged app's resources, the installed CLI's package), where the vendor's file is shipped. */
  readonly appFolder?: string | undefined;
  /**
   * A packaged app, whose build always puts the vendor's file in `appFolder`: a missing one is
   * CONFIG_NOT_FOUND, never a development build open to overrides.
   */
  readonly packaged?: boolean | undefined;
  readonly dataFolder: string;
  /** Whether the embedded issuer's file counts (default true; `tessera start` starts the issuer instead). */
  readonly embeddedIssuer?: boolean | undefined;
}

/** Far larger than any real configuration (a PEM RSA key is a few KB). */
const MAX_CONFIG_BYTES = 1024 * 1024;

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** What reading one candidate file gave. */
type ReadOutcome = { readonly kind: 'missing' } | { readonly kind: 'invalid'; readonly problem: string } | { readonly kind: 'json'; readonly json: unknown };

async function readConfigFile(path: string): Promise<ReadOutcome> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { kind: 'invalid', problem: 'is not a file' };
    if (info.size > MAX_CONFIG_BYTES) return { kind: 'invalid', problem: 'is too large to be a vendor configuration' };
    // A byte-order mark (Windows editors) is not part of the JSON.
    const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
    try {
      return { kind: 'json', json: JSON.parse(text) as unknown };
    } catch {
      return { kind: 'invalid', problem: 'is not valid JSON' };
    }
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'invalid', problem: `cannot be read (${code ?? 'I/O error'})` };
  }
}

/** `{}`: what the packaged placeholder holds until the vendor fills it in. */
function isEmpty(json: unknown): boolean {
  return isPlainObject(json) && Object.keys(json).length === 0;
}

const given = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/** The override named by whoever runs Tessera: `--config`, else `TESSERA_CONFIG`; null when neither is given. */
export function namedOverride(options: Pick<ResolveOptions, 'configPath' | 'env'>): OverrideFile | null {
  if (given(options.configPath)) return { path: resolve(options.configPath), namedBy: '--config' };
  const fromEnv = options.env.TESSERA_CONFIG;
  return given(fromEnv) ? { path: resolve(fromEnv), namedBy: 'TESSERA_CONFIG' } : null;
}

/**
 * Finds and validates the vendor configuration.
 *
 * With a shipped configuration (`<appFolder>/tessera.config.json` exists) that file is the trust
 * anchor: `{}` or any invalid content there is CONFIG_INVALID (PUBLIC_KEY_INVALID for a bad key);
 * an override (`configPath`, else `env.TESSERA_CONFIG`) may hold `apiUrl` only, and one that sets
 * any other field is CONFIG_OVERRIDE_REFUSED; the embedded issuer's file is never read.
 *
 * With none (a development build; a packaged app must have one, else CONFIG_NOT_FOUND), the
 * override is a whole configuration, and without one the embedded local issuer's
 * `<dataFolder>/issuer/tessera.config.json` (written by `tessera start`) is used.
 *
 * CONFIG_NOT_FOUND when a named file does not exist or nothing is configured anywhere;
 * CONFIG_INVALID for an unreadable, non-JSON, empty or invalid file. Every failure has a
 * `detail` naming the file (and the field).
 */
export async function resolveVendorConfig(options: ResolveOptions): Promise<ConfigResult<ResolvedConfig, ResolveCode>> {
  const override = namedOverride(options);
  if (given(options.appFolder)) {
    const shipped = resolve(options.appFolder, CONFIG_FILE);
    const read = await readConfigFile(shipped);
    if (read.kind !== 'missing') return resolveShipped(shipped, read, override?.path === shipped ? null : override);
    if (options.packaged === true) {
      return failWith('CONFIG_NOT_FOUND', `the vendor configuration shipped with this app, ${shipped}, is missing: reinstall the app from the vendor's installer`);
    }
  }
  if (override !== null) {
    const read = await readConfigFile(override.path);
    if (read.kind === 'missing') return failWith('CONFIG_NOT_FOUND', `${override.namedBy} names ${override.path}, which does not exist`);
    return parseWhole(override.path, read, { kind: 'file', path: override.path });
  }
  if (options.embeddedIssuer !== false) {
    const issuerFolder = resolve(options.dataFolder, 'issuer');
    const path = join(issuerFolder, CONFIG_FILE);
    const read = await readConfigFile(path);
    if (read.kind !== 'missing') return parseWhole(path, read, { kind: 'embedded-issuer', database: join(issuerFolder, 'issuer.db') });
  }
  return failWith(
    'CONFIG_NOT_FOUND',
    'no vendor configuration was found: run "npm start" (it starts the embedded local issuer and writes its configuration) or pass --config FILE',
  );
}

/** A whole configuration read from `path` (a development override or the embedded issuer's). */
function parseWhole(path: string, read: Exclude<ReadOutcome, { kind: 'missing' }>, source: ConfigSource): ConfigResult<ResolvedConfig, ResolveCode> {
  if (read.kind === 'invalid') return failWith('CONFIG_INVALID', `${path} ${read.problem}`);
  if (isEmpty(read.json)) return failWith('CONFIG_INVALID', `${path} is empty ({}): it needs apiUrl, account, product and publicKey`);
  const parsed = parseVendorConfig(read.json);
  if (!parsed.ok) return { ...parsed, detail: `${path}: ${parsed.detail}` };
  return { ok: true, value: { config: parsed.value, source } };
}

/** The shipped configuration at `path`, with the `apiUrl` of `override` when there is one. */
async function resolveShipped(
  path: string,
  read: Exclude<ReadOutcome, { kind: 'missing' }>,
  override: OverrideFile | null,
): Promise<ConfigResult<ResolvedConfig, ResolveCode>> {
  const cannotRun = 'this copy of the app cannot run until its vendor ships a valid one there';
  if (read.kind === 'invalid') return failWith('CONFIG_INVALID', `the vendor configuration shipped with this app, ${path}, ${read.problem}: ${cannotRun}`);
  if (isEmpty(read.json)) {
    return failWith('CONFIG_INVALID', `the vendor configuration shipped with this app, ${path}, is empty ({}): the app was built without its vendor's configuration, and ${cannotRun}`);
  }
  const parsed = parseVendorConfig(read.json);
  if (!parsed.ok) return { ...parsed, detail: `${path}: ${parsed.detail} (this is the vendor configuration shipped with this app: ${cannotRun})` };
  if (override === null) return { ok: true, value: { config: parsed.value, source: { kind: 'shipped', path, apiUrlFrom: null } } };

  const overrideRead = await readConfigFile(override.path);
  if (overrideRead.kind === 'missing') return failWith('CONFIG_NOT_FOUND', `${override.namedBy} names ${override.path}, which does not exist`);
  if (overrideRead.kind === 'invalid') return failWith('CONFIG_INVALID', `${override.path} (${override.namedBy}) ${overrideRead.problem}`);
  const apiUrl = parseApiUrlOverride(overrideRead.json);
  if (!apiUrl.ok) {
    const detail =
      apiUrl.code === 'CONFIG_OVERRIDE_REFUSED'
        ? `${override.path} (${override.namedBy}) ${apiUrl.detail}: this app ships its vendor configuration, ${path}`
        : `${override.path} (${override.namedBy}): ${apiUrl.detail}`;
    return { ...apiUrl, detail };
  }
  return { ok: true, value: { config: { ...parsed.value, apiUrl: apiUrl.value }, source: { kind: 'shipped', path, apiUrlFrom: override } } };
}
