// Ground plans over REST and the API contract against a real supervisor (real project folder,
// real SQLite audit log, real HTTP): plans per park from the project, a save that becomes a
// project version and shows at once, bad input refused with nothing changed, roles, backgrounds.
import { afterEach, describe, expect, it } from 'vitest';
import type { GroundPlanInfo, Page, AuditEntry } from '../../src-shared/api/index.ts';
import type { ProjectVersionInfo } from '../../src-shared/project/index.ts';
import { DEMO_PROJECT, restCall, startDemoSupervisor, startTestSupervisor, type RestReply, type TestSupervisor } from './test-support.ts';


let supervisor: TestSupervisor | null = null;

afterEach(async () => {
  await supervisor?.dispose();
  supervisor = null;
});

/** The supervisor as `npm run serve` starts it on the demo project (its source kept as version 1). */
async function startDemo(): Promise<TestSupervisor> {
  supervisor = await startDemoSupervisor();
  return supervisor;
}

function http<T = unknown>(method: string, path: string, options: Parameters<typeof restCall>[3] = {}): Promise<RestReply<T>> {
  if (!supervisor) throw new Error('no supervisor');
  return restCall<T>(supervisor, method, path, options);
}

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

describe('ground plans of the running project', () => {
  it('serves one plan for the format-1 demo site with every station at its project position', async () => {
    await startDemo();
    const { status, body } = await http<GroundPlanInfo[]>('GET', '/ground-plans');
    expect(status).toBe(200);
    expect(body.map((p) => p.parkId)).toEqual(['demo-site']);
    const plan = body[0];
    expect(plan?.placements).toHaveLength(12);
    expect(plan?.placements.find((p) => p.stationId === 'DEMO-AC-02')).toEqual({ stationId: 'DEMO-AC-02', x: 30, y: 20 });
    expect(plan?.unplaced).toEqual([]);
    expect(plan?.version).toBe(1);
    expect(plan?.customBackground).toBe(false);
  });

  it('saves moved stations as a new project version by the user, shown at once and audited', async () => {
    const s = await startDemo();
    const saved = await http<{ plan: GroundPlanInfo; version: ProjectVersionInfo }>('PUT', '/ground-plans/demo-site', {
      json: { placements: [{ stationId: 'DEMO-AC-01', x: 12.5, y: 30 }] },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.version).toMatchObject({ id: 2, author: 'api', message: 'ground plan demo-site edited' });
    expect(saved.body.plan.placements.find((p) => p.stationId === 'DEMO-AC-01')).toEqual({ stationId: 'DEMO-AC-01', x: 12.5, y: 30 });

    const plans = await http<GroundPlanInfo[]>('GET', '/ground-plans');
    expect(plans.body[0]?.placements.find((p) => p.stationId === 'DEMO-AC-01')).toEqual({ stationId: 'DEMO-AC-01', x: 12.5, y: 30 });
    expect(plans.body[0]?.version).toBe(2);
    const versions = await http<ProjectVersionInfo[]>('GET', '/project/versions');
    expect(versions.body.map((v) => v.message)).toEqual([`Loaded from ${DEMO_PROJECT}`, 'ground plan demo-site edited']);
    const diff = await http<{ stations: { changed: Array<{ id: string }> } }>('GET', '/project/versions/1/diff/2');
    expect(diff.body.stations.changed.map((c) => c.id)).toEqual(['DEMO-AC-01']);

    // The contract gives the same plans to an in-process caller.
    const viaApi = await s.api.dispatch('listGroundPlans', {});
    expect(viaApi).toEqual(plans.body);
    const audit = await http<Page<AuditEntry>>('GET', '/audit?action=saveGroundPlan');
    expect(audit.body.items.map((a) => [a.actor, a.ok])).toEqual([['api', true]]);
  });

  it('takes a station off the plan as a new version: it is listed as unplaced', async () => {
    await startDemo();
    const saved = await http<{ plan: GroundPlanInfo; version: ProjectVersionInfo }>('PUT', '/ground-plans/demo-site', { json: { placements: [], unplace: ['DEMO-DC-04'] } });
    expect(saved.status).toBe(200);
    expect(saved.body.version.id).toBe(2);
    expect(saved.body.plan.unplaced).toEqual(['DEMO-DC-04']);
    expect(saved.body.plan.placements).toHaveLength(11);
  });

  it('refuses an unknown station, a place outside the plan and an unknown park with a clear message, changing nothing', async () => {
    await startDemo();
    const unknown = await http<{ message: string }>('PUT', '/ground-plans/demo-site', { json: { placements: [{ stationId: 'NOT-THERE', x: 5, y: 5 }] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe('Ground plan of demo-site not saved: placements[0]: station NOT-THERE is not in park demo-site');
    const outside = await http<{ message: string }>('PUT', '/ground-plans/demo-site', { json: { placements: [{ stationId: 'DEMO-AC-01', x: 120, y: 5 }] } });
    expect(outside.status).toBe(400);
    expect(outside.body.message).toBe('saveGroundPlan: /placements/0/x must be <= 100');
    const park = await http<{ message: string }>('PUT', '/ground-plans/elsewhere', { json: { placements: [] } });
    expect(park.status).toBe(404);
    expect(park.body.message).toMatch(/No park elsewhere/);
    const missing = await http<{ message: string }>('PUT', '/ground-plans/demo-site', { json: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/placements/);

    const versions = await http<ProjectVersionInfo[]>('GET', '/project/versions');
    expect(versions.body).toHaveLength(1);
    const plan = (await http<GroundPlanInfo[]>('GET', '/ground-plans')).body[0];
    expect(plan?.placements.find((p) => p.stationId === 'DEMO-AC-01')).toEqual({ stationId: 'DEMO-AC-01', x: 8, y: 20 });
  });

  it('refuses a save based on an older version (another edit came first), changing nothing', async () => {
    await startDemo();
    const first = await http<{ version: ProjectVersionInfo }>('PUT', '/ground-plans/demo-site', { json: { placements: [{ stationId: 'DEMO-AC-01', x: 20, y: 20 }], baseVersion: 1 } });
    expect(first.status).toBe(200);
    const late = await http<{ error: string; message: string }>('PUT', '/ground-plans/demo-site', { json: { placements: [{ stationId: 'DEMO-AC-02', x: 40, y: 40 }], baseVersion: 1 } });
    expect(late.status).toBe(409);
    expect(late.body.message).toBe('The project changed while the plan was being edited (version 1 → 2, api: ground plan demo-site edited); nothing was saved: reload the plan and place the stations again');
    expect((await http<ProjectVersionInfo[]>('GET', '/project/versions')).body).toHaveLength(2);
    expect((await http<GroundPlanInfo[]>('GET', '/ground-plans')).body[0]?.placements.find((p) => p.stationId === 'DEMO-AC-02')).toEqual({ stationId: 'DEMO-AC-02', x: 30, y: 20 });
  });

  it('lets a viewer read the plans but only an engineer save them', async () => {
    const s = await startDemo();
    await s.accounts.put('viewer1', 'viewer', 'viewer-Pa55word');
    await s.accounts.put('eng1', 'engineer', 'engineer-Pa55word');
    const login = async (username: string, password: string) => (await http<{ token: string }>('POST', '/login', { json: { username, password } })).body.token;
    const viewer = await login('viewer1', 'viewer-Pa55word');
    expect((await http('GET', '/ground-plans', { token: viewer })).status).toBe(200);
    const refused = await http<{ message: string }>('PUT', '/ground-plans/demo-site', { token: viewer, json: { placements: [{ stationId: 'DEMO-AC-01', x: 50, y: 50 }] } });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('The viewer role may not use saveGroundPlan');

    const engineer = await login('eng1', 'engineer-Pa55word');
    const saved = await http<{ version: ProjectVersionInfo }>('PUT', '/ground-plans/demo-site', { token: engineer, json: { placements: [{ stationId: 'DEMO-AC-01', x: 50, y: 50 }] } });
    expect(saved.status).toBe(200);
    expect(saved.body.version.author).toBe('eng1');
  });

  it('places unplaced stations of a project that has no version yet, making its first version', async () => {
    supervisor = await startTestSupervisor();
    const before = (await http<GroundPlanInfo[]>('GET', '/ground-plans')).body;
    expect(before).toEqual([expect.objectContaining({ parkId: 'site', placements: [], unplaced: ['CP16', 'CP201'], version: null })]);
    const saved = await http<{ version: ProjectVersionInfo; plan: GroundPlanInfo }>('PUT', '/ground-plans/site', { json: { placements: [{ stationId: 'CP16', x: 40, y: 60 }] } });
    expect(saved.status).toBe(200);
    expect(saved.body.version.id).toBe(1);
    expect(saved.body.plan).toMatchObject({ placements: [{ stationId: 'CP16', x: 40, y: 60 }], unplaced: ['CP201'], version: 1 });
  });
});

describe('ground-plan backgrounds', () => {
  it('serves the default drawing, then the uploaded PNG byte for byte, then the default again once removed', async () => {
    await startDemo();
    const initial = await http<Uint8Array>('GET', '/ground-plans/demo-site/background');
    expect(initial.status).toBe(200);
    expect(initial.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(initial.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(new TextDecoder().decode(initial.body)).toContain('<svg');

    const put = await http<{ plan: GroundPlanInfo; version: unknown }>('PUT', '/ground-plans/demo-site/background', { raw: { type: 'image/png', bytes: PNG } });
    expect(put.status).toBe(200);
    expect(put.body.plan.customBackground).toBe(true);
    expect(put.body.version).toBeNull();
    const stored = await http<Uint8Array>('GET', '/ground-plans/demo-site/background');
    expect(stored.headers.get('content-type')).toBe('image/png');
    expect([...stored.body]).toEqual([...PNG]);
    expect((await http<GroundPlanInfo[]>('GET', '/ground-plans')).body[0]?.customBackground).toBe(true);
    // No project version for a background alone; the audit log keeps its size, not its bytes.
    expect((await http<ProjectVersionInfo[]>('GET', '/project/versions')).body).toHaveLength(1);
    const audit = await http<Page<AuditEntry>>('GET', '/audit?action=saveGroundPlan');
    expect(audit.body.items[0]?.detail).toEqual({ parkId: 'demo-site', placements: [], background: { contentType: 'image/png', bytes: PNG.length } });

    const removed = await http<{ plan: GroundPlanInfo }>('DELETE', '/ground-plans/demo-site/background');
    expect(removed.body.plan.customBackground).toBe(false);
    expect((await http<Uint8Array>('GET', '/ground-plans/demo-site/background')).headers.get('content-type')).toMatch(/^image\/svg\+xml/);
  });

  it('refuses a mislabelled image, a body that is too large and an unknown type, keeping the background it had', async () => {
    await startDemo();
    await http('PUT', '/ground-plans/demo-site/background', { raw: { type: 'image/png', bytes: PNG } });
    const mislabelled = await http<{ message: string }>('PUT', '/ground-plans/demo-site/background', { raw: { type: 'image/jpeg', bytes: PNG } });
    expect(mislabelled.status).toBe(400);
    expect(mislabelled.body.message).toBe('The background is not a JPEG image (send PNG, JPEG or SVG)');
    const big = new Uint8Array(2 * 1024 * 1024 + 1);
    big.set(PNG);
    const tooLarge = await http<{ message: string }>('PUT', '/ground-plans/demo-site/background', { raw: { type: 'image/png', bytes: big } });
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.body.message).toBe('The background image has 2,097,153 bytes; at most 2,097,152 (2 MB) are accepted');
    const gif = await http<{ message: string }>('PUT', '/ground-plans/demo-site/background', { raw: { type: 'application/octet-stream', bytes: PNG } });
    expect(gif.status).toBe(400);
    expect(gif.body.message).toMatch(/Content-Type image\/png, image\/jpeg or image\/svg\+xml/);
    const still = await http<Uint8Array>('GET', '/ground-plans/demo-site/background');
    expect([...still.body]).toEqual([...PNG]);
  });
});
