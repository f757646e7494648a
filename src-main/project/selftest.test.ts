// The commissioning self-test against simulated stations of both versions over real OCPP:
// every step passes for stations that are there, the station that never connects fails at
// "booted" with the reason, and the HTML report says the same.
import { afterEach, describe, expect, it } from 'vitest';
import type { SelfTestReportInfo } from '../../src-shared/api/index.ts';
import type { ProjectFile, StationDeclaration } from '../../src-shared/project/index.ts';
import { startTestSupervisor, type TestSupervisor } from '../app/test-support.ts';
import { SimulatedStation } from '../simulator/index.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const STATIONS: StationDeclaration[] = ['ST-1', 'ST-2', 'ST-3', 'ST-4', 'ST-GHOST'].map((id, i) => ({ id, group: 'g', protocol: i % 2 === 0 ? 'ocpp1.6' : 'ocpp2.0.1', kind: 'AC', maxPowerW: 22_000, connectors: 2, phases: 3 }));
const PROJECT: ProjectFile = {
  formatVersion: 1,
  name: 'Commissioning',
  sites: [{ id: 's', name: 'S', groups: [{ id: 'g', name: 'G', maxPowerW: 500_000 }], stations: STATIONS }],
  badges: [{ idTag: 'TEST-BADGE', status: 'Accepted', expiresAt: null, parentIdTag: null, label: 'self-test' }],
};

describe('commissioning self-test', () => {
  it('passes every step on stations that are there, fails the absent one at boot, and reports it in HTML', async () => {
    const sup: TestSupervisor = await startTestSupervisor({ project: PROJECT });
    cleanups.push(() => sup.dispose());
    const sims = STATIONS.slice(0, 4).map((d) => new SimulatedStation({ url: sup.ocppUrl, id: d.id, protocol: d.protocol, connectors: 2, tickMs: 100 }));
    cleanups.push(async () => {
      for (const s of sims) await s.stop();
    });
    await Promise.all(sims.map((s) => s.start()));
    const response = await fetch(`${sup.url}/api/v1/project/self-test`, {
      method: 'POST',
      headers: { Authorization: 'Bearer test-key', 'Content-Type': 'application/json' },
      body: JSON.stringify({ remoteStartStop: { idTag: 'TEST-BADGE' }, bootTimeoutS: 2 }),
    });
    expect(response.status).toBe(200);
    const report = (await response.json()) as SelfTestReportInfo;
    expect(report).toMatchObject({ passed: 4, failed: 1 });
    for (const station of report.stations.slice(0, 4)) {
      expect(station.ok, `${station.stationId}: ${JSON.stringify(station.steps.filter((s) => !s.ok))}`).toBe(true);
      expect(station.steps.map((s) => s.name)).toEqual(['booted', 'heartbeat', 'configuration', 'statusTrigger', 'testProfile', 'clearProfile', 'remoteStart', 'remoteStop']);
    }
    const ghost = report.stations.find((s) => s.stationId === 'ST-GHOST');
    expect(ghost?.steps).toEqual([expect.objectContaining({ name: 'booted', ok: false, detail: 'not connected' })]);
    // The commands the self-test sent are in each station's history under its own name.
    const history = await sup.api.dispatch('listCommands', { stationId: 'ST-2' });
    expect(history.some((c) => c.operator?.startsWith('self-test') && c.action === 'SetChargingProfile')).toBe(true);
    const html = await fetch(`${sup.url}/api/v1/project/self-test/report.html`, { headers: { Authorization: 'Bearer test-key' } });
    expect(html.headers.get('content-type')).toContain('text/html');
    const text = await html.text();
    expect(text).toContain('4 passed, 1 failed');
    expect(text).toContain('ST-GHOST');
    expect(text).toContain('not connected');
  });
});
