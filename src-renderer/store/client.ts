// The one API client of the renderer, set at start-up (main.tsx) and used by the stores.
import type { SupervisorClient } from '../api/types.ts';

let current: SupervisorClient | null = null;

export function setClient(client: SupervisorClient): void {
  current = client;
}

export function api(): SupervisorClient {
  if (!current) throw new Error('API client used before start-up');
  return current;
}
