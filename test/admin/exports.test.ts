/**
 * Exports: CSV with OWASP's formula neutralisation and RFC 4180 quoting, JSON with every
 * fingerprint in full and keys masked, and files written atomically — a failed write leaves
 * neither a partial file nor a temporary behind.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../src/admin/csv.js';
import { licensesExport, seatsExport, writeExport } from '../../src/admin/exports.js';
import type { AdminLicense } from '../../src/contract/admin.js';
import type { Seat } from '../../src/licensing/manager.types.js';

const folder = mkdtempSync(join(tmpdir(), 'tessera-exports-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const NOW = Date.parse('2031-04-05T10:20:30.456Z');

const seat = (overrides: Partial<Seat> = {}): Seat => ({
  id: 'seat-1',
  fingerprint: 'f'.repeat(64),
  name: 'build box',
  hostname: 'build.local',
  platform: 'linux',
  heartbeatStatus: 'ALIVE',
  lastHeartbeat: null,
  lastCheckOut: '2031-04-01T00:00:00.000Z',
  lastValidated: null,
  lastSeen: '2031-04-01T00:00:00.000Z',
  created: '2031-01-01T00:00:00.000Z',
  current: false,
  ...overrides,
});

describe('CSV injection (OWASP): a text cell that a spreadsheet would run is prefixed with a quote', () => {
  it.each([
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', `"'\r=1"`],
  ])('%j', (cell, written) => {
    expect(csvCell(cell)).toBe(written);
  });

  it('leaves ordinary text, numbers and dates as they are, and quotes commas, quotes and line breaks', () => {
    expect(csvCell('build box')).toBe('build box');
    expect(csvCell('2031-01-01T00:00:00.000Z')).toBe('2031-01-01T00:00:00.000Z');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(toCsv(['a', 'b'], [['1', 2]])).toBe('a,b\r\n1,2\r\n');
  });
});

describe('seats and licenses as files', () => {
  it('seats: CSV with full fingerprints and a neutralised machine name; JSON with every field', () => {
    const csv = seatsExport([seat({ name: '=cmd|calc' })], 'lic-1', 'csv', NOW);
    expect(csv.fileName).toBe('tessera-seats-lic-1-2031-04-05T10-20-30Z.csv');
    expect(csv.mediaType).toBe('text/csv');
    expect(csv.text.split('\r\n')[0]).toBe('id,name,hostname,platform,fingerprint,activated,last_heartbeat,last_check_out,last_validated,last_seen,heartbeat_status,this_machine');
    expect(csv.text).toContain(`seat-1,'=cmd|calc,build.local,linux,${'f'.repeat(64)},`);
    const json = seatsExport([seat()], 'lic-1', 'json', NOW);
    expect(JSON.parse(json.text)).toEqual({ kind: 'seats', license: 'lic-1', exported: '2031-04-05T10:20:30.456Z', count: 1, data: [seat()] });
  });

  it('licenses: the key only ever masked', () => {
    const license: AdminLicense = { id: 'lic-1', name: '@evil', keyHint: 'ABCDEF…V3', policy: { id: 'pol-1', name: 'Floating' }, status: 'ACTIVE', expiry: null, used: 2, max: 3, lastValidated: null, owner: null, created: null };
    const csv = licensesExport([license], 'prod-1', 'csv', NOW);
    expect(csv.text).toContain("lic-1,'@evil,ABCDEF…V3,pol-1,Floating,ACTIVE,,2,3,,,");
    expect(JSON.parse(licensesExport([license], 'prod-1', 'json', NOW).text)).toMatchObject({ kind: 'licenses', product: 'prod-1', count: 1 });
  });
});

describe('atomic files', () => {
  it('writes the whole file, owner-only', async () => {
    const path = join(folder, 'seats.csv');
    const file = seatsExport([seat()], 'lic-1', 'csv', NOW);
    expect(await writeExport(path, file)).toEqual({ ok: true, value: undefined });
    expect(readFileSync(path, 'utf8')).toBe(file.text);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('a write that fails leaves the previous file as it was and no temporary behind (EXPORT_WRITE_FAILED)', async () => {
    const path = join(folder, 'kept.csv');
    writeFileSync(path, 'previous\n');
    const missing = join(folder, 'no-such-folder', 'seats.csv');
    const failed = await writeExport(missing, seatsExport([seat()], 'lic-1', 'csv', NOW));
    expect(failed).toMatchObject({ ok: false, code: 'EXPORT_WRITE_FAILED', detail: 'ENOENT' });
    expect(readFileSync(path, 'utf8')).toBe('previous\n');
    expect(readdirSync(folder).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
