import { describe, expect, test } from 'vitest';
import { FALLBACK_SYMBOL, type PlanSymbol } from '../../src-shared/project/symbols.ts';
import { SHAPE_LAYOUT, copyId, formatChargingTime, slotContent, symbolBox, symbolFormProblems, type ConnectorView } from './symbols.ts';
import { SYMBOL, symbolHeight } from './plan.ts';

const charging: ConnectorView = { evseId: 1, status: 'Charging', powerW: 42_500, soc: 63, energyWh: 12_400, idTag: 'BADGE-1', charging: true };
const idle: ConnectorView = { evseId: 2, status: 'Available', powerW: null, soc: null, energyWh: null, idTag: null, charging: false };

describe('symbol geometry', () => {
  test('the card keeps the classic size; sizes scale every shape', () => {
    expect(symbolBox({ shape: 'card', size: 'medium' }, 2)).toEqual({ width: SYMBOL.width, height: symbolHeight(2), scale: 1 });
    const large = symbolBox({ shape: 'tile', size: 'large' }, 3);
    expect(large.width).toBe(SHAPE_LAYOUT.tile.width * 1.25);
    expect(large.height).toBe((SHAPE_LAYOUT.tile.top + 3 * SHAPE_LAYOUT.tile.row + SHAPE_LAYOUT.tile.padding) * 1.25);
    expect(symbolBox({ shape: 'pole', size: 'small' }, 0).height).toBe((22 + 48 + 4) * 0.8);
  });

  test('every shape at every size fits the automatic layout cell width', () => {
    for (const shape of ['card', 'tile', 'pantograph', 'pole'] as const) {
      for (const size of ['small', 'medium', 'large'] as const) expect(symbolBox({ shape, size }, 2).width).toBeLessThanOrEqual(SYMBOL.width + 48);
    }
  });
});

describe('value slots', () => {
  test('show the value named when it is known', () => {
    expect(slotContent('power', charging, true, true)).toEqual({ kind: 'power', n: 42_500 });
    expect(slotContent('soc', charging, true, false)).toEqual({ kind: 'soc', n: 63 });
    expect(slotContent('energy', charging, true, false)).toEqual({ kind: 'energy', n: 12_400 });
    expect(slotContent('badge', charging, true, false)).toEqual({ kind: 'badge', text: 'BADGE-1' });
    expect(slotContent('status', idle, true, false)).toEqual({ kind: 'status' });
  });

  test('the primary slot falls back to the status text; the secondary stays empty; none is empty', () => {
    expect(slotContent('soc', idle, true, true)).toEqual({ kind: 'status' });
    expect(slotContent('soc', idle, true, false)).toBeNull();
    expect(slotContent('power', charging, false, true)).toEqual({ kind: 'status' });
    expect(slotContent('energy', charging, false, false)).toBeNull();
    expect(slotContent('none', charging, true, true)).toBeNull();
  });
});

describe('editor form', () => {
  const symbol = (overrides: Partial<PlanSymbol> = {}): PlanSymbol => ({ ...structuredClone(FALLBACK_SYMBOL), id: 'mine', name: 'Mine', ...overrides });

  test('names each faulty field', () => {
    expect(symbolFormProblems(symbol(), { isNew: true, takenIds: new Set(['default']) })).toEqual([]);
    expect(symbolFormProblems(symbol({ id: 'default' }), { isNew: true, takenIds: new Set(['default']) })).toEqual([{ field: 'id', key: 'idTaken' }]);
    expect(symbolFormProblems(symbol({ id: 'default' }), { isNew: false, takenIds: new Set(['default']) })).toEqual([]);
    expect(symbolFormProblems(symbol({ id: 'a b', name: ' ' }), { isNew: true, takenIds: new Set() })).toEqual([
      { field: 'id', key: 'idChars' },
      { field: 'name', key: 'nameRequired' },
    ]);
    const colours = { ...FALLBACK_SYMBOL.colors, Faulted: 'red' };
    expect(symbolFormProblems(symbol({ id: '', colors: colours }), { isNew: true, takenIds: new Set() })).toEqual([
      { field: 'id', key: 'idRequired' },
      { field: 'colors.Faulted', key: 'color' },
    ]);
  });

  test('a duplicate gets a free id', () => {
    expect(copyId('dc', new Set(['dc']))).toBe('dc-copy');
    expect(copyId('dc', new Set(['dc', 'dc-copy', 'dc-copy-2']))).toBe('dc-copy-3');
  });
});

describe('time charging slot', () => {
  test('shows the time since the session began while charging, as hours:minutes, and nothing for an idle connector', () => {
    const now = Date.parse('2026-11-24T12:00:00Z');
    const since = { ...charging, startedAt: '2026-11-24T09:13:30Z' };
    const content = slotContent('duration', since, true, false, now);
    expect(content).toEqual({ kind: 'duration', n: (2 * 60 + 46) * 60_000 + 30_000 });
    expect(formatChargingTime(content?.kind === 'duration' ? content.n : 0)).toBe('2:46');
    expect(formatChargingTime(59_999)).toBe('0:00');
    expect(slotContent('duration', { ...idle, startedAt: null }, true, false, now)).toBeNull();
    // The primary slot falls back to the status text like any unknown value.
    expect(slotContent('duration', charging, true, true, now)).toEqual({ kind: 'status' });
  });
});
