// Version history in a real project folder: every save is a version (author, time, message); list,
// diff, restore (a new version), and a one-file bundle to move the project between workstations.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ProjectError,
  diffVersions,
  exportBundle,
  importBundle,
  listVersions,
  loadProject,
  readVersion,
  restoreVersion,
  saveVersion,
} from './index.ts';
import { V1_FIXTURE, smallProject } from './test-support.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'evs-versions-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const t = (minute: number): Date => new Date(Date.UTC(2025, 0, 15, 9, minute));

async function rejection(promise: Promise<unknown>): Promise<ProjectError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProjectError);
    return error as ProjectError;
  }
  throw new Error('was accepted');
}

describe('version store', () => {
  it('writes versions/0001.json, 0002.json... and project.json, and lists them with author, time and message', async () => {
    const dir = join(root, 'site-a');
    const first = await saveVersion(dir, smallProject(), { author: 'alice', message: 'First layout', now: t(0) });
    const changed = smallProject();
    changed.sites[0]?.parks[1]?.stations.push({ id: 'CP4', template: 't-ac22', group: 'f2' });
    const second = await saveVersion(dir, changed, { author: 'bob', message: 'Add CP4', now: t(5) });

    expect(first).toEqual({ id: 1, author: 'alice', time: '2025-01-15T09:00:00.000Z', message: 'First layout', stations: 3 });
    expect(second.id).toBe(2);
    expect(readdirSync(join(dir, 'versions'))).toEqual(['0001.json', '0002.json']);
    expect(await listVersions(dir)).toEqual([first, second]);
    expect(loadProject(dir).stations.map((s) => s.id)).toEqual(['CP1', 'CP2', 'CP3', 'CP4']);
    expect((await readVersion(dir, 1)).project).toEqual(smallProject());
  });

  it('diffs any two versions', async () => {
    const dir = join(root, 'site-b');
    await saveVersion(dir, smallProject(), { author: 'a', message: 'one', now: t(0) });
    const changed = smallProject();
    const group = changed.sites[0]?.parks[0]?.groups[0];
    if (!group) throw new Error('fixture changed');
    group.maxPowerW = 120_000;
    changed.views = [];
    await saveVersion(dir, changed, { author: 'a', message: 'two', now: t(1) });
    const diff = await diffVersions(dir, 1, 2);
    expect(diff.groups.changed).toEqual([{ id: 'main', where: 's1/p1', changes: [{ field: 'maxPowerW', before: 200_000, after: 120_000 }] }]);
    expect(diff.views.removed).toEqual([{ id: 'p1-plan' }]);
    expect(diff.stations.changed).toEqual([]);
    expect((await diffVersions(dir, 2, 1)).views.added).toEqual([{ id: 'p1-plan' }]);
  });

  it('restores an old version as a new version, keeping the history', async () => {
    const dir = join(root, 'site-c');
    await saveVersion(dir, smallProject(), { author: 'a', message: 'one', now: t(0) });
    const changed = smallProject();
    changed.name = 'Changed';
    await saveVersion(dir, changed, { author: 'a', message: 'two', now: t(1) });
    const restored = await restoreVersion(dir, 1, { author: 'carol', now: t(2) });
    expect(restored).toEqual({ id: 3, author: 'carol', time: '2025-01-15T09:02:00.000Z', message: 'Restore version 1 (one)', restoredFrom: 1, stations: 3 });
    expect((await listVersions(dir)).map((v) => v.id)).toEqual([1, 2, 3]);
    expect(loadProject(dir).project.name).toBe('Small');
    expect((await diffVersions(dir, 1, 3)).same).toBe(true);
  });

  it('refuses to save an invalid project, writing nothing', async () => {
    const dir = join(root, 'site-d');
    await saveVersion(dir, smallProject(), { author: 'a', message: 'one', now: t(0) });
    const bad = smallProject();
    const station = bad.sites[0]?.parks[0]?.stations[0];
    if (!station) throw new Error('fixture changed');
    station.group = 'nowhere';
    const error = await rejection(saveVersion(dir, bad, { author: 'a', message: 'bad' }));
    expect(error.message).toContain('/sites/0/parks/0/stations/0/group "nowhere"');
    expect(readdirSync(join(dir, 'versions'))).toEqual(['0001.json']);
    expect(await rejection(saveVersion(dir, smallProject(), { author: ' ', message: 'x' }))).toHaveProperty('message', expect.stringContaining('/author must not be empty'));
  });

  it('adopts a project.json older than the history as version 1 and keeps the format-1 original', async () => {
    const dir = join(root, 'legacy');
    mkdirSync(dir);
    copyFileSync(V1_FIXTURE, join(dir, 'project.json'));

    const loaded = loadProject(dir).project;
    loaded.name = 'Demo park, edited';
    const saved = await saveVersion(dir, loaded, { author: 'dave', message: 'Rename', now: t(3) });
    expect(saved.id).toBe(2);
    const [adopted] = await listVersions(dir);
    expect(adopted).toMatchObject({ id: 1, author: 'unknown', message: 'Project as found before the version history (format 1)', stations: 12 });
    expect(readFileSync(join(dir, 'project.format1.json'), 'utf8')).toBe(readFileSync(V1_FIXTURE, 'utf8'));
    expect(JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8'))).toMatchObject({ formatVersion: 2, name: 'Demo park, edited' });
    expect((await diffVersions(dir, 1, 2)).other).toEqual([{ field: 'name', before: 'Demo park', after: 'Demo park, edited' }]);
  });

  it('gives concurrent saves distinct version numbers', async () => {
    const dir = join(root, 'busy');
    const saves = await Promise.all(
      Array.from({ length: 5 }, (_, i) => {
        const p = smallProject();
        p.name = `v${i}`;
        return saveVersion(dir, p, { author: 'a', message: `save ${i}`, now: t(i) });
      }),
    );
    expect(saves.map((s) => s.id).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(readdirSync(join(dir, 'versions'))).toHaveLength(5);
  });

  it('names the missing version', async () => {
    const dir = join(root, 'empty');
    await saveVersion(dir, smallProject(), { author: 'a', message: 'one' });
    expect((await rejection(readVersion(dir, 7))).message).toContain('version 7 does not exist');
  });

  it('names the broken version file', async () => {
    const dir = join(root, 'broken');
    await saveVersion(dir, smallProject(), { author: 'a', message: 'one' });
    writeFileSync(join(dir, 'versions', '0002.json'), JSON.stringify({ author: 'a', time: 'x', message: 'm', project: { formatVersion: 2 } }));
    const error = await rejection(listVersions(dir));
    expect(error.message).toContain(join(dir, 'versions', '0002.json'));
    expect(error.message).toContain('/name is required');
  });
});

describe('project bundle', () => {
  it('moves every version and the current project to another folder in one file', async () => {
    const from = join(root, 'workstation-1');
    await saveVersion(from, smallProject(), { author: 'alice', message: 'one', now: t(0) });
    const changed = smallProject();
    changed.name = 'Two';
    await saveVersion(from, changed, { author: 'bob', message: 'two', now: t(1) });
    const bundle = await exportBundle(from, { now: t(9) });
    const file = join(root, 'project.evsbundle.json');
    writeFileSync(file, bundle);

    const to = join(root, 'workstation-2');
    const imported = await importBundle(to, readFileSync(file, 'utf8'), file);
    expect(imported).toEqual(await listVersions(from));
    expect(await listVersions(to)).toEqual(await listVersions(from));
    expect(loadProject(to).project).toEqual(loadProject(from).project);
    expect((await diffVersions(to, 1, 2)).other).toEqual([{ field: 'name', before: 'Small', after: 'Two' }]);
    const next = await saveVersion(to, smallProject(), { author: 'carol', message: 'three' });
    expect(next.id).toBe(3);
  });

  it('refuses to unpack over an existing project, and refuses what is not a bundle, writing nothing', async () => {
    const from = join(root, 'a');
    await saveVersion(from, smallProject(), { author: 'alice', message: 'one' });
    const bundle = await exportBundle(from);
    expect((await rejection(importBundle(from, bundle))).message).toContain('already holds a project');
    const to = join(root, 'b');
    expect((await rejection(importBundle(to, '{"format":"zip"}', 'x.json'))).message).toContain('x.json is not a project bundle:\n  /format must be');
    const broken = JSON.parse(bundle) as { versions: { project: { name: string } }[] };
    if (!broken.versions[0]) throw new Error('bundle changed');
    broken.versions[0].project.name = '';
    expect((await rejection(importBundle(to, JSON.stringify(broken), 'b.json'))).message).toContain('b.json /versions/0/project is not a valid project file');
    expect(existsSync(to)).toBe(false);
  });

  it('exports a folder that has a project.json but no history yet', async () => {
    const dir = join(root, 'plain');
    mkdirSync(dir);
    copyFileSync(V1_FIXTURE, join(dir, 'project.json'));
    const bundle = JSON.parse(await exportBundle(dir)) as { versions: unknown[]; current: { formatVersion: number } };
    expect(bundle.versions).toEqual([]);
    expect(bundle.current.formatVersion).toBe(2);
  });
});
