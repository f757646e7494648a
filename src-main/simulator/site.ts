// A simulated site: one SimulatedStation per declared station and a vehicle traffic generator
// (arrivals, authorisation with a badge, charging, departures, short station outages), driven
// by a seeded PRNG so a run is reproducible.
import type { ProjectFile, StationDeclaration } from '../../src-shared/project/index.ts';
import { createPrng, type Prng } from './prng.ts';
import { SimulatedStation, type SimulatedStationOptions } from './station.ts';
import type { SimLogger, SimStopReason, Vehicle } from './types.ts';
import { randomVehicle } from './vehicles.ts';

export interface SiteOptions {
  /** Central system base URL, e.g. ws://127.0.0.1:8180/ocpp. */
  baseUrl: string;
  /** Physics tick of every station, real ms. Default 1000. */
  tickMs?: number;
  /** Periodic meter values, seconds. Default 10. */
  meterIntervalS?: number;
  /** Physics speed-up (see SimulatedStationOptions.timeScale). Default 1. */
  timeScale?: number;
  /** Vehicles arriving per minute on the whole site. Default: keeps about half the connectors busy. */
  arrivalRate?: number;
  /** idTags drivers present (Accepted ones). Default: the project's Accepted badges. */
  badges?: string[];
  /** idTags the central system should refuse, used now and then. Default: the project's other badges. */
  invalidBadges?: string[];
  /** Share of arrivals presenting an invalid badge. Default 0.03. */
  invalidBadgeRate?: number;
  /** Share of connectors given a vehicle right at start, so the site looks alive at once. Default 0.5. */
  initialOccupancy?: number;
  /** How long a vehicle stays at most, real minutes [min, max]. Default [3, 20]. */
  stayMinutes?: [number, number];
  /** Station outages per hour on the whole site. Default 6. */
  outagesPerHour?: number;
  /** Outage duration, real seconds [min, max]. Default [5, 30]. */
  outageSeconds?: [number, number];
  /** Run the traffic generator (arrivals, departures, outages). Default true. */
  traffic?: boolean;
  /** Period of the traffic generator, real ms. Default 1000. */
  trafficTickMs?: number;
  seed?: number | string;
  /** Stops the site when aborted. */
  signal?: AbortSignal;
  log?: SimLogger;
  /** Extra options for every station (callTimeoutMs, maxInFlight, reconnect...). */
  stationOptions?: Partial<SimulatedStationOptions>;
}

export interface SiteStats {
  stations: number;
  connected: number;
  online: number;
  offline: number;
  connectors: number;
  occupied: number;
  charging: number;
  powerW: number;
  /** Energy delivered since the site started, Wh. */
  deliveredWh: number;
  /** Transaction messages waiting for a connection. */
  queued: number;
  callsSent: number;
  errorsReceived: number;
  timeouts: number;
}

interface Session {
  departTimer: NodeJS.Timeout | null;
}

interface Driver {
  vehicle: Vehicle;
  idTag: string;
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class SimulatedSite {
  readonly stations: SimulatedStation[];
  private readonly options: SiteOptions;
  private readonly badges: string[];
  private readonly invalidBadges: string[];
  private readonly arrivals: Prng;
  private readonly vehicles: Prng;
  private readonly timing: Prng;
  private readonly outages: Prng;
  private readonly sessions = new Map<string, Session>();
  private readonly outageTimers = new Set<NodeJS.Timeout>();
  private readonly startTimers = new Set<NodeJS.Timeout>();
  private readonly initialEnergy = new Map<SimulatedStation, number>();
  private trafficTimer: NodeJS.Timeout | null = null;
  private lastTrafficMs = 0;
  private running = false;
  private readonly log: SimLogger;

  constructor(declarations: StationDeclaration[], options: SiteOptions) {
    this.options = options;
    this.log = options.log ?? (() => undefined);
    const prng = createPrng(options.seed ?? 1);
    // Separate streams: the sequence of vehicles does not shift when outages are drawn differently.
    this.arrivals = prng.fork('arrivals');
    this.vehicles = prng.fork('vehicles');
    this.timing = prng.fork('timing');
    this.outages = prng.fork('outages');
    const registers = prng.fork('registers');
    this.badges = options.badges && options.badges.length > 0 ? options.badges : ['SIM-BADGE-001'];
    this.invalidBadges = options.invalidBadges ?? [];
    this.stations = declarations.map((d) => {
      const initialEnergyWh = Math.round(registers.range(500_000, 20_000_000)); // meters are not new
      const station = new SimulatedStation({
        url: options.baseUrl,
        id: d.id,
        protocol: d.protocol,
        password: d.password,
        connectors: d.connectors,
        kind: d.kind,
        maxPowerW: d.maxPowerW,
        phases: d.phases ?? 3,
        vendor: d.vendor ?? 'EVS Sim',
        model: d.model ?? (d.kind === 'AC' ? 'SIM-AC' : 'SIM-DC'),
        tickMs: options.tickMs,
        meterIntervalS: options.meterIntervalS,
        timeScale: options.timeScale,
        initialEnergyWh,
        log: options.log,
        ...options.stationOptions,
      });
      this.initialEnergy.set(station, initialEnergyWh * d.connectors);
      station.on('vehicleLeft', (no) => this.endSession(station, no));
      return station;
    });
    options.signal?.addEventListener('abort', () => void this.stop(), { once: true });
  }

  station(id: string): SimulatedStation | undefined {
    return this.stations.find((s) => s.id === id);
  }

  /** Starts every station (without waiting for acceptance) and the traffic. */
  start(): this {
    if (this.running) return this;
    if (this.options.signal?.aborted) return this;
    this.running = true;
    const occupancy = this.options.initialOccupancy ?? 0.5;
    const traffic = this.options.traffic ?? true;
    for (const station of this.stations) {
      station.start().catch((err: unknown) => this.log('warn', `${station.id}: ${(err as Error).message}`));
      if (!traffic) continue;
      // Vehicles already there at start: drawn now, in declaration order (so a seed always gives
      // the same layout), plugged in as soon as their station is accepted.
      const initial: Array<{ no: number; driver: Driver; delayMs: number }> = [];
      for (let no = 1; no <= station.connectorCount; no++) {
        if (this.arrivals.chance(occupancy)) initial.push({ no, driver: this.driver(station), delayMs: this.timing.range(200, 3000) });
      }
      if (initial.length > 0) {
        station.once('accepted', () => {
          for (const { no, driver, delayMs } of initial) {
            const timer = setTimeout(() => {
              this.startTimers.delete(timer);
              this.arrive(station, no, driver);
            }, delayMs);
            this.startTimers.add(timer);
          }
        });
      }
    }
    if (traffic) {
      this.lastTrafficMs = Date.now();
      this.trafficTimer = setInterval(() => this.trafficTick(), this.options.trafficTickMs ?? 1000);
    }
    return this;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.trafficTimer) clearInterval(this.trafficTimer);
    this.trafficTimer = null;
    for (const t of [...this.outageTimers, ...this.startTimers]) clearTimeout(t);
    this.outageTimers.clear();
    this.startTimers.clear();
    for (const s of this.sessions.values()) if (s.departTimer) clearTimeout(s.departTimer);
    this.sessions.clear();
    await Promise.all(this.stations.map((s) => s.stop()));
  }

  stats(): SiteStats {
    const stats: SiteStats = {
      stations: this.stations.length,
      connected: 0,
      online: 0,
      offline: 0,
      connectors: 0,
      occupied: 0,
      charging: 0,
      powerW: 0,
      deliveredWh: 0,
      queued: 0,
      callsSent: 0,
      errorsReceived: 0,
      timeouts: 0,
    };
    for (const station of this.stations) {
      if (station.connected) stats.connected++;
      if (station.online) stats.online++;
      else stats.offline++;
      stats.queued += station.queuedTransactionMessages;
      stats.callsSent += station.counters.callsSent;
      stats.errorsReceived += station.counters.errorsReceived;
      stats.timeouts += station.counters.timeouts;
      let registers = 0;
      for (let no = 1; no <= station.connectorCount; no++) {
        stats.connectors++;
        if (station.vehicle(no)) stats.occupied++;
        if (station.connectorStatus(no) === 'Charging') stats.charging++;
        stats.powerW += station.powerW(no);
        registers += station.energyWh(no);
      }
      stats.deliveredWh += registers - (this.initialEnergy.get(station) ?? 0);
    }
    return stats;
  }

  private trafficTick(): void {
    if (!this.running) return;
    const now = Date.now();
    const dtS = (now - this.lastTrafficMs) / 1000;
    this.lastTrafficMs = now;

    // Arrivals: a Poisson process at arrivalRate per minute.
    const arrivals = poisson(this.arrivals, (this.arrivalRate() / 60) * dtS);
    for (let i = 0; i < arrivals; i++) {
      const free = this.freeConnectors();
      if (free.length === 0) break; // the driver goes elsewhere
      const { station, no } = this.arrivals.pick(free);
      this.arrive(station, no);
    }

    // Vehicles nobody scheduled a departure for (a remote start plugs one in): give them one.
    for (const station of this.stations) {
      for (let no = 1; no <= station.connectorCount; no++) {
        if (station.vehicle(no) && !this.sessions.has(key(station, no))) this.scheduleDeparture(station, no);
      }
    }

    // Outages: a station loses its connection for a short while, then replays its queue.
    const perHour = this.options.outagesPerHour ?? 6;
    if (perHour > 0 && this.outages.chance((perHour / 3600) * dtS)) {
      const candidates = this.stations.filter((s) => s.online);
      if (candidates.length > 0) {
        const station = this.outages.pick(candidates);
        const [min, max] = this.options.outageSeconds ?? [5, 30];
        const seconds = this.outages.range(min, max);
        this.log('info', `${station.id}: simulated outage for ${seconds.toFixed(0)} s`);
        station.goOffline();
        const timer = setTimeout(() => {
          this.outageTimers.delete(timer);
          station.goOnline();
        }, seconds * 1000);
        this.outageTimers.add(timer);
      }
    }
  }

  private arrivalRate(): number {
    if (this.options.arrivalRate !== undefined) return this.options.arrivalRate;
    const connectors = this.stations.reduce((n, s) => n + s.connectorCount, 0);
    const [min, max] = this.options.stayMinutes ?? [3, 20];
    return (connectors * 0.5) / ((min + max) / 2); // Little's law: half the connectors busy
  }

  private freeConnectors(): Array<{ station: SimulatedStation; no: number }> {
    const free: Array<{ station: SimulatedStation; no: number }> = [];
    for (const station of this.stations) {
      if (!station.connected && station.registration !== 'Accepted') continue; // never came up
      for (let no = 1; no <= station.connectorCount; no++) {
        const status = station.connectorStatus(no);
        if (!station.vehicle(no) && !this.sessions.has(key(station, no)) && status === 'Available') free.push({ station, no });
      }
    }
    return free;
  }

  /** Who arrives: a vehicle and the badge its driver presents. */
  private driver(station: SimulatedStation): Driver {
    const vehicle: Vehicle = randomVehicle(this.vehicles, station.spec.kind);
    vehicle.departAfterFullMs = Math.round(this.timing.range(30_000, 180_000));
    const invalid = this.invalidBadges.length > 0 && this.arrivals.chance(this.options.invalidBadgeRate ?? 0.03);
    const idTag = invalid ? this.arrivals.pick(this.invalidBadges) : this.arrivals.pick(this.badges);
    return { vehicle, idTag };
  }

  /** A driver plugs in, badges, charges; departure is scheduled (earlier if the car is full). */
  private arrive(station: SimulatedStation, no: number, driver: Driver = this.driver(station)): void {
    if (!this.running || station.vehicle(no) || this.sessions.has(key(station, no))) return;
    const { vehicle, idTag } = driver;
    const session: Session = { departTimer: null };
    this.sessions.set(key(station, no), session);
    try {
      station.plugIn(no, vehicle);
    } catch {
      this.sessions.delete(key(station, no));
      return;
    }
    const walkMs = this.timing.range(1000, 4000);
    void (async () => {
      await delay(walkMs); // from the car to the badge reader
      if (!this.running || station.vehicle(no) === null) return;
      const result = await station.startCharging(no, idTag);
      if (!result.accepted) {
        this.log('info', `${station.id}#${no}: ${idTag} refused (${result.status})`);
        await delay(this.timing.range(3000, 8000));
        if (this.running) await station.unplug(no);
        return;
      }
      this.scheduleDeparture(station, no);
    })().catch((err: unknown) => this.log('warn', `${station.id}#${no}: ${(err as Error).message}`));
  }

  private scheduleDeparture(station: SimulatedStation, no: number): void {
    const k = key(station, no);
    const session = this.sessions.get(k) ?? { departTimer: null };
    this.sessions.set(k, session);
    if (session.departTimer) return;
    const [min, max] = this.options.stayMinutes ?? [3, 20];
    const stayMs = this.timing.range(min, max) * 60_000;
    const reason: SimStopReason = this.timing.chance(0.8) ? 'Local' : 'EVDisconnected';
    const leaveMs = this.timing.range(1000, 3000);
    session.departTimer = setTimeout(() => {
      session.departTimer = null;
      void (async () => {
        // Most drivers badge to stop, some just pull the cable.
        if (reason === 'Local') await station.stopCharging(no, 'Local');
        await delay(leaveMs);
        if (this.running) await station.unplug(no);
      })().catch((err: unknown) => this.log('warn', `${station.id}#${no} departure: ${(err as Error).message}`));
    }, stayMs);
  }

  private endSession(station: SimulatedStation, no: number): void {
    const k = key(station, no);
    const session = this.sessions.get(k);
    if (session?.departTimer) clearTimeout(session.departTimer);
    this.sessions.delete(k);
  }
}

const key = (station: SimulatedStation, no: number): string => `${station.id}#${no}`;

/** Knuth's Poisson sampler (small lambdas: at most a few arrivals per second). */
function poisson(prng: Prng, lambda: number): number {
  if (lambda <= 0) return 0;
  const limit = Math.exp(-Math.min(lambda, 30));
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= prng.next();
  } while (p > limit);
  return k - 1;
}

/** Options of runDemoSite: everything of SiteOptions; badges default to the project's. */
export type DemoSiteOptions = SiteOptions;

/**
 * Starts the project's stations (every site) with vehicle traffic; returns at once (stations
 * connect and boot on their own, retrying while the central system is not there).
 */
export function runDemoSite(project: ProjectFile, options: DemoSiteOptions): SimulatedSite {
  const declarations = project.sites.flatMap((s) => s.stations);
  const badges = project.badges ?? [];
  const site = new SimulatedSite(declarations, {
    ...options,
    badges: options.badges ?? badges.filter((b) => b.status === 'Accepted').map((b) => b.idTag),
    invalidBadges: options.invalidBadges ?? badges.filter((b) => b.status !== 'Accepted').map((b) => b.idTag),
  });
  return site.start();
}
