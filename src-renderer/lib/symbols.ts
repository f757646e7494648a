// Ground-plan symbols, pure parts of the drawing: the geometry of each shape, what a value slot
// shows for a connector, and the checks of the symbol editor's form. The colours and animation per
// state come from src-shared/project/symbols.ts.
import type { ConnectorStatus } from '../../src-shared/domain/index.ts';
import {
  SYMBOL_SCALE,
  SYMBOL_STATES,
  isSymbolColor,
  type PlanSymbol,
  type SymbolShape,
  type SymbolState,
  type SymbolValue,
} from '../../src-shared/project/symbols.ts';

/** Layout of one shape in plan units, before the size's scale. */
export interface ShapeLayout {
  width: number;
  /** Height above the first connector (id, link dot, drawing). */
  top: number;
  /** Height of one connector. */
  row: number;
  padding: number;
}

export const SHAPE_LAYOUT: Record<SymbolShape, ShapeLayout> = {
  card: { width: 168, top: 28, row: 30, padding: 6 },
  tile: { width: 156, top: 24, row: 22, padding: 5 },
  pantograph: { width: 150, top: 70, row: 22, padding: 5 },
  pole: { width: 84, top: 22, row: 48, padding: 4 },
};

/** Drawn size of a symbol with `connectors` connectors, plan units (scale included). */
export function symbolBox(symbol: Pick<PlanSymbol, 'shape' | 'size'>, connectors: number): { width: number; height: number; scale: number } {
  const layout = SHAPE_LAYOUT[symbol.shape] ?? SHAPE_LAYOUT.card;
  const scale = SYMBOL_SCALE[symbol.size] ?? 1;
  const height = layout.top + Math.max(1, connectors) * layout.row + layout.padding;
  return { width: layout.width * scale, height: height * scale, scale };
}

/** What a connector shows, with the live values the slots may name. */
export interface ConnectorView {
  evseId: number;
  status: ConnectorStatus;
  powerW: number | null;
  soc: number | null;
  /** Energy of the session in progress, Wh. */
  energyWh: number | null;
  idTag: string | null;
  charging: boolean;
  /** Start of the session in progress (ISO), for the time charging. */
  startedAt?: string | null;
}

export type SlotContent = { kind: 'power' | 'soc' | 'energy' | 'duration'; n: number } | { kind: 'badge'; text: string } | { kind: 'status' };

/** Time charging as the symbols show it: "0:07", "2:45" (hours:minutes). */
export function formatChargingTime(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * The content of a slot: the value it names when known (power while online, SoC, session energy,
 * time charging and badge while charging), else null; the primary slot falls back to the status text (so an idle
 * or offline connector still says what it is), 'none' shows nothing.
 */
export function slotContent(value: SymbolValue, c: ConnectorView, online: boolean, primary: boolean, now: number = Date.now()): SlotContent | null {
  const known = ((): SlotContent | null => {
    switch (value) {
      case 'power':
        return online && c.powerW !== null ? { kind: 'power', n: c.powerW } : null;
      case 'soc':
        return online && c.charging && c.soc !== null ? { kind: 'soc', n: c.soc } : null;
      case 'energy':
        return online && c.charging && c.energyWh !== null ? { kind: 'energy', n: c.energyWh } : null;
      case 'duration': {
        const since = c.charging && c.startedAt ? Date.parse(c.startedAt) : Number.NaN;
        return Number.isFinite(since) ? { kind: 'duration', n: Math.max(0, now - since) } : null;
      }
      case 'badge':
        return c.charging && c.idTag ? { kind: 'badge', text: c.idTag } : null;
      case 'status':
        return { kind: 'status' };
      case 'none':
        return null;
    }
  })();
  if (known !== null || value === 'none') return known;
  return primary ? { kind: 'status' } : null;
}

/** A problem of the editor's form, by field ("name", "colors.Charging"), as an i18n key under symbols.errors. */
export interface SymbolFormProblem {
  field: string;
  key: 'idRequired' | 'idChars' | 'idTaken' | 'nameRequired' | 'color';
}

const ID = /^[\x21-\x7e]{1,48}$/;

/** Checks of the edit form before saving (the server checks again with the project schema). */
export function symbolFormProblems(symbol: PlanSymbol, options: { isNew: boolean; takenIds: ReadonlySet<string> }): SymbolFormProblem[] {
  const problems: SymbolFormProblem[] = [];
  if (symbol.id.trim() === '') problems.push({ field: 'id', key: 'idRequired' });
  else if (!ID.test(symbol.id)) problems.push({ field: 'id', key: 'idChars' });
  else if (options.isNew && options.takenIds.has(symbol.id)) problems.push({ field: 'id', key: 'idTaken' });
  if (symbol.name.trim() === '') problems.push({ field: 'name', key: 'nameRequired' });
  for (const state of SYMBOL_STATES) if (!isSymbolColor(symbol.colors[state])) problems.push({ field: `colors.${state}`, key: 'color' });
  return problems;
}

/** A free id like "dc-charger-copy", "dc-charger-copy-2"... */
export function copyId(id: string, taken: ReadonlySet<string>): string {
  const base = `${id}-copy`.slice(0, 44);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** The states the editor's preview cycles through, in order. */
export const PREVIEW_STATES: readonly SymbolState[] = SYMBOL_STATES;
