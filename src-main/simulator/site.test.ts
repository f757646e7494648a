// The demo site and the CLI against a real strict OCPP-J peer.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProjectFile } from '../../src-shared/project/index.ts';
import { loadRuntimeProject } from '../project/index.ts';
import { siteFromArgs, statusLine } from './cli.ts';
import { runDemoSite, type SimulatedSite } from './site.ts';
import { TestCentral } from './test-central.ts';
import { FAST } from './test-support.ts';

const projectPath = fileURLToPath(new URL('../../assets/demo/project.json', import.meta.url));
// The demo file is format 2 (templates, parks): what the simulator runs is its runtime form.
const project: ProjectFile = loadRuntimeProject(projectPath);
const declared = project.sites.flatMap((s) => s.stations);
const accepted = (project.badges ?? []).filter((b) => b.status === 'Accepted').map((b) => b.idTag);
const passwords = Object.fromEntries(declared.map((d) => [d.id, d.password ?? '']));

let central: TestCentral | null = null;
let site: SimulatedSite | null = null;

afterEach(async () => {
  await site?.stop();
  site = null;
  if (central) {
    expect(central.strictFailures).toEqual([]);
    await central.close();
  }
  central = null;
});

const startsOf = (c: TestCentral): Array<{ station: string; tag: string }> =>
  c.calls
    .filter((x) => x.action === 'StartTransaction' || (x.action === 'TransactionEvent' && x.params.eventType === 'Started'))
    .map((x) => ({
      station: x.station,
      tag: x.action === 'StartTransaction' ? String(x.params.idTag) : (x.params.idToken as { idToken: string }).idToken,
    }));

describe('demo site', () => {
  it('boots every declared station with its password and protocol, and puts vehicles on connectors at once', async () => {
    central = await TestCentral.start({ passwords, acceptedTags: accepted });
    const c = central;
    site = runDemoSite(project, {
      baseUrl: c.url,
      tickMs: 50,
      meterIntervalS: 0.2,
      trafficTickMs: 100,
      outagesPerHour: 0,
      invalidBadgeRate: 0,
      seed: 7,
      stationOptions: { reconnectBaseMs: 50 },
    });
    expect(site.stations.map((s) => s.id)).toEqual(declared.map((d) => d.id));
    await c.until(() => declared.every((d) => c.callsOf('BootNotification', d.id).length === 1), 'every station booted', 15_000);
    for (const d of declared) {
      expect(c.handshakes.find((h) => h.station === d.id)?.protocol).toBe(d.protocol);
    }
    await c.until(() => startsOf(c).length >= 6, 'several charges started', 15_000);
    for (const s of startsOf(c)) expect(accepted).toContain(s.tag);
    const stats = site.stats();
    expect(stats.online).toBe(12);
    expect(stats.occupied).toBeGreaterThanOrEqual(6);
    expect(statusLine(site)).toMatch(/stations 12\/12 online/);
  });

  it('is reproducible: the same seed puts the same vehicles on the same connectors', async () => {
    central = await TestCentral.start({ passwords, acceptedTags: accepted });
    const c = central;
    const layout = async (): Promise<string[]> => {
      const s = runDemoSite(project, { baseUrl: c.url, tickMs: 50, arrivalRate: 0, outagesPerHour: 0, seed: 'same', stayMinutes: [60, 60] });
      site = s;
      await c.until(() => s.stations.every((st) => st.online), 'online', 15_000);
      await new Promise<void>((resolve) => setTimeout(resolve, 3200)); // initial vehicles arrive within 3 s of acceptance
      const occupied = s.stations.flatMap((st) =>
        Array.from({ length: st.connectorCount }, (_, i) => st.vehicle(i + 1)).map((v, i) => (v ? `${st.id}#${i + 1}:${v.batteryWh}` : null)),
      );
      await s.stop();
      return occupied.filter((x): x is string => x !== null);
    };
    const first = await layout();
    const second = await layout();
    expect(first.length).toBeGreaterThan(0);
    expect(second).toEqual(first);
  });

  it('takes stations offline for a while; they come back and replay their queue', async () => {
    central = await TestCentral.start({ passwords, acceptedTags: accepted });
    const c = central;
    site = runDemoSite(project, {
      baseUrl: c.url,
      ...{ tickMs: FAST.tickMs, meterIntervalS: 0.1 },
      trafficTickMs: 100,
      outagesPerHour: 36_000, // about one per tick
      outageSeconds: [0.2, 0.4],
      seed: 3,
    });
    const s = site;
    // A 2.0.1 station that was charging during its outage delivers events flagged offline.
    await c.until(() => c.callsOf('TransactionEvent').some((x) => x.params.offline === true), 'events replayed after an outage', 15_000);
    expect(s.stations.some((st) => st.counters.disconnects > 0)).toBe(true);
  });
});

describe('simulate CLI', () => {
  it('builds N stations with mixed protocols and the prefix', async () => {
    central = await TestCentral.start();
    const c = central;
    const built = siteFromArgs(['--url', c.url, '--count', '4', '--prefix', 'LOAD-', '--no-traffic', '--tick-ms', '50']);
    site = built.site;
    expect(site.stations.map((s) => [s.id, s.protocol])).toEqual([
      ['LOAD-001', 'ocpp1.6'],
      ['LOAD-002', 'ocpp2.0.1'],
      ['LOAD-003', 'ocpp1.6'],
      ['LOAD-004', 'ocpp2.0.1'],
    ]);
    await c.until(() => c.callsOf('BootNotification').length === 4, 'four boots');
  });

  it('runs from scripts/simulate.mjs, prints status lines and stops cleanly on SIGINT', async () => {
    central = await TestCentral.start();
    const c = central;
    const script = fileURLToPath(new URL('../../scripts/simulate.mjs', import.meta.url));
    const child = spawn(process.execPath, [script, '--url', c.url, '--count', '2', '--status-interval', '0.2', '--protocol', 'ocpp2.0.1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await c.until(() => /stations 2\/2 online/.test(out), 'a status line with both stations online', 15_000);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toContain('stopping');
  });
});
