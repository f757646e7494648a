// Badge categories over REST against a real supervisor (real project folder, real SQLite audit log,
// real HTTP): a category saved is a version that runs at once; bad fields are refused naming them
// with nothing changed; a category in use is not deleted; engineers edit, everyone signed in reads.
import type { AuditEntry, BadgeCategoryList, BadgeCategorySaved, Page } from '../../src-shared/api/index.ts';
import type { Badge } from '../../src-shared/domain/index.ts';
import type { ProjectVersionInfo } from '../../src-shared/project/index.ts';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProjectWorkspace } from '../project/index.ts';
import { checkProject, loadProject, toRuntimeProject } from '../project/index.ts';
import { DEMO_PROJECT, eventually, restCall, startTestSupervisor, type TestSupervisor } from './test-support.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The demo site without its badge categories: these tests create their own. */
async function start(): Promise<TestSupervisor> {
  const project = structuredClone(loadProject(DEMO_PROJECT).project);
  delete project.badgeCategories;
  for (const b of project.badges ?? []) delete b.category;
  const resolved = checkProject(project, DEMO_PROJECT);
  const sup = await startTestSupervisor({ project: toRuntimeProject(resolved), projectSource: { path: DEMO_PROJECT, resolved } });
  cleanups.push(() => sup.dispose());
  return sup;
}

async function tokenOf(sup: TestSupervisor, username: string, role: 'viewer' | 'engineer'): Promise<string> {
  await sup.api.dispatch('putAccount', { username, role, password: `${username}-Pa55word!` });
  const login = await restCall<{ token: string }>(sup, 'POST', '/login', { json: { username, password: `${username}-Pa55word!` } });
  expect(login.status).toBe(200);
  return login.body.token;
}

const versions = async (sup: TestSupervisor) => (await restCall<ProjectVersionInfo[]>(sup, 'GET', '/project/versions')).body;
const categories = async (sup: TestSupervisor) => (await restCall<BadgeCategoryList>(sup, 'GET', '/project/badge-categories')).body;

describe('saved project versions', () => {
  it('are announced on the bus, applied (an edit) or not (a restore), so every client’s version list follows', async () => {
    const sup = await start();
    const saved: number[] = [];
    const applied: Array<number | null> = [];
    sup.bus.subscribe((e) => {
      if (e.type === 'projectSaved') saved.push(e.version);
      if (e.type === 'projectApplied') applied.push(e.version);
    });
    expect((await restCall(sup, 'PUT', '/project/badge-categories/staff?create=true', { json: { name: 'Staff' } })).status).toBe(200);
    expect((await restCall(sup, 'POST', '/project/versions/1/restore')).status).toBe(200);
    await eventually(() => saved.length === 2 || null, 5000);
    expect(saved).toEqual([2, 3]);
    // The edit ran at once; the restored version waits for an Apply.
    expect(applied).toEqual([2]);
  });
});

describe('badge categories over REST', () => {
  it('creates, edits and deletes a category: each a version applied at once, audited', async () => {
    const sup = await start();
    expect(await categories(sup)).toEqual({ version: 1, categories: [] });

    const staff = { name: 'Staff', color: '#3b9eff', charging: { priority: 2, departureTime: '17:30', energyWh: 20_000, targetSocPercent: 80, batteryWh: 60_000, vehicleMaxW: 11_000 } };
    const created = await restCall<BadgeCategorySaved>(sup, 'PUT', '/project/badge-categories/staff?create=true', { json: staff });
    expect(created.status).toBe(200);
    expect(created.body.version).toMatchObject({ id: 2, message: 'Badge category staff added' });
    expect(created.body.applied.to).toBe(2);
    expect(sup.live.version).toBe(2);
    expect((await categories(sup)).categories).toEqual([{ category: { id: 'staff', ...staff }, projectBadges: [], archiveBadges: [] }]);

    const again = await restCall<{ message: string }>(sup, 'PUT', '/project/badge-categories/staff?create=true', { json: staff });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('already has a badge category "staff"');

    const edited = await restCall<BadgeCategorySaved>(sup, 'PUT', '/project/badge-categories/staff', { json: { ...staff, charging: { priority: 3 } } });
    expect(edited.status).toBe(200);
    expect(edited.body.version.message).toBe('Badge category staff edited');
    expect((await categories(sup)).categories[0]?.category.charging).toEqual({ priority: 3 });

    const deleted = await restCall<BadgeCategorySaved>(sup, 'DELETE', '/project/badge-categories/staff');
    expect(deleted.status).toBe(200);
    expect(deleted.body.version.message).toBe('Badge category staff deleted');
    expect((await categories(sup)).categories).toEqual([]);
    expect(sup.live.version).toBe(4);

    const audit = (await restCall<Page<AuditEntry>>(sup, 'GET', '/audit?action=putBadgeCategory')).body.items;
    expect(audit.map((a) => a.ok)).toEqual([true, false, true]);
    const deletes = (await restCall<Page<AuditEntry>>(sup, 'GET', '/audit?action=deleteBadgeCategory')).body.items;
    expect(deletes).toHaveLength(1);
  });

  it('refuses bad fields naming each, and a path/body id mismatch; nothing is saved', async () => {
    const sup = await start();
    const before = (await versions(sup)).length;
    const bad = await restCall<{ message: string }>(sup, 'PUT', '/project/badge-categories/vip', { json: { name: 'VIP', charging: { departureTime: '25:00', priority: -1, targetSocPercent: 80 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('/charging/departureTime');
    expect(bad.body.message).toContain('/charging/priority');
    expect(bad.body.message).toContain('/charging/batteryWh');
    const mismatch = await restCall<{ message: string }>(sup, 'PUT', '/project/badge-categories/vip', { json: { id: 'other', name: 'VIP' } });
    expect(mismatch.status).toBe(400);
    const missing = await restCall<{ message: string }>(sup, 'DELETE', '/project/badge-categories/ghost');
    expect(missing.status).toBe(404);
    expect((await versions(sup)).length).toBe(before);
  });

  it('refuses deleting a category project badges use, naming them', async () => {
    const sup = await start();
    await sup.api.dispatch('putBadgeCategory', { category: { id: 'staff', name: 'Staff' }, create: true });
    // A project badge joins the category through a project version (as an import or the wizard would).
    const workspace = await ProjectWorkspace.open(join(sup.dataDir, 'project'), null);
    const { project } = await workspace.current();
    if (!project?.badges?.[0]) throw new Error('the demo project has badges');
    project.badges[0].category = 'staff';
    const version = await workspace.save(project, 'test', 'badge in staff');
    await sup.live.apply(version.id);
    const listed = await categories(sup);
    expect(listed.categories[0]?.projectBadges).toEqual([project.badges[0].idTag]);
    const refused = await restCall<{ message: string }>(sup, 'DELETE', '/project/badge-categories/staff');
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain(`1 project badge(s): ${project.badges[0].idTag}`);
    expect((await categories(sup)).categories).toHaveLength(1);
  });

  it('puts operator badges in a category: unknown ones refused naming the choices, in-use categories kept', async () => {
    const sup = await start();
    const none = await restCall<{ message: string }>(sup, 'PUT', '/badges/OP-1', { json: { status: 'Accepted', category: 'staff' } });
    expect(none.status).toBe(400);
    expect(none.body.message).toContain('it has none yet');
    await sup.api.dispatch('putBadgeCategory', { category: { id: 'staff', name: 'Staff' }, create: true });
    await sup.api.dispatch('putBadgeCategory', { category: { id: 'visitors', name: 'Visitors' }, create: true });
    const unknown = await restCall<{ message: string }>(sup, 'PUT', '/badges/OP-1', { json: { status: 'Accepted', category: 'vip' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe('"vip" is not a badge category of the project (choose one of: staff, visitors, or none); nothing was saved');
    const badges = async () => (await restCall<Badge[]>(sup, 'GET', '/badges')).body;
    expect((await badges()).some((b) => b.idTag === 'OP-1')).toBe(false);

    const saved = await restCall<Badge>(sup, 'PUT', '/badges/OP-1', { json: { status: 'Accepted', label: 'guest', category: 'visitors' } });
    expect(saved.status).toBe(200);
    expect(saved.body.category).toBe('visitors');
    // A PUT without a category (a client from before categories) keeps the badge's.
    await restCall(sup, 'PUT', '/badges/OP-1', { json: { status: 'Blocked' } });
    expect((await badges()).find((b) => b.idTag === 'OP-1')).toMatchObject({ status: 'Blocked', category: 'visitors', label: null });
    expect((await categories(sup)).categories.find((c) => c.category.id === 'visitors')?.archiveBadges).toEqual(['OP-1']);

    const refused = await restCall<{ message: string }>(sup, 'DELETE', '/project/badge-categories/visitors');
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('1 operator badge(s): OP-1');
    // Out of the category, the badge no longer holds it.
    await restCall(sup, 'PUT', '/badges/OP-1', { json: { status: 'Accepted', category: null } });
    expect((await restCall(sup, 'DELETE', '/project/badge-categories/visitors')).status).toBe(200);
  });

  it("gives a project badge's category to its archive badge when the project is applied", async () => {
    const sup = await start();
    const workspace = await ProjectWorkspace.open(join(sup.dataDir, 'project'), null);
    const { project } = await workspace.current();
    const first = project?.badges?.[0];
    if (!project || !first) throw new Error('the demo project has badges');
    const archived = async () => (await restCall<Badge[]>(sup, 'GET', '/badges')).body.find((b) => b.idTag === first.idTag);
    expect((await archived())?.category).toBeNull();
    project.badgeCategories = [{ id: 'fleet', name: 'Fleet', charging: { priority: 2 } }];
    first.category = 'fleet';
    const version = await workspace.save(project, 'test', 'fleet badge');
    await sup.live.apply(version.id);
    expect((await archived())?.category).toBe('fleet');
  });

  it('lets every signed-in role read and only engineers change', async () => {
    const sup = await start();
    const viewer = await tokenOf(sup, 'vera', 'viewer');
    const engineer = await tokenOf(sup, 'eric', 'engineer');
    expect((await restCall(sup, 'GET', '/project/badge-categories', { token: viewer })).status).toBe(200);
    expect((await restCall(sup, 'PUT', '/project/badge-categories/x', { token: viewer, json: { name: 'X' } })).status).toBe(403);
    const saved = await restCall<BadgeCategorySaved>(sup, 'PUT', '/project/badge-categories/x', { token: engineer, json: { name: 'X' } });
    expect(saved.status).toBe(200);
    expect(saved.body.version.author).toBe('eric');
    expect((await restCall(sup, 'DELETE', '/project/badge-categories/x', { token: viewer })).status).toBe(403);
  });
});
