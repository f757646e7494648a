// Loading: any known format is validated in its own terms (errors name the file and the JSON pointer
// of the faulty field), migrated and resolved; the runtime view is what the supervisor ran before.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ProjectError,
  checkProject,
  checkRuntimeProject,
  loadProject,
  loadRuntimeProject,
} from './index.ts';
import { V1_FIXTURE, V2_FIXTURE, smallProject, v1, v2 } from './test-support.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'evs-project-load-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function write(content: unknown): string {
  const path = join(dir, `project-${++n}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function refused(action: () => unknown): ProjectError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ProjectError);
    return error as ProjectError;
  }
  throw new Error('was accepted');
}

describe('loading format 1 (the first project format)', () => {
  it('loads the v1 fixture into the latest format with its 12 stations, settings and badges', () => {
    const resolved = loadProject(V1_FIXTURE);
    expect(resolved.sourceFormatVersion).toBe(1);
    expect(resolved.project.formatVersion).toBe(2);
    expect(resolved.stations).toHaveLength(12);
    expect(resolved.project.settings).toEqual({ autoAccept: false, heartbeatIntervalS: 60, staleTransactionHours: 24 });
    expect(resolved.project.badges?.length).toBeGreaterThan(0);
  });

  it('names the file and the station field when a station has no protocol', () => {
    const p = v1();
    delete (p.sites[0]?.stations[3] as unknown as Record<string, unknown>).protocol;
    const path = write(p);
    const error = refused(() => loadProject(path));
    expect(error.message).toContain(path);
    expect(error.message).toContain('/sites/0/stations/3/protocol is required');
    expect(error.problems).toContainEqual({ pointer: '/sites/0/stations/3/protocol', message: 'is required' });
  });

  it('lists the allowed values when a protocol is unknown', () => {
    const p = v1();
    (p.sites[0]?.stations[1] as unknown as Record<string, unknown>).protocol = 'ocpp1.5';
    const error = refused(() => checkProject(p, 'demo'));
    expect(error.message).toContain('/sites/0/stations/1/protocol must be one of "ocpp1.6", "ocpp2.0.1"');
  });

  it('keeps the first loader messages for a station in an unknown group and a duplicate id', () => {
    const p = v1();
    const stations = p.sites[0]?.stations ?? [];
    if (!stations[5] || !stations[7] || !stations[0]) throw new Error('fixture changed');
    stations[5].group = 'feeder-xx';
    stations[7].id = stations[0].id;
    const error = refused(() => checkProject(p));
    expect(error.message).toContain('/sites/0/stations/5/group "feeder-xx" is not a group of site demo-site');
    expect(error.message).toContain(`/sites/0/stations/7/id "${stations[0].id}" is declared twice`);
  });

  it('names the badge field of a badge with an invalid status', () => {
    const p = v1() as unknown as { badges: Record<string, unknown>[] };
    p.badges.push({ idTag: 'X', status: 'Maybe', expiresAt: null, parentIdTag: null, label: null });
    const error = refused(() => checkProject(p));
    expect(error.message).toContain(`/badges/${p.badges.length - 1}/status must be one of`);
  });

  it('says "date-time or null" for a badge expiry that is neither', () => {
    const p = v1() as unknown as { badges: Record<string, unknown>[] };
    const badge = p.badges[0];
    if (!badge) throw new Error('fixture changed');
    badge.expiresAt = 'tomorrow';
    const error = refused(() => checkProject(p));
    expect(error.problems).toEqual([{ pointer: '/badges/0/expiresAt', message: 'must be a date-time such as 2025-01-31T12:00:00Z or null' }]);
  });

  it('gives the runtime view the supervisor used before: same stations, groups, settings, badges', () => {
    const before = v1();
    const runtime = loadRuntimeProject(V1_FIXTURE);
    expect(runtime.formatVersion).toBe(1);
    expect(runtime.name).toBe(before.name);
    expect(runtime.settings).toEqual(before.settings);
    expect(runtime.badges).toEqual(before.badges);
    expect(runtime.sites.map((s) => ({ id: s.id, name: s.name, groups: s.groups }))).toEqual(
      before.sites.map((s) => ({ id: s.id, name: s.name, groups: s.groups })),
    );
    const strip = ({ template: _t, park: _p, securityProfile: _s, ...rest }: Record<string, unknown>): Record<string, unknown> => rest;
    expect(runtime.sites[0]?.stations.map((s) => strip({ ...s }))).toEqual(before.sites[0]?.stations);
  });
});

describe('loading format 2', () => {
  it('loads the v2 fixture and a project folder holding project.json', () => {
    expect(loadProject(V2_FIXTURE).stations).toHaveLength(12);
    expect(loadProject(dirname(V2_FIXTURE)).project.name).toBe('Demo park');
  });

  it('points at a station naming an unknown template', () => {
    const p = v2();
    const station = p.sites[0]?.parks[0]?.stations[2];
    if (!station) throw new Error('fixture changed');
    station.template = 'nope';
    const error = refused(() => checkProject(p, 'demo.json'));
    expect(error.message).toMatch(/^demo\.json is not a valid project file:/);
    expect(error.problems).toContainEqual({ pointer: '/sites/0/parks/0/stations/2/template', message: '"nope" is not a template of the project' });
  });

  it('points at an unknown field and lists the known ones', () => {
    const p = v2() as unknown as { sites: { parks: { stations: Record<string, unknown>[] }[] }[] };
    const station = p.sites[0]?.parks[0]?.stations[0];
    if (!station) throw new Error('fixture changed');
    station.maxPowerw = 5;
    const error = refused(() => checkProject(p));
    expect(error.problems[0]?.pointer).toBe('/sites/0/parks/0/stations/0/maxPowerw');
    expect(error.problems[0]?.message).toMatch(/is not a known field \(known fields: id, template, group/);
  });

  it('refuses a group tree with a loop and a parent of another park', () => {
    const p = smallProject();
    const groups = p.sites[0]?.parks[0]?.groups ?? [];
    if (!groups[0]) throw new Error('fixture changed');
    groups[0].parent = 'f1';
    const other = p.sites[0]?.parks[1]?.groups[0];
    if (!other) throw new Error('fixture changed');
    other.parent = 'main';
    const error = refused(() => checkProject(p));
    expect(error.problems.map((x) => x.pointer)).toEqual(
      expect.arrayContaining(['/sites/0/parks/0/groups/0/parent', '/sites/0/parks/0/groups/1/parent', '/sites/0/parks/1/groups/0/parent']),
    );
    expect(error.message).toContain('makes a loop in the electrical tree of park p1');
    expect(error.message).toContain('"main" is not a group of park p2');
  });

  it('refuses a station id used in two parks, naming both places', () => {
    const p = smallProject();
    const station = p.sites[0]?.parks[1]?.stations[0];
    if (!station) throw new Error('fixture changed');
    station.id = 'CP1';
    const error = refused(() => checkProject(p));
    expect(error.problems).toEqual([
      { pointer: '/sites/0/parks/1/stations/0/id', message: '"CP1" is declared twice (first station at /sites/0/parks/0/stations/0/id)' },
    ]);
  });

  it('checks references of views, users and badge categories', () => {
    const p = smallProject();
    p.views = [
      { id: 'v', name: 'V', park: 'p9', placements: [{ station: 'CP9', x: 1, y: 1 }], links: ['w'], home: true },
      { id: 'v2', name: 'V2', home: true },
    ];
    p.roles = [{ id: 'op', name: 'Op', permissions: [] }];
    p.users = [{ login: 'a', role: 'boss' }];
    p.badgeCategories = [{ id: 'c', name: 'C' }];
    p.badges = [{ idTag: 'B1', status: 'Accepted', expiresAt: null, parentIdTag: null, label: null, category: 'd' }];
    const pointers = refused(() => checkProject(p)).problems.map((x) => x.pointer);
    expect(pointers).toEqual(['/views/0/park', '/views/0/placements/0/station', '/views/0/links/0', '/views/1/home', '/users/0/role', '/badges/0/category']);
  });

  it('checks the smart-charging defaults of badge categories field by field', () => {
    const p = smallProject();
    p.badgeCategories = [
      { id: 'staff', name: 'Staff', charging: { priority: 2, departureTime: '17:30', energyWh: 15_000, targetSocPercent: 80, batteryWh: 60_000, vehicleMaxW: 11_000, preconditioning: { minutes: 30, powerW: 5_000 } } },
      { id: 'bad', name: 'Bad', charging: { priority: 0, departureTime: '25:00', targetSocPercent: 80, preconditioning: { minutes: 0, powerW: 5_000 } } },
    ];
    const problems = refused(() => checkProject(p)).problems;
    expect(problems.map((x) => x.pointer).sort()).toEqual(['/badgeCategories/1/charging/departureTime', '/badgeCategories/1/charging/preconditioning/minutes', '/badgeCategories/1/charging/priority']);
    expect(problems.find((x) => x.pointer.endsWith('departureTime'))?.message).toContain('HH:MM');
    // The schema passes, then the pair rule speaks.
    p.badgeCategories = [{ id: 'bad', name: 'Bad', charging: { targetSocPercent: 80 } }];
    expect(refused(() => checkProject(p)).problems).toEqual([{ pointer: '/badgeCategories/0/charging/batteryWh', message: 'give the target state of charge and the battery capacity together' }]);
    p.badgeCategories = [{ id: 'staff', name: 'Staff', charging: { priority: 2, departureTime: '07:05', targetSocPercent: 80, batteryWh: 60_000 } }];
    expect(() => checkProject(p)).not.toThrow();
  });

  it('accepts an IANA time zone for the sites and names one it does not know', () => {
    const p = smallProject();
    p.settings = { timeZone: 'Europe/Paris' };
    expect(() => checkProject(p)).not.toThrow();
    p.settings = { timeZone: 'Mars/Olympus' };
    expect(refused(() => checkProject(p)).problems).toEqual([{ pointer: '/settings/timeZone', message: '"Mars/Olympus" is not a time zone this computer knows: give an IANA name, e.g. Europe/Paris' }]);
  });

  it('says which archive kinds exist and what a SQL Server archive lacks', () => {
    const p = smallProject() as unknown as Record<string, unknown>;
    p.archive = { kind: 'mysql' };
    expect(refused(() => checkProject(p)).message).toContain('/archive/kind must be one of the known kinds');
    p.archive = { kind: 'sqlserver', server: 'db' };
    expect(refused(() => checkProject(p)).problems).toContainEqual({ pointer: '/archive/database', message: 'is required' });
  });
});

describe('files that are not a project of a known format', () => {
  it('says a newer format was saved by a newer program, and still checks the name', () => {
    const p = v1() as unknown as Record<string, unknown>;
    p.formatVersion = 3;
    p.name = '';
    const error = refused(() => checkProject(p, 'x.json'));
    expect(error.message).toContain('/formatVersion is 3: the project was saved by a newer EV Supervisor; this one reads formats 1, 2');
    expect(error.message).toContain('/name must not be empty');
  });

  it('refuses a missing format version', () => {
    expect(refused(() => checkProject({ name: 'x', sites: [] })).message).toContain('/formatVersion must be one of 1, 2');
  });

  it('refuses a document that is not an object', () => {
    expect(refused(() => checkProject([1, 2], 'list.json')).message).toContain('list.json is not a valid project file:\n  (root) must be an object');
  });

  it('names the file when it is not JSON or does not exist', () => {
    const path = write('{ "formatVersion": 1, ');
    expect(refused(() => loadProject(path)).message).toMatch(new RegExp(`^${path}: cannot read the project: `));
    const missing = join(dir, 'missing.json');
    expect(refused(() => loadProject(missing)).message).toContain(missing);
  });

  it('checkRuntimeProject names its source in errors', () => {
    expect(() => checkRuntimeProject({ formatVersion: 1, name: 'x' }, 'my-source')).toThrow(/my-source is not a valid project file[\s\S]*\/sites is required/);
  });
});
