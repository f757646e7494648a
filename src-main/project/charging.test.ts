// "Add EV charging to an existing project", pure: the library's templates, symbols, views
// and alarm rules come in without overwriting the project's customisations; views follow the
// station count (pages and a selector past what a plan shows); the home view links the new views;
// merging twice changes nothing the second time.
import { describe, expect, it } from 'vitest';
import type { PlanSymbol, ProjectFileV2 } from '../../src-shared/project/index.ts';
import { ProjectError, VIEW_STATION_LIMIT, checkProject, chargingViews, derivePassword, loadSymbolLibrary, loadTemplateLibrary, mergeLibrary, type ChargingLibrary } from './index.ts';
import { smallProject, template } from './test-support.ts';

const RULES = [
  { id: 'comm-lost', name: 'Communication lost', kind: 'communicationLost', severity: 'major' as const, onDelayMs: 30_000 },
  { id: 'faulted', name: 'Faulted', kind: 'connectorFaulted', severity: 'major' as const },
];

function library(): ChargingLibrary {
  return { templates: loadTemplateLibrary(), alarmRules: structuredClone(RULES) };
}

/** A building project with no charging part yet: one site, one park, no station, no template. */
function building(): ProjectFileV2 {
  return {
    formatVersion: 2,
    name: 'Office building',
    sites: [{ id: 'hq', name: 'HQ', parks: [{ id: 'garage', name: 'Garage', groups: [{ id: 'tg', name: 'TGBT', maxPowerW: 250_000 }], stations: [] }] }],
    templates: [],
  };
}

describe('mergeLibrary', () => {
  it('adds every library template, the alarm rules, a plan per park and a home view linking it', () => {
    const { project, report } = mergeLibrary(building(), library());
    expect(report.templates.added).toHaveLength(loadTemplateLibrary().length);
    expect(report.templates.kept).toEqual([]);
    expect(report.alarmRules.added).toEqual(['comm-lost', 'faulted']);
    expect(project.views?.map((v) => v.id)).toEqual(['home', 'garage-plan']);
    expect(project.views?.[0]).toMatchObject({ home: true, links: ['garage-plan'] });
    expect(report.homeLinks).toEqual(['garage-plan']);
    expect(report.changed).toBe(true);
    expect(report.symbols).toBeUndefined();
    expect(() => checkProject(project)).not.toThrow();
  });

  it("keeps the project's customised template, view and rule (same id, other content) and reports them as kept", () => {
    const own = building();
    const lib = library();
    const custom = { ...structuredClone(lib.templates[0]!), maxPowerW: 3_700, name: 'Our own' };
    own.templates.push(custom);
    own.alarmRules = [{ ...RULES[0]!, severity: 'critical' }];
    own.views = [{ id: 'garage-plan', name: 'Our garage drawing', park: 'garage', home: true }];
    const { project, report } = mergeLibrary(own, lib);
    expect(report.templates.kept).toEqual([custom.id]);
    expect(project.templates.find((t) => t.id === custom.id)).toEqual(custom);
    expect(report.alarmRules).toEqual({ added: ['faulted'], kept: ['comm-lost'], unchanged: [] });
    expect(project.alarmRules?.[0]?.severity).toBe('critical');
    expect(report.views.kept).toEqual(['garage-plan']);
    expect(project.views).toEqual(own.views);
  });

  it('is idempotent: merging the result again changes nothing and reports everything unchanged', () => {
    const first = mergeLibrary(building(), library());
    const second = mergeLibrary(first.project, library());
    expect(second.report.changed).toBe(false);
    expect(second.project).toEqual(first.project);
    expect(second.report.templates.added).toEqual([]);
    expect(second.report.views.added).toEqual([]);
    expect(second.report.alarmRules.added).toEqual([]);
    expect(second.report.homeLinks).toEqual([]);
    expect(second.report.templates.unchanged).toHaveLength(first.report.templates.added.length);
  });

  it('leaves a project that already draws its parks alone and links new views from the existing home view', () => {
    const project = smallProject();
    const { project: merged, report } = mergeLibrary(project, library());
    // p1 has its own view (p1-plan, the home): not replaced; p2 gets one, linked from the home.
    expect(report.views.added).toEqual(['p2-plan']);
    expect(report.homeLinks).toEqual(['p2-plan']);
    expect(merged.views?.find((v) => v.id === 'p1-plan')).toMatchObject({ home: true, park: 'p1', links: ['p2-plan'] });
    expect(merged.templates[0]).toEqual(template());
    expect(() => checkProject(merged)).not.toThrow();
  });

  it('merges symbols when the library has them, keeping the project ones', () => {
    const [wallbox, dc] = ['wallbox', 'dc-charger'].map((id) => loadSymbolLibrary().find((sym) => sym.id === id)) as [PlanSymbol, PlanSymbol];
    const ours: PlanSymbol = { ...structuredClone(wallbox), name: 'Our wallbox', colors: { ...wallbox.colors, Charging: '#ff00aa' } };
    const own: ProjectFileV2 = { ...building(), symbols: [ours] };
    const lib: ChargingLibrary = { ...library(), symbols: [wallbox, dc] };
    const { project, report } = mergeLibrary(own, lib);
    expect(report.symbols).toEqual({ added: ['dc-charger'], kept: ['wallbox'], unchanged: [] });
    expect(project.symbols).toEqual([ours, dc]);
    expect(() => checkProject(project)).not.toThrow();
  });
});

describe('mergeLibrary with chargers (the engineer sizes the installation)', () => {
  const SEED = 'sizing-test-seed-0123456789';

  it('instantiates the chargers into their park with derived passwords, and the views follow the count', () => {
    const { project, report } = mergeLibrary(building(), library(), {
      chargers: [
        { parkId: 'garage', template: 'ac-22kw-wallbox', pattern: 'G-CP{001..}', count: 160, group: 'tg' },
        { parkId: 'garage', template: 'dc-150kw', pattern: 'G-DC{1..2}', group: 'tg' },
      ],
      passwordSeed: SEED,
    });
    const stations = project.sites[0]?.parks[0]?.stations ?? [];
    expect(report.stations).toHaveLength(162);
    expect(report.stations?.slice(0, 2)).toEqual(['G-CP001', 'G-CP002']);
    expect(report.stations?.at(-1)).toBe('G-DC2');
    expect(stations.map((st) => st.id)).toEqual(report.stations);
    expect(stations[0]).toEqual({ id: 'G-CP001', template: 'ac-22kw-wallbox', group: 'tg', password: derivePassword(SEED, 'G-CP001') });
    // 162 stations: past what one plan shows, the park's plan links to pages (the selector).
    expect(project.views?.find((v) => v.id === 'garage-plan')?.links).toEqual(['garage-plan-p1', 'garage-plan-p2']);
    expect(() => checkProject(project)).not.toThrow();
    expect(report.changed).toBe(true);
  });

  it('names every faulty field of the request and changes nothing', () => {
    const before = building();
    before.sites[0]?.parks[0]?.stations.push({ id: 'G-CP1', template: 'x', group: 'tg' });
    const snapshot = structuredClone(before);
    let error: unknown;
    try {
      mergeLibrary(before, library(), {
        chargers: [
          { parkId: 'nowhere', template: 'ac-22kw-wallbox', pattern: 'A{1..2}', group: 'tg' },
          { parkId: 'garage', template: 'no-such-template', pattern: 'B{1..2}', group: 'tg' },
          { parkId: 'garage', template: 'ac-22kw-wallbox', pattern: 'C{1..2}', group: 'no-group' },
          { parkId: 'garage', template: 'ac-22kw-wallbox', pattern: 'G-CP{1..3}', group: 'tg' },
          { parkId: 'garage', template: 'ac-22kw-wallbox', pattern: 'D{1..', group: 'tg' },
        ],
        passwordSeed: SEED,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProjectError);
    const pointers = (error as ProjectError).problems.map((p) => p.pointer);
    expect(pointers).toEqual(['/chargers/0/parkId', '/chargers/1/template', '/chargers/2/group', '/chargers/3/pattern', '/chargers/4/pattern']);
    expect((error as ProjectError).problems[3]?.message).toContain('"G-CP1"');
    expect(before).toEqual(snapshot);
  });

  it('asks for the password seed when the chargers need passwords (security profile 1 or 2)', () => {
    expect(() => mergeLibrary(building(), library(), { chargers: [{ parkId: 'garage', template: 'dc-50kw', pattern: 'P{1..3}', group: 'tg' }] })).toThrow(
      /passwordSeed is required: 3 chargers use security profile 1 or 2/,
    );
  });

  it('merging again without chargers changes nothing (the chargers are in the project now)', () => {
    const first = mergeLibrary(building(), library(), { chargers: [{ parkId: 'garage', template: 'ac-22kw-wallbox', pattern: 'G{1..4}', group: 'tg' }], passwordSeed: SEED });
    const again = mergeLibrary(first.project, library());
    expect(again.report.changed).toBe(false);
    expect(again.report.stations).toBeUndefined();
  });
});

describe('chargingViews', () => {
  it('past what a plan shows, splits the park into pages its plan links to (the selector)', () => {
    const project = building();
    const park = project.sites[0]!.parks[0]!;
    project.templates.push(template());
    for (let i = 1; i <= VIEW_STATION_LIMIT * 2 + 10; i++) park.stations.push({ id: `G-${String(i).padStart(3, '0')}`, template: 't-ac22', group: 'tg' });
    const views = chargingViews(project);
    expect(views.map((v) => v.id)).toEqual(['garage-plan', 'garage-plan-p1', 'garage-plan-p2', 'garage-plan-p3']);
    expect(views[0]).toMatchObject({ park: 'garage', links: ['garage-plan-p1', 'garage-plan-p2', 'garage-plan-p3'] });
    expect(views.slice(1).map((v) => v.placements?.length)).toEqual([VIEW_STATION_LIMIT, VIEW_STATION_LIMIT, 10]);
    expect(views[3]?.name).toBe('Garage (3/3: G-301 … G-310)');
    const placed = views.slice(1).flatMap((v) => v.placements ?? []);
    expect(new Set(placed.map((p) => p.station)).size).toBe(park.stations.length);
    for (const p of placed) expect(p.x >= 0 && p.x <= 100 && p.y >= 0 && p.y <= 100).toBe(true);
    // The merged project is valid and its home links the park plan, not every page.
    const { project: merged } = mergeLibrary(project, library());
    expect(merged.views?.find((v) => v.home)?.links).toEqual(['garage-plan']);
    expect(() => checkProject(merged)).not.toThrow();
  });

  it('a park up to the limit gets one plan without pages', () => {
    const project = building();
    project.templates.push(template());
    const park = project.sites[0]!.parks[0]!;
    for (let i = 1; i <= VIEW_STATION_LIMIT; i++) park.stations.push({ id: `G${i}`, template: 't-ac22', group: 'tg' });
    expect(chargingViews(project)).toEqual([{ id: 'garage-plan', name: 'Garage', park: 'garage' }]);
  });
});
