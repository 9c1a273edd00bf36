/** The typed view of a policy's attributes that the issuer reasons about. */
import type { Policy, PolicyRules } from './types.js';

const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The typed view of the attributes the issuer reasons about (limits, strategies, check-in). */
export function policyRules(policy: Policy): PolicyRules {
  const a = policy.attributes;
  return {
    name: str(a.name) ?? '',
    duration: num(a.duration),
    strict: a.strict === true,
    floating: a.floating === true,
    protected: a.protected === true,
    scheme: str(a.scheme),
    encrypted: a.encrypted === true,
    maxMachines: num(a.maxMachines),
    maxProcesses: num(a.maxProcesses),
    maxUsers: num(a.maxUsers),
    maxCores: num(a.maxCores),
    maxMemory: num(a.maxMemory),
    maxDisk: num(a.maxDisk),
    maxUses: num(a.maxUses),
    expirationStrategy: str(a.expirationStrategy) ?? 'RESTRICT_ACCESS',
    expirationBasis: str(a.expirationBasis) ?? 'FROM_CREATION',
    authenticationStrategy: str(a.authenticationStrategy) ?? 'TOKEN',
    machineUniquenessStrategy: str(a.machineUniquenessStrategy) ?? 'UNIQUE_PER_LICENSE',
    requireCheckIn: a.requireCheckIn === true,
    checkInInterval: str(a.checkInInterval),
    checkInIntervalCount: num(a.checkInIntervalCount),
    requireHeartbeat: a.requireHeartbeat === true,
    heartbeatDuration: num(a.heartbeatDuration),
  };
}
