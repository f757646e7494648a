// Ground-plan symbol library (issue 7): the built-in library loads and covers every template's
// symbol; a station's symbol is its own, else its template's, else the default; colours and
// animation per state; a project's symbols validate with messages at the faulty field; edits and
// deletes (refused while in use, naming the users) are pure.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SYMBOL_ID,
  FALLBACK_SYMBOL,
  SYMBOL_STATES,
  mergeSymbols,
  resolveSymbolId,
  stationSymbolIds,
  symbolStateOf,
  symbolStyle,
  symbolUsers,
  type PlanSymbol,
} from '../../src-shared/project/index.ts';
import { ProjectError, SymbolError, checkProject, loadSymbolLibrary, loadTemplateLibrary, symbolLibraryOf, validateV2, withSymbol, withoutSymbol } from './index.ts';
import { smallProject, template, v2 } from './test-support.ts';

function symbol(overrides: Partial<PlanSymbol> = {}): PlanSymbol {
  return { ...structuredClone(FALLBACK_SYMBOL), id: 'own', name: 'Own', ...overrides };
}

describe('built-in symbol library', () => {
  it('loads, has the default, and has every symbol the shipped templates name', () => {
    const library = loadSymbolLibrary();
    const ids = new Set(library.map((s) => s.id));
    expect(ids.has(DEFAULT_SYMBOL_ID)).toBe(true);
    const named = loadTemplateLibrary().map((t) => t.symbol);
    expect(named.length).toBeGreaterThan(5);
    for (const id of named) expect(ids.has(id ?? ''), `template symbol ${id}`).toBe(true);
    expect(new Set(library.map((s) => s.shape))).toEqual(new Set(['card', 'tile', 'pantograph', 'pole']));
  });

  it('refuses a folder with a bad symbol, naming the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'symbols-'));
    try {
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...FALLBACK_SYMBOL, id: 'bad', colors: { ...FALLBACK_SYMBOL.colors, Charging: 'blue' } }));
      let error: unknown;
      try {
        loadSymbolLibrary(dir);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ProjectError);
      expect((error as Error).message).toContain('bad.json');
      expect((error as Error).message).toContain('/colors/Charging has characters that are not allowed (a colour written #rrggbb');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('resolving a station symbol', () => {
  const known = new Set(['default', 'wallbox', 'dc-charger', 'own']);

  it('takes the station override, else the template symbol, else the default; unknown ids are skipped', () => {
    expect(resolveSymbolId(known, 'own', 'wallbox')).toBe('own');
    expect(resolveSymbolId(known, undefined, 'wallbox')).toBe('wallbox');
    expect(resolveSymbolId(known, 'gone', 'wallbox')).toBe('wallbox');
    expect(resolveSymbolId(known, undefined, 'gone')).toBe('default');
    expect(resolveSymbolId(known, undefined, undefined)).toBe('default');
  });

  it('maps every station of a project and counts the users of a symbol', () => {
    const project = smallProject();
    project.templates = [template({ symbol: 'wallbox' }), template({ id: 't-bare' })];
    const cp2 = project.sites[0]?.parks[0]?.stations[1];
    const cp3 = project.sites[0]?.parks[1]?.stations[0];
    if (!cp2 || !cp3) throw new Error('fixture changed');
    cp2.overrides = { ...cp2.overrides, symbol: 'own' };
    cp3.template = 't-bare';
    expect(stationSymbolIds(project, known)).toEqual({ CP1: 'wallbox', CP2: 'own', CP3: 'default' });
    expect(symbolUsers(project, 'wallbox')).toEqual({ templates: [{ id: 't-ac22', stations: 1 }], stations: [] });
    expect(symbolUsers(project, 'own')).toEqual({ templates: [], stations: ['CP2'] });
  });
});

describe('symbol style per state', () => {
  it('colours each state, maps OCPP statuses and offline, and animates only charging and faulted when asked', () => {
    const s = symbol({ colors: { ...FALLBACK_SYMBOL.colors, Charging: '#123456', Preparing: '#abcdef', Unavailable: '#111111', Offline: '#222222' }, animation: { charging: true, faulted: false } });
    expect(symbolStyle(s, symbolStateOf('Charging', true))).toEqual({ color: '#123456', animation: 'pulse' });
    expect(symbolStyle(s, symbolStateOf('Charging', false))).toEqual({ color: '#222222', animation: null });
    expect(symbolStyle(s, symbolStateOf('Occupied', true)).color).toBe('#abcdef');
    expect(symbolStyle(s, symbolStateOf('Unknown', true)).color).toBe('#111111');
    expect(symbolStyle(s, 'Faulted').animation).toBeNull();
    expect(symbolStyle({ ...s, animation: { charging: false, faulted: true } }, 'Faulted').animation).toBe('blink');
    for (const state of SYMBOL_STATES) expect(symbolStyle(FALLBACK_SYMBOL, state).color).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('merges the project symbols over the built-in ones', () => {
    const builtIn = [symbol({ id: 'default' }), symbol({ id: 'wallbox', name: 'Wallbox' })];
    const merged = mergeSymbols(builtIn, [symbol({ id: 'wallbox', name: 'Our wallbox' }), symbol({ id: 'own' })]);
    expect(merged.map((s) => [s.id, s.origin, s.name])).toEqual([
      ['default', 'builtin', 'Own'],
      ['wallbox', 'customised', 'Our wallbox'],
      ['own', 'project', 'Own'],
    ]);
  });
});

describe('symbols in the project file', () => {
  it('older projects without symbols still load; a project with symbols validates and resolves', () => {
    expect(validateV2(v2())).toEqual([]);
    const project = smallProject();
    project.symbols = [symbol()];
    expect(validateV2(project)).toEqual([]);
    expect(checkProject(project).project.symbols?.[0]?.id).toBe('own');
  });

  it('points at the faulty field of a symbol', () => {
    const project = smallProject() as unknown as { symbols: unknown[] };
    project.symbols = [
      { ...symbol(), slots: { primary: 'voltage', secondary: 'soc' } },
      { ...symbol({ id: 'x' }), shape: 'hexagon' },
      symbol({ id: 'x' }),
    ];
    const problems = validateV2(project);
    expect(problems).toContainEqual({ pointer: '/symbols/0/slots/primary', message: 'must be one of "power", "soc", "energy", "duration", "badge", "status", "none"' });
    expect(problems).toContainEqual({ pointer: '/symbols/1/shape', message: 'must be one of "card", "tile", "pantograph", "pole"' });
    const missing = smallProject() as unknown as { symbols: unknown[] };
    const { colors: _c, ...noColors } = symbol();
    missing.symbols = [noColors];
    expect(validateV2(missing)).toContainEqual({ pointer: '/symbols/0/colors', message: 'is required' });
    const twice = smallProject();
    twice.symbols = [symbol({ id: 'x' }), symbol({ id: 'x' })];
    expect(validateV2(twice)).toEqual([{ pointer: '/symbols/1/id', message: '"x" is declared twice (first symbol at /symbols/0/id)' }]);
  });
});

describe('editing the library', () => {
  const builtIn = [symbol({ id: 'default' }), symbol({ id: 'wallbox' })];

  it('adds, replaces and checks a symbol, changing nothing on bad input', () => {
    const project = smallProject();
    const added = withSymbol(project, symbol());
    expect(added.symbols?.map((s) => s.id)).toEqual(['own']);
    const replaced = withSymbol(added, symbol({ name: 'Renamed' }));
    expect(replaced.symbols).toHaveLength(1);
    expect(replaced.symbols?.[0]?.name).toBe('Renamed');
    expect(() => withSymbol(added, { ...symbol(), colors: { ...FALLBACK_SYMBOL.colors, Faulted: 'red' } })).toThrow(/\/colors\/Faulted has characters that are not allowed/);
    expect(added.symbols?.[0]?.name).toBe('Own');
    expect(project.symbols).toBeUndefined();
  });

  it('refuses to delete a symbol in use, naming who uses it; reverts an edited built-in; refuses a built-in', () => {
    const project = withSymbol(withSymbol(smallProject(), symbol()), symbol({ id: 'wallbox', name: 'Ours' }));
    project.templates = [template({ symbol: 'own' })];
    let error: unknown;
    try {
      withoutSymbol(project, 'own', builtIn);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SymbolError);
    expect((error as SymbolError).code).toBe('Conflict');
    expect((error as Error).message).toBe('Symbol own is in use by template t-ac22 (3 stations): choose another symbol for them first');

    const reverted = withoutSymbol(project, 'wallbox', builtIn);
    expect(reverted.reverted).toBe(true);
    expect(reverted.project.symbols?.map((s) => s.id)).toEqual(['own']);
    expect(() => withoutSymbol(reverted.project, 'wallbox', builtIn)).toThrow(/built in: it cannot be deleted/);
    expect(() => withoutSymbol(project, 'nothing', builtIn)).toThrow(/No symbol nothing/);

    project.templates = [template()];
    const gone = withoutSymbol(project, 'own', builtIn);
    expect(gone.reverted).toBe(false);
    expect(gone.project.symbols?.map((s) => s.id)).toEqual(['wallbox']);
  });

  it('lists the library with origins, users and each station symbol', () => {
    const project = withSymbol(smallProject(), symbol({ id: 'wallbox', name: 'Ours' }));
    project.templates = [template({ symbol: 'wallbox' })];
    const info = symbolLibraryOf(project, builtIn, 7);
    expect(info.version).toBe(7);
    expect(info.symbols.map((s) => [s.id, s.origin, s.users.templates.length])).toEqual([
      ['default', 'builtin', 0],
      ['wallbox', 'customised', 1],
    ]);
    expect(info.stationSymbols).toEqual({ CP1: 'wallbox', CP2: 'wallbox', CP3: 'wallbox' });
    expect(info.unknown).toEqual([]);
  });

  it('names the templates and stations whose symbol the library does not have', () => {
    const project = smallProject();
    project.templates = [template({ symbol: 'gone' })];
    const cp3 = project.sites[0]?.parks[1]?.stations[0];
    if (!cp3) throw new Error('fixture changed');
    cp3.overrides = { symbol: 'lost' };
    const info = symbolLibraryOf(project, builtIn, null);
    expect(info.unknown).toEqual([
      { kind: 'template', id: 't-ac22', symbol: 'gone' },
      { kind: 'station', id: 'CP3', symbol: 'lost' },
    ]);
    expect(info.stationSymbols).toEqual({ CP1: 'default', CP2: 'default', CP3: 'default' });
  });
});
