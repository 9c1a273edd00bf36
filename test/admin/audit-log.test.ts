/** The audit log: JSON Lines appended owner-only, read back newest first, torn lines skipped, CSV neutralised, a planted symlink refused. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditCsv, createAuditLog } from '../../src/admin/audit-log.js';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});
function dataFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'tessera-audit-'));
  folders.push(folder);
  return folder;
}

const entry = (action: 'sign-in' | 'deactivate', detail: string | null = null) =>
  ({ action, license: action === 'deactivate' ? 'lic-1' : null, machines: action === 'deactivate' ? ['m-1', 'm-2'] : [], result: 'ok', credential: 'admin-token', tokenId: 'token-1', detail }) as const;

describe('audit log', () => {
  it('appends one JSON line per action, owner-only, and reads them back newest first', async () => {
    let now = Date.parse('2031-01-01T00:00:00Z');
    const log = createAuditLog(dataFolder(), () => now);
    expect(await log.read()).toEqual({ ok: true, value: [] });
    await log.append(entry('sign-in'));
    now += 1000;
    await log.append(entry('deactivate', '2 deactivated'));
    const lines = readFileSync(log.path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1] as string)).toEqual({ time: '2031-01-01T00:00:01.000Z', ...entry('deactivate', '2 deactivated') });
    expect(statSync(log.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(log.path, '..')).mode & 0o777).toBe(0o700);
    const read = await log.read();
    expect(read.ok && read.value.map((item) => item.action)).toEqual(['deactivate', 'sign-in']);
    const limited = await log.read(1);
    expect(limited.ok && limited.value).toHaveLength(1);
  });

  it('appends from concurrent callers keep whole lines', async () => {
    const log = createAuditLog(dataFolder());
    await Promise.all(Array.from({ length: 50 }, (_, index) => log.append(entry('deactivate', `run ${index}`))));
    const read = await log.read();
    expect(read.ok && read.value).toHaveLength(50);
  });

  it('skips a torn or foreign line and still reads the rest', async () => {
    const log = createAuditLog(dataFolder());
    await log.append(entry('sign-in'));
    appendFileSync(log.path, '{"time":"2031-01-01T00:00:00Z","action":"dea\nnot json\n{"action":"format-disk"}\n');
    await log.append(entry('deactivate'));
    const read = await log.read();
    expect(read.ok && read.value.map((item) => item.action)).toEqual(['deactivate', 'sign-in']);
  });

  it('refuses a symlink planted in its place (AUDIT_LOG_UNUSABLE), and says so before an action', async () => {
    const folder = dataFolder();
    mkdirSync(join(folder, 'admin'), { recursive: true });
    writeFileSync(join(folder, 'elsewhere'), '');
    symlinkSync(join(folder, 'elsewhere'), join(folder, 'admin', 'audit.jsonl'));
    const log = createAuditLog(folder);
    expect(await log.writable()).toMatchObject({ ok: false, code: 'AUDIT_LOG_UNUSABLE' });
    expect(await log.append(entry('sign-in'))).toMatchObject({ ok: false, code: 'AUDIT_LOG_UNUSABLE' });
    expect(readFileSync(join(folder, 'elsewhere'), 'utf8')).toBe('');
  });

  it('as CSV, oldest first, with cells a spreadsheet would run neutralised', () => {
    const csv = auditCsv([
      { time: '2031-01-01T00:00:01.000Z', ...entry('deactivate', '=2 deactivated') },
      { time: '2031-01-01T00:00:00.000Z', ...entry('sign-in') },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'time,action,license,machines,result,credential,token_id,detail',
      '2031-01-01T00:00:00.000Z,sign-in,,,ok,admin-token,token-1,',
      "2031-01-01T00:00:01.000Z,deactivate,lic-1,m-1 m-2,ok,admin-token,token-1,'=2 deactivated",
      '',
    ]);
  });
});
