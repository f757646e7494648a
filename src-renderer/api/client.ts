// Picks the transport: the Electron preload bridge when present, else the server's WebSocket.
import { createIpcClient } from './ipc-client.ts';
import type { SupervisorClient } from './types.ts';
import { bridgeUrl, WsClient } from './ws-client.ts';

export function createApiClient(): SupervisorClient {
  if (window.evSupervisor) return createIpcClient(window.evSupervisor);
  let storage: Storage | null = null;
  try {
    storage = window.sessionStorage;
  } catch {
    // Storage can be disabled by browser policy; the key is then asked for on every load.
  }
  const client = new WsClient({ url: bridgeUrl(window.location), storage });
  // Coming back online or to a visible tab should not wait for the backoff timer.
  window.addEventListener('online', () => {
    if (client.state().status === 'closed') client.reconnectNow();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && client.state().status === 'closed') client.reconnectNow();
  });
  return client;
}

export type { ConnectionInfo, ConnectionStatus, SupervisorClient } from './types.ts';
export { NotConnectedError } from './types.ts';
