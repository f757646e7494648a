import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backgroundProblem } from './ground-plan-store.ts';
import { GroundPlanError, groundPlansOf, groundPlansOfRuntime, moveStations, placementProblems } from './ground-plans.ts';
import { loadProject } from './load.ts';
import type { ProjectFileV2 } from '../../src-shared/project/index.ts';

const DEMO = loadProject(resolve(fileURLToPath(import.meta.url), '../../../assets/demo/project.json')).project;
const SOURCE = { version: 3, customBackgrounds: new Set<string>() };

/** Two parks; P2 has an unplaced station and a view that moves one of its stations. */
function twoParks(): ProjectFileV2 {
  const project = structuredClone(DEMO);
  const site = project.sites[0];
  if (!site) throw new Error('demo has no site');
  const first = site.parks[0];
  if (!first) throw new Error('demo has no park');
  const template = first.stations[0]?.template ?? 'x';
  site.parks.push({
    id: 'P2',
    name: 'Second park',
    groups: [{ id: 'g-p2', name: 'P2 feeder', maxPowerW: 100_000 }],
    stations: [
      { id: 'P2-A', template, group: 'g-p2', position: { x: 10, y: 10 } },
      { id: 'P2-B', template, group: 'g-p2' },
      { id: 'P2-C', template, group: 'g-p2', position: { x: 50, y: 50 } },
    ],
  });
  project.views = [...(project.views ?? []), { id: 'p2-plan', name: 'P2', park: 'P2', placements: [{ station: 'P2-C', x: 70, y: 80 }] }];
  return project;
}

describe('ground plans of a project', () => {
  it('gives one plan per park with the format-1 demo positions and no unplaced station', () => {
    const plans = groundPlansOf(DEMO, SOURCE);
    expect(plans).toHaveLength(1);
    const plan = plans[0];
    expect(plan?.parkId).toBe('demo-site');
    expect(plan?.placements).toHaveLength(12);
    expect(plan?.placements.find((p) => p.stationId === 'DEMO-DC-03')).toEqual({ stationId: 'DEMO-DC-03', x: 52, y: 75 });
    expect(plan?.unplaced).toEqual([]);
    expect(plan?.version).toBe(3);
    expect(plan?.background).toBe('/api/v1/ground-plans/demo-site/background');
  });

  it("lists stations without a position as unplaced and takes the park view's placement over the station's position", () => {
    const p2 = groundPlansOf(twoParks(), { version: null, customBackgrounds: new Set(['P2']) }).find((p) => p.parkId === 'P2');
    expect(p2?.unplaced).toEqual(['P2-B']);
    expect(p2?.placements).toEqual([
      { stationId: 'P2-A', x: 10, y: 10 },
      { stationId: 'P2-C', x: 70, y: 80 },
    ]);
    expect(p2?.customBackground).toBe(true);
  });
});

describe('ground plans of a format-1 runtime project', () => {
  it('gives one plan per site, stations with a position placed and the others unplaced', () => {
    const plans = groundPlansOfRuntime(
      {
        formatVersion: 1,
        name: 'p',
        sites: [
          {
            id: 's1',
            name: 'Site 1',
            groups: [{ id: 'g', name: 'g', maxPowerW: 1000 }],
            stations: [
              { id: 'A', group: 'g', protocol: 'ocpp1.6', kind: 'AC', maxPowerW: 7000, connectors: 1, position: { x: 5, y: 6 } },
              { id: 'B', group: 'g', protocol: 'ocpp1.6', kind: 'AC', maxPowerW: 7000, connectors: 1 },
            ],
          },
        ],
      },
      { version: null, customBackgrounds: new Set() },
    );
    expect(plans).toEqual([
      expect.objectContaining({ siteId: 's1', parkId: 's1', name: 'Site 1', placements: [{ stationId: 'A', x: 5, y: 6 }], unplaced: ['B'], version: null, customBackground: false }),
    ]);
  });
});

describe('moving stations', () => {
  it('sets the positions of the listed stations only, drops their view placements and leaves the input untouched', () => {
    const project = twoParks();
    const before = JSON.stringify(project);
    const { project: next, moved } = moveStations(project, 'P2', [
      { stationId: 'P2-B', x: 33.333333, y: 40 },
      { stationId: 'P2-C', x: 20, y: 20 },
    ]);
    expect(JSON.stringify(project)).toBe(before);
    expect(moved.sort()).toEqual(['P2-B', 'P2-C']);
    const plan = groundPlansOf(next, SOURCE).find((p) => p.parkId === 'P2');
    expect(plan?.unplaced).toEqual([]);
    expect(plan?.placements).toEqual([
      { stationId: 'P2-A', x: 10, y: 10 },
      { stationId: 'P2-B', x: 33.33, y: 40 },
      { stationId: 'P2-C', x: 20, y: 20 },
    ]);
    expect(next.views?.find((v) => v.id === 'p2-plan')?.placements).toEqual([]);
  });

  it('takes stations off the plan (position and view placement), refusing one that is also placed', () => {
    const { project: next, moved } = moveStations(twoParks(), 'P2', [], ['P2-A', 'P2-C']);
    expect(moved.sort()).toEqual(['P2-A', 'P2-C']);
    const plan = groundPlansOf(next, SOURCE).find((p) => p.parkId === 'P2');
    expect(plan?.placements).toEqual([]);
    expect(plan?.unplaced).toEqual(['P2-A', 'P2-B', 'P2-C']);
    expect(() => moveStations(twoParks(), 'P2', [{ stationId: 'P2-A', x: 1, y: 1 }], ['P2-A'])).toThrow('unplace[0]: station P2-A is both placed and taken off the plan');
    expect(() => moveStations(twoParks(), 'P2', [], ['DEMO-AC-01'])).toThrow('unplace[0]: station DEMO-AC-01 is not in park P2');
  });

  it('reports nothing moved when every station is already where it is sent', () => {
    expect(moveStations(DEMO, 'demo-site', [{ stationId: 'DEMO-AC-01', x: 8, y: 20 }]).moved).toEqual([]);
  });

  it('refuses a station of another park, a station twice and a place outside 0..100, naming each', () => {
    const problems = placementProblems(twoParks(), 'P2', [
      { stationId: 'DEMO-AC-01', x: 1, y: 1 },
      { stationId: 'P2-A', x: 101, y: 5 },
      { stationId: 'P2-A', x: 5, y: -1 },
    ]);
    expect(problems).toEqual([
      'placements[0]: station DEMO-AC-01 is not in park P2',
      'placements[1]: x = 101 of P2-A is outside the plan (0 to 100 %)',
      'placements[2]: station P2-A is placed twice',
      'placements[2]: y = -1 of P2-A is outside the plan (0 to 100 %)',
    ]);
    expect(() => moveStations(twoParks(), 'P2', [{ stationId: 'NOPE', x: 1, y: 1 }])).toThrow(/station NOPE is not in park P2/);
  });

  it('refuses an unknown park as NotFound, listing the parks there are', () => {
    try {
      moveStations(DEMO, 'nowhere', []);
      expect.unreachable('an unknown park must be refused');
    } catch (error) {
      expect(error).toBeInstanceOf(GroundPlanError);
      expect((error as GroundPlanError).code).toBe('NotFound');
      expect((error as Error).message).toBe('No park nowhere in the project (parks: demo-site)');
    }
  });
});

describe('background images', () => {
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
  it('accepts PNG, JPEG and SVG by their first bytes and refuses a mislabelled, empty or oversized one', () => {
    expect(backgroundProblem('image/png', png)).toBeNull();
    expect(backgroundProblem('image/jpeg', Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1]))).toBeNull();
    expect(backgroundProblem('image/svg+xml', new TextEncoder().encode('\uFEFF<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBeNull();
    expect(backgroundProblem('image/jpeg', png)).toMatch(/not a JPEG/);
    expect(backgroundProblem('image/svg+xml', new TextEncoder().encode('hello'))).toMatch(/not an SVG/);
    expect(backgroundProblem('image/png', new Uint8Array(0))).toMatch(/empty/);
    const big = new Uint8Array(3 * 1024 * 1024);
    big.set(png);
    expect(backgroundProblem('image/png', big)).toBe('The background image has 3,145,728 bytes; at most 2,097,152 (2 MB) are accepted');
  });
});
