import { describe, expect, it } from 'vitest';
import { squirrelCommand } from '../../../src/main/shell/squirrel';

const exe = 'C:\\Users\\a\\AppData\\Local\\township_workstation\\app-0.1.0\\township-workstation.exe';

describe('Squirrel.Windows install events', () => {
  it.each([
    ['--squirrel-install', ['--createShortcut', 'township-workstation.exe']],
    ['--squirrel-updated', ['--createShortcut', 'township-workstation.exe']],
    ['--squirrel-uninstall', ['--removeShortcut', 'township-workstation.exe']],
  ])('%s runs Update.exe beside the app folder and quits', (flag, args) => {
    expect(squirrelCommand('win32', [exe, flag], exe)).toEqual({ updateExe: 'C:\\Users\\a\\AppData\\Local\\township_workstation\\Update.exe', args });
  });

  it('--squirrel-obsolete quits; a normal start and other platforms do nothing', () => {
    expect(squirrelCommand('win32', [exe, '--squirrel-obsolete'], exe)).toBe('quit');
    expect(squirrelCommand('win32', [exe], exe)).toBeNull();
    expect(squirrelCommand('linux', ['/usr/bin/x', '--squirrel-install'], '/usr/bin/x')).toBeNull();
  });
});
