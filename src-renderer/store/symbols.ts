// The ground-plan symbol library (listSymbols): every symbol and each station's, loaded when the
// ground plan or the Symbols tab opens; a save or delete replaces it at once with the server's answer.
import { create } from 'zustand';
import type { SymbolSaveInfo } from '../../src-shared/api/index.ts';
import { FALLBACK_SYMBOL, type PlanSymbol, type SymbolLibraryInfo } from '../../src-shared/project/symbols.ts';
import { api } from './client.ts';

interface SymbolsState {
  info: SymbolLibraryInfo | null;
  loaded: boolean;
  error: unknown;
  /** Symbol drawn for each station of the project. */
  byStation: Record<string, PlanSymbol>;
  /** Symbol of stations the project does not name. */
  fallback: PlanSymbol;
  load(): Promise<void>;
  save(symbol: PlanSymbol): Promise<SymbolSaveInfo>;
  remove(id: string): Promise<SymbolSaveInfo & { reverted: boolean }>;
}

function derive(info: SymbolLibraryInfo): Pick<SymbolsState, 'info' | 'byStation' | 'fallback'> {
  const byId = new Map<string, PlanSymbol>(info.symbols.map((s) => [s.id, s]));
  const fallback = byId.get(info.defaultSymbol) ?? FALLBACK_SYMBOL;
  const byStation: Record<string, PlanSymbol> = {};
  for (const [stationId, symbolId] of Object.entries(info.stationSymbols)) byStation[stationId] = byId.get(symbolId) ?? fallback;
  return { info, byStation, fallback };
}

export const useSymbols = create<SymbolsState>((set, get) => ({
  info: null,
  loaded: false,
  error: null,
  byStation: {},
  fallback: FALLBACK_SYMBOL,
  async load() {
    try {
      const info = await api().call('listSymbols', {});
      set({ ...derive(info), loaded: true, error: null });
    } catch (error) {
      set({ loaded: true, error });
    }
  },
  async save(symbol) {
    const result = await api().call('putSymbol', { symbol, baseVersion: get().info?.version ?? null });
    set({ ...derive(result.library), error: null });
    return result;
  },
  async remove(id) {
    const result = await api().call('deleteSymbol', { id, baseVersion: get().info?.version ?? null });
    set({ ...derive(result.library), error: null });
    return result;
  },
}));
