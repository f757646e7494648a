// Badge categories: the shared field check agrees with the project schema (same limits, same pair
// rule), a put adds or replaces one category and nothing else, a removal is refused while project or
// operator badges use the category, and the editor saves versions through the workspace queue.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BadgeCategory, ProjectFileV2 } from '../../src-shared/project/index.ts';
import { BADGE_CATEGORY_LIMITS, badgeCategoryProblems, badgeCategoryUsage } from '../../src-shared/project/badge-categories.ts';
import { BadgeCategoryEditor, BadgeCategoryError, putBadgeCategory, removeBadgeCategory } from './badge-category-editor.ts';
import { checkProject, loadProject } from './load.ts';
import { ProjectError } from './errors.ts';
import { ProjectWorkspace } from './workspace.ts';
import { DEMO_PROJECT } from '../app/test-support.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function demo(): ProjectFileV2 {
  const project = structuredClone(loadProject(DEMO_PROJECT).project);
  // The demo's own categories aside: these tests start from two known ones.
  for (const b of project.badges ?? []) delete b.category;
  project.badgeCategories = [
    { id: 'staff', name: 'Staff', color: '#3b9eff', charging: { priority: 2, departureTime: '17:30', energyWh: 20_000 } },
    { id: 'visitors', name: 'Visitors' },
  ];
  const first = project.badges?.[0];
  if (!first) throw new Error('the demo project has badges');
  first.category = 'staff';
  return project;
}

/** Whether the whole project (the schema and its rules) accepts the category. */
function projectAccepts(category: unknown): boolean {
  const project = demo();
  project.badgeCategories = [category as BadgeCategory];
  delete project.badges?.[0]?.category;
  try {
    checkProject(project, 'test');
    return true;
  } catch (error) {
    if (error instanceof ProjectError) return false;
    throw error;
  }
}

describe('badgeCategoryProblems', () => {
  it('accepts a full category and names each bad field with a code', () => {
    const good = {
      id: 'mgmt',
      name: 'Management',
      color: '#ff0000',
      description: 'board',
      charging: { priority: 3, departureTime: '08:05', energyWh: 30_000, targetSocPercent: 80, batteryWh: 60_000, vehicleMaxW: 11_000, preconditioning: { minutes: 20, powerW: 3_000 } },
    };
    expect(badgeCategoryProblems(good)).toEqual([]);
    const bad = badgeCategoryProblems({ id: 'a b', name: ' ', extra: 1, charging: { priority: 0, departureTime: '24:00', energyWh: 'x', targetSocPercent: 80, speed: 2 } });
    const byPointer = Object.fromEntries(bad.map((p) => [p.pointer, p.code]));
    expect(byPointer).toEqual({
      '/id': 'idFormat',
      '/name': 'required',
      '/extra': 'unknownField',
      '/charging/priority': 'range',
      '/charging/departureTime': 'time',
      '/charging/energyWh': 'number',
      '/charging/speed': 'unknownField',
      '/charging/batteryWh': 'pair',
    });
    expect(bad.find((p) => p.pointer === '/charging/priority')?.params).toEqual({ max: BADGE_CATEGORY_LIMITS.priorityMax });
  });

  it('checks pre-conditioning as a pair of whole minutes and a power', () => {
    const codes = (preconditioning: unknown) => badgeCategoryProblems({ id: 'c', name: 'C', charging: { preconditioning } }).map((p) => [p.pointer, p.code]);
    expect(codes({ minutes: 20 })).toEqual([['/charging/preconditioning/powerW', 'required']]);
    expect(codes({ minutes: 2.5, powerW: 60_000 })).toEqual([
      ['/charging/preconditioning/minutes', 'integer'],
      ['/charging/preconditioning/powerW', 'range'],
    ]);
    expect(codes({ minutes: 241, powerW: 1, fan: true })).toEqual([
      ['/charging/preconditioning/fan', 'unknownField'],
      ['/charging/preconditioning/minutes', 'range'],
    ]);
    expect(codes(5)).toEqual([['/charging/preconditioning', 'object']]);
    for (const [value, ok] of [[{ minutes: 240, powerW: 50_000 }, true], [{ minutes: 241, powerW: 50_000 }, false], [{ minutes: 1, powerW: 50_001 }, false], [{ minutes: 1.5, powerW: 10 }, false], [{ minutes: 10 }, false]] as const) {
      const category = { id: 'c', name: 'C', charging: { preconditioning: value } };
      expect(badgeCategoryProblems(category).length === 0, JSON.stringify(value)).toBe(ok);
      expect(projectAccepts(category), `${JSON.stringify(value)} (schema)`).toBe(ok);
    }
  });

  it('refuses a taken id on create and an unknown one on edit', () => {
    const existing = new Set(['staff']);
    expect(badgeCategoryProblems({ id: 'staff', name: 'S' }, { create: true, existing }).map((p) => p.code)).toEqual(['taken']);
    expect(badgeCategoryProblems({ id: 'other', name: 'O' }, { create: false, existing }).map((p) => p.code)).toEqual(['notFound']);
    expect(badgeCategoryProblems({ id: 'other', name: 'O' }, { existing })).toEqual([]);
  });

  it('has the limits of the project schema: each maximum accepted, just above refused by both', () => {
    const fields = [
      ['priority', BADGE_CATEGORY_LIMITS.priorityMax],
      ['energyWh', BADGE_CATEGORY_LIMITS.energyWhMax],
      ['vehicleMaxW', BADGE_CATEGORY_LIMITS.vehicleMaxWMax],
    ] as const;
    for (const [field, max] of fields) {
      for (const [value, ok] of [[max, true], [max + 0.5, false], [0, false]] as const) {
        const category = { id: 'c', name: 'C', charging: { [field]: value } };
        expect(badgeCategoryProblems(category).length === 0, `${field}=${value}`).toBe(ok);
        expect(projectAccepts(category), `${field}=${value} (schema)`).toBe(ok);
      }
    }
    for (const [soc, battery, ok] of [[100, 2_000_000, true], [100.5, 1000, false], [50, 2_000_001, false]] as const) {
      const category = { id: 'c', name: 'C', charging: { targetSocPercent: soc, batteryWh: battery } };
      expect(badgeCategoryProblems(category).length === 0).toBe(ok);
      expect(projectAccepts(category)).toBe(ok);
    }
    const long = { id: 'x'.repeat(BADGE_CATEGORY_LIMITS.idMaxLength + 1), name: 'n'.repeat(BADGE_CATEGORY_LIMITS.nameMaxLength + 1) };
    expect(badgeCategoryProblems(long).map((p) => p.code)).toEqual(['tooLong', 'tooLong']);
    expect(projectAccepts(long)).toBe(false);
  });

  it('counts the badges of each category, listing unused ones empty', () => {
    const usage = badgeCategoryUsage(['a', 'b'], [{ idTag: 'Z', category: 'a' }, { idTag: 'Y', category: 'a' }, { idTag: 'X', category: null }, { idTag: 'W' }]);
    expect([...usage.entries()]).toEqual([['a', ['Y', 'Z']], ['b', []]]);
  });
});

describe('putBadgeCategory / removeBadgeCategory', () => {
  it('adds and replaces one category, trims text and leaves the rest of the project as it was', () => {
    const project = demo();
    const added = putBadgeCategory(project, { id: 'fleet', name: ' Fleet ', description: '', charging: { vehicleMaxW: 22_000 } }, true);
    expect(added.badgeCategories?.map((c) => c.id)).toEqual(['staff', 'visitors', 'fleet']);
    expect(added.badgeCategories?.[2]).toEqual({ id: 'fleet', name: 'Fleet', charging: { vehicleMaxW: 22_000 } });
    expect({ ...added, badgeCategories: project.badgeCategories }).toEqual(project);
    const edited = putBadgeCategory(project, { id: 'staff', name: 'Staff', charging: { priority: 1 } }, false);
    expect(edited.badgeCategories?.[0]).toEqual({ id: 'staff', name: 'Staff', charging: { priority: 1 } });
    expect(project.badgeCategories?.[0]?.charging?.priority).toBe(2);
  });

  it('refuses bad drafts with the problems and the right code', () => {
    const project = demo();
    const refused = (data: unknown, create?: boolean) => {
      try {
        putBadgeCategory(project, data, create);
      } catch (error) {
        if (error instanceof BadgeCategoryError) return error;
      }
      throw new Error('not refused');
    };
    expect(refused({ id: 'staff', name: 'Again' }, true).code).toBe('Conflict');
    expect(refused({ id: 'ghost', name: 'Ghost' }, false).code).toBe('NotFound');
    const bad = refused({ id: 'x', name: 'X', charging: { targetSocPercent: 80 } });
    expect(bad.code).toBe('BadRequest');
    expect(bad.problems).toEqual([expect.objectContaining({ pointer: '/charging/batteryWh', code: 'pair' })]);
    expect(bad.message).toContain('/charging/batteryWh');
  });

  it('refuses removing a category in use, naming project and operator badges', () => {
    const project = demo();
    const user = project.badges?.[0]?.idTag ?? '';
    expect(() => removeBadgeCategory(project, 'staff')).toThrow(new RegExp(`1 project badge\\(s\\): ${user}`));
    expect(() => removeBadgeCategory(project, 'visitors', [{ idTag: 'OP-1', category: 'visitors' }])).toThrow(/1 operator badge\(s\): OP-1.*nothing was deleted/);
    expect(() => removeBadgeCategory(project, 'nope')).toThrow(/no badge category "nope"/);
    // A project badge seeded into the archive with its category is named once, as a project badge.
    expect(() => removeBadgeCategory(project, 'staff', [{ idTag: user, category: 'staff' }])).toThrow(new RegExp(`used by 1 project badge\\(s\\): ${user}\\. Move`));
    expect(removeBadgeCategory(project, 'visitors').badgeCategories?.map((c) => c.id)).toEqual(['staff']);
  });
});

describe('BadgeCategoryEditor', () => {
  it('saves each edit as a version, checks the base version and lists usage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evs-categories-'));
    dirs.push(dir);
    const project = demo();
    const workspace = await ProjectWorkspace.open(dir, { resolved: checkProject(project, 'demo'), path: 'demo' });
    const archive = [{ idTag: 'OP-9', category: 'visitors' }];
    const editor = new BadgeCategoryEditor(workspace, () => archive);
    const listed = await editor.list();
    expect(listed.version).toBe(1);
    expect(listed.categories.map((c) => [c.category.id, c.projectBadges.length, c.archiveBadges])).toEqual([
      ['staff', 1, []],
      ['visitors', 0, ['OP-9']],
    ]);
    expect(await editor.check({ id: 'staff', name: 'S' }, true)).toEqual([expect.objectContaining({ code: 'taken' })]);
    // Two edits at the same moment: both land, one after the other.
    const [a, b] = await Promise.all([editor.put({ id: 'one', name: 'One' }, 'eve', { create: true }), editor.put({ id: 'two', name: 'Two' }, 'eve', { create: true })]);
    expect([a.id, b.id]).toEqual([2, 3]);
    expect(a.message).toBe('Badge category one added');
    await expect(editor.put({ id: 'one', name: 'Uno' }, 'eve', { baseVersion: 2 })).rejects.toThrow(/changed meanwhile/);
    await expect(editor.remove('visitors', 'eve')).rejects.toThrow(/OP-9/);
    const removed = await editor.remove('two', 'eve', 3);
    expect(removed.message).toBe('Badge category two deleted');
    const { project: latest } = await workspace.current();
    expect(latest?.badgeCategories?.map((c) => c.id)).toEqual(['staff', 'visitors', 'one']);
  });
});
