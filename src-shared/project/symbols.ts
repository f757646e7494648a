// Ground-plan symbols (issue 7, R-1.9): how a station is drawn on the plan, as plain data an
// engineer edits in the program: a shape and size, a colour per connector state, which live value
// shows in which slot, and whether charging pulses / a fault blinks. A built-in library ships in
// assets/symbols/; a project keeps its own symbols (new ones, or edited copies of built-in ones,
// which then win). A station's symbol is its own override, else its template's, else the default.
// Pure: no I/O, used by the main process (validation, REST) and the renderer (drawing, editor).
import type { ConnectorStatus } from '../domain/index.ts';

export const SYMBOL_SHAPES = ['card', 'tile', 'pantograph', 'pole'] as const;
export type SymbolShape = (typeof SYMBOL_SHAPES)[number];

export const SYMBOL_SIZES = ['small', 'medium', 'large'] as const;
export type SymbolSize = (typeof SYMBOL_SIZES)[number];

/** Drawing scale of each size. */
export const SYMBOL_SCALE: Record<SymbolSize, number> = { small: 0.8, medium: 1, large: 1.25 };

/**
 * The states a symbol colours: the connector statuses people tell apart, plus Offline (no link to
 * the station). OCPP 2.0.1 `Occupied` is drawn as Preparing, `Unknown` as Unavailable.
 */
export const SYMBOL_STATES = ['Available', 'Preparing', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing', 'Reserved', 'Faulted', 'Unavailable', 'Offline'] as const;
export type SymbolState = (typeof SYMBOL_STATES)[number];

/** Live values a slot may show ("badge" is the id tag of the session). */
export const SYMBOL_VALUES = ['power', 'soc', 'energy', 'duration', 'badge', 'status', 'none'] as const;
export type SymbolValue = (typeof SYMBOL_VALUES)[number];

/** Where values go: `primary` under the connector, `secondary` at its right-hand end. */
export const SYMBOL_SLOTS = ['primary', 'secondary'] as const;
export type SymbolSlot = (typeof SYMBOL_SLOTS)[number];

export interface PlanSymbol {
  id: string;
  name: string;
  description?: string;
  shape: SymbolShape;
  size: SymbolSize;
  /** CSS colour (#rrggbb) per state. */
  colors: Record<SymbolState, string>;
  slots: Record<SymbolSlot, SymbolValue>;
  /** Pulse a charging connector; blink a faulted one (both off when the user asks for reduced motion). */
  animation: { charging: boolean; faulted: boolean };
}

/** Id of the symbol of a station whose own and template symbols are unknown or absent. */
export const DEFAULT_SYMBOL_ID = 'default';

/** Where a symbol of the effective library comes from. */
export type SymbolOrigin = 'builtin' | 'project' | 'customised';

export interface SymbolEntry extends PlanSymbol {
  origin: SymbolOrigin;
}

/** Who uses a symbol: templates that name it (with their stations) and stations that override to it. */
export interface SymbolUsers {
  templates: Array<{ id: string; stations: number }>;
  stations: string[];
}

/** The symbol library as the UI and REST read it. */
export interface SymbolLibraryInfo {
  symbols: Array<SymbolEntry & { users: SymbolUsers }>;
  /** Effective symbol id of every station of the project. */
  stationSymbols: Record<string, string>;
  /** Symbol of stations the project does not name (and of unknown symbol ids). */
  defaultSymbol: string;
  /** Project version the project symbols come from (null: the project started with, never saved). */
  version: number | null;
  /** Templates and stations naming a symbol the library does not have (they are drawn with the next in line). */
  unknown: UnknownSymbolRef[];
}

export interface UnknownSymbolRef {
  kind: 'template' | 'station';
  id: string;
  symbol: string;
}

/** The classic card, used when even the library's default is missing. */
export const FALLBACK_SYMBOL: PlanSymbol = {
  id: DEFAULT_SYMBOL_ID,
  name: 'Charging station card',
  shape: 'card',
  size: 'medium',
  colors: {
    Available: '#34c97b',
    Preparing: '#f2a93b',
    Charging: '#3b9eff',
    SuspendedEV: '#f2a93b',
    SuspendedEVSE: '#f2a93b',
    Finishing: '#f2a93b',
    Reserved: '#a993ff',
    Faulted: '#f0565a',
    Unavailable: '#7d8a98',
    Offline: '#7d8a98',
  },
  slots: { primary: 'power', secondary: 'soc' },
  animation: { charging: false, faulted: false },
};

/** The state a connector (or station) is drawn in. */
export function symbolStateOf(status: ConnectorStatus, online: boolean): SymbolState {
  if (!online) return 'Offline';
  if (status === 'Occupied') return 'Preparing';
  if (status === 'Unknown') return 'Unavailable';
  return status;
}

export interface SymbolStyle {
  color: string;
  /** CSS animation to run, or null. */
  animation: 'pulse' | 'blink' | null;
}

/** Colour and animation of a symbol in a state. */
export function symbolStyle(symbol: PlanSymbol, state: SymbolState): SymbolStyle {
  const color = symbol.colors[state] ?? FALLBACK_SYMBOL.colors[state];
  const animation = state === 'Charging' && symbol.animation.charging ? 'pulse' : state === 'Faulted' && symbol.animation.faulted ? 'blink' : null;
  return { color, animation };
}

/** The effective library: the built-in symbols, each replaced by the project's copy of the same id, then the project's own. */
export function mergeSymbols(builtIn: readonly PlanSymbol[], own: readonly PlanSymbol[] = []): SymbolEntry[] {
  const ownById = new Map(own.map((s) => [s.id, s]));
  const merged: SymbolEntry[] = builtIn.map((s) => {
    const copy = ownById.get(s.id);
    return copy ? { ...structuredClone(copy), origin: 'customised' } : { ...structuredClone(s), origin: 'builtin' };
  });
  const builtInIds = new Set(builtIn.map((s) => s.id));
  for (const s of own) if (!builtInIds.has(s.id)) merged.push({ ...structuredClone(s), origin: 'project' });
  return merged;
}

/** The symbol id a station is drawn with: its own override, else its template's, else the default (unknown ids are skipped). */
export function resolveSymbolId(known: ReadonlySet<string>, own: string | undefined, template: string | undefined): string {
  if (own !== undefined && known.has(own)) return own;
  if (template !== undefined && known.has(template)) return template;
  return DEFAULT_SYMBOL_ID;
}

/** The parts of a project the symbols are resolved from (format 2). */
export interface SymbolProjectView {
  templates: ReadonlyArray<{ id: string; symbol?: string }>;
  sites: ReadonlyArray<{ parks: ReadonlyArray<{ stations: ReadonlyArray<{ id: string; template: string; overrides?: { symbol?: string } }> }> }>;
}

/** Effective symbol id of every station of a project. */
export function stationSymbolIds(project: SymbolProjectView, known: ReadonlySet<string>): Record<string, string> {
  const templateSymbol = new Map(project.templates.map((t) => [t.id, t.symbol]));
  const out: Record<string, string> = {};
  for (const site of project.sites) {
    for (const park of site.parks) {
      for (const station of park.stations) out[station.id] = resolveSymbolId(known, station.overrides?.symbol, templateSymbol.get(station.template));
    }
  }
  return out;
}

/** Templates and station overrides that name a symbol not in `known`. */
export function unknownSymbolRefs(project: SymbolProjectView, known: ReadonlySet<string>): UnknownSymbolRef[] {
  const refs: UnknownSymbolRef[] = [];
  for (const t of project.templates) if (t.symbol !== undefined && !known.has(t.symbol)) refs.push({ kind: 'template', id: t.id, symbol: t.symbol });
  for (const site of project.sites) {
    for (const park of site.parks) {
      for (const station of park.stations) {
        const own = station.overrides?.symbol;
        if (own !== undefined && !known.has(own)) refs.push({ kind: 'station', id: station.id, symbol: own });
      }
    }
  }
  return refs;
}

/** Templates naming a symbol (with how many stations use them without an override) and stations overriding to it. */
export function symbolUsers(project: SymbolProjectView, symbolId: string): SymbolUsers {
  const counts = new Map<string, number>();
  const stations: string[] = [];
  for (const site of project.sites) {
    for (const park of site.parks) {
      for (const station of park.stations) {
        if (station.overrides?.symbol === symbolId) stations.push(station.id);
        else if (station.overrides?.symbol === undefined) counts.set(station.template, (counts.get(station.template) ?? 0) + 1);
      }
    }
  }
  const templates = project.templates.filter((t) => t.symbol === symbolId).map((t) => ({ id: t.id, stations: counts.get(t.id) ?? 0 }));
  return { templates, stations };
}

/** "template dc-150kw (4 stations), station P1-CP01" — who uses a symbol, in words; '' when nobody. */
export function describeSymbolUsers(users: SymbolUsers, max = 5): string {
  const parts = [
    ...users.templates.map((t) => `template ${t.id} (${t.stations} station${t.stations === 1 ? '' : 's'})`),
    ...users.stations.map((s) => `station ${s}`),
  ];
  if (parts.length <= max) return parts.join(', ');
  return `${parts.slice(0, max).join(', ')} and ${parts.length - max} more`;
}

const HEX = /^#[0-9a-fA-F]{6}$/;

/** Whether a colour is one the editor and the plan accept (#rrggbb). */
export function isSymbolColor(value: unknown): value is string {
  return typeof value === 'string' && HEX.test(value);
}
