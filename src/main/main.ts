/**
 * Electron main: lifecycle, the one window, and wiring. Everything else lives in feature modules that know nothing
 * about Electron and run for real in the harness and the tests.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, MessageChannelMain, net, protocol, safeStorage, session, utilityProcess } from 'electron';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { forwardEventsToPort } from './api/event-port';
import { registerIpc, makeSenderCheck } from './api/ipc';
import { systemClock } from './clock';
import { defaultMigrationsFolder } from './db/open';
import { createServices } from './services';
import { utilityProcessLauncher } from './idcard/utility-launcher';
import { APP_ORIGIN, APP_SCHEME, resolveAppUrl } from './shell/app-protocol';
import { createElectronPdf } from './shell/electron-pdf';
import { downloadDecision, electronFileDialogs } from './shell/file-dialogs';
import { squirrelCommand } from './shell/squirrel';
import { debuggingSwitchesIn, devContentSecurityPolicy, hardenSession, hardenWebContents, secureWindowOptions } from './shell/security';

declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
declare const MAIN_WINDOW_VITE_NAME: string;

// Windows installer events: make or remove shortcuts and quit before anything else starts.
const squirrel = squirrelCommand(process.platform, process.argv, process.execPath);
if (squirrel) {
  if (squirrel !== 'quit') spawn(squirrel.updateExe, squirrel.args, { detached: true }).on('error', () => {});
  setTimeout(() => app.quit(), squirrel === 'quit' ? 0 : 1000);
}

// An installed app never runs with a debugger attached from outside (issue 15.3): refuse before anything opens.
const packaged = app.isPackaged;
const debugSwitches = packaged ? debuggingSwitchesIn(process.argv) : [];
if (debugSwitches.length > 0) {
  dialog.showErrorBox(
    '乡镇卫生院工作站 — 无法启动 / cannot start',
    `不允许以调试参数启动 / debugging switches are not allowed: --${debugSwitches.join(', --')}`,
  );
  app.exit(1);
}

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let mainWindow: BrowserWindow | null = null;

async function start(): Promise<void> {
  const dataDir = path.join(app.getPath('userData'), 'data');
  mkdirSync(dataDir, { recursive: true });
  const devUrl = MAIN_WINDOW_VITE_DEV_SERVER_URL;
  const preloadPath = path.join(__dirname, 'preload.js');
  const printWindows = new Set<number>();
  const services = createServices({
    dataDir,
    migrationsFolder: defaultMigrationsFolder(),
    clock: systemClock,
    keystore: safeStorage,
    appVersion: app.getVersion(),
    online: () => net.isOnline(),
    renderPdf: createElectronPdf({
      openWindow: (options) => new BrowserWindow(options),
      preloadPath,
      packaged,
      pageUrl: (route) => `${devUrl ?? `${APP_ORIGIN}/index.html`}#${route}`,
      printWindows,
    }),
    // The renderer never types a path: main's dialog picks the file, the renderer gets a handle (issue 15 point 8).
    fileDialogs: electronFileDialogs((options) => (mainWindow ? dialog.showOpenDialog(mainWindow, options) : dialog.showOpenDialog(options))),
    idcardLauncher: utilityProcessLauncher(utilityProcess, path.join(__dirname, 'sdt-worker.js')),
  });
  // Opens silently when the OS keystore holds the key; otherwise the renderer asks for the administrator passphrase.
  await services.store.tryOpenWithKeystore();

  const rendererRoot = path.join(__dirname, `../renderer/${MAIN_WINDOW_VITE_NAME}`);
  const allowedOrigins = devUrl ? [new URL(devUrl).origin] : [APP_ORIGIN];

  protocol.handle(APP_SCHEME, (request) => {
    const file = resolveAppUrl(request.url, rendererRoot);
    if (!file) return new Response('not found', { status: 404 });
    return net.fetch(pathToFileURL(file).toString());
  });
  hardenSession(session.defaultSession, allowedOrigins, devUrl ? devContentSecurityPolicy(new URL(devUrl).origin) : undefined);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, allowedOrigins, { packaged }));
  // No default menu when installed: it carries Toggle Developer Tools (Ctrl+Shift+I) and Reload.
  if (packaged) Menu.setApplicationMenu(null);
  // Exports (CSV, aECG, PDF) leave through main's save dialog; downloads from anywhere else are cancelled.
  session.defaultSession.on('will-download', (event, item) => {
    const decision = downloadDecision(item.getURL(), allowedOrigins, item.getFilename(), app.getPath('documents'));
    if (!decision.allow) return event.preventDefault();
    item.setSaveDialogOptions({ defaultPath: decision.defaultPath });
  });

  mainWindow = new BrowserWindow(secureWindowOptions(preloadPath, { packaged }));
  const windowId = mainWindow.webContents.id;
  registerIpc(ipcMain, services.dispatch, makeSenderCheck({ webContentsId: () => windowId, allowedOrigins, printWindows: () => printWindows }));
  // Typed events (live ECG, sync progress) go to our window only, over a MessagePort (typed arrays cross as such).
  forwardEventsToPort(
    mainWindow.webContents,
    (listener) => services.events.subscribe(listener),
    () => new MessageChannelMain(),
  );
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => {
    mainWindow = null;
    services.store.close();
  });
  await mainWindow.loadURL(devUrl ?? `${APP_ORIGIN}/index.html`);
}

// A failure inside start (store refused, migrations missing) must end the process visibly, not leave it windowless.
if (!squirrel && debugSwitches.length === 0) {
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      console.error('failed to start', err);
      dialog.showErrorBox('乡镇卫生院工作站 — 无法启动 / cannot start', err instanceof Error ? err.message : String(err));
      app.exit(1);
    });
}
app.on('window-all-closed', () => app.quit());
