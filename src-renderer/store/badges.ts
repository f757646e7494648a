// The badge list Authorize checks; live from `badge` events.
import { create } from 'zustand';
import type { Badge, DomainEvent } from '../../src-shared/domain/index.ts';
import { api } from './client.ts';

interface BadgesState {
  badges: Record<string, Badge>;
  loaded: boolean;
  /** The last load failure (shown through describeError, in the operator's language). */
  error: unknown;
  load(): Promise<void>;
  put(badge: Badge): Promise<Badge>;
  applyEvents(events: readonly DomainEvent[]): void;
}

export const useBadges = create<BadgesState>((set, get) => ({
  badges: {},
  loaded: false,
  error: null,
  async load() {
    try {
      const list = await api().call('listBadges', {});
      set({ badges: Object.fromEntries(list.map((b) => [b.idTag, b])), loaded: true, error: null });
    } catch (error) {
      set({ error });
    }
  },
  async put(badge) {
    const saved = await api().call('putBadge', badge);
    set({ badges: { ...get().badges, [saved.idTag]: saved } });
    return saved;
  },
  applyEvents(events) {
    let next: Record<string, Badge> | null = null;
    for (const event of events) {
      if (event.type !== 'badge') continue;
      next ??= { ...get().badges };
      next[event.badge.idTag] = event.badge;
    }
    if (next) set({ badges: next });
  },
}));
