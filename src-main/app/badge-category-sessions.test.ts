// An operator-managed badge's category reaches smart charging: a real supervisor (real SQLite, real
// OCPP over WebSocket from the simulator) runs a project with categories but no badge list; the
// operator puts badge OPS in "mgmt" over REST, and the session it starts is seen as a "mgmt"
// session, weighted 4 : 1 against a visitor's.
import { afterEach, describe, expect, it } from 'vitest';
import type { Badge } from '../../src-shared/domain/index.ts';
import type { ProjectFile, StationDeclaration } from '../../src-shared/project/index.ts';
import type { SimulatedStation } from '../simulator/index.ts';
import { startAcStations } from '../simulator/test-support.ts';
import { eventually, restCall, startTestSupervisor } from './test-support.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const STATIONS: StationDeclaration[] = [
  { id: 'CAT-A', group: 'feeder', protocol: 'ocpp1.6', kind: 'AC', maxPowerW: 22_080, connectors: 1, phases: 3 },
  { id: 'CAT-B', group: 'feeder', protocol: 'ocpp2.0.1', kind: 'AC', maxPowerW: 22_080, connectors: 1, phases: 3 },
];
const PROJECT: ProjectFile = {
  formatVersion: 1,
  name: 'categories',
  sites: [{ id: 'site', name: 'Site', groups: [{ id: 'feeder', name: 'Feeder', maxPowerW: 1_000_000, maxCurrentA: [24, 24, 24] }], stations: STATIONS }],
  badgeCategories: [
    { id: 'mgmt', name: 'Management', charging: { priority: 4 } },
    { id: 'visitor', name: 'Visitors', charging: { priority: 1 } },
  ],
};

describe('operator badges in a category', () => {
  it('are refused an unknown category, and their sessions take the category they were given', async () => {
    const sup = await startTestSupervisor({ project: PROJECT, smartCharging: true, smartChargingOptions: { debounceMs: 50, periodMs: 300 } });
    cleanups.push(() => sup.dispose());
    // The project runs without a history: the choices are the running project's categories.
    const listed = await restCall<{ version: number | null; categories: Array<{ category: { id: string } }> }>(sup, 'GET', '/project/badge-categories');
    expect(listed.body.version).toBeNull();
    expect(listed.body.categories.map((c) => c.category.id)).toEqual(['mgmt', 'visitor']);
    const unknown = await restCall<{ message: string }>(sup, 'PUT', '/badges/OPS', { json: { status: 'Accepted', category: 'board' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('choose one of: mgmt, visitor');
    for (const [idTag, category] of [['OPS', 'mgmt'], ['GUEST', 'visitor']] as const) {
      const saved = await restCall<Badge>(sup, 'PUT', `/badges/${idTag}`, { json: { status: 'Accepted', category } });
      expect(saved.body.category).toBe(category);
    }

    const { stations: sims, stop } = await startAcStations(sup.ocppUrl, STATIONS);
    cleanups.push(stop);
    const [ops, guest] = sims as [SimulatedStation, SimulatedStation];
    ops.plugIn(1);
    guest.plugIn(1);
    expect((await ops.startCharging(1, 'OPS')).accepted).toBe(true);
    expect((await guest.startCharging(1, 'GUEST')).accepted).toBe(true);
    // Weights 4 : 1 on a 24 A feeder: the visitor gets its 6 A minimum, management the rest.
    await eventually(() => ops.activeLimit(1)?.limit === 18 && guest.activeLimit(1)?.limit === 6, 15_000);
    const txOps = sup.registry.get('CAT-A')?.connectors[0]?.transactionId as number;
    const needs = (await sup.api.dispatch('getAllocation', {})).needs[String(txOps)];
    expect(needs).toMatchObject({ category: 'mgmt' });
  });

  it('lets a library profile name one of the project’s categories or none, and refuses another naming the choices', async () => {
    const sup = await startTestSupervisor({ project: PROJECT, smartCharging: true, smartChargingOptions: { debounceMs: 50, periodMs: 60_000 } });
    cleanups.push(() => sup.dispose());
    const profile = { id: 30, name: 'Visitors cap', stackLevel: 1, purpose: 'txDefault', kind: 'Relative', unit: 'A', periods: [{ startS: 0, limit: 16 }] };
    const check = await restCall<{ errors: Array<{ path: string; message: string }> }>(sup, 'POST', '/profiles/validate', { json: { profile: { ...profile, category: 'board' } } });
    expect(check.body.errors).toEqual([{ path: 'category', message: '"board" is not a badge category of the project (choose one of: mgmt, visitor, or none)' }]);
    const refused = await restCall<{ message: string }>(sup, 'PUT', '/profiles/30', { json: { ...profile, category: 'board' } });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('choose one of: mgmt, visitor');
    expect((await restCall<{ profiles: unknown[] }>(sup, 'GET', '/profiles')).body.profiles).toEqual([]);
    const saved = await restCall<{ category?: string }>(sup, 'PUT', '/profiles/30', { json: { ...profile, category: 'visitor' } });
    expect(saved.status).toBe(200);
    expect(saved.body.category).toBe('visitor');
    expect((await restCall(sup, 'PUT', '/profiles/31', { json: { ...profile, id: 31 } })).status).toBe(200);
  });
});
