/**
 * Loading the vendor configuration (`tessera.config.json`): which licensing API to talk to and
 * whose public key to trust. Parsing (`parse-vendor-config.ts`) is strict: a configuration that
 * Tessera does not fully understand is refused rather than half-used.
 */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { failWith, isPlainObject, type ConfigResult } from './config-fields.js';
import { parseVendorConfig, type ParseCode } from './parse-vendor-config.js';
import type { ConfigSource, VendorConfig } from './vendor-config.types.js';

/** The configuration file's name, in the app folder and beside the embedded issuer. */
export const CONFIG_FILE = 'tessera.config.json';

export type ResolveCode = 'CONFIG_NOT_FOUND' | ParseCode;

/** A configuration and where it came from. */
export interface ResolvedConfig {
  readonly config: VendorConfig;
  readonly source: ConfigSource;
}

/** Where to look, in order: `--config`, `TESSERA_CONFIG`, the app folder, the embedded issuer in the data folder. */
export interface ResolveOptions {
  readonly configPath?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly appFolder?: string | undefined;
  readonly dataFolder: string;
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

/** `{}`: the packaged placeholder, meaning "no vendor configured here". */
function isPlaceholder(json: unknown): boolean {
  return isPlainObject(json) && Object.keys(json).length === 0;
}

const given = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

interface Candidate {
  readonly path: string;
  /** How the person named it (`--config`, `TESSERA_CONFIG`), or null for a default location. */
  readonly namedBy: string | null;
  readonly source: ConfigSource;
}

/**
 * Finds and validates the vendor configuration: `configPath` (--config), then
 * `env.TESSERA_CONFIG`, then `<appFolder>/tessera.config.json`, then the embedded local issuer's
 * `<dataFolder>/issuer/tessera.config.json` (written by `tessera start`). A file holding `{}`
 * counts as not configured. Returns `CONFIG_NOT_FOUND` when a named file does not exist or no
 * configuration exists anywhere, `CONFIG_INVALID` for an unreadable, non-JSON or invalid file,
 * `PUBLIC_KEY_INVALID` for a bad key; each with a `detail` naming the file.
 */
export async function resolveVendorConfig(options: ResolveOptions): Promise<ConfigResult<ResolvedConfig, ResolveCode>> {
  const candidates: Candidate[] = [];
  const named = (path: string, namedBy: string): Candidate => ({ path: resolve(path), namedBy, source: { kind: 'file', path: resolve(path) } });
  if (given(options.configPath)) candidates.push(named(options.configPath, '--config'));
  const fromEnv = options.env.TESSERA_CONFIG;
  if (given(fromEnv)) candidates.push(named(fromEnv, 'TESSERA_CONFIG'));
  if (given(options.appFolder)) {
    const path = resolve(options.appFolder, CONFIG_FILE);
    candidates.push({ path, namedBy: null, source: { kind: 'file', path } });
  }
  const issuerFolder = resolve(options.dataFolder, 'issuer');
  candidates.push({ path: join(issuerFolder, CONFIG_FILE), namedBy: null, source: { kind: 'embedded-issuer', database: join(issuerFolder, 'issuer.db') } });

  for (const candidate of candidates) {
    const read = await readConfigFile(candidate.path);
    if (read.kind === 'missing') {
      if (candidate.namedBy !== null) return failWith('CONFIG_NOT_FOUND', `${candidate.namedBy} names ${candidate.path}, which does not exist`);
      continue;
    }
    if (read.kind === 'invalid') return failWith('CONFIG_INVALID', `${candidate.path} ${read.problem}`);
    if (isPlaceholder(read.json)) continue;
    const parsed = parseVendorConfig(read.json);
    if (!parsed.ok) return { ...parsed, detail: `${candidate.path}: ${parsed.detail}` };
    return { ok: true, value: { config: parsed.value, source: candidate.source } };
  }
  return failWith(
    'CONFIG_NOT_FOUND',
    'no vendor configuration was found: run "npm start" (it starts the embedded local issuer and writes its configuration) or pass --config FILE',
  );
}
