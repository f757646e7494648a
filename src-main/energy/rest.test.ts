// The energy endpoints against a real supervisor running the demo project: a strict OCPP 1.6
// client charges (start, register readings, power, stop), then REST answers the sites, the
// energy per day and station, the power curve and the trend of that station; a viewer may
// read them; bad requests get a 4xx naming the problem.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { RPCClient } from 'ocpp-rpc';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EnergySummary, MeterTrend, PowerSeries, SiteInfo } from '../../src-shared/api/index.ts';
import { loadProject } from '../app/project.ts';
import { startSupervisor, type Supervisor } from '../app/supervisor.ts';

const PROJECT = loadProject(resolve(fileURLToPath(import.meta.url), '../../../assets/demo/project.json'));
const KEY = 'test-key';

let dataDir: string;
let supervisor: Supervisor;
let client: RPCClient | null = null;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'evs-energy-rest-'));
  supervisor = await startSupervisor({ dataDir, host: '127.0.0.1', port: 0, project: PROJECT, demo: false, apiKey: KEY, smartCharging: false, logger: pino({ level: 'silent' }) });
});

afterEach(async () => {
  await client?.close({ force: true }).catch(() => undefined);
  client = null;
  await supervisor.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function get<T>(path: string, token = KEY): Promise<{ status: number; body: T }> {
  const response = await fetch(`${supervisor.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as T };
}

function meterValues(transactionId: number, timestamp: string, wh: number, w: number) {
  return {
    connectorId: 1,
    transactionId,
    meterValue: [
      {
        timestamp,
        sampledValue: [
          { value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
          { value: String(w), measurand: 'Power.Active.Import', unit: 'W' },
        ],
      },
    ],
  };
}

describe('energy REST endpoints', () => {
  it('answer the energy, sessions, power and trend of a real charge, to a viewer too', async () => {
    client = new RPCClient({
      endpoint: supervisor.ocppUrl,
      identity: 'DEMO-AC-01',
      password: 'demo-ac-01-secret',
      protocols: ['ocpp1.6'],
      strictMode: true,
      reconnect: false,
    } as unknown as ConstructorParameters<typeof RPCClient>[0]);
    await client.connect();
    await client.call('BootNotification', { chargePointVendor: 'Test', chargePointModel: 'Energy' });
    const start = (await client.call('StartTransaction', { connectorId: 1, idTag: 'BADGE-001', meterStart: 10_000, timestamp: '2026-03-02T10:00:00.000Z' })) as { transactionId: number };
    await client.call('MeterValues', meterValues(start.transactionId, '2026-03-02T10:00:00.000Z', 10_000, 11_000));
    await client.call('MeterValues', meterValues(start.transactionId, '2026-03-02T10:30:00.000Z', 15_500, 11_000));
    await client.call('MeterValues', meterValues(start.transactionId, '2026-03-02T11:00:00.000Z', 21_000, 7_000));
    await client.call('StopTransaction', { transactionId: start.transactionId, meterStop: 21_000, timestamp: '2026-03-02T11:00:05.000Z' });

    const sites = await get<SiteInfo[]>('/api/v1/sites');
    expect(sites.status).toBe(200);
    expect(sites.body.map((s) => [s.id, s.maxPowerW])).toEqual([['demo-site', 650_000]]);
    expect(sites.body[0]?.stationIds).toContain('DEMO-AC-01');

    await supervisor.accounts.put('watcher', 'viewer', 'watcher-password-1');
    const session = await supervisor.api.dispatch('login', { username: 'watcher', password: 'watcher-password-1' }, { principal: null });
    const summary = await get<EnergySummary>('/api/v1/energy/summary?from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z&bucket=day&groupBy=station&siteId=demo-site', session.token);
    expect(summary.status).toBe(200);
    expect(summary.body.cells).toEqual([{ key: 'DEMO-AC-01', bucket: '2026-03-02T00:00:00.000Z', energyWh: 11_000, sessions: 1 }]);
    expect(summary.body.totals[0]).toEqual({ key: 'DEMO-AC-01', name: 'DEMO-AC-01', energyWh: 11_000, sessions: 1 });

    const power = await get<PowerSeries>('/api/v1/energy/power?from=2026-03-02T10:00:00Z&to=2026-03-02T12:00:00Z&siteId=demo-site&maxPoints=4');
    expect(power.body.stepS).toBe(1800);
    expect(power.body.points).toEqual([
      { t: '2026-03-02T10:00:00.000Z', w: 11_000 },
      { t: '2026-03-02T10:30:00.000Z', w: 11_000 },
      { t: '2026-03-02T11:00:00.000Z', w: 7_000 },
    ]);
    expect(power.body.limitW).toBe(650_000);

    const trend = await get<MeterTrend>('/api/v1/energy/trend?stationId=DEMO-AC-01&quantity=energy&from=2026-03-02T10:00:00Z&to=2026-03-02T12:00:00Z');
    expect(trend.body.unit).toBe('Wh');
    // The three readings as sent (few enough to come back raw).
    expect(trend.body.stepS).toBe(0);
    expect(trend.body.series[0]?.points.map((p) => [p.t, p.avg])).toEqual([
      ['2026-03-02T10:00:00.000Z', 10_000],
      ['2026-03-02T10:30:00.000Z', 15_500],
      ['2026-03-02T11:00:00.000Z', 21_000],
    ]);
  });

  it('refuse bad requests with a message and an unknown site with 404', async () => {
    const reversed = await get<{ message: string }>('/api/v1/energy/summary?from=2026-03-03T00:00:00Z&to=2026-03-02T00:00:00Z&bucket=day&groupBy=site');
    expect(reversed.status).toBe(400);
    expect(reversed.body.message).toContain('must be before');
    const badBucket = await get<{ message: string }>('/api/v1/energy/summary?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z&bucket=decade&groupBy=site');
    expect(badBucket.status).toBe(400);
    expect(badBucket.body.message).toContain('bucket');
    const unknown = await get<{ message: string }>('/api/v1/energy/power?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z&siteId=atlantis');
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('atlantis');
  });
});
