// Electron transport: the preload bridge. The main process is in-process, so the link is always up.
import { ApiError, type ApiCommandName, type ApiErrorCode, type ApiRequest, type ApiResponse } from '../../src-shared/api/index.ts';
import type { DomainEvent } from '../../src-shared/domain/index.ts';
import type { ConnectionInfo, EvSupervisorBridge, SupervisorClient } from './types.ts';

const CODES: readonly ApiErrorCode[] = ['BadRequest', 'NotFound', 'Conflict', 'Unavailable', 'Forbidden', 'Internal'];

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(CODES.includes(code as ApiErrorCode) ? (code as ApiErrorCode) : 'Internal', message);
}

export function createIpcClient(bridge: EvSupervisorBridge): SupervisorClient {
  const info: ConnectionInfo = { status: 'open', transport: 'ipc', retryAt: null, keyRejected: false };
  return {
    transport: 'ipc',
    async call<K extends ApiCommandName>(command: K, request: ApiRequest<K>): Promise<ApiResponse<K>> {
      try {
        return (await bridge.call(command, request)) as ApiResponse<K>;
      } catch (error) {
        throw toApiError(error);
      }
    },
    onEvent(listener: (event: DomainEvent) => void) {
      return bridge.onEvent((event) => listener(event as DomainEvent));
    },
    onConnection(listener: (connected: boolean) => void) {
      listener(true);
      return () => {};
    },
    state: () => info,
    onState(listener) {
      listener(info);
      return () => {};
    },
    setApiKey() {},
    setSessionToken() {},
    sessionToken: () => null,
    reconnectNow() {},
    close() {},
  };
}
