/** The tray (main/tray.ts): its menu, the licensed / not-licensed tooltip read offline on an interval, check-in and quit. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fail } from '../../src/contract/messages.js';
import type { OperationsService } from '../../src/operations/operations.service.js';
import { createTray, TRAY_ICON_DATA_URL, TRAY_REFRESH_MS, TRAY_TOOLTIPS, type TrayDeps } from '../../main/tray.js';
import { as, createFakeElectron, FakeTray } from './fake-electron.js';

let licensed = true;
const run = vi.fn(async (name: string, _input: unknown) => {
  if (name === 'license:status') return { ok: true, value: { licensed } };
  if (name === 'license:check-in') return fail('ISSUER_UNREACHABLE');
  throw new Error(`unexpected ${name}`);
});

function setUp() {
  const electron = createFakeElectron();
  const openWindow = vi.fn();
  const quit = vi.fn();
  const tray = createTray({
    Tray: as<TrayDeps['Tray']>(FakeTray),
    Menu: as<TrayDeps['Menu']>(electron.Menu),
    nativeImage: as<TrayDeps['nativeImage']>(electron.nativeImage),
    operations: as<Pick<OperationsService, 'run'>>({ run }),
    openWindow,
    quit,
    log: () => undefined,
  });
  const icon = FakeTray.instances.at(-1);
  if (icon === undefined) throw new Error('no tray');
  return { electron, tray, icon, openWindow, quit };
}

beforeEach(() => {
  vi.useFakeTimers();
  licensed = true;
  run.mockClear();
  FakeTray.instances.length = 0;
});
afterEach(() => vi.useRealTimers());

describe('tray', () => {
  it('uses the tiny PNG made in code', () => {
    const { electron, icon } = setUp();
    expect(electron.nativeImage.createFromDataURL).toHaveBeenCalledWith(TRAY_ICON_DATA_URL);
    expect(icon.image).toEqual({ dataURL: TRAY_ICON_DATA_URL });
    expect(Buffer.from(TRAY_ICON_DATA_URL.split(',')[1] ?? '', 'base64').subarray(1, 4).toString()).toBe('PNG');
  });

  it('has Open, Check in now, a separator and Quit', () => {
    const { icon } = setUp();
    expect(icon.menu?.template.map((item) => item.label ?? item.type)).toEqual(['Open Tessera', 'Check in now', 'separator', 'Quit Tessera']);
  });

  it('says licensed or not licensed, from the offline status', async () => {
    const { icon } = setUp();
    await vi.waitFor(() => expect(icon.tooltip).toBe(TRAY_TOOLTIPS.licensed));
    expect(run).toHaveBeenCalledWith('license:status', { online: false });
  });

  it('reads the status again on its interval', async () => {
    const { icon } = setUp();
    await vi.waitFor(() => expect(icon.tooltip).toBe(TRAY_TOOLTIPS.licensed));
    licensed = false;
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS);
    expect(icon.tooltip).toBe(TRAY_TOOLTIPS.unlicensed);
  });

  it('never claims licensed when the status cannot be read', async () => {
    run.mockImplementationOnce(async () => {
      throw new Error('state unreadable');
    });
    const { icon } = setUp();
    await vi.advanceTimersByTimeAsync(0);
    expect(icon.tooltip).not.toBe(TRAY_TOOLTIPS.licensed);
  });

  it('Check in now runs license:check-in through the operations, then refreshes', async () => {
    const { icon } = setUp();
    await vi.advanceTimersByTimeAsync(0);
    run.mockClear();
    icon.click('Check in now');
    await vi.advanceTimersByTimeAsync(0);
    expect(run.mock.calls.map(([name]) => name)).toEqual(['license:check-in', 'license:status']);
  });

  it('Open Tessera opens the window; Quit Tessera quits', () => {
    const { icon, openWindow, quit } = setUp();
    icon.click('Open Tessera');
    expect(openWindow).toHaveBeenCalledTimes(1);
    icon.click('Quit Tessera');
    expect(quit).toHaveBeenCalledTimes(1);
  });

  it('stops refreshing and removes the icon once disposed', async () => {
    const { tray, icon } = setUp();
    await vi.advanceTimersByTimeAsync(0);
    tray.dispose();
    run.mockClear();
    await vi.advanceTimersByTimeAsync(TRAY_REFRESH_MS * 3);
    expect(run).not.toHaveBeenCalled();
    expect(icon.destroyed).toBe(true);
  });
});
