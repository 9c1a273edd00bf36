/** How an installed license is named and described on screen. */
import type { InstalledLicense } from '../contract.js';

export function installedName(license: InstalledLicense): string {
  return license.label ?? license.license?.name ?? license.id;
}

/** What kind of file licenses it, as the tables of installed licenses say. */
export function installedKind(license: InstalledLicense): string {
  return license.kind === 'machine' ? 'Machine file' : 'License file';
}
