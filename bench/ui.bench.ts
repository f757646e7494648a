// UI benchmark (issue 3): 500 stations on one ground plan in Debian's Chromium, against a real
// server-mode process fed 1,000 OCPP events per second by 500 WebSocket stations. Reports the
// page's frame times (requestAnimationFrame deltas) under load against the same page idle, in
// the same run, and the event-to-screen latency: the time from a StatusNotification leaving
// its station to the symbol's connector showing the new status (MutationObserver in the page;
// the bench and the browser share the machine's clock).
//
// BENCH_UI_STATIONS (500), BENCH_UI_RATE (events/s, 1000), BENCH_UI_SECONDS (10) scale it;
// BENCH_UI_PROFILE=FILE writes a CPU profile of the page under load (.cpuprofile).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { launchBrowser, openPage } from '../e2e/browser.ts';
import { ROOT, startServer } from '../e2e/server.ts';
import { runMetadata } from './meta.ts';

const STATIONS = Number(process.env.BENCH_UI_STATIONS ?? 500);
const RATE = Number(process.env.BENCH_UI_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_UI_SECONDS ?? 10);
const PROBES_PER_S = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

function summary(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return { n: s.length, p50: r(quantile(s, 0.5)), p95: r(quantile(s, 0.95)), p99: r(quantile(s, 0.99)), max: r(s.at(-1) ?? Number.NaN) };
}

interface Station {
  id: string;
  socket: WebSocket;
  seq: number;
}

/** A minimal OCPP 1.6 station: boots, then sends whatever the bench tells it (replies are read and dropped). */
async function connectStation(ocppUrl: string, id: string): Promise<Station> {
  const socket = new WebSocket(`${ocppUrl}/${id}`, 'ocpp1.6');
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const booted = new Promise<void>((resolve, reject) => {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as unknown[];
      if (frame[0] === 3 && frame[1] === 'boot') {
        const status = (frame[2] as { status?: string }).status;
        if (status === 'Accepted') resolve();
        else reject(new Error(`${id}: boot ${status}`));
      } else if (frame[0] === 2) {
        // A call from the central system (none expected here): answer so it does not wait.
        socket.send(JSON.stringify([3, frame[1], {}]));
      }
    });
  });
  socket.send(JSON.stringify([2, 'boot', 'BootNotification', { chargePointVendor: 'Bench', chargePointModel: 'UI' }]));
  await booted;
  return { id, socket, seq: 0 };
}

function send(station: Station, action: string, payload: object): void {
  station.seq++;
  station.socket.send(JSON.stringify([2, `m${station.seq}`, action, payload]));
}

function status(station: Station, value: string): void {
  send(station, 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: value, timestamp: new Date().toISOString() });
}

function meter(station: Station, watts: number): void {
  send(station, 'MeterValues', {
    connectorId: 1,
    meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: String(watts), measurand: 'Power.Active.Import', unit: 'W' }] }],
  });
}

const server = await startServer({ demo: false, extraArgs: ['--auto-accept', '--log-level', 'error'] });
const browser = await launchBrowser();
const stations: Station[] = [];
try {
  const ocppUrl = `ws://127.0.0.1:${server.port}/ocpp`;
  for (let i = 0; i < STATIONS; i += 50) {
    const batch = Array.from({ length: Math.min(50, STATIONS - i) }, (_, k) => connectStation(ocppUrl, `UI-${String(i + k + 1).padStart(4, '0')}`));
    stations.push(...(await Promise.all(batch)));
  }
  for (const s of stations) status(s, 'Available');

  const { page } = await openPage(browser);
  await page.goto(`${server.url}/#/groundPlan`);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="plan-station-"]').length >= n, STATIONS, { timeout: 60_000 });
  await sleep(2000);

  // In the page: frame deltas, and every connector status change with its time.
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __changes: Array<[string, string, number]>; __recording: boolean };
    w.__frames = [];
    w.__changes = [];
    w.__recording = false;
    let last = performance.now();
    const frame = (t: number) => {
      if (w.__recording) w.__frames.push(t - last);
      last = t;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    new MutationObserver((records) => {
      const now = Date.now();
      for (const r of records) {
        const el = r.target as Element;
        const station = el.closest('[data-testid^="plan-station-"]')?.getAttribute('data-testid')?.slice('plan-station-'.length);
        const value = el.getAttribute('data-status');
        if (station && value) w.__changes.push([station, value, now]);
      }
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-status'] });
  });

  const record = async (ms: number) => {
    await page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __recording: boolean };
      w.__frames = [];
      w.__recording = true;
    });
    await sleep(ms);
    return page.evaluate(() => {
      const w = window as unknown as { __frames: number[]; __recording: boolean };
      w.__recording = false;
      return w.__frames;
    });
  };

  const idleFrames = await record(SECONDS * 1000);

  // Load: RATE events/s spread over the stations (meter values, some status changes), plus
  // PROBES_PER_S probes a second: a status flip on a station whose symbol is then watched.
  const probes: Array<{ station: string; status: string; sentAt: number }> = [];
  let sent = 0;
  let cursor = 0;
  const tickMs = 20;
  const background = Math.max(1, stations.length - Math.min(50, Math.floor(stations.length / 5)));
  const cdp = process.env.BENCH_UI_PROFILE ? await page.context().newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  const loadFramesPromise = record(SECONDS * 1000);
  const started = Date.now();
  let nextProbe = started;
  let probeIndex = 0;
  while (Date.now() - started < SECONDS * 1000) {
    // Catch up to the target rate whatever the timer granularity of a busy machine.
    const due = Math.floor(((Date.now() - started) / 1000) * RATE);
    for (let k = 0; sent < due; k++) {
      const s = stations[cursor++ % background] as Station;
      if (k % 10 === 9) status(s, s.seq % 2 === 0 ? 'Preparing' : 'Available');
      else meter(s, 1000 + ((s.seq * 733) % 21000));
      sent++;
    }
    if (Date.now() >= nextProbe) {
      // Probe stations carry no background traffic: nothing else changes their status meanwhile.
      const s = stations[background + (probeIndex % (stations.length - background))] as Station;
      probeIndex++;
      const next = probes.filter((p) => p.station === s.id).length % 2 === 0 ? 'Unavailable' : 'Available';
      probes.push({ station: s.id, status: next, sentAt: Date.now() });
      status(s, next);
      nextProbe += 1000 / PROBES_PER_S;
    }
    await sleep(tickMs);
  }
  const elapsedS = (Date.now() - started) / 1000;
  const loadFrames = await loadFramesPromise;
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(process.env.BENCH_UI_PROFILE as string, JSON.stringify(profile));
  }
  await sleep(3000);
  const changes = await page.evaluate(() => (window as unknown as { __changes: Array<[string, string, number]> }).__changes);

  const latencies: number[] = [];
  let missed = 0;
  for (const p of probes) {
    const seen = changes.find(([station, value, at]) => station === p.station && value === p.status && at >= p.sentAt);
    if (seen) latencies.push(seen[2] - p.sentAt);
    else missed++;
  }
  const idle = summary(idleFrames);
  const load = summary(loadFrames);
  const latency = summary(latencies);
  const row = (name: string, f: ReturnType<typeof summary>) => ({ phase: name, frames: f.n, 'fps': Math.round((f.n / SECONDS) * 10) / 10, 'p50 ms': f.p50, 'p95 ms': f.p95, 'p99 ms': f.p99, 'max ms': f.max });
  console.log(`\nGround plan with ${STATIONS} stations in Chromium, ${Math.round(sent / elapsedS)} OCPP events/s for ${SECONDS} s (target ${RATE}/s):`);
  console.table([row('idle (baseline)', idle), row('under load', load)]);
  console.log(`Frame time p95 under load / idle: ${(load.p95 / idle.p95).toFixed(2)}; frames over 50 ms under load: ${loadFrames.filter((f) => f > 50).length}`);
  console.log(`Event-to-screen latency (${latency.n} probes, ${missed} not seen): p50 ${latency.p50} ms, p95 ${latency.p95} ms, p99 ${latency.p99} ms, max ${latency.max} ms`);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(
    join(ROOT, 'bench/results/ui.json'),
    `${JSON.stringify({ ...runMetadata(), stations: STATIONS, targetRate: RATE, achievedRate: Math.round(sent / elapsedS), seconds: SECONDS, idleFrames: idle, loadFrames: load, latencyMs: latency, probesMissed: missed }, null, 2)}\n`,
  );
  if (missed > probes.length / 2) throw new Error(`most probes never reached the screen (${missed} of ${probes.length})`);
} finally {
  for (const s of stations) s.socket.close();
  await browser.close();
  await server.stop();
}
