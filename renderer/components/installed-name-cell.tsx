/** The row header of an installed license: what it is called, with its license id below when the name is not the id. */
import type { InstalledLicense } from '../contract.js';
import { installedName } from '../format/license-name.js';

export function InstalledNameCell({ item }: { readonly item: InstalledLicense }) {
  const name = installedName(item);
  return (
    <th scope="row">
      {name}
      {item.license === null || name === item.license.id ? null : (
        <>
          <br />
          <code className="muted">{item.license.id}</code>
        </>
      )}
    </th>
  );
}
