/** Reports, seats and licenses as the core returns them, for renderer tests. */
import type { InstalledLicense, Seat, StatusReport } from '../../src/licensing/manager.types.js';

export function licensedReport(overrides: Partial<StatusReport> = {}): StatusReport {
  return {
    licensed: true,
    code: 'VALID',
    message: 'The license is valid.',
    summary: 'The license is valid.',
    source: 'online',
    license: {
      id: '8c1b4e9a-0000-4000-8000-000000000001',
      name: 'Demo node-locked',
      keyHint: 'AFBBA7…V3',
      status: 'ACTIVE',
      expiry: '2027-01-01T00:00:00.000Z',
      policy: { id: 'policy-1', name: 'Node-locked' },
      product: { id: 'product-1', name: 'Demo' },
      entitlements: ['CORE', 'PRO'],
      machine: { id: 'machine-1', name: 'build-01', fingerprint: 'abcdef1234567890abcdef1234567890' },
    },
    fileExpiry: '2026-12-01T00:00:00.000Z',
    lastCheckIn: null,
    nextCheckIn: null,
    basis: null,
    warnings: [],
    ...overrides,
  };
}

export function notActivatedReport(): StatusReport {
  return { ...licensedReport(), licensed: false, code: 'NOT_ACTIVATED', message: 'No license is installed on this machine.', source: 'offline', license: null, fileExpiry: null };
}

export function seat(index: number, overrides: Partial<Seat> = {}): Seat {
  return {
    id: `seat-${index}`,
    fingerprint: `fp-${index.toString(16).padStart(8, '0')}`,
    name: `machine-${index}`,
    hostname: `host-${index}.example.test`,
    platform: index % 2 === 0 ? 'linux' : 'win32',
    heartbeatStatus: null,
    lastHeartbeat: null,
    lastCheckOut: null,
    lastValidated: null,
    lastSeen: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString(),
    created: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString(),
    current: false,
    ...overrides,
  };
}

export function installed(id: string, overrides: Partial<InstalledLicense> = {}): InstalledLicense {
  return {
    id,
    kind: 'license',
    source: 'import',
    label: null,
    pinned: false,
    active: true,
    licensed: true,
    code: 'VALID',
    license: licensedReport().license,
    fileExpiry: null,
    installedAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}
