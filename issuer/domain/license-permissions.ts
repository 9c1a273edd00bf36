/**
 * What a license may do when it authenticates (its `permissions` attribute, and that of its
 * license tokens): Keygen's default license permissions (keygen-api `app/models/license.rb`:
 * `Permission::LICENSE_PERMISSIONS` minus `account.read`, `product.read`, `policy.read` and
 * `user.read`), sorted as Keygen lists them, less those naming what the issuer does not keep
 * (`arch.read`, `artifact.read`, `channel.read`, `constraint.read`, `engine.read`,
 * `package.read`, `platform.read`, `release.download`, `release.read`, `release.upgrade`: it
 * distributes no releases), so that every permission listed is one a license can use here.
 * `component.*`, `process.*` and `machine.proofs.generate` name machine components, processes
 * and offline proofs.
 */
export const DEFAULT_LICENSE_PERMISSIONS: readonly string[] = [
  'component.create',
  'component.delete',
  'component.read',
  'component.update',
  'entitlement.read',
  'group.owners.read',
  'group.read',
  'license.check-in',
  'license.check-out',
  'license.read',
  'license.usage.increment',
  'license.validate',
  'machine.check-out',
  'machine.create',
  'machine.delete',
  'machine.heartbeat.ping',
  'machine.proofs.generate',
  'machine.read',
  'machine.update',
  'process.create',
  'process.delete',
  'process.heartbeat.ping',
  'process.read',
  'process.update',
  'token.read',
  'token.regenerate',
  'token.revoke',
];
