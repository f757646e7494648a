// The project endpoints against a real supervisor: the project it was started with is
// version 1; the wizard generates and saves; a station list with a bad row is refused with
// the row named and nothing changed; a good one is one new version; diff and restore.
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProjectDiff, ProjectFileV2, ProjectVersionInfo } from '../../src-shared/project/index.ts';
import { startTestSupervisor, type TestSupervisor } from '../app/test-support.ts';
import { loadProject, toRuntimeProject } from './index.ts';
import { answers50 } from './test-support.ts';

const DEMO = resolve(import.meta.dirname, '../../assets/demo/project.json');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function supervisor(): Promise<TestSupervisor> {
  const resolved = loadProject(DEMO);
  const sup = await startTestSupervisor({ project: toRuntimeProject(resolved), projectSource: { path: DEMO, resolved } });
  cleanups.push(() => sup.dispose());
  return sup;
}

async function call<T>(sup: TestSupervisor, method: string, path: string, body?: string | object, type = 'application/json'): Promise<{ status: number; body: T }> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const r = await fetch(`${sup.url}${path}`, { method, headers: { Authorization: 'Bearer test-key', ...(payload === undefined ? {} : { 'Content-Type': type }) }, body: payload });
  return { status: r.status, body: (await r.json()) as T };
}

describe('project endpoints', () => {
  it('serve the running project as version 1 with every secret masked', async () => {
    const sup = await supervisor();
    const current = await call<{ version: ProjectVersionInfo; project: ProjectFileV2 }>(sup, 'GET', '/api/v1/project');
    expect(current.status).toBe(200);
    expect(current.body.version).toMatchObject({ id: 1, author: 'system' });
    expect(current.body.version.message).toContain('assets/demo/project.json');
    const text = JSON.stringify(current.body.project);
    expect(text).toContain('DEMO-AC-01');
    expect(text).not.toContain('demo-ac-01-secret');
    expect(text).toContain('********');
  });

  it('generate a 50-station project from wizard answers, keep it as a version, diff and restore', async () => {
    const sup = await supervisor();
    const generated = await call<{ project: ProjectFileV2; version: ProjectVersionInfo }>(sup, 'POST', '/api/v1/project/generate?save=true', answers50());
    expect(generated.status).toBe(200);
    expect(generated.body.version.id).toBe(2);
    const ids = JSON.stringify(generated.body.project).match(/"P1-CP\d\d"/g) ?? [];
    expect(new Set(ids).size).toBe(50);
    const diff = await call<ProjectDiff>(sup, 'GET', '/api/v1/project/versions/1/diff/2');
    expect(diff.status).toBe(200);
    expect(JSON.stringify(diff.body)).toContain('P1-CP01');
    expect(JSON.stringify(diff.body)).toContain('DEMO-AC-01');
    const restored = await call<ProjectVersionInfo>(sup, 'POST', '/api/v1/project/versions/1/restore');
    expect(restored.body).toMatchObject({ id: 3, restoredFrom: 1 });
    const versions = await call<ProjectVersionInfo[]>(sup, 'GET', '/api/v1/project/versions');
    expect(versions.body.map((v) => v.id)).toEqual([1, 2, 3]);
    // Bad answers: a 400 naming the field, nothing saved.
    const bad = await call<{ message: string }>(sup, 'POST', '/api/v1/project/generate?save=true', { name: 'x', sites: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('/sites');
    expect((await call<ProjectVersionInfo[]>(sup, 'GET', '/api/v1/project/versions')).body).toHaveLength(3);
  });

  it('import a CSV station list as one version; a list with bad rows is refused naming them, nothing changed', async () => {
    const sup = await supervisor();
    const bad = 'id,template,group,x,y\nNEW-01,ac-22kw-wallbox,feeder-ac,10,10\nNEW-02,no-such-template,feeder-ac,20,10\nNEW-03,ac-22kw-wallbox,no-such-group,30,10\n';
    const refused = await call<{ message: string }>(sup, 'POST', '/api/v1/project/import-stations', bad, 'text/csv');
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/row 3/);
    expect(refused.body.message).toMatch(/row 4/);
    expect(refused.body.message).not.toMatch(/row 2\b/);
    expect((await call<ProjectVersionInfo[]>(sup, 'GET', '/api/v1/project/versions')).body).toHaveLength(1);
    const good = 'id,template,group,x,y\nNEW-01,ac-22kw-wallbox,feeder-ac,10,10\nNEW-02,dc-150kw,feeder-dc,20,10\n';
    const imported = await call<{ version: ProjectVersionInfo; added: string[] }>(sup, 'POST', '/api/v1/project/import-stations', good, 'text/csv');
    expect(imported.status).toBe(200);
    expect(imported.body.added.sort()).toEqual(['NEW-01', 'NEW-02']);
    expect(imported.body.version.id).toBe(2);
  });
});
