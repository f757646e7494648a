// The editor shell on a real project folder: bundle import into an empty history, into a folder that
// only has a project.json, from a bundle without history; template saves and the base-version check.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLE_FORMAT, ProjectEditor, ProjectError, ProjectWorkspace, TemplateEditError, listVersions, readVersion, saveVersion } from './index.ts';
import { smallProject, template } from './test-support.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function editorIn(): Promise<{ dir: string; editor: ProjectEditor }> {
  const dir = mkdtempSync(join(tmpdir(), 'evs-editor-'));
  dirs.push(dir);
  return { dir, editor: new ProjectEditor(await ProjectWorkspace.open(dir, null), () => [template({ id: 'lib-1', name: 'Library 1' })]) };
}

function bundleText(versions: unknown[], current: unknown): string {
  return JSON.stringify({ format: BUNDLE_FORMAT, bundleVersion: 1, exportedAt: '2026-01-01T00:00:00.000Z', name: 'Small', versions, current });
}

describe('ProjectEditor bundles', () => {
  it('a bundle without history becomes version 1 of an empty folder', async () => {
    const { dir, editor } = await editorIn();
    const result = await editor.importBundle(bundleText([], smallProject()), 'eng', 'small.json');
    expect(result).toMatchObject({ mode: 'current', bundleVersions: 0 });
    expect((await listVersions(dir)).map((v) => [v.id, v.author])).toEqual([[1, 'eng']]);
  });

  it('a folder with a project.json but no history keeps it as version 1 and takes the bundle as version 2', async () => {
    const { dir, editor } = await editorIn();
    writeFileSync(join(dir, 'project.json'), JSON.stringify({ ...smallProject(), name: 'Before' }));
    const record = { id: 1, author: 'a', time: '2026-01-01T00:00:00.000Z', message: 'm', project: smallProject() };
    const result = await editor.importBundle(bundleText([record], smallProject()), 'eng');
    expect(result.mode).toBe('current');
    const versions = await listVersions(dir);
    expect(versions.map((v) => v.id)).toEqual([1, 2]);
    expect((await readVersion(dir, 1)).project.name).toBe('Before');
  });

  it('refuses a bad bundle without writing anything', async () => {
    const { dir, editor } = await editorIn();
    await expect(editor.importBundle('not json', 'eng')).rejects.toBeInstanceOf(ProjectError);
    await expect(editor.importBundle(bundleText([{ id: 1, author: 'a', time: 't', message: 'm', project: { formatVersion: 2 } }], smallProject()), 'eng')).rejects.toThrow(/versions\/0\/project/);
    expect(await listVersions(dir)).toEqual([]);
    await expect(editor.exportBundle()).rejects.toBeInstanceOf(TemplateEditError);
  });
});

describe('ProjectEditor templates', () => {
  it('saves a template edit as a version and refuses a stale base version', async () => {
    const { dir, editor } = await editorIn();
    await saveVersion(dir, smallProject(), { author: 'x', message: 'first' });
    const info = await editor.templates();
    expect(info.templates.map((t) => [t.template.id, t.instances])).toEqual([['t-ac22', ['CP1', 'CP2', 'CP3']]]);
    expect(info.library.map((t) => t.id)).toEqual(['lib-1']);
    const saved = await editor.saveTemplate(template({ maxPowerW: 7_400 }), false, 'eng', 1);
    expect(saved.version).toMatchObject({ id: 2, author: 'eng', message: 'Template t-ac22 edited: 2 station(s) changed' });
    await expect(editor.saveTemplate(template({ maxPowerW: 3_700 }), false, 'eng', 1)).rejects.toMatchObject({ code: 'Conflict' });
    expect((await listVersions(dir)).length).toBe(2);
  });
});
