// The Electron shell: one window on the built renderer, the supervisor services in this
// main process, and the API contract over IPC (contextIsolation, sandbox, sender checks, CSP).
import { app, BrowserWindow, ipcMain, session } from 'electron';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ApiError, type ApiCommandName } from '../../src-shared/api/index.ts';
import { isApiCommand } from '../app/api.ts';
import { loadProject, startSupervisor, type Supervisor } from '../app/index.ts';
import { FrameWatches } from '../ocpp/index.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = resolve(HERE, '../..');
const RENDERER = join(ROOT, 'dist/renderer/index.html');
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'";

let window: BrowserWindow | null = null;
let supervisor: Supervisor | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => {
    void supervisor?.close();
  });
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  const projectPath = process.env.EVS_PROJECT ?? join(ROOT, 'assets/demo/project.json');
  supervisor = await startSupervisor({
    dataDir: join(app.getPath('userData'), 'data'),
    host: '127.0.0.1',
    port: Number(process.env.EVS_PORT ?? 8180),
    project: loadProject(projectPath),
    demo: process.env.EVS_DEMO !== '0',
    rendererDir: join(ROOT, 'dist/renderer'),
  });
  const api = supervisor.api;
  const rendererUrl = pathToFileURL(RENDERER).href;

  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...(details.responseHeaders ?? {}), 'Content-Security-Policy': [CSP] } });
  });

  // The one window's live OCPP-frame watches (station page log).
  const frameWatches = new FrameWatches(supervisor.frames);
  // Only our own renderer page may call the API. (Sign-in on the workstation follows the server's rule once the UI has its login screen.)
  ipcMain.handle('api:call', async (event, command, request) => {
    if (event.senderFrame?.url !== rendererUrl) return { ok: false, error: { code: 'Forbidden', message: 'unknown sender' } };
    if (typeof command !== 'string' || !isApiCommand(command)) return { ok: false, error: { code: 'BadRequest', message: `Unknown command ${String(command)}` } };
    try {
      return { ok: true, response: await api.dispatch(command as ApiCommandName, request as never, { principal: { username: 'workstation', role: 'administrator' }, frames: frameWatches }) };
    } catch (error) {
      return error instanceof ApiError ? { ok: false, error: { code: error.code, message: error.message } } : { ok: false, error: { code: 'Internal', message: 'Internal error' } };
    }
  });

  window = new BrowserWindow({
    width: 1600,
    height: 960,
    backgroundColor: '#0b1118',
    title: 'EV Supervisor',
    webPreferences: { preload: join(HERE, 'preload.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false },
  });
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event, url) => {
    if (url !== rendererUrl) event.preventDefault();
  });
  const unsubscribe = supervisor.bus.subscribe((event) => {
    if (window && !window.isDestroyed()) window.webContents.send('api:event', event);
  });
  window.on('closed', () => {
    unsubscribe();
    frameWatches.clear();
    window = null;
  });
  await window.loadFile(RENDERER);
}
