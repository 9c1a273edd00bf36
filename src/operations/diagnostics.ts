/**
 * "Copy diagnostics": what a support person needs to see, as plain text. Built from values
 * that are never secret (no license key, token, certificate or proxy password): masked key
 * hints are left out too, and the fingerprint is shortened.
 */
import type { SettingsView } from '../contract/operations.js';
import type { InstalledLicense, StatusReport } from '../licensing/manager.types.js';

/** A proxy URL without its user info, or null when unset or unparsable. */
function withoutCredentials(value: string | undefined): string | null {
  if (value === undefined || value.trim() === '') return null;
  try {
    const url = new URL(value.trim());
    return `${url.protocol}//${url.host}`;
  } catch {
    return '(set, but not a URL)';
  }
}

/** The proxies from the environment (lower-case names first, as curl reads them), credentials removed. */
export function proxySettings(env: Readonly<Record<string, string | undefined>>): SettingsView['proxy'] {
  const noProxy = env.no_proxy ?? env.NO_PROXY;
  return {
    https: withoutCredentials(env.https_proxy ?? env.HTTPS_PROXY),
    http: withoutCredentials(env.http_proxy ?? env.HTTP_PROXY),
    noProxy: noProxy === undefined || noProxy.trim() === '' ? null : noProxy.trim(),
  };
}

/** `abcdef12…7890`: enough to tell machines apart, not the whole identifier. */
export function shortFingerprint(fingerprint: string): string {
  return fingerprint.length <= 16 ? fingerprint : `${fingerprint.slice(0, 8)}…${fingerprint.slice(-4)}`;
}

export interface DiagnosticsInput {
  readonly settings: SettingsView;
  readonly report: StatusReport;
  readonly installed: readonly InstalledLicense[];
  readonly fingerprint: string | null;
  readonly now: number;
}

/** Where the vendor configuration came from, in words. */
function vendorText(vendor: SettingsView['vendor']): string {
  if (vendor.kind === 'embedded') return 'embedded local issuer';
  const notes = [vendor.shipped === true ? 'shipped with the app' : null, vendor.apiUrlFrom === undefined ? null : `apiUrl from ${vendor.apiUrlFrom}`].filter((note) => note !== null);
  return notes.length === 0 ? vendor.path : `${vendor.path} (${notes.join('; ')})`;
}

/** Where secrets are kept, in words. */
export function secretsText(secrets: SettingsView['secrets']): string {
  switch (secrets.mode) {
    case 'keychain':
      return 'OS keychain';
    case 'auto':
      return `OS keychain; on a machine without one, the file ${secrets.file}`;
    case 'file':
      return `the file ${secrets.file} (readable by you only; not a keychain)`;
  }
}

export function buildDiagnostics(input: DiagnosticsInput): string {
  const { settings, report, installed } = input;
  const license = report.license;
  const lines = [
    `Tessera ${settings.version} (${settings.shell})`,
    `Generated: ${new Date(input.now).toISOString()}`,
    `Platform: ${process.platform} ${process.arch}, Node ${process.versions.node}${process.versions.electron === undefined ? '' : `, Electron ${process.versions.electron}`}`,
    `Licensing API: ${settings.apiUrl} (account ${settings.account}, product ${settings.product ?? 'any'})`,
    `Vendor configuration: ${vendorText(settings.vendor)}`,
    `Data folder: ${settings.dataFolder}`,
    `Secrets: ${secretsText(settings.secrets)}`,
    `Proxy: https ${settings.proxy.https ?? 'none'}, http ${settings.proxy.http ?? 'none'}, no_proxy ${settings.proxy.noProxy ?? 'none'}`,
    `Machine fingerprint: ${input.fingerprint === null ? 'unavailable' : shortFingerprint(input.fingerprint)}`,
    `Status: ${report.licensed ? 'licensed' : 'not licensed'} (${report.code}, ${report.source})`,
    `License: ${license === null ? 'none' : `${license.id}, status ${license.status ?? 'unknown'}, expiry ${license.expiry ?? 'never'}, policy ${license.policy?.id ?? 'unknown'}`}`,
    `Entitlements: ${license === null || license.entitlements.length === 0 ? 'none' : license.entitlements.join(', ')}`,
    `Machine file expiry: ${report.fileExpiry ?? 'none'}; last check-in ${report.lastCheckIn ?? 'never'}; next check-in ${report.nextCheckIn ?? 'not required'}`,
    `Warnings: ${report.warnings.length === 0 ? 'none' : report.warnings.map((warning) => warning.code).join(', ')}`,
    `Installed licenses: ${installed.length}`,
    ...installed.map((entry) => `  ${entry.id} ${entry.kind} from ${entry.source}${entry.active ? ' (active)' : ''}${entry.pinned ? ' (pinned)' : ''}: ${entry.code}`),
  ];
  return `${lines.join('\n')}\n`;
}
