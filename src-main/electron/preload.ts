// Preload (sandboxed, context-isolated): exposes the API contract to the renderer as
// window.evSupervisor, nothing else. Bundled to CommonJS because sandboxed preloads require it.
import { contextBridge, ipcRenderer } from 'electron';

type Reply = { ok: true; response: unknown } | { ok: false; error: { code: string; message: string } };

contextBridge.exposeInMainWorld('evSupervisor', {
  async call(command: string, request: unknown): Promise<unknown> {
    const reply = (await ipcRenderer.invoke('api:call', command, request)) as Reply;
    if (reply.ok) return reply.response;
    throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
  },
  onEvent(listener: (event: unknown) => void): () => void {
    const handler = (_event: unknown, domainEvent: unknown) => listener(domainEvent);
    ipcRenderer.on('api:event', handler);
    return () => ipcRenderer.removeListener('api:event', handler);
  },
});
