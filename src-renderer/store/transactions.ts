// The Transactions screen: filters, server sort and paging through listTransactions.
import { create } from 'zustand';
import type { Page, SortDirection, TransactionQuery } from '../../src-shared/api/index.ts';
import type { Transaction } from '../../src-shared/domain/index.ts';
import { localInputToIso } from '../lib/format.ts';
import { api } from './client.ts';

export type TransactionSort = NonNullable<TransactionQuery['sort']>;

/** What the operator typed; converted to a TransactionQuery on each fetch. */
export interface TransactionFilters {
  stationId: string;
  idTag: string;
  /** datetime-local values (local time). */
  from: string;
  to: string;
  openOnly: boolean;
}

export const EMPTY_FILTERS: TransactionFilters = { stationId: '', idTag: '', from: '', to: '', openOnly: false };
export const PAGE_SIZES = [25, 50, 100, 250] as const;
/** The API's largest page; exports and totals walk the filter in pages of this size. */
export const MAX_LIMIT = 10_000;

interface TransactionsState {
  filters: TransactionFilters;
  sort: TransactionSort;
  direction: SortDirection;
  offset: number;
  limit: number;
  page: Page<Transaction> | null;
  /** Energy of every transaction of the filter, null while unknown or when over MAX_LIMIT. */
  filterEnergyWh: number | null;
  loading: boolean;
  /** The last load failure (shown through describeError, in the operator's language). */
  error: unknown;
  setFilters(patch: Partial<TransactionFilters>): void;
  setSort(sort: TransactionSort): void;
  setOffset(offset: number): void;
  setLimit(limit: number): void;
  refresh(): Promise<void>;
  /** Every transaction of the current filter and sort (for CSV export). */
  fetchAll(): Promise<Transaction[]>;
}

export function filtersToQuery(filters: TransactionFilters): TransactionQuery {
  const q: TransactionQuery = {};
  const stationId = filters.stationId.trim();
  const idTag = filters.idTag.trim();
  if (stationId) q.stationId = stationId;
  if (idTag) q.idTag = idTag;
  const from = localInputToIso(filters.from);
  const to = localInputToIso(filters.to);
  if (from) q.from = from;
  if (to) q.to = to;
  if (filters.openOnly) q.open = true;
  return q;
}

let generation = 0;
let lastTotalsAt = 0;

export const useTransactions = create<TransactionsState>((set, get) => {
  const baseQuery = (): TransactionQuery => ({ ...filtersToQuery(get().filters), sort: get().sort, direction: get().direction });

  async function energyOfFilter(query: TransactionQuery, total: number): Promise<number | null> {
    if (total > MAX_LIMIT) return null;
    const all = total === 0 ? [] : (await api().call('listTransactions', { ...query, offset: 0, limit: MAX_LIMIT })).items;
    return all.reduce((sum, t) => sum + (t.energyWh ?? 0), 0);
  }

  return {
    filters: EMPTY_FILTERS,
    sort: 'startedAt',
    direction: 'desc',
    offset: 0,
    limit: 50,
    page: null,
    filterEnergyWh: null,
    loading: false,
    error: null,

    setFilters(patch) {
      set({ filters: { ...get().filters, ...patch }, offset: 0, filterEnergyWh: null });
      lastTotalsAt = 0;
      void get().refresh();
    },
    setSort(sort) {
      const { sort: current, direction } = get();
      // Time and energy read best newest/largest first; text columns A→Z.
      const initial: SortDirection = sort === 'stationId' || sort === 'idTag' ? 'asc' : 'desc';
      set({ sort, direction: sort === current ? (direction === 'asc' ? 'desc' : 'asc') : initial, offset: 0 });
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
      const query = baseQuery();
      set({ loading: true });
      try {
        const page = await api().call('listTransactions', { ...query, offset: get().offset, limit: get().limit });
        if (mine !== generation) return;
        set({ page, loading: false, error: null });
        // The filter total walks up to MAX_LIMIT rows: at most every 10 s while live events flow.
        if (Date.now() - lastTotalsAt > 10_000) {
          lastTotalsAt = Date.now();
          const energy = await energyOfFilter(query, page.total);
          if (mine === generation) set({ filterEnergyWh: energy });
        }
      } catch (error) {
        if (mine === generation) set({ loading: false, error });
      }
    },

    async fetchAll() {
      const query = baseQuery();
      const all: Transaction[] = [];
      for (;;) {
        const page = await api().call('listTransactions', { ...query, offset: all.length, limit: MAX_LIMIT });
        all.push(...page.items);
        if (page.items.length < MAX_LIMIT || all.length >= page.total) return all;
      }
    },
  };
});
