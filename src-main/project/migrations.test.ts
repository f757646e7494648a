// Migrations: every older format opens in the latest one without manual edits. Each fixture
// folder assets/fixtures/project-v<N>/ is loaded; format 1 must resolve to exactly the stations the
// supervisor ran from it before.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_FORMAT_LATEST, PROJECT_FORMAT_VERSIONS, type ProjectFile } from '../../src-shared/project/index.ts';
import { MIGRATIONS, checkProject, loadProject, migrate, toRuntimeProject, validateV2 } from './index.ts';
import { FIXTURES, V1_FIXTURE, V2_FIXTURE, readJson, v1 } from './test-support.ts';

/** The fields a format-1 station declared. */
function v1Fields(project: ProjectFile): Record<string, unknown>[] {
  return project.sites.flatMap((site) =>
    site.stations.map((s) => ({
      site: site.id,
      id: s.id,
      group: s.group,
      protocol: s.protocol,
      password: s.password,
      vendor: s.vendor,
      model: s.model,
      kind: s.kind,
      maxPowerW: s.maxPowerW,
      connectors: s.connectors,
      phases: s.phases,
      position: s.position,
    })),
  );
}

describe('the migration chain', () => {
  it('has one step per format, without gaps, up to the latest format', () => {
    expect(MIGRATIONS.map((m) => [m.from, m.to])).toEqual(
      PROJECT_FORMAT_VERSIONS.slice(0, -1).map((v) => [v, v + 1]),
    );
    expect(PROJECT_FORMAT_VERSIONS.at(-1)).toBe(PROJECT_FORMAT_LATEST);
  });

  it('has a fixture folder for every format it reads', () => {
    const folders = readdirSync(FIXTURES).filter((f) => /^project-v\d+$/.test(f)).sort();
    expect(folders).toEqual(PROJECT_FORMAT_VERSIONS.map((v) => `project-v${v}`));
  });

  it.each(PROJECT_FORMAT_VERSIONS.map((v) => [v]))('opens the format %i fixture in the latest format, valid and resolved', (version) => {
    const file = join(FIXTURES, `project-v${version}`, 'project.json');
    expect(readJson<{ formatVersion: number }>(file).formatVersion).toBe(version);
    const resolved = loadProject(file);
    expect(resolved.sourceFormatVersion).toBe(version);
    expect(resolved.project.formatVersion).toBe(PROJECT_FORMAT_LATEST);
    expect(validateV2(resolved.project)).toEqual([]);
    expect(resolved.stations.length).toBeGreaterThan(0);
  });

  it('does not change the document it migrates', () => {
    const input = v1();
    const copy = structuredClone(input);
    migrate(input, 1);
    expect(input).toEqual(copy);
  });

  it('gives a project that loads again unchanged (saving a migrated project is stable)', () => {
    const once = loadProject(V1_FIXTURE).project;
    const twice = checkProject(structuredClone(once)).project;
    expect(twice).toEqual(once);
  });
});

describe('format 1 → 2', () => {
  it('resolves the v1 fixture to the same stations: ids, protocols, powers, passwords, groups, positions', () => {
    const before = v1();
    const after = toRuntimeProject(loadProject(V1_FIXTURE));
    expect(v1Fields(after)).toEqual(v1Fields(before));
  });

  it('puts each site in one park of the same id and makes one template per kind of station', () => {
    const project = loadProject(V1_FIXTURE).project;
    expect(project.sites.map((s) => s.parks.map((p) => p.id))).toEqual([['demo-site']]);
    expect(project.templates.map((t) => [t.id, t.kind, t.maxPowerW, t.connectors.length, t.protocol])).toEqual([
      ['evs-sim-ac22-2', 'AC', 22_000, 2, 'ocpp1.6'],
      ['evs-sim-dc150-2', 'DC', 150_000, 2, 'ocpp2.0.1'],
    ]);
    const stations = project.sites[0]?.parks[0]?.stations ?? [];
    // Only a protocol different from the template's is kept on the station; nothing else is overridden.
    expect(stations.filter((s) => s.protocol !== undefined).map((s) => s.id)).toEqual([
      'DEMO-AC-02',
      'DEMO-AC-04',
      'DEMO-AC-06',
      'DEMO-AC-08',
      'DEMO-DC-02',
      'DEMO-DC-04',
    ]);
    expect(stations.every((s) => s.overrides === undefined)).toBe(true);
    expect(project.views).toEqual([{ id: 'demo-site-plan', name: 'Demo site', park: 'demo-site', home: true }]);
  });

  it('gives distinct templates to stations of one model with different powers, and names templates without a model', () => {
    const project: ProjectFile = {
      formatVersion: 1,
      name: 'Mixed',
      sites: [
        {
          id: 'a',
          name: 'A',
          groups: [{ id: 'g', name: 'G', maxPowerW: 100_000, parent: 'g0' }, { id: 'g0', name: 'root', maxPowerW: 200_000 }],
          stations: [
            { id: 'S1', group: 'g', protocol: 'ocpp1.6', vendor: 'V', model: 'M', kind: 'AC', maxPowerW: 22_000, connectors: 2 },
            { id: 'S2', group: 'g', protocol: 'ocpp1.6', vendor: 'V', model: 'M', kind: 'AC', maxPowerW: 11_000, connectors: 2 },
            { id: 'S3', group: 'g', protocol: 'ocpp2.0.1', kind: 'DC', maxPowerW: 50_000, connectors: 1, position: { x: 120, y: -3 } },
          ],
        },
      ],
    };
    const resolved = checkProject(project);
    expect(resolved.project.templates.map((t) => t.id)).toEqual(['v-m', 'v-m-2', 'dc-50-kw-x1']);
    expect(resolved.stations.map((s) => [s.id, s.template, s.maxPowerW])).toEqual([
      ['S1', 'v-m', 22_000],
      ['S2', 'v-m-2', 11_000],
      ['S3', 'dc-50-kw-x1', 50_000],
    ]);
    // Positions outside the plan are brought onto its edge.
    expect(resolved.stations[2]?.position).toEqual({ x: 100, y: 0 });
    expect(toRuntimeProject(resolved).sites[0]?.groups).toEqual(project.sites[0]?.groups);
  });

  it('tolerates the extra fields format 1 tolerated (they are dropped)', () => {
    const p = v1() as unknown as { sites: { stations: Record<string, unknown>[] }[] };
    const station = p.sites[0]?.stations[0];
    if (!station) throw new Error('fixture changed');
    station.comment = 'installed 2023';
    expect(checkProject(p).project.sites[0]?.parks[0]?.stations[0]).not.toHaveProperty('comment');
  });

  it('the format 2 fixture (the demo rewritten in format 2) gives the supervisor the same stations as the format 1 one', () => {
    const fromV1 = v1Fields(toRuntimeProject(loadProject(V1_FIXTURE)));
    const fromV2 = v1Fields(toRuntimeProject(loadProject(V2_FIXTURE)));
    expect(fromV2).toEqual(fromV1);
  });
});
