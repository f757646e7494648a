// Template library, project bundle and "add EV charging" over REST against a real supervisor (real
// project folder, real SQLite audit log, real HTTP): a template edit becomes a version that runs at
// once and reaches the stations without an override; a bundle carries the station passwords (engineer
// role, audited) and comes back in; bad input is refused with nothing changed.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { AddChargingResult, AuditEntry, BundleImportResult, Page, TemplateLibraryInfo, TemplateSaved } from '../../src-shared/api/index.ts';
import type { StationState } from '../../src-shared/domain/index.ts';
import type { ProjectFileV2, ProjectVersionInfo } from '../../src-shared/project/index.ts';
import { BUNDLE_FORMAT, checkProject, derivePassword, loadProject, toRuntimeProject, type ProjectBundle } from '../project/index.ts';
import { restCall, startTestSupervisor, type TestSupervisor } from './test-support.ts';
import { SimulatedStation } from '../simulator/index.ts';

const DEMO_PATH = resolve(fileURLToPath(import.meta.url), '../../../assets/demo/project.json');
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The supervisor as `npm run serve` starts it on the demo project (version 1); DEMO-AC-02 overrides its power. */
async function startDemo(): Promise<TestSupervisor> {
  const resolved = loadProject(DEMO_PATH);
  const ac02 = resolved.project.sites[0]?.parks[0]?.stations.find((s) => s.id === 'DEMO-AC-02');
  if (!ac02) throw new Error('demo changed');
  ac02.overrides = { maxPowerW: 7_400 };
  const checked = checkProject(resolved.project, 'demo with an override');
  const sup = await startTestSupervisor({ project: toRuntimeProject(checked), projectSource: { path: DEMO_PATH, resolved: checked } });
  cleanups.push(() => sup.dispose());
  return sup;
}

const http = restCall;

async function tokenOf(sup: TestSupervisor, username: string, role: 'operator' | 'engineer'): Promise<string> {
  await sup.api.dispatch('putAccount', { username, role, password: `${username}-Pa55word!` });
  const login = await http<{ token: string }>(sup, 'POST', '/login', { json: { username, password: `${username}-Pa55word!` } });
  expect(login.status).toBe(200);
  return login.body.token;
}

async function versions(sup: TestSupervisor): Promise<ProjectVersionInfo[]> {
  return (await http<ProjectVersionInfo[]>(sup, 'GET', '/project/versions')).body;
}

async function audit(sup: TestSupervisor, action: string): Promise<AuditEntry[]> {
  return (await http<Page<AuditEntry>>(sup, 'GET', `/audit?action=${action}`)).body.items;
}

describe('project bundle over REST', () => {
  it('downloads one file with every version and the station passwords: engineer only, audited', async () => {
    const sup = await startDemo();
    const operator = await tokenOf(sup, 'olga', 'operator');
    const engineer = await tokenOf(sup, 'eric', 'engineer');

    const refused = await http<{ message: string }>(sup, 'GET', '/project/bundle', { token: operator });
    expect(refused.status).toBe(403);

    const response = await fetch(`${sup.url}/api/v1/project/bundle`, { headers: { Authorization: `Bearer ${engineer}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="Demo-park-.*\.evproject\.json"$/);
    const bundle = (await response.json()) as ProjectBundle;
    expect(bundle.format).toBe(BUNDLE_FORMAT);
    expect(bundle.versions.map((v) => v.id)).toEqual([1]);
    const ac01 = bundle.current.sites[0]?.parks[0]?.stations.find((s) => s.id === 'DEMO-AC-01');
    expect(ac01?.password).toBe('demo-ac-01-secret');

    const entries = await audit(sup, 'exportProjectBundle');
    expect(entries.map((e) => [e.actor, e.ok])).toEqual([
      ['eric', true],
      ['olga', false],
    ]);
  });

  it('imports a bundle into a project with history as one new version; bad bundles change nothing', async () => {
    const sup = await startDemo();
    const bundle = (await (await fetch(`${sup.url}/api/v1/project/bundle`, { headers: { Authorization: `Bearer ${sup.apiKey}` } })).json()) as ProjectBundle;

    // Not JSON, not a bundle, a faulty project inside, a project read for display (masked secrets).
    const notJson = await http<{ message: string }>(sup, 'POST', '/project/bundle', { text: '{"format": ' });
    expect(notJson.status).toBe(400);
    const notBundle = await http<{ message: string }>(sup, 'POST', '/project/bundle', { json: { hello: 1 } });
    expect(notBundle.status).toBe(400);
    expect(notBundle.body.message).toContain('/format');
    const broken = structuredClone(bundle);
    const station = broken.versions[0]?.project.sites[0]?.parks[0]?.stations[0];
    if (!station) throw new Error('bundle changed');
    station.group = 'no-such-group';
    const brokenReply = await http<{ message: string }>(sup, 'POST', '/project/bundle?fileName=broken.json', { json: broken });
    expect(brokenReply.status).toBe(400);
    expect(brokenReply.body.message).toContain('broken.json /versions/0/project');
    const shown = (await http<{ project: ProjectFileV2 }>(sup, 'GET', '/project')).body.project;
    const masked = await http<{ message: string }>(sup, 'POST', '/project/bundle', { json: { ...bundle, current: shown } });
    expect(masked.status).toBe(400);
    expect(masked.body.message).toContain('masked secret');
    expect((await versions(sup)).map((v) => v.id)).toEqual([1]);

    const renamed = structuredClone(bundle);
    renamed.current.name = 'Demo park, moved';
    const imported = await http<BundleImportResult>(sup, 'POST', '/project/bundle?fileName=moved.evproject.json', { json: renamed });
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ mode: 'current', name: 'Demo park, moved', bundleVersions: 1 });
    expect(imported.body.versions.map((v) => v.id)).toEqual([2]);
    const after = await versions(sup);
    expect(after.map((v) => v.id)).toEqual([1, 2]);
    expect(after[1]?.message).toContain('moved.evproject.json');
    expect((await http<{ project: ProjectFileV2 }>(sup, 'GET', '/project')).body.project.name).toBe('Demo park, moved');
    const entry = (await audit(sup, 'importProjectBundle')).find((e) => e.ok);
    expect(entry?.detail).toMatchObject({ fileName: 'moved.evproject.json' });
    expect(JSON.stringify(entry?.detail)).not.toContain('demo-ac-01-secret');
  });

  it('brings the whole history into a supervisor that has none, numbers, authors and passwords kept', async () => {
    const source = await startDemo();
    await http(source, 'PUT', '/project/templates/evs-sim-ac22-2', { json: { ...(await templateOf(source, 'evs-sim-ac22-2')), maxPowerW: 11_000 } });
    const text = await (await fetch(`${source.url}/api/v1/project/bundle`, { headers: { Authorization: `Bearer ${source.apiKey}` } })).text();

    const empty = await startTestSupervisor({ project: null });
    cleanups.push(() => empty.dispose());
    expect(await versions(empty)).toEqual([]);
    const imported = await http<BundleImportResult>(empty, 'POST', '/project/bundle', { text });
    expect(imported.status).toBe(200);
    expect(imported.body.mode).toBe('history');
    const history = await versions(empty);
    expect(history.map((v) => [v.id, v.author])).toEqual([
      [1, 'system'],
      [2, 'api'],
    ]);
    const diff = await http<{ templates: { changed: Array<{ id: string }> } }>(empty, 'GET', '/project/versions/1/diff/2');
    expect(diff.body.templates.changed.map((c) => c.id)).toEqual(['evs-sim-ac22-2']);
    const moved = (await (await fetch(`${empty.url}/api/v1/project/bundle`, { headers: { Authorization: `Bearer ${empty.apiKey}` } })).json()) as ProjectBundle;
    expect(moved.current.sites[0]?.parks[0]?.stations.find((s) => s.id === 'DEMO-DC-01')?.password).toBe('demo-dc-01-secret');
    const again = await http<{ message: string }>(empty, 'POST', '/project/bundle', { text: '[]' });
    expect(again.status).toBe(400);
    expect(await versions(empty)).toHaveLength(2);
  });
});

async function templateOf(sup: TestSupervisor, id: string) {
  const info = (await http<TemplateLibraryInfo>(sup, 'GET', '/project/templates')).body;
  const found = info.templates.find((t) => t.template.id === id);
  if (!found) throw new Error(`no template ${id}`);
  return found.template;
}

describe('template library over REST', () => {
  it('lists the project templates with their instances and the shipped library', async () => {
    const sup = await startDemo();
    const info = (await http<TemplateLibraryInfo>(sup, 'GET', '/project/templates')).body;
    expect(info.version).toBe(1);
    expect(info.templates.map((t) => [t.template.id, t.instances.length])).toEqual([
      ['evs-sim-ac22-2', 8],
      ['evs-sim-dc150-2', 4],
    ]);
    expect(info.library.map((t) => t.id)).toContain('ac-22kw-wallbox');
  });

  it('a new power runs at once on the stations without an override; the overriding one keeps its own', async () => {
    const sup = await startDemo();
    expect((await http<StationState>(sup, 'GET', '/stations/DEMO-AC-01')).body.maxPowerW).toBe(44_000);
    expect((await http<StationState>(sup, 'GET', '/stations/DEMO-AC-02')).body.maxPowerW).toBe(14_800);
    const template = await templateOf(sup, 'evs-sim-ac22-2');
    const saved = await http<TemplateSaved>(sup, 'PUT', '/project/templates/evs-sim-ac22-2', { json: { ...template, maxPowerW: 11_000 } });
    expect(saved.status).toBe(200);
    expect(saved.body.version.id).toBe(2);
    expect(saved.body.changes.map((c) => c.stationId)).toEqual(['DEMO-AC-01', 'DEMO-AC-03', 'DEMO-AC-04', 'DEMO-AC-05', 'DEMO-AC-06', 'DEMO-AC-07', 'DEMO-AC-08']);
    expect(saved.body.applied.to).toBe(2);
    expect(sup.live.version).toBe(2);
    expect((await http<StationState>(sup, 'GET', '/stations/DEMO-AC-01')).body.maxPowerW).toBe(22_000);
    expect((await http<StationState>(sup, 'GET', '/stations/DEMO-AC-02')).body.maxPowerW).toBe(14_800);
    const entry = (await audit(sup, 'saveTemplate'))[0];
    expect(entry).toMatchObject({ actor: 'api', ok: true });
  });

  it('refuses a faulty template, a duplicate id, a stale base version and an operator, naming the problem; nothing changes', async () => {
    const sup = await startDemo();
    const template = await templateOf(sup, 'evs-sim-ac22-2');
    const bad = await http<{ message: string }>(sup, 'PUT', '/project/templates/evs-sim-ac22-2', { json: { ...template, maxPowerW: 0, phases: 2 } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('/maxPowerW');
    expect(bad.body.message).toContain('/phases');
    const duplicate = await http<{ message: string }>(sup, 'PUT', '/project/templates/evs-sim-ac22-2?create=true', { json: template });
    expect(duplicate.status).toBe(409);
    const stale = await sup.api.dispatch('listProjectTemplates', {}).then((i) => i.version);
    expect(stale).toBe(1);
    const operator = await tokenOf(sup, 'oscar', 'operator');
    const forbidden = await http(sup, 'PUT', '/project/templates/evs-sim-ac22-2', { json: { ...template, maxPowerW: 1_000 }, token: operator });
    expect(forbidden.status).toBe(403);
    const staleReply = await http<{ message: string }>(sup, 'PUT', '/project/templates/evs-sim-ac22-2?baseVersion=7', { json: template });
    expect(staleReply.status).toBe(409);
    expect(await versions(sup)).toHaveLength(1);
    expect((await audit(sup, 'saveTemplate')).every((e) => !e.ok)).toBe(true);
  });

  it('creates a copy of a library template, and refuses to delete a template in use naming the stations', async () => {
    const sup = await startDemo();
    const library = (await http<TemplateLibraryInfo>(sup, 'GET', '/project/templates')).body.library.find((t) => t.id === 'dc-50kw');
    if (!library) throw new Error('library changed');
    const created = await http<TemplateSaved>(sup, 'PUT', '/project/templates/dc-60kw-depot?create=true', { json: { ...library, id: 'dc-60kw-depot', name: 'DC 60 kW depot', maxPowerW: 60_000 } });
    expect(created.status).toBe(200);
    expect(created.body.changes).toEqual([]);
    const inUse = await http<{ message: string }>(sup, 'DELETE', '/project/templates/evs-sim-dc150-2');
    expect(inUse.status).toBe(409);
    expect(inUse.body.message).toContain('DEMO-DC-01, DEMO-DC-02, DEMO-DC-03, DEMO-DC-04');
    const removed = await http<{ version: ProjectVersionInfo }>(sup, 'DELETE', '/project/templates/dc-60kw-depot');
    expect(removed.status).toBe(200);
    expect(removed.body.version.id).toBe(3);
    expect((await templateOf(sup, 'evs-sim-dc150-2').catch(() => null))?.id).toBe('evs-sim-dc150-2');
  });
});

describe('add EV charging over REST', () => {
  it('previews (dry run, nothing saved), merges as one version applied live, then changes nothing the second time', async () => {
    const sup = await startDemo();
    const preview = await http<AddChargingResult>(sup, 'POST', '/project/add-charging?dryRun=true');
    expect(preview.status).toBe(200);
    expect(preview.body.version).toBeNull();
    expect(preview.body.report.templates.added).toContain('ac-22kw-wallbox');
    expect(preview.body.report.alarmRules.added).toContain('comm-lost');
    // The demo draws its park in its own view (the home): nothing to add there.
    expect(preview.body.report.views.added).toEqual([]);
    expect(await versions(sup)).toHaveLength(1);

    const merged = await http<AddChargingResult>(sup, 'POST', '/project/add-charging');
    expect(merged.status).toBe(200);
    expect(merged.body.version?.id).toBe(2);
    expect(merged.body.report).toEqual(preview.body.report);
    expect(sup.live.version).toBe(2);
    const project = (await http<{ project: ProjectFileV2 }>(sup, 'GET', '/project')).body.project;
    expect(project.templates.map((t) => t.id)).toEqual(expect.arrayContaining(['evs-sim-ac22-2', 'ac-22kw-wallbox', 'truck-mcs']));

    const again = await http<AddChargingResult>(sup, 'POST', '/project/add-charging');
    expect(again.body.version).toBeNull();
    expect(again.body.report.changed).toBe(false);
    expect(again.body.report.templates.added).toEqual([]);
    expect(await versions(sup)).toHaveLength(2);
    expect((await audit(sup, 'addCharging')).map((e) => e.ok)).toEqual([true, true]);
  });

  it('instantiates the chargers the engineer sized: declared at once, booting Accepted with their derived password; a bad request names the field and saves nothing', async () => {
    const sup = await startDemo();
    const seed = 'rest-sizing-seed-0123456789';
    const bad = await http<{ message: string }>(sup, 'POST', '/project/add-charging', {
      json: { chargers: [{ parkId: 'demo-site', template: 'ac-11kw-wallbox', pattern: 'NEW-{1..3}', group: 'no-such-group' }], passwordSeed: seed },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/\/chargers\/0\/group.*"no-such-group" is not a group of park demo-site/);
    expect(await versions(sup)).toHaveLength(1);

    const group = (await http<{ project: ProjectFileV2 }>(sup, 'GET', '/project')).body.project.sites[0]?.parks[0]?.groups[0]?.id as string;
    const sized = await http<AddChargingResult>(sup, 'POST', '/project/add-charging', {
      json: { chargers: [{ parkId: 'demo-site', template: 'ac-11kw-wallbox', pattern: 'NEW-{1..3}', group }], passwordSeed: seed },
    });
    expect(sized.status).toBe(200);
    expect(sized.body.report.stations).toEqual(['NEW-1', 'NEW-2', 'NEW-3']);
    expect(sized.body.applied?.stations.added.map((st) => st.id)).toEqual(['NEW-1', 'NEW-2', 'NEW-3']);
    expect(sup.registry.get('NEW-2')).toMatchObject({ declared: true, group });
    const station = new SimulatedStation({ url: sup.ocppUrl, id: 'NEW-2', protocol: 'ocpp1.6', connectors: 1, kind: 'AC', maxPowerW: 11_000, password: derivePassword(seed, 'NEW-2'), reconnect: false });
    const registered = new Promise((done) => station.once('registration', done));
    void station.start();
    try {
      expect(await registered).toBe('Accepted');
    } finally {
      await station.stop();
    }
  });
});
