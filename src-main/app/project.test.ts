// Project files: the demo project loads; a faulty file is refused with a message naming the
// file and the faulty field.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectFile } from '../../src-shared/project/index.ts';
import { ProjectError, checkProject, loadProject } from './project.ts';

const DEMO = resolve(fileURLToPath(import.meta.url), '../../../assets/demo/project.json');
/** The demo as it was written in format 1 (the fixture): the base the format-1 checks break one field at a time. */
const DEMO_V1 = resolve(fileURLToPath(import.meta.url), '../../../assets/fixtures/project-v1/project.json');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'evs-project-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The format-1 demo as plain data, to break one field at a time. */
function demo(): ProjectFile {
  return JSON.parse(readFileSync(DEMO_V1, 'utf8')) as ProjectFile;
}

let n = 0;
function write(content: string): string {
  const path = join(dir, `project-${++n}.json`);
  writeFileSync(path, content);
  return path;
}

/** Loads a project expected to be refused; returns the error. */
function refused(path: string): ProjectError {
  try {
    loadProject(path);
  } catch (error) {
    expect(error).toBeInstanceOf(ProjectError);
    return error as ProjectError;
  }
  throw new Error(`${path} was accepted`);
}

describe('loadProject', () => {
  it('loads the demo project: one site, 12 stations with their groups, badges and settings', () => {
    const project = loadProject(DEMO);
    expect(project.formatVersion).toBe(1);
    expect(project.name).toBe('Demo park');
    const stations = project.sites.flatMap((s) => s.stations);
    expect(stations.length).toBe(12);
    expect(new Set(stations.map((s) => s.id)).size).toBe(12);
    expect(new Set(stations.map((s) => s.protocol))).toEqual(new Set(['ocpp1.6', 'ocpp2.0.1']));
    const groups = new Set(project.sites.flatMap((s) => s.groups.map((g) => g.id)));
    for (const s of stations) expect(groups).toContain(s.group);
    expect(stations.find((s) => s.id === 'DEMO-AC-01')).toMatchObject({ protocol: 'ocpp1.6', password: 'demo-ac-01-secret', connectors: 2 });
    expect(project.badges?.length).toBeGreaterThan(0);
    expect(project.settings).toEqual({ autoAccept: false, heartbeatIntervalS: 60, staleTransactionHours: 24 });
  });

  it('refuses a wrong formatVersion and names the field and the file', () => {
    const p = demo() as unknown as Record<string, unknown>;
    p.formatVersion = 99;
    const path = write(JSON.stringify(p));
    const error = refused(path);
    expect(error.message).toContain(path);
    expect(error.message).toContain('/formatVersion');
  });

  it('refuses a station without protocol and names the station and the missing property', () => {
    const p = demo();
    delete (p.sites[0]?.stations[3] as unknown as Record<string, unknown>).protocol;
    const error = refused(write(JSON.stringify(p)));
    expect(error.message).toContain('/sites/0/stations/3');
    expect(error.message).toContain('protocol');
  });

  it('refuses a station with an unknown protocol and names the field', () => {
    const p = demo();
    (p.sites[0]?.stations[1] as unknown as Record<string, unknown>).protocol = 'ocpp1.5';
    const error = refused(write(JSON.stringify(p)));
    expect(error.message).toContain('/sites/0/stations/1/protocol');
  });

  it('refuses a station in a group its site does not have, naming the station, the group and the site', () => {
    const p = demo();
    const station = p.sites[0]?.stations[5];
    if (!station) throw new Error('demo project changed');
    station.group = 'feeder-xx';
    const error = refused(write(JSON.stringify(p)));
    expect(error.message).toContain('/sites/0/stations/5/group');
    expect(error.message).toContain('feeder-xx');
    expect(error.message).toContain('demo-site');
  });

  it('refuses a station id declared twice, naming the second declaration and the id', () => {
    const p = demo();
    const stations = p.sites[0]?.stations;
    if (!stations?.[0] || !stations[7]) throw new Error('demo project changed');
    stations[7].id = stations[0].id;
    const error = refused(write(JSON.stringify(p)));
    expect(error.message).toContain('/sites/0/stations/7/id');
    expect(error.message).toContain(`"${stations[0].id}" is declared twice`);
  });

  it('refuses unreadable JSON with a message holding the file path', () => {
    const path = write('{ "formatVersion": 1, "name": "broken", ');
    const error = refused(path);
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/cannot read the project/);
  });

  it('refuses a file that does not exist with a message holding its path', () => {
    const path = join(dir, 'missing.json');
    const error = refused(path);
    expect(error.message).toContain(path);
  });

  it('reports several problems at once', () => {
    const p = demo() as unknown as { formatVersion: number; name: string };
    p.formatVersion = 3;
    p.name = '';
    const error = refused(write(JSON.stringify(p)));
    expect(error.message).toContain('/formatVersion');
    expect(error.message).toContain('/name');
  });
});

describe('project badges', () => {
  // BUG (src-main/app/project.ts, projectSchema): `badges: { type: 'array' }` has no item
  // schema, so a badge with a status Authorize cannot answer ('Maybe') or without idTag is
  // accepted; startSupervisor then seeds it (or fails on a missing SQL parameter) instead of
  // the load naming the faulty field.
  it('refuses a badge with an invalid status, naming the badge field', () => {
    const p = demo();
    p.badges = [...(p.badges ?? []), { idTag: 'X', status: 'Maybe', expiresAt: null, parentIdTag: null, label: null } as unknown as NonNullable<ProjectFile['badges']>[number]];
    const index = (p.badges?.length ?? 0) - 1;
    const error = refused(write(JSON.stringify(p)));
    expect(error.message).toContain(`/badges/${index}/status`);
  });
});

describe('checkProject', () => {
  it('accepts the demo data and names the source in its errors', () => {
    expect(checkProject(demo()).name).toBe('Demo park');
    expect(() => checkProject({ formatVersion: 1, name: 'x' }, 'my-source')).toThrow(/my-source is not a valid project file[\s\S]*sites/);
  });
});
