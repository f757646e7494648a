// The alarm History tab: the archived sequence of events through alarmHistory, filtered and
// paged by the server (newest first).
import { create } from 'zustand';
import type { AlarmHistoryQuery, Page } from '../../src-shared/api/index.ts';
import type { AlarmTransition } from '../../src-shared/alarms/types.ts';
import { localInputToIso } from '../lib/format.ts';
import { api } from './client.ts';

export interface AlarmHistoryFilters {
  stationId: string;
  /** datetime-local values (local time). */
  from: string;
  to: string;
}

export const EMPTY_HISTORY_FILTERS: AlarmHistoryFilters = { stationId: '', from: '', to: '' };
export const HISTORY_PAGE_SIZES = [50, 100, 250, 1000] as const;
/** The API's largest page; the CSV export walks the filter in pages of this size. */
const MAX_LIMIT = 10_000;

export function historyQuery(filters: AlarmHistoryFilters): AlarmHistoryQuery {
  const q: AlarmHistoryQuery = {};
  const stationId = filters.stationId.trim();
  if (stationId) q.stationId = stationId;
  const from = localInputToIso(filters.from);
  const to = localInputToIso(filters.to);
  if (from) q.from = from;
  if (to) q.to = to;
  return q;
}

interface AlarmHistoryState {
  filters: AlarmHistoryFilters;
  offset: number;
  limit: number;
  page: Page<AlarmTransition> | null;
  loading: boolean;
  error: unknown;
  setFilters(patch: Partial<AlarmHistoryFilters>): void;
  setOffset(offset: number): void;
  setLimit(limit: number): void;
  refresh(): Promise<void>;
  /** Every record of the filter (CSV export), newest first. */
  fetchAll(): Promise<AlarmTransition[]>;
}

let generation = 0;

export const useAlarmHistory = create<AlarmHistoryState>((set, get) => ({
  filters: EMPTY_HISTORY_FILTERS,
  offset: 0,
  limit: 100,
  page: null,
  loading: false,
  error: null,

  setFilters(patch) {
    set({ filters: { ...get().filters, ...patch }, offset: 0 });
    void get().refresh();
  },
  setOffset(offset) {
    set({ offset: Math.max(0, offset) });
    void get().refresh();
  },
  setLimit(limit) {
    set({ limit, offset: 0 });
    void get().refresh();
  },

  async refresh() {
    const mine = ++generation;
    set({ loading: true });
    try {
      const page = await api().call('alarmHistory', { ...historyQuery(get().filters), offset: get().offset, limit: get().limit });
      if (mine === generation) set({ page, loading: false, error: null });
    } catch (error) {
      if (mine === generation) set({ loading: false, error });
    }
  },

  async fetchAll() {
    const query = historyQuery(get().filters);
    const all: AlarmTransition[] = [];
    for (;;) {
      const page = await api().call('alarmHistory', { ...query, offset: all.length, limit: MAX_LIMIT });
      all.push(...page.items);
      if (page.items.length < MAX_LIMIT || all.length >= page.total) return all;
    }
  },
}));
