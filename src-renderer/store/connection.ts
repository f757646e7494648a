import { create } from 'zustand';
import type { ConnectionInfo } from '../api/types.ts';

export interface ConnectionState extends ConnectionInfo {
  /** When the link dropped (epoch ms); live data on screen is frozen since then. */
  lostAt: number | null;
}

/** Mirror of the transport's connection state, for the header, the stale banner and the API-key form. */
export const useConnection = create<ConnectionState>(() => ({
  status: 'connecting',
  transport: 'websocket',
  retryAt: null,
  keyRejected: false,
  lostAt: null,
}));
