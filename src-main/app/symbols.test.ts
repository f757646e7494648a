// Ground-plan symbol library over REST and the API contract against a real supervisor (real
// project folder, real SQLite audit log, real HTTP): the library with each station's symbol, a
// change saved as a project version and applied live, bad input refused with nothing changed, a
// symbol in use not deleted, roles and audit.
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry, Page, SymbolSaveInfo } from '../../src-shared/api/index.ts';
import type { PlanSymbol, ProjectVersionInfo, SymbolLibraryInfo } from '../../src-shared/project/index.ts';
import { restCall, startDemoSupervisor, type RestReply, type TestSupervisor } from './test-support.ts';

let supervisor: TestSupervisor | null = null;

afterEach(async () => {
  await supervisor?.dispose();
  supervisor = null;
});

async function startDemo(): Promise<TestSupervisor> {
  supervisor = await startDemoSupervisor();
  return supervisor;
}

function http<T = unknown>(method: string, path: string, options: Parameters<typeof restCall>[3] = {}): Promise<RestReply<T>> {
  if (!supervisor) throw new Error('no supervisor');
  return restCall<T>(supervisor, method, path, options);
}

const library = async () => (await http<SymbolLibraryInfo>('GET', '/project/symbols')).body;
const dcSymbol = async (): Promise<PlanSymbol> => {
  const { origin: _origin, users: _users, ...symbol } = (await library()).symbols.find((s) => s.id === 'dc-charger') ?? {};
  return symbol as PlanSymbol;
};

describe('symbol library over REST', () => {
  it('lists the built-in library with every demo station mapped through its template', async () => {
    await startDemo();
    const info = await library();
    expect(info.version).toBe(1);
    expect(info.defaultSymbol).toBe('default');
    expect(info.symbols.map((s) => s.id)).toEqual(expect.arrayContaining(['default', 'wallbox', 'dc-charger', 'pantograph', 'depot-dispenser', 'hpc', 'mcs']));
    expect(info.symbols.every((s) => s.origin === 'builtin')).toBe(true);
    expect(info.stationSymbols['DEMO-DC-01']).toBe('dc-charger');
    expect(info.stationSymbols['DEMO-AC-01']).toBe('wallbox');
    expect(info.symbols.find((s) => s.id === 'dc-charger')?.users).toEqual({ templates: [{ id: 'evs-sim-dc150-2', stations: 4 }], stations: [] });
    expect(info.unknown).toEqual([]);
    const openapi = await http<{ paths: Record<string, Record<string, unknown>> }>('GET', '/openapi.json');
    expect(Object.keys(openapi.body.paths['/api/v1/project/symbols'] ?? {})).toContain('get');
    expect(Object.keys(openapi.body.paths['/api/v1/project/symbols/{id}'] ?? {}).sort()).toEqual(expect.arrayContaining(['delete', 'put']));
  });

  it('saves an edited built-in symbol as a new version applied live, served at once and audited', async () => {
    const s = await startDemo();
    const symbol = await dcSymbol();
    symbol.colors.Charging = '#ff00aa';
    symbol.slots.primary = 'energy';
    const saved = await http<SymbolSaveInfo>('PUT', '/project/symbols/dc-charger', { json: symbol });
    expect(saved.status).toBe(200);
    expect(saved.body.version).toMatchObject({ id: 2, author: 'api', message: 'symbol dc-charger edited' });
    expect(saved.body.applied).toBe(true);
    const after = await library();
    const dc = after.symbols.find((x) => x.id === 'dc-charger');
    expect(dc).toMatchObject({ origin: 'customised', colors: { Charging: '#ff00aa' }, slots: { primary: 'energy', secondary: 'soc' } });
    expect(after.version).toBe(2);
    // Applied live: the supervisor runs the new version.
    const project = await http<{ running: number | null; project: { symbols?: PlanSymbol[] } }>('GET', '/project');
    expect(project.body.running).toBe(2);
    expect(project.body.project.symbols?.map((x) => x.id)).toEqual(['dc-charger']);
    expect(s.live.version).toBe(2);
    const audit = await http<Page<AuditEntry>>('GET', '/audit?action=putSymbol');
    expect(audit.body.items.map((a) => [a.actor, a.ok])).toEqual([['api', true]]);

    // Deleting the edited copy brings the built-in one back.
    const reverted = await http<SymbolSaveInfo & { reverted: boolean }>('DELETE', '/project/symbols/dc-charger');
    expect(reverted.status).toBe(200);
    expect(reverted.body.reverted).toBe(true);
    expect((await library()).symbols.find((x) => x.id === 'dc-charger')).toMatchObject({ origin: 'builtin', colors: { Charging: '#3b9eff' } });
  });

  it('refuses bad input with a message naming the field, and changes nothing', async () => {
    await startDemo();
    const symbol = await dcSymbol();
    const badColour = await http<{ message: string }>('PUT', '/project/symbols/dc-charger', { json: { ...symbol, colors: { ...symbol.colors, Charging: 'pink' } } });
    expect(badColour.status).toBe(400);
    expect(badColour.body.message).toContain('/colors/Charging has characters that are not allowed (a colour written #rrggbb');
    const badSlot = await http<{ message: string }>('PUT', '/project/symbols/dc-charger', { json: { ...symbol, slots: { primary: 'voltage', secondary: 'soc' } } });
    expect(badSlot.status).toBe(400);
    expect(badSlot.body.message).toContain('/slots/primary must be one of "power", "soc", "energy", "duration", "badge", "status", "none"');
    const otherId = await http<{ message: string }>('PUT', '/project/symbols/other', { json: symbol });
    expect(otherId.status).toBe(400);
    expect(otherId.body.message).toBe('The symbol\'s id "dc-charger" differs from the address (other)');
    const late = await http<{ message: string }>('PUT', '/project/symbols/dc-charger?baseVersion=5', { json: symbol });
    expect(late.status).toBe(409);
    expect(late.body.message).toContain('The project changed while the symbol was being edited (version 5 → 1');
    expect((await http<ProjectVersionInfo[]>('GET', '/project/versions')).body).toHaveLength(1);
    expect((await library()).symbols.every((s) => s.origin === 'builtin')).toBe(true);
  });

  it('adds a new symbol, refuses to delete it while a station uses it (naming the station); an unused one is deleted', async () => {
    await startDemo();
    const symbol = { ...(await dcSymbol()), id: 'bay-tile', name: 'Bay tile', shape: 'tile' };
    const added = await http<SymbolSaveInfo>('PUT', '/project/symbols/bay-tile', { json: symbol });
    expect(added.status).toBe(200);
    expect(added.body.library.symbols.find((s) => s.id === 'bay-tile')?.origin).toBe('project');

    // A station override names it (through the project itself: a station list import).
    const csv = 'id,template,group,x,y,symbol\nDEMO-DC-02,evs-sim-dc150-2,feeder-dc,,,bay-tile\n';
    const response = await fetch(`${supervisor?.url}/api/v1/project/import-stations`, { method: 'POST', headers: { Authorization: `Bearer ${supervisor?.apiKey}`, 'Content-Type': 'text/csv' }, body: csv });
    expect(response.status).toBe(200);
    expect((await library()).stationSymbols['DEMO-DC-02']).toBe('bay-tile');

    const refused = await http<{ message: string }>('DELETE', '/project/symbols/bay-tile');
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe('Symbol bay-tile is in use by station DEMO-DC-02: choose another symbol for them first');
    const builtIn = await http<{ message: string }>('DELETE', '/project/symbols/wallbox');
    expect(builtIn.status).toBe(409);
    expect(builtIn.body.message).toContain('Symbol wallbox is built in');
    const missing = await http<{ message: string }>('DELETE', '/project/symbols/nothing');
    expect(missing.status).toBe(404);
    expect((await library()).symbols.some((s) => s.id === 'bay-tile')).toBe(true);

    expect((await http('PUT', '/project/symbols/spare', { json: { ...symbol, id: 'spare' } })).status).toBe(200);
    const deleted = await http<SymbolSaveInfo & { reverted: boolean }>('DELETE', '/project/symbols/spare');
    expect(deleted.status).toBe(200);
    expect(deleted.body.reverted).toBe(false);
    expect(deleted.body.version.message).toBe('symbol spare deleted');
    expect((await library()).symbols.some((s) => s.id === 'spare')).toBe(false);
  });

  it('lets a viewer read the library but only an engineer change it; refusals are audited', async () => {
    const s = await startDemo();
    await s.accounts.put('viewer1', 'viewer', 'viewer-Pa55word');
    await s.accounts.put('eng1', 'engineer', 'engineer-Pa55word');
    const login = async (username: string, password: string) => (await http<{ token: string }>('POST', '/login', { json: { username, password } })).body.token;
    const viewer = await login('viewer1', 'viewer-Pa55word');
    expect((await http('GET', '/project/symbols', { token: viewer })).status).toBe(200);
    const symbol = await dcSymbol();
    const refused = await http<{ message: string }>('PUT', '/project/symbols/dc-charger', { token: viewer, json: symbol });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('The viewer role may not use putSymbol');
    expect((await http('DELETE', '/project/symbols/dc-charger', { token: viewer })).status).toBe(403);

    const engineer = await login('eng1', 'engineer-Pa55word');
    const saved = await http<SymbolSaveInfo>('PUT', '/project/symbols/dc-charger', { token: engineer, json: { ...symbol, size: 'large' } });
    expect(saved.status).toBe(200);
    expect(saved.body.version.author).toBe('eng1');
    const audit = await http<Page<AuditEntry>>('GET', '/audit?action=putSymbol');
    expect(audit.body.items.map((a) => [a.actor, a.ok]).sort()).toEqual([
      ['eng1', true],
      ['viewer1', false],
    ]);
  });

  it('a symbol and a ground plan saved at the same moment make two versions, one after the other, and both changes stay', async () => {
    await startDemo();
    const symbol = await dcSymbol();
    symbol.colors.Charging = '#00ffaa';
    const [sym, plan] = await Promise.all([
      http<SymbolSaveInfo>('PUT', '/project/symbols/dc-charger', { json: symbol }),
      http<{ version: { id: number } }>('PUT', '/ground-plans/demo-site', { json: { placements: [{ stationId: 'DEMO-AC-01', x: 12.5, y: 30 }] } }),
    ]);
    expect([sym.status, plan.status]).toEqual([200, 200]);
    expect([sym.body.version.id, plan.body.version.id].sort()).toEqual([2, 3]);
    const versions = await http<Array<{ id: number; message: string }>>('GET', '/project/versions');
    expect(versions.body.map((v) => v.id)).toEqual([1, 2, 3]);
    // The later version is based on the earlier one: the latest project has both changes.
    const latest = await http<{ project: { symbols?: PlanSymbol[]; sites: Array<{ parks: Array<{ stations: Array<{ id: string; position?: { x: number; y: number } }> }> }> } }>('GET', '/project');
    expect(latest.body.project.symbols?.find((x) => x.id === 'dc-charger')?.colors.Charging).toBe('#00ffaa');
    expect(latest.body.project.sites[0]?.parks[0]?.stations.find((st) => st.id === 'DEMO-AC-01')?.position).toEqual({ x: 12.5, y: 30 });
  });
});
