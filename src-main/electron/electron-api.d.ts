// The slice of Electron's API the shell uses. Electron cannot be installed on the build
// machines, so its own typings are absent here; this keeps the shell type-checked.
declare module 'electron' {
  interface WebContents {
    send(channel: string, ...args: unknown[]): void;
    setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' | 'allow' }): void;
    on(event: 'will-navigate', listener: (event: { preventDefault(): void }, url: string) => void): void;
  }
  interface IpcMainInvokeEvent {
    senderFrame: { url: string } | null;
  }
  export class BrowserWindow {
    constructor(options: Record<string, unknown>);
    webContents: WebContents;
    loadFile(path: string): Promise<void>;
    isDestroyed(): boolean;
    isMinimized(): boolean;
    restore(): void;
    focus(): void;
    on(event: 'closed', listener: () => void): void;
  }
  export const app: {
    whenReady(): Promise<void>;
    requestSingleInstanceLock(): boolean;
    quit(): void;
    getPath(name: 'userData'): string;
    on(event: 'second-instance' | 'window-all-closed' | 'before-quit', listener: () => void): void;
  };
  export const ipcMain: {
    handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  };
  export const session: {
    defaultSession: {
      webRequest: {
        onHeadersReceived(listener: (details: { responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders: Record<string, string[]> }) => void) => void): void;
      };
    };
  };
  export const contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  export const ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
    removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
  };
}
