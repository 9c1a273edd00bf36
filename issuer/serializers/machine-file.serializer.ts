/**
 * Machine files: the `machine-files` resource a POST check-out answers (keygen-api
 * MachineFileSerializer), and the JSON:API document a machine file carries (the machine, and
 * the records asked for with `include`: its license and the license's records, components,
 * group, owner).
 */
import type { CertificateDocument, IssuedCertificate } from '../domain/certificate.js';
import { componentsOf } from '../domain/checkout-records.js';
import type { License, Machine } from '../domain/types.js';
import { accountRelationship, toOne, type SerializeContext } from './common.js';
import { serializeComponent } from './component.serializer.js';
import { serializeGroup } from './group.serializer.js';
import { certificateAttributes, IncludedResources, licenseWithIncludes, withLinkage } from './license-file.serializer.js';
import type { LicenseSerializeContext } from './license.serializer.js';
import { serializeMachine } from './machine.serializer.js';
import { serializeUser } from './user.serializer.js';

const LICENSE_PREFIX = 'license.';

/** Adds the license, then the license records of every `license.*` path (JSON:API includes intermediate records). */
function includeLicense(license: License, includes: readonly string[], included: IncludedResources, ctx: LicenseSerializeContext): void {
  const paths = includes.filter((path) => path.startsWith(LICENSE_PREFIX)).map((path) => path.slice(LICENSE_PREFIX.length));
  const nested = new IncludedResources();
  included.add(licenseWithIncludes(license, paths, nested, ctx));
  nested.items.forEach((resource) => included.add(resource));
}

/** The document a machine file carries; `included` is present whenever includes were asked for. */
export function machineFileDocument(machine: Machine, license: License, includes: readonly string[], ctx: LicenseSerializeContext): CertificateDocument {
  const included = new IncludedResources();
  let data = serializeMachine(machine, ctx);
  let licenseIncluded = false;
  for (const path of includes) {
    if (path === 'license' || path.startsWith(LICENSE_PREFIX)) {
      if (!licenseIncluded) includeLicense(license, includes, included, ctx);
      licenseIncluded = true;
      continue;
    }
    switch (path) {
      case 'components': {
        const components = componentsOf(ctx.store, machine).map((component) => serializeComponent(component, machine, ctx));
        components.forEach((component) => included.add(component));
        data = withLinkage(data, 'components', components);
        break;
      }
      case 'group': {
        // The machine serializer's group is the license's.
        const group = license.groupId === null ? null : ctx.store.groups.findById(license.accountId, license.groupId);
        if (group !== null) included.add(serializeGroup(group, ctx));
        break;
      }
      case 'owner': {
        const owner = machine.ownerId === null ? null : ctx.store.users.findById(machine.accountId, machine.ownerId);
        if (owner !== null) included.add(serializeUser(owner, ctx));
        break;
      }
      default:
        break;
    }
  }
  return includes.length === 0 ? { data } : { data, included: included.items };
}

/**
 * The `machine-files` resource: attributes in Keygen's order, `account`, `license` and
 * `machine` relationships. Throws a TypeError when given a license file (a caller bug).
 */
export function serializeMachineFile(file: IssuedCertificate, ctx: SerializeContext): Record<string, unknown> {
  const machineId = file.machineId;
  if (machineId === null) throw new TypeError('serializeMachineFile: a license file has no machine');
  return {
    id: file.id,
    type: 'machine-files',
    attributes: certificateAttributes(file),
    relationships: {
      account: accountRelationship(ctx.base, file.accountId),
      license: toOne(`${ctx.base}/licenses/${file.licenseId}`, 'licenses', file.licenseId),
      machine: toOne(`${ctx.base}/machines/${machineId}`, 'machines', machineId),
    },
  };
}
