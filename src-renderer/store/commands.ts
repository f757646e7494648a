// Command history of the stations open on screen, live from `command` events.
import { create } from 'zustand';
import type { CommandRecord, DomainEvent } from '../../src-shared/domain/index.ts';
import { api } from './client.ts';

const HISTORY = 100;

interface CommandsState {
  /** Only stations whose history was loaded; events for others are ignored. */
  byStation: Record<string, CommandRecord[]>;
  /** Load failures by station (raw errors, shown through describeError). */
  errors: Record<string, unknown>;
  load(stationId: string): Promise<void>;
  applyEvents(events: readonly DomainEvent[]): void;
}

function merge(list: readonly CommandRecord[], record: CommandRecord): CommandRecord[] {
  const rest = list.filter((r) => r.id !== record.id);
  return [record, ...rest].sort((a, b) => b.id - a.id).slice(0, HISTORY);
}

export const useCommands = create<CommandsState>((set, get) => ({
  byStation: {},
  errors: {},
  async load(stationId) {
    try {
      const records = await api().call('listCommands', { stationId, limit: HISTORY });
      set({ byStation: { ...get().byStation, [stationId]: records }, errors: { ...get().errors, [stationId]: null } });
    } catch (error) {
      set({ errors: { ...get().errors, [stationId]: error } });
    }
  },
  applyEvents(events) {
    let next: Record<string, CommandRecord[]> | null = null;
    for (const event of events) {
      if (event.type !== 'command') continue;
      const current = (next ?? get().byStation)[event.command.stationId];
      if (!current) continue;
      next ??= { ...get().byStation };
      next[event.command.stationId] = merge(current, event.command);
    }
    if (next) set({ byStation: next });
  },
}));
