// Structured diff: what stations, limits, views (and the rest) changed between two projects.
import { describe, expect, it } from 'vitest';
import { diffProjects, jsonDiff, loadProject } from './index.ts';
import { V1_FIXTURE, V2_FIXTURE, smallProject } from './test-support.ts';

describe('diffProjects', () => {
  it('finds nothing between a project and itself', () => {
    const diff = diffProjects(smallProject(), smallProject());
    expect(diff.same).toBe(true);
    expect(diff.stations).toEqual({ added: [], removed: [], changed: [] });
    expect(diff.other).toEqual([]);
  });

  it('lists stations added, removed and changed field by field, with where they sit', () => {
    const after = smallProject();
    const park1 = after.sites[0]?.parks[0];
    const park2 = after.sites[0]?.parks[1];
    if (!park1 || !park2) throw new Error('fixture changed');
    park1.stations = park1.stations.filter((s) => s.id !== 'CP2');
    park2.stations.push({ id: 'CP4', template: 't-ac22', group: 'f2' });
    const cp1 = park1.stations[0];
    if (!cp1) throw new Error('fixture changed');
    cp1.position = { x: 50, y: 10 };
    cp1.overrides = { connectors: [{ type: 'Type2' }, { type: 'Type2' }], configuration: { HeartbeatInterval: '60' } };
    cp1.password = 'another-password';

    const diff = diffProjects(smallProject(), after);
    expect(diff.same).toBe(false);
    expect(diff.stations.added).toEqual([{ id: 'CP4', where: 's1/p2' }]);
    expect(diff.stations.removed).toEqual([{ id: 'CP2', where: 's1/p1' }]);
    expect(diff.stations.changed).toEqual([
      {
        id: 'CP1',
        where: 's1/p1',
        changes: [
          // Passwords are never shown, only that they changed.
          { field: 'password', before: '********', after: '********' },
          { field: 'position/x', before: 10, after: 50 },
          { field: 'connectors/2', after: { id: 2, type: 'Type2', maxPowerW: 22_000 } },
          { field: 'configuration/HeartbeatInterval', before: '300', after: '60' },
        ],
      },
    ]);
  });

  it('shows a template edit as a change of every station that follows it, not of those that override the field', () => {
    const after = smallProject();
    const t = after.templates[0];
    if (!t) throw new Error('fixture changed');
    t.maxPowerW = 7_400;
    const diff = diffProjects(smallProject(), after);
    expect(diff.templates.changed).toEqual([{ id: 't-ac22', changes: [{ field: 'maxPowerW', before: 22_000, after: 7_400 }] }]);
    // CP2 overrides maxPowerW: unchanged.
    expect(diff.stations.changed.map((c) => c.id)).toEqual(['CP1', 'CP3']);
    expect(diff.stations.changed[0]?.changes).toEqual([
      { field: 'maxPowerW', before: 22_000, after: 7_400 },
      { field: 'connectors/1/maxPowerW', before: 22_000, after: 7_400 },
    ]);
  });

  it('reports electrical limits changed, groups added and parents moved', () => {
    const after = smallProject();
    const groups = after.sites[0]?.parks[0]?.groups;
    if (!groups?.[0] || !groups[1]) throw new Error('fixture changed');
    groups[0].maxPowerW = 150_000;
    groups[0].maxCurrentA = [200, 200, 200];
    groups[1].parent = undefined;
    delete groups[1].parent;
    groups.push({ id: 'f3', name: 'Feeder 3', maxPowerW: 10_000, parent: 'main' });
    const diff = diffProjects(smallProject(), after);
    expect(diff.groups.added).toEqual([{ id: 'f3', where: 's1/p1' }]);
    expect(diff.groups.changed).toEqual([
      {
        id: 'main',
        where: 's1/p1',
        changes: [
          { field: 'maxPowerW', before: 200_000, after: 150_000 },
          { field: 'maxCurrentA', after: [200, 200, 200] },
        ],
      },
      { id: 'f1', where: 's1/p1', changes: [{ field: 'parent', before: 'main' }] },
    ]);
  });

  it('reports views changed and other settings, matching list items by id', () => {
    const after = smallProject();
    after.views = [
      { id: 'p1-plan', name: 'Park 1 plan', park: 'p1', home: true, placements: [{ station: 'CP3', x: 5, y: 5 }] },
      { id: 'p2-plan', name: 'Park 2', park: 'p2' },
    ];
    after.name = 'Renamed';
    after.users = [{ login: 'eve', role: 'viewer', passwordHash: 'scrypt$x' }];
    after.roles = [{ id: 'viewer', name: 'Viewer', permissions: ['read'] }];
    const diff = diffProjects(smallProject(), after);
    expect(diff.views.added).toEqual([{ id: 'p2-plan' }]);
    expect(diff.views.changed).toEqual([
      {
        id: 'p1-plan',
        changes: [
          { field: 'name', before: 'Park 1', after: 'Park 1 plan' },
          { field: 'placements', after: [{ station: 'CP3', x: 5, y: 5 }] },
        ],
      },
    ]);
    expect(diff.other).toEqual([
      { field: 'name', before: 'Small', after: 'Renamed' },
      { field: 'roles', after: [{ id: 'viewer', name: 'Viewer', permissions: ['read'] }] },
      { field: 'users', after: [{ login: 'eve', role: 'viewer', passwordHash: 'scrypt$x' }] },
    ]);
  });

  it('compares a migrated format-1 project with its format-2 rewrite: same stations, new park id and templates', () => {
    const diff = diffProjects(loadProject(V1_FIXTURE), loadProject(V2_FIXTURE));
    expect(diff.stations.added).toEqual([]);
    expect(diff.stations.removed).toEqual([]);
    expect(diff.parks.added).toEqual([{ id: 'demo-park', where: 'demo-site' }]);
    const changedFields = new Set(diff.stations.changed.flatMap((c) => c.changes.map((x) => x.field.split('/')[0])));
    expect([...changedFields].sort()).toEqual(
      ['alarmRules', 'configuration', 'connectors', 'efficiency', 'maxCurrentA', 'name', 'park', 'securityProfile', 'supplyMaxPowerW', 'symbol', 'template'].sort(),
    );
  });
});

describe('jsonDiff', () => {
  it('matches lists by index when their items have no ids', () => {
    expect(jsonDiff({ a: [1, 2] }, { a: [1, 3, 4] })).toEqual([
      { field: 'a/1', before: 2, after: 3 },
      { field: 'a/2', after: 4 },
    ]);
  });

  it('treats an absent field and an undefined one alike', () => {
    expect(jsonDiff({ a: 1, b: undefined }, { a: 1 })).toEqual([]);
  });
});
