/** The composition root's interface: what the CLI, the agent and the desktop app open. */
import type { ConfigSource, VendorConfig } from '../config/vendor-config.types.js';
import type { Result } from '../contract/codes.js';
import type { SecretStore, SecretStoreMode } from '../vault/secret-store.js';
import type { LicenseManager } from './manager.types.js';

/** A ready licensing core for one vendor configuration. */
export interface LicensingRuntime {
  readonly manager: LicenseManager;
  readonly config: VendorConfig;
  readonly source: ConfigSource;
  /** The data folder (TESSERA_HOME or the platform's app data folder). */
  readonly dataFolder: string;
  /** Where this process keeps secrets (license keys, the agent's token). */
  readonly secrets: SecretStore;
  /** How that store was chosen, and the file it uses when there is no keychain. */
  readonly secretStorage: { readonly mode: SecretStoreMode; readonly filePath: string };
  /** Stops background work (scheduler) and releases resources. Idempotent. */
  close(): Promise<void>;
}

/** How to open it: `--config FILE`, the environment (TESSERA_CONFIG, TESSERA_HOME, proxies), and the app folder. */
export interface OpenOptions {
  readonly configPath?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Folder of the installed app, where the vendor's `tessera.config.json` is shipped. */
  readonly appFolder?: string | undefined;
  /** A packaged app: its `appFolder` must hold the vendor's configuration (see `resolveVendorConfig`). */
  readonly packaged?: boolean | undefined;
  /** Where warnings go (secrets kept in a file rather than a keychain); dropped when absent. */
  readonly warn?: ((message: string) => void) | undefined;
}

export type OpenLicensing = (options: OpenOptions) => Promise<Result<LicensingRuntime, 'CONFIG_NOT_FOUND' | 'CONFIG_INVALID' | 'CONFIG_OVERRIDE_REFUSED' | 'PUBLIC_KEY_INVALID'>>;
