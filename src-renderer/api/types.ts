// Connection model shared by both transports and the UI.
import { ApiError, type ApiClient } from '../../src-shared/api/index.ts';

export type ConnectionStatus = 'connecting' | 'open' | 'closed' | 'auth-required';

export interface ConnectionInfo {
  status: ConnectionStatus;
  transport: 'ipc' | 'websocket';
  /** Epoch ms of the next reconnection attempt while closed, else null. */
  retryAt: number | null;
  /** True when the server refused the key we sent (as opposed to no key yet). */
  keyRejected: boolean;
}

/** The ApiClient of the contract plus what the shell needs to show and steer the link. */
export interface SupervisorClient extends ApiClient {
  readonly transport: ConnectionInfo['transport'];
  state(): ConnectionInfo;
  onState(listener: (info: ConnectionInfo) => void): () => void;
  /** Stores the key for this browser session and reconnects with it. */
  setApiKey(key: string): void;
  /** Keeps (or forgets, with null) the session token for this browser tab; used at the next connection. */
  setSessionToken(token: string | null): void;
  sessionToken(): string | null;
  /** Skips the backoff wait. */
  reconnectNow(): void;
  close(): void;
}

/** A call made while the link is down; the UI shows it as "not connected", not as a server error. */
export class NotConnectedError extends ApiError {
  constructor(message = 'Not connected to the supervisor') {
    super('Unavailable', message);
    this.name = 'NotConnectedError';
  }
}

/** What the Electron preload exposes as window.evSupervisor (src-main/electron/preload.ts). */
export interface EvSupervisorBridge {
  call(command: string, request: unknown): Promise<unknown>;
  onEvent(listener: (event: unknown) => void): () => void;
}

declare global {
  interface Window {
    evSupervisor?: EvSupervisorBridge;
  }
}
