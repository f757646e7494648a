// `npm run simulate -- --url ws://127.0.0.1:8180/ocpp --count N [...]`: runs N simulated stations
// (or a project's demo site) with vehicle traffic, prints a status line, stops on SIGINT.
import { parseArgs } from 'node:util';
import type { ProjectFile, StationDeclaration } from '../../src-shared/project/index.ts';
import { loadRuntimeProject } from '../project/index.ts';
import { runDemoSite, SimulatedSite, type SiteOptions } from './site.ts';
import type { OcppProtocol, SimLogLevel } from './types.ts';

const HELP = `Usage: npm run simulate -- [options]
  --url URL              central system base URL (default ws://127.0.0.1:8180/ocpp)
  --count N              number of stations (default 10; ignored with --project)
  --protocol P           ocpp1.6 | ocpp2.0.1 | mixed (default mixed)
  --prefix S             station id prefix (default SIM-)
  --password P           security profile 1 password of every station
  --kind K               AC | DC (default AC)
  --connectors N         connectors per station (default 2)
  --project FILE         run the stations and badges of a project file instead
  --badges A,B,...       idTags drivers present (default BADGE-001..BADGE-020, or the project's)
  --meter-interval S     meter values period, seconds (default 10)
  --tick-ms MS           physics tick (default 1000)
  --arrival-rate R       vehicles per minute on the site (default: half the connectors busy)
  --outages-per-hour N   station outages per hour (default 6; 0 = none)
  --no-traffic           stations only: boot, status, heartbeats
  --seed N               PRNG seed (default 1)
  --status-interval S    status line period, seconds (default 5)
  --verbose              log protocol events
  --help`;

function fail(message: string): never {
  throw new Error(message);
}

function positive(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) fail(`--${name} must be a non-negative number`);
  return n;
}

/** Builds the site from the command line; exported for tests. */
export function siteFromArgs(argv: string[], log?: (level: SimLogLevel, message: string) => void): { site: SimulatedSite; statusIntervalS: number } {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string', default: 'ws://127.0.0.1:8180/ocpp' },
      count: { type: 'string' },
      protocol: { type: 'string', default: 'mixed' },
      prefix: { type: 'string', default: 'SIM-' },
      password: { type: 'string' },
      kind: { type: 'string', default: 'AC' },
      connectors: { type: 'string' },
      project: { type: 'string' },
      badges: { type: 'string' },
      'meter-interval': { type: 'string' },
      'tick-ms': { type: 'string' },
      'arrival-rate': { type: 'string' },
      'outages-per-hour': { type: 'string' },
      'no-traffic': { type: 'boolean', default: false },
      seed: { type: 'string' },
      'status-interval': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) fail(HELP);
  const options: SiteOptions = {
    baseUrl: values.url,
    meterIntervalS: positive(values['meter-interval'], 'meter-interval', 10),
    tickMs: positive(values['tick-ms'], 'tick-ms', 1000) || 1000,
    arrivalRate: values['arrival-rate'] === undefined ? undefined : positive(values['arrival-rate'], 'arrival-rate', 0),
    outagesPerHour: positive(values['outages-per-hour'], 'outages-per-hour', 6),
    traffic: !values['no-traffic'],
    seed: values.seed ?? 1,
    badges: values.badges ? values.badges.split(',').map((b) => b.trim()).filter(Boolean) : undefined,
    log: values.verbose ? log : (level, message) => (level === 'error' ? log?.(level, message) : undefined),
  };
  const statusIntervalS = positive(values['status-interval'], 'status-interval', 5) || 5;

  if (values.project) {
    // Any project format (the loader migrates and resolves templates); a bad file says why.
    let project: ProjectFile;
    try {
      project = loadRuntimeProject(values.project);
    } catch (error) {
      return fail(error instanceof Error ? error.message : String(error));
    }
    return { site: runDemoSite(project, options), statusIntervalS };
  }

  const count = Math.floor(positive(values.count, 'count', 10));
  const connectors = Math.max(1, Math.floor(positive(values.connectors, 'connectors', 2)));
  const protocol = values.protocol;
  if (protocol !== 'ocpp1.6' && protocol !== 'ocpp2.0.1' && protocol !== 'mixed') fail('--protocol must be ocpp1.6, ocpp2.0.1 or mixed');
  const kind = values.kind === 'DC' ? 'DC' : values.kind === 'AC' ? 'AC' : fail('--kind must be AC or DC');
  const width = Math.max(3, String(count).length);
  const declarations: StationDeclaration[] = Array.from({ length: count }, (_, i) => ({
    id: `${values.prefix}${String(i + 1).padStart(width, '0')}`,
    group: 'sim',
    protocol: protocol === 'mixed' ? ((i % 2 === 0 ? 'ocpp1.6' : 'ocpp2.0.1') as OcppProtocol) : protocol,
    password: values.password,
    kind,
    maxPowerW: kind === 'AC' ? 22_000 : 150_000,
    connectors,
    phases: 3,
  }));
  const badges = options.badges ?? Array.from({ length: 20 }, (_, i) => `BADGE-${String(i + 1).padStart(3, '0')}`);
  return { site: new SimulatedSite(declarations, { ...options, badges }).start(), statusIntervalS };
}

export function statusLine(site: SimulatedSite): string {
  const s = site.stats();
  const time = new Date().toISOString().slice(11, 19);
  return (
    `[${time}] stations ${s.online}/${s.stations} online (${s.connected} connected)` +
    ` | vehicles ${s.occupied}/${s.connectors} | charging ${s.charging}` +
    ` | ${(s.powerW / 1000).toFixed(1)} kW | delivered ${(s.deliveredWh / 1000).toFixed(1)} kWh` +
    ` | queued ${s.queued} | calls ${s.callsSent} errors ${s.errorsReceived} timeouts ${s.timeouts}`
  );
}

/** Runs until SIGINT/SIGTERM; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const log = (level: SimLogLevel, message: string): void => {
    (level === 'error' || level === 'warn' ? console.error : console.log)(`${level.toUpperCase()} ${message}`);
  };
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  let built: { site: SimulatedSite; statusIntervalS: number };
  try {
    built = siteFromArgs(argv, log);
  } catch (err) {
    console.error((err as Error).message);
    return 1;
  }
  const { site, statusIntervalS } = built;
  console.log(`simulating ${site.stations.length} station(s); Ctrl+C to stop`);
  const timer = setInterval(() => console.log(statusLine(site)), statusIntervalS * 1000);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (): void => {
      if (stopping) process.exit(130); // a second Ctrl+C: do not wait for clean closes
      stopping = true;
      console.log('stopping...');
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  clearInterval(timer);
  await site.stop();
  console.log(statusLine(site));
  return 0;
}
