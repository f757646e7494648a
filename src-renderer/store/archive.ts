// Whether the supervisor's archive stores what arrives (ServerInfo on every connection, then the
// `archive` events): the header warns the control room while it does not.
import { create } from 'zustand';
import type { ArchiveHealth, DomainEvent } from '../../src-shared/domain/index.ts';
import { api } from './client.ts';

interface ArchiveState {
  health: ArchiveHealth | null;
  load(): Promise<void>;
  applyEvents(events: readonly DomainEvent[]): void;
}

export const useArchiveHealth = create<ArchiveState>((set) => ({
  health: null,
  async load() {
    try {
      set({ health: (await api().call('getServerInfo', {})).archive });
    } catch {
      // Unknown until the next connection or event; the header then shows nothing.
    }
  },
  applyEvents(events) {
    let latest: ArchiveHealth | null = null;
    for (const e of events) if (e.type === 'archive') latest = e.archive;
    if (latest) set({ health: latest });
  },
}));
