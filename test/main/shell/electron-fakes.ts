/**
 * Recording stand-ins for the parts of Electron the shell touches. The binary cannot run here, so the tests call
 * the handlers the shell registers, exactly as Electron would, and look at what they decide.
 */
import path from 'node:path';
import type { InvokeEventLike } from '../../../src/main/api/ipc';
import { memoryKeystore } from '../../support/test-services';

type Listener = (...args: never[]) => unknown;

/** An Electron event whose default action can be prevented (will-navigate, will-attach-webview, ...). */
export interface PreventableEvent {
  preventDefault(): void;
  readonly defaultPrevented: boolean;
}

export function preventableEvent(): PreventableEvent {
  let prevented = false;
  return {
    preventDefault: () => {
      prevented = true;
    },
    get defaultPrevented() {
      return prevented;
    },
  };
}

class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener): this {
    return this.on(event, listener);
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (...a: unknown[]) => unknown)(...args);
  }
  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

export type WindowOpenHandler = (details: { url: string; frameName: string; features: string; disposition: string }) => { action: 'allow' | 'deny' };

export class FakeWebContents extends Emitter {
  windowOpenHandler: WindowOpenHandler | undefined;
  /** What main pushed to the page with webContents.send (typed events). */
  readonly sent: { channel: string; args: unknown[] }[] = [];
  devToolsOpen = false;
  constructor(readonly id: number) {
    super();
  }
  /** What Electron does when DevTools open (a shortcut, a menu, or code): the flag, then 'devtools-opened'. */
  openDevTools(): void {
    this.devToolsOpen = true;
    this.emit('devtools-opened');
  }
  closeDevTools(): void {
    this.devToolsOpen = false;
  }
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  /** What Electron does before navigating: emit will-navigate and honour preventDefault. */
  navigate(url: string): boolean {
    const event = preventableEvent();
    this.emit('will-navigate', event, url);
    return !event.defaultPrevented;
  }
  redirect(url: string): boolean {
    const event = preventableEvent();
    this.emit('will-redirect', event, url);
    return !event.defaultPrevented;
  }
  attachWebview(): boolean {
    const event = preventableEvent();
    this.emit('will-attach-webview', event, { nodeIntegration: true }, { src: 'https://example.com/' });
    return !event.defaultPrevented;
  }
  openWindow(url: string): 'allow' | 'deny' | 'no handler' {
    return this.windowOpenHandler?.({ url, frameName: '', features: '', disposition: 'new-window' }).action ?? 'no handler';
  }
}

type PermissionRequestHandler = (wc: unknown, permission: string, callback: (granted: boolean) => void, details: object) => void;
type PermissionCheckHandler = (wc: unknown, permission: string, origin: string, details: object) => boolean;
interface HeadersDetails {
  url: string;
  responseHeaders?: Record<string, string[]>;
}
type HeadersListener = (details: HeadersDetails, callback: (response: { responseHeaders?: Record<string, string[]>; cancel?: boolean }) => void) => void;
type BeforeRequestListener = (details: { url: string }, callback: (response: { cancel?: boolean; redirectURL?: string }) => void) => void;

export class FakeSession {
  permissionRequestHandler: PermissionRequestHandler | undefined;
  permissionCheckHandler: PermissionCheckHandler | undefined;
  headersListener: HeadersListener | undefined;
  beforeRequestListener: BeforeRequestListener | undefined;
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener) => void (this.headersListener = listener),
    onBeforeRequest: (listener: BeforeRequestListener) => void (this.beforeRequestListener = listener),
  };
  readonly events = new Emitter();
  on(event: string, listener: Listener): this {
    this.events.on(event, listener);
    return this;
  }
  /** A download the page starts: what main decided (cancelled, or the save dialog's starting path). */
  download(url: string, filename: string): { cancelled: boolean; defaultPath?: string } {
    const outcome: { cancelled: boolean; defaultPath?: string } = { cancelled: false };
    const event = { preventDefault: () => void (outcome.cancelled = true) };
    const item = {
      getURL: () => url,
      getFilename: () => filename,
      setSaveDialogOptions: (o: { defaultPath?: string }) => void (outcome.defaultPath = o.defaultPath),
    };
    this.events.emit('will-download', event, item);
    return outcome;
  }
  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    this.permissionCheckHandler = handler;
  }
  /** Resolves with what the registered handler granted, as Chromium would wait for the callback. */
  requestPermission(permission: string): Promise<boolean | 'no handler'> {
    const handler = this.permissionRequestHandler;
    if (!handler) return Promise.resolve('no handler');
    return new Promise((resolve) => handler({}, permission, resolve, { requestingUrl: 'app://workstation/index.html' }));
  }
  checkPermission(permission: string): boolean | 'no handler' {
    return this.permissionCheckHandler?.({}, permission, 'app://workstation', {}) ?? 'no handler';
  }
  responseHeadersFor(url: string, headers: Record<string, string[]>): Record<string, string[]> | undefined {
    let result: Record<string, string[]> | undefined;
    this.headersListener?.({ url, responseHeaders: headers }, (response) => {
      result = response.responseHeaders;
    });
    return result;
  }
  /** true when the request may go ahead. */
  allowsRequest(url: string): boolean {
    let cancel: boolean | undefined;
    if (!this.beforeRequestListener) return true;
    this.beforeRequestListener({ url }, (response) => {
      cancel = response.cancel;
    });
    if (cancel === undefined) throw new Error('onBeforeRequest listener did not answer');
    return !cancel;
  }
}

export interface FakeBrowserWindowInstance {
  readonly options: Record<string, unknown>;
  readonly webContents: FakeWebContents;
  readonly events: Emitter;
  loadedUrl: string | undefined;
  shown: boolean;
  isDestroyed(): boolean;
}

/** A fresh fake `electron` module: what main.ts imports, plus the records the tests read. */
export function createFakeElectron(opts: { userData: string; version?: string; packaged?: boolean }) {
  const appEvents = new Emitter();
  const windows: FakeBrowserWindowInstance[] = [];
  const ipcHandlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  const protocolHandlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  const privilegedSchemes: { scheme: string; privileges: Record<string, boolean> }[] = [];
  const fetchedUrls: string[] = [];
  const errorBoxes: { title: string; content: string }[] = [];
  const exits: number[] = [];
  /** Every Menu.setApplicationMenu call (null removes the default menu). */
  const applicationMenus: unknown[] = [];
  let quits = 0;
  let nextWebContentsId = 7;
  const defaultSession = new FakeSession();

  const app = {
    isPackaged: opts.packaged ?? false,
    whenReady: () => Promise.resolve(),
    getPath: (name: string) => {
      if (name === 'documents') return path.join(opts.userData, 'Documents');
      if (name !== 'userData') throw new Error(`the shell asked for app path ${name}`);
      return opts.userData;
    },
    getVersion: () => opts.version ?? '0.0.0-test',
    on: (event: string, listener: Listener) => {
      appEvents.on(event, listener);
      return app;
    },
    quit: () => void (quits += 1),
    exit: (code: number) => void exits.push(code),
  };

  class BrowserWindow implements FakeBrowserWindowInstance {
    readonly webContents = new FakeWebContents(nextWebContentsId++);
    readonly events = new Emitter();
    loadedUrl: string | undefined;
    shown = false;
    private destroyed = false;
    constructor(readonly options: Record<string, unknown>) {
      windows.push(this);
      this.events.on('closed', () => void (this.destroyed = true));
      // Electron emits app 'web-contents-created' for the window's own contents while constructing it.
      appEvents.emit('web-contents-created', preventableEvent(), this.webContents);
    }
    on(event: string, listener: Listener): this {
      this.events.on(event, listener);
      return this;
    }
    once(event: string, listener: Listener): this {
      this.events.once(event, listener);
      return this;
    }
    show(): void {
      this.shown = true;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    async loadURL(url: string): Promise<void> {
      this.loadedUrl = url;
    }
  }

  const electron = {
    app,
    BrowserWindow,
    dialog: { showErrorBox: (title: string, content: string) => void errorBoxes.push({ title, content }) },
    Menu: { setApplicationMenu: (menu: unknown) => void applicationMenus.push(menu) },
    ipcMain: {
      handle: (channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>) => void ipcHandlers.set(channel, listener),
    },
    net: {
      isOnline: () => false,
      fetch: async (url: string) => {
        fetchedUrls.push(url);
        return new Response(`contents of ${url}`, { status: 200 });
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: { scheme: string; privileges: Record<string, boolean> }[]) => void privilegedSchemes.push(...schemes),
      handle: (scheme: string, handler: (request: Request) => Response | Promise<Response>) => void protocolHandlers.set(scheme, handler),
    },
    safeStorage: memoryKeystore('gnome_libsecret'),
    session: { defaultSession },
    // The ID-card reader's process; main.ts only hands it to the launcher, which forks on the first card read.
    utilityProcess: {
      fork: () => {
        throw new Error('no utility processes in the shell tests');
      },
    },
  };

  return {
    electron,
    records: {
      appEvents,
      windows,
      ipcHandlers,
      protocolHandlers,
      privilegedSchemes,
      fetchedUrls,
      errorBoxes,
      exits,
      applicationMenus,
      defaultSession,
      quits: () => quits,
    },
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
