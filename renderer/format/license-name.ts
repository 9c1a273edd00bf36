/** What an installed license is called on screen: the person's label, else the license's name, else its id. */
import type { InstalledLicense } from '../contract.js';

export function installedName(license: InstalledLicense): string {
  return license.label ?? license.license?.name ?? license.id;
}
