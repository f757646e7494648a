// Project settings over REST against a real supervisor (real project folder, real audit log, real
// HTTP, a real strict OCPP client): saved settings are a version that runs at once — a station
// booting afterwards gets the new heartbeat interval, an unknown one is accepted or not as said;
// bad settings are refused naming the field and change nothing; engineers edit, everyone reads.
import type { AuditEntry, Page, ProjectSettingsSaved, ProjectSettingsView } from '../../src-shared/api/index.ts';
import type { ProjectVersionInfo } from '../../src-shared/project/index.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { checkProject, loadProject, toRuntimeProject } from '../project/index.ts';
import { DEMO_PROJECT, restCall, startTestSupervisor, strictClient, type TestSupervisor } from './test-support.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(): Promise<TestSupervisor> {
  const { project } = loadProject(DEMO_PROJECT);
  const resolved = checkProject(project, DEMO_PROJECT);
  const sup = await startTestSupervisor({ project: toRuntimeProject(resolved), projectSource: { path: DEMO_PROJECT, resolved } });
  cleanups.push(() => sup.dispose());
  return sup;
}

const settingsOf = async (sup: TestSupervisor) => (await restCall<ProjectSettingsView>(sup, 'GET', '/project/settings')).body;
const versions = async (sup: TestSupervisor) => (await restCall<ProjectVersionInfo[]>(sup, 'GET', '/project/versions')).body;

/** Boots a station the project does not declare with a strict 1.6 client: its BootNotification answer. */
async function bootUnknown(sup: TestSupervisor, identity: string): Promise<{ status: string; interval: number }> {
  const c = strictClient({ endpoint: sup.ocppUrl, identity, protocols: ['ocpp1.6'] });
  cleanups.push(async () => void (await c.close({ force: true })));
  await c.connect();
  return (await c.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' })) as { status: string; interval: number };
}

describe('project settings over REST', () => {
  it('saves the settings as a version that runs at once: a station booting next gets the new interval and is accepted', async () => {
    const sup = await start();
    const before = await settingsOf(sup);
    expect(before.version).toBe(1);
    expect(before.timeZones).toContain('Europe/Paris');
    expect(before.timeZones[0]).toBe('UTC');
    expect(before.serverTimeZone.length).toBeGreaterThan(0);
    // The demo project leaves unknown stations pending.
    expect(await bootUnknown(sup, 'NEW-1')).toMatchObject({ status: 'Pending' });

    const settings = { autoAccept: true, heartbeatIntervalS: 45, staleTransactionHours: 6, timeZone: 'Europe/Paris' };
    const saved = await restCall<ProjectSettingsSaved>(sup, 'PUT', '/project/settings?baseVersion=1', { json: settings });
    expect(saved.status).toBe(200);
    expect(saved.body.version).toMatchObject({ id: 2, message: expect.stringContaining('Settings changed: autoAccept, heartbeatIntervalS, staleTransactionHours') });
    expect(saved.body.applied.to).toBe(2);
    expect(sup.live.version).toBe(2);
    expect((await settingsOf(sup)).settings).toEqual(settings);
    expect(sup.live.runtime?.settings).toEqual(settings);
    expect(await bootUnknown(sup, 'NEW-2')).toEqual({ status: 'Accepted', interval: 45, currentTime: expect.any(String) });

    // Fields left out take their defaults again (heartbeat 300 s).
    const cleared = await restCall<ProjectSettingsSaved>(sup, 'PUT', '/project/settings', { json: { autoAccept: true, timeZone: 'UTC' } });
    expect(cleared.status).toBe(200);
    expect((await settingsOf(sup)).settings).toEqual({ autoAccept: true, timeZone: 'UTC' });
    expect(await bootUnknown(sup, 'NEW-3')).toMatchObject({ status: 'Accepted', interval: 300 });

    const audit = (await restCall<Page<AuditEntry>>(sup, 'GET', '/audit?action=putProjectSettings')).body.items;
    expect(audit.map((a) => a.ok)).toEqual([true, true]);
  });

  it('refuses bad settings naming the field, and a project changed since; nothing is saved', async () => {
    const sup = await start();
    const history = await versions(sup);
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ timeZone: 'Mars/Olympus' }, /timeZone.*"Mars\/Olympus" is not a time zone/],
      [{ heartbeatIntervalS: 5 }, /heartbeatIntervalS must be at least 10/],
      [{ staleTransactionHours: 0 }, /staleTransactionHours must be more than 0/],
      [{ autoAccept: 'yes' }, /autoAccept must be true or false/],
      [{ colour: 'red' }, /colour is not a known field/],
    ];
    for (const [body, message] of cases) {
      const reply = await restCall<{ message: string }>(sup, 'PUT', '/project/settings', { json: body });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.message).toMatch(message);
      expect(reply.body.message).toContain('nothing was saved');
    }
    const stale = await restCall<{ message: string }>(sup, 'PUT', '/project/settings?baseVersion=7', { json: { autoAccept: true } });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toContain('changed meanwhile');
    expect(await versions(sup)).toEqual(history);
    expect(sup.live.version).toBe(1);
  });

  it('lets every signed-in role read the settings and only engineers change them', async () => {
    const sup = await start();
    await sup.api.dispatch('putAccount', { username: 'vera', role: 'viewer', password: 'vera-Pa55word!' });
    const login = await restCall<{ token: string }>(sup, 'POST', '/login', { json: { username: 'vera', password: 'vera-Pa55word!' } });
    const token = login.body.token;
    expect((await restCall(sup, 'GET', '/project/settings', { token })).status).toBe(200);
    const refused = await restCall(sup, 'PUT', '/project/settings', { token, json: { autoAccept: true } });
    expect(refused.status).toBe(403);
    expect(sup.live.version).toBe(1);
  });
});
