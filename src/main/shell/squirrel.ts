import path from 'node:path';

/**
 * Squirrel.Windows runs the app with one of these flags while installing, updating or removing it. The app must
 * create or remove its shortcuts through Update.exe and quit at once, without opening a window or the database.
 * Returns the Update.exe arguments to run, or null when this is a normal start.
 */
export function squirrelCommand(platform: string, argv: readonly string[], execPath: string): { updateExe: string; args: string[] } | 'quit' | null {
  if (platform !== 'win32') return null;
  const flag = argv[1];
  const updateExe = path.win32.resolve(path.win32.dirname(execPath), '..', 'Update.exe');
  const exeName = path.win32.basename(execPath);
  switch (flag) {
    case '--squirrel-install':
    case '--squirrel-updated':
      return { updateExe, args: ['--createShortcut', exeName] };
    case '--squirrel-uninstall':
      return { updateExe, args: ['--removeShortcut', exeName] };
    case '--squirrel-obsolete':
      return 'quit';
    default:
      return null;
  }
}
