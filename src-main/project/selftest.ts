// Commissioning self-test per station after generation: waits for the boot, asks for a
// heartbeat, reads the configuration, triggers a status, sets and clears a test profile and,
// on request, starts and stops a charge with a test badge. A report of what passed, per step.
import type { CommandResult, StationCommand, StationState } from '../../src-shared/domain/index.ts';

export type SelfTestStepName = 'booted' | 'heartbeat' | 'configuration' | 'statusTrigger' | 'testProfile' | 'clearProfile' | 'remoteStart' | 'remoteStop';

export interface SelfTestStep {
  name: SelfTestStepName;
  ok: boolean;
  detail: string | null;
  ms: number;
}

export interface StationSelfTest {
  stationId: string;
  ok: boolean;
  steps: SelfTestStep[];
}

export interface SelfTestReport {
  startedAt: string;
  finishedAt: string;
  passed: number;
  failed: number;
  stations: StationSelfTest[];
}

export interface SelfTestOptions {
  /** How long to wait for a station to connect and boot, ms. */
  bootTimeoutMs?: number;
  /** Also start and stop a charge on EVSE 1 with this badge. */
  remoteStartStop?: { idTag: string };
  /** Stations tested at the same time. */
  concurrency?: number;
  /** Called as each station's test ends (progress). */
  onStation?: (result: StationSelfTest) => void;
}

export interface SelfTestDeps {
  station(stationId: string): StationState | undefined;
  command(stationId: string, command: StationCommand): Promise<CommandResult>;
}

/** The test profile: its own id and a stack level above the smart-charging ones, cleared at once. */
const TEST_PROFILE_ID = 990;
const TEST_PROFILE_STACK_LEVEL = 9;

async function until<T>(check: () => T | null | undefined | false, timeoutMs: number, stepMs = 100): Promise<T | null> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > end) return null;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

async function testStation(stationId: string, deps: SelfTestDeps, options: SelfTestOptions): Promise<StationSelfTest> {
  const steps: SelfTestStep[] = [];
  const step = async (name: SelfTestStepName, run: () => Promise<string | null>): Promise<boolean> => {
    const t0 = Date.now();
    try {
      const detail = await run();
      steps.push({ name, ok: true, detail, ms: Date.now() - t0 });
      return true;
    } catch (error) {
      steps.push({ name, ok: false, detail: error instanceof Error ? error.message : String(error), ms: Date.now() - t0 });
      return false;
    }
  };
  const expectAccepted = async (command: StationCommand): Promise<CommandResult> => {
    const result = await deps.command(stationId, command);
    if (result.outcome !== 'accepted') throw new Error(`${command.kind}: ${result.status}${result.detail ? ` (${result.detail})` : ''}`);
    return result;
  };

  const booted = await step('booted', async () => {
    const station = await until(() => {
      const s = deps.station(stationId);
      return s && s.connected && s.registration === 'accepted' && s.bootedAt !== null ? s : null;
    }, options.bootTimeoutMs ?? 60_000);
    if (!station) {
      const s = deps.station(stationId);
      throw new Error(!s ? 'unknown station' : !s.connected ? 'not connected' : s.registration !== 'accepted' ? `registration ${s.registration}` : 'no BootNotification received');
    }
    return `${station.vendor ?? '?'} ${station.model ?? '?'}, firmware ${station.firmwareVersion ?? '?'}, ${station.protocol ?? '?'}`;
  });
  if (booted) {
    await step('heartbeat', async () => {
      const before = deps.station(stationId)?.lastSeenAt ?? '';
      await expectAccepted({ kind: 'triggerMessage', message: 'Heartbeat' });
      const seen = await until(() => {
        const s = deps.station(stationId);
        return s?.lastSeenAt && s.lastSeenAt > before ? s.lastSeenAt : null;
      }, 10_000);
      if (!seen) throw new Error('no Heartbeat within 10 s of the trigger');
      return null;
    });
    await step('configuration', async () => {
      const result = await expectAccepted({ kind: 'getConfiguration' });
      const count = result.configuration?.length ?? 0;
      if (count === 0) throw new Error('the station returned no configuration');
      return `${count} keys read`;
    });
    await step('statusTrigger', async () => {
      await expectAccepted({ kind: 'triggerMessage', message: 'StatusNotification' });
      return null;
    });
    const set = await step('testProfile', async () => {
      await expectAccepted({ kind: 'setDefaultLimit', limit: 6, unit: 'A', phases: 3, profileId: TEST_PROFILE_ID, stackLevel: TEST_PROFILE_STACK_LEVEL });
      return '6 A TxDefaultProfile accepted';
    });
    if (set) {
      await step('clearProfile', async () => {
        await expectAccepted({ kind: 'clearProfile', profileId: TEST_PROFILE_ID });
        return null;
      });
    }
    if (options.remoteStartStop) {
      const badge = options.remoteStartStop.idTag;
      let transactionId: number | null = null;
      const started = await step('remoteStart', async () => {
        await expectAccepted({ kind: 'remoteStart', evseId: 1, idTag: badge });
        transactionId = await until(() => deps.station(stationId)?.connectors.find((c) => c.evseId === 1)?.transactionId ?? null, 20_000);
        if (transactionId === null) throw new Error('the station accepted but no transaction started within 20 s');
        return `transaction ${transactionId}`;
      });
      if (started && transactionId !== null) {
        const id: number = transactionId;
        await step('remoteStop', async () => {
          await expectAccepted({ kind: 'remoteStop', transactionId: id });
          const stopped = await until(() => (deps.station(stationId)?.connectors.find((c) => c.evseId === 1)?.transactionId ?? null) === null, 20_000);
          if (!stopped) throw new Error('the station accepted but the transaction did not end within 20 s');
          return null;
        });
      }
    }
  }
  return { stationId, ok: steps.every((s) => s.ok), steps };
}

export async function runSelfTest(stationIds: readonly string[], deps: SelfTestDeps, options: SelfTestOptions = {}): Promise<SelfTestReport> {
  const startedAt = new Date().toISOString();
  const results: StationSelfTest[] = new Array(stationIds.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(options.concurrency ?? 20, stationIds.length) }, async () => {
    for (let i = next++; i < stationIds.length; i = next++) {
      const result = await testStation(stationIds[i] as string, deps, options);
      results[i] = result;
      options.onStation?.(result);
    }
  });
  await Promise.all(lanes);
  const passed = results.filter((r) => r.ok).length;
  return { startedAt, finishedAt: new Date().toISOString(), passed, failed: results.length - passed, stations: results };
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}

/** A self-contained HTML report (print it to PDF from the browser). */
export function selfTestHtml(report: SelfTestReport, projectName: string): string {
  const rows = report.stations
    .map(
      (s) =>
        `<tr class="${s.ok ? 'ok' : 'ko'}"><th>${escape(s.stationId)}</th><td>${s.ok ? 'PASS' : 'FAIL'}</td><td>${s.steps
          .map((st) => `<span class="${st.ok ? 'ok' : 'ko'}" title="${escape(st.detail ?? '')}">${st.ok ? '✔' : '✘'} ${st.name}${st.ok || !st.detail ? '' : `: ${escape(st.detail)}`}</span>`)
          .join('<br>')}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Commissioning self-test – ${escape(projectName)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;color:#111}table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.4em .6em;text-align:left;vertical-align:top}tr.ko td:nth-child(2){color:#b00;font-weight:bold}tr.ok td:nth-child(2){color:#070;font-weight:bold}span.ko{color:#b00}</style></head>
<body><h1>Commissioning self-test</h1><p>${escape(projectName)} — ${escape(report.startedAt)} to ${escape(report.finishedAt)}: <strong>${report.passed} passed, ${report.failed} failed</strong> of ${report.stations.length} stations.</p>
<table><thead><tr><th>Station</th><th>Result</th><th>Steps</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>`;
}
