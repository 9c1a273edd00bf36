/** The data folder: TESSERA_HOME first, then each platform's per-user application data folder. */
import { describe, expect, it } from 'vitest';
import { appDataFolder } from '../../src/platform/app-data.js';

describe('appDataFolder', () => {
  it('uses TESSERA_HOME on every platform, ignoring a blank one', () => {
    expect(appDataFolder({ env: { TESSERA_HOME: '/srv/tessera' }, platform: 'linux', home: '/home/ada' })).toBe('/srv/tessera');
    expect(appDataFolder({ env: { TESSERA_HOME: 'D:\\Tessera' }, platform: 'win32', home: 'C:\\Users\\ada' })).toBe('D:\\Tessera');
    expect(appDataFolder({ env: { TESSERA_HOME: '  ' }, platform: 'linux', home: '/home/ada' })).toBe('/home/ada/.local/share/tessera');
  });

  it('follows XDG_DATA_HOME on Linux and other Unixes', () => {
    expect(appDataFolder({ env: { XDG_DATA_HOME: '/data' }, platform: 'linux', home: '/home/ada' })).toBe('/data/tessera');
    expect(appDataFolder({ env: {}, platform: 'freebsd', home: '/home/ada' })).toBe('/home/ada/.local/share/tessera');
  });

  it('uses Application Support on macOS and %APPDATA% on Windows', () => {
    expect(appDataFolder({ env: {}, platform: 'darwin', home: '/Users/ada' })).toBe('/Users/ada/Library/Application Support/Tessera');
    expect(appDataFolder({ env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, platform: 'win32', home: 'C:\\Users\\ada' })).toBe(
      'C:\\Users\\ada\\AppData\\Roaming\\Tessera',
    );
    expect(appDataFolder({ env: {}, platform: 'win32', home: 'C:\\Users\\ada' })).toBe('C:\\Users\\ada\\AppData\\Roaming\\Tessera');
  });
});
