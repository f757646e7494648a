// Live state of stations, EVSEs and connectors, and the registry of known / pending
// stations. Version-neutral: the OCPP adapters feed it through these methods.
import { timingSafeEqual } from 'node:crypto';
import type {
  ConnectorState,
  EvChargingNeeds,
  ConnectorStatus,
  OcppProtocol,
  StationState,
} from '../../src-shared/domain/index.ts';
import type { StationDeclaration } from '../../src-shared/project/index.ts';
import type { Archive, StoredStation } from '../archive/index.ts';
import type { DomainBus } from '../bus/index.ts';

export type AuthenticationResult = 'accepted' | 'unauthorized' | 'rejected';

export interface BootInfo {
  vendor: string;
  model: string;
  serialNumber: string | null;
  firmwareVersion: string | null;
}

export interface BootDecision {
  status: 'Accepted' | 'Pending' | 'Rejected';
  intervalS: number;
}

export interface LiveMeter {
  powerW?: number;
  currentA?: [number | null, number | null, number | null];
  energyWh?: number;
  soc?: number;
}

export interface RegistryOptions {
  autoAccept: boolean;
  heartbeatIntervalS: number;
  /** Interval asked of pending stations before they retry BootNotification, s. */
  pendingRetryS?: number;
  /** Coalescing window of station events to clients, ms. */
  publishIntervalMs?: number;
}

function blankConnector(evseId: number, connectorId: number, now: string): ConnectorState {
  return {
    evseId,
    connectorId,
    status: 'Unknown',
    errorCode: null,
    powerW: null,
    currentA: [null, null, null],
    energyWh: null,
    soc: null,
    transactionId: null,
    idTag: null,
    updatedAt: now,
  };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class StationRegistry {
  private readonly stations = new Map<string, StationState>();
  private readonly declarations = new Map<string, StationDeclaration>();
  private readonly archive: Archive;
  private readonly bus: DomainBus;
  private readonly options: Required<RegistryOptions>;
  private readonly dirty = new Set<string>();
  /** What each station last said of itself (connector 0), apart from the derived summary. */
  private readonly ownStatus = new Map<string, ConnectorStatus>();
  private publishTimer: NodeJS.Timeout | null = null;

  constructor(archive: Archive, bus: DomainBus, options: RegistryOptions) {
    this.archive = archive;
    this.bus = bus;
    this.options = { pendingRetryS: 30, publishIntervalMs: 200, ...options };
    const now = new Date().toISOString();
    for (const s of archive.loadStations()) this.stations.set(s.id, this.fromStored(s));
    for (const c of archive.loadConnectors()) {
      const station = this.stations.get(c.stationId);
      if (!station) continue;
      const connector = { ...blankConnector(c.evseId, c.connectorId, now), status: c.status, errorCode: c.errorCode, updatedAt: c.updatedAt };
      if (c.evseId === 0) {
        this.ownStatus.set(c.stationId, c.status);
        station.status = c.status;
        station.errorCode = c.errorCode;
      } else station.connectors.push(connector);
    }
  }

  get autoAccept(): boolean {
    return this.options.autoAccept;
  }

  private fromStored(s: StoredStation): StationState {
    return {
      id: s.id,
      protocol: s.protocol,
      registration: s.registration,
      declared: s.declared,
      connected: false,
      vendor: s.vendor,
      model: s.model,
      serialNumber: s.serialNumber,
      firmwareVersion: s.firmwareVersion,
      status: 'Unknown',
      errorCode: null,
      heartbeatIntervalS: this.options.heartbeatIntervalS,
      lastSeenAt: s.lastSeenAt,
      bootedAt: s.bootedAt,
      lastDisconnectReason: null,
      remoteAddress: s.remoteAddress,
      group: null,
      maxPowerW: null,
      connectors: [],
    };
  }

  private toStored(s: StationState): StoredStation {
    return {
      id: s.id,
      protocol: s.protocol,
      registration: s.registration,
      declared: s.declared,
      vendor: s.vendor,
      model: s.model,
      serialNumber: s.serialNumber,
      firmwareVersion: s.firmwareVersion,
      bootedAt: s.bootedAt,
      lastSeenAt: s.lastSeenAt,
      remoteAddress: s.remoteAddress,
    };
  }

  /**
   * Declares the project's stations: they are accepted at boot and checked against their password.
   * `publish` (a live apply) tells clients at once; at start-up the first snapshot does.
   */
  async declare(declarations: StationDeclaration[], options: { publish?: boolean } = {}): Promise<void> {
    const writes: Promise<void>[] = [];
    for (const d of declarations) {
      this.declarations.set(d.id, d);
      const existing = this.stations.get(d.id);
      const station: StationState = existing ?? {
        ...this.fromStored({
          id: d.id,
          protocol: d.protocol,
          registration: 'accepted',
          declared: true,
          vendor: d.vendor ?? null,
          model: d.model ?? null,
          serialNumber: null,
          firmwareVersion: null,
          bootedAt: null,
          lastSeenAt: null,
          remoteAddress: null,
        }),
      };
      station.declared = true;
      station.registration = 'accepted';
      station.group = d.group;
      station.maxPowerW = d.maxPowerW * d.connectors;
      station.protocol ??= d.protocol;
      for (let n = 1; n <= d.connectors; n++) {
        if (!station.connectors.some((c) => c.evseId === n)) station.connectors.push(blankConnector(n, d.protocol === 'ocpp1.6' ? n : 1, new Date().toISOString()));
      }
      station.connectors.sort((a, b) => a.evseId - b.evseId || a.connectorId - b.connectorId);
      this.stations.set(d.id, station);
      writes.push(this.archive.saveStation(this.toStored(station)));
      if (options.publish) this.touch(station);
    }
    await Promise.all(writes);
  }

  /**
   * Drops stations from the declared set (a project version without them was applied). One never
   * seen is forgotten; one seen before becomes an unknown station again, pending until accepted
   * (or accepted with auto-accept), its history kept.
   */
  async undeclare(stationIds: readonly string[]): Promise<void> {
    const writes: Promise<void>[] = [];
    for (const id of stationIds) {
      this.declarations.delete(id);
      const station = this.stations.get(id);
      if (!station) continue;
      if (!station.connected && station.lastSeenAt === null && station.bootedAt === null) {
        this.stations.delete(id);
        this.ownStatus.delete(id);
        this.dirty.delete(id);
        writes.push(this.archive.deleteStation(id));
        this.bus.publish({ type: 'stationRemoved', stationId: id });
        continue;
      }
      station.declared = false;
      station.registration = this.options.autoAccept ? 'accepted' : 'pending';
      station.group = null;
      station.maxPowerW = null;
      writes.push(this.archive.saveStation(this.toStored(station)));
      this.touch(station, true);
    }
    await Promise.all(writes);
  }

  /** New registration settings (a project version was applied): they hold from the next boot on. */
  configure(settings: { autoAccept?: boolean; heartbeatIntervalS?: number }): void {
    if (settings.autoAccept !== undefined) this.options.autoAccept = settings.autoAccept;
    if (settings.heartbeatIntervalS !== undefined) this.options.heartbeatIntervalS = settings.heartbeatIntervalS;
  }

  /** Ids of the stations the running project declares. */
  declaredIds(): string[] {
    return [...this.declarations.keys()];
  }

  list(): StationState[] {
    return [...this.stations.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  get(stationId: string): StationState | undefined {
    return this.stations.get(stationId);
  }

  protocolOf(stationId: string): OcppProtocol | null {
    return this.declarations.get(stationId)?.protocol ?? this.stations.get(stationId)?.protocol ?? null;
  }

  /**
   * Security profile 1: a declared station with a password must present it (Basic auth,
   * user = station id). Rejected stations are refused; unknown ones may connect and boot
   * into the pending list.
   */
  authenticate(stationId: string, credentials: { user: string; password: string } | null): AuthenticationResult {
    const declaration = this.declarations.get(stationId);
    if (declaration?.password !== undefined) {
      if (!credentials || credentials.user !== stationId || !sameSecret(credentials.password, declaration.password)) return 'unauthorized';
    } else if (credentials && credentials.user !== stationId) return 'unauthorized';
    if (this.stations.get(stationId)?.registration === 'rejected') return 'rejected';
    return 'accepted';
  }

  connected(stationId: string, protocol: OcppProtocol, remoteAddress: string | null): void {
    const station = this.ensure(stationId);
    station.connected = true;
    station.lastDisconnectReason = null;
    station.protocol = protocol;
    station.remoteAddress = remoteAddress;
    station.lastSeenAt = new Date().toISOString();
    this.touch(station);
    void this.archive.saveStation(this.toStored(station)).catch(() => undefined);
  }

  disconnected(stationId: string, reason: string | null = null): void {
    const station = this.stations.get(stationId);
    if (!station) return;
    station.connected = false;
    station.lastDisconnectReason = reason;
    for (const c of station.connectors) {
      c.powerW = null;
      c.currentA = [null, null, null];
    }
    this.touch(station);
  }

  private ensure(stationId: string): StationState {
    let station = this.stations.get(stationId);
    if (!station) {
      station = this.fromStored({
        id: stationId,
        protocol: null,
        registration: this.options.autoAccept ? 'accepted' : 'pending',
        declared: false,
        vendor: null,
        model: null,
        serialNumber: null,
        firmwareVersion: null,
        bootedAt: null,
        lastSeenAt: null,
        remoteAddress: null,
      });
      this.stations.set(stationId, station);
    }
    return station;
  }

  async boot(stationId: string, info: BootInfo): Promise<BootDecision> {
    const station = this.ensure(stationId);
    const now = new Date().toISOString();
    station.vendor = info.vendor;
    station.model = info.model;
    station.serialNumber = info.serialNumber;
    station.firmwareVersion = info.firmwareVersion;
    station.lastSeenAt = now;
    if (station.registration === 'accepted') station.bootedAt = now;
    await this.archive.saveStation(this.toStored(station));
    this.touch(station);
    switch (station.registration) {
      case 'accepted':
        return { status: 'Accepted', intervalS: this.options.heartbeatIntervalS };
      case 'pending':
        return { status: 'Pending', intervalS: this.options.pendingRetryS };
      default:
        return { status: 'Rejected', intervalS: this.options.pendingRetryS };
    }
  }

  isAccepted(stationId: string): boolean {
    return this.stations.get(stationId)?.registration === 'accepted';
  }

  seen(stationId: string): void {
    const station = this.stations.get(stationId);
    if (!station) return;
    station.lastSeenAt = new Date().toISOString();
  }

  async setRegistration(stationId: string, registration: 'accepted' | 'rejected'): Promise<StationState | undefined> {
    const station = this.stations.get(stationId);
    if (!station) return undefined;
    station.registration = registration;
    await this.archive.saveStation(this.toStored(station));
    this.touch(station, true);
    return station;
  }

  /** Records a connector (evseId 0 = the station itself) status; resolves once archived. */
  async connectorStatus(
    stationId: string,
    evseId: number,
    connectorId: number,
    status: ConnectorStatus,
    errorCode: string | null,
    stationTime: string,
  ): Promise<void> {
    const station = this.ensure(stationId);
    const now = new Date().toISOString();
    await this.archive.recordStatus({ stationId, evseId, connectorId, status, errorCode, updatedAt: now }, stationTime, now);
    if (evseId === 0) {
      this.ownStatus.set(stationId, status);
      station.errorCode = errorCode;
      station.status = deriveStationStatus(status, station);
    } else {
      const connector = this.connector(station, evseId, connectorId);
      connector.status = status;
      connector.errorCode = errorCode;
      connector.updatedAt = now;
      if (status === 'Available') {
        connector.powerW = null;
        connector.currentA = [null, null, null];
      }
      station.status = deriveStationStatus(this.ownStatus.get(stationId) ?? 'Unknown', station);
    }
    this.touch(station);
  }

  private connector(station: StationState, evseId: number, connectorId: number): ConnectorState {
    let c = station.connectors.find((x) => x.evseId === evseId && x.connectorId === connectorId);
    if (!c) {
      // A 2.0.1 EVSE first seen through a transaction event carries connectorId 1 by default;
      // adopt an existing connector of that EVSE rather than creating a twin.
      c = station.connectors.find((x) => x.evseId === evseId);
      if (c) c.connectorId = connectorId;
    }
    if (!c) {
      c = blankConnector(evseId, connectorId, new Date().toISOString());
      station.connectors.push(c);
      station.connectors.sort((a, b) => a.evseId - b.evseId || a.connectorId - b.connectorId);
    }
    return c;
  }

  meter(stationId: string, evseId: number, connectorId: number | null, values: LiveMeter): void {
    const station = this.stations.get(stationId);
    if (!station || evseId === 0) return;
    const c = connectorId === null ? station.connectors.find((x) => x.evseId === evseId) : this.connector(station, evseId, connectorId);
    if (!c) return;
    if (values.powerW !== undefined) c.powerW = values.powerW;
    if (values.currentA !== undefined) c.currentA = values.currentA;
    if (values.energyWh !== undefined) c.energyWh = values.energyWh;
    if (values.soc !== undefined) c.soc = values.soc;
    this.touch(station);
  }

  /** The charging needs the vehicle on an EVSE sent (2.0.1 NotifyEVChargingNeeds); forgotten when its transaction ends. */
  chargingNeeds(stationId: string, evseId: number, needs: EvChargingNeeds): void {
    const station = this.stations.get(stationId);
    if (!station || evseId === 0) return;
    const c = station.connectors.find((x) => x.evseId === evseId) ?? this.connector(station, evseId, 1);
    c.chargingNeeds = needs;
    this.touch(station);
  }

  transactionChanged(stationId: string, evseId: number, connectorId: number, transactionId: number | null, idTag: string | null): void {
    const station = this.stations.get(stationId);
    if (!station || evseId === 0) return;
    const c = this.connector(station, evseId, connectorId);
    c.transactionId = transactionId;
    c.idTag = idTag;
    if (transactionId === null) {
      c.powerW = null;
      c.currentA = [null, null, null];
      c.soc = null;
      // Needs may come before the transaction starts (ISO 15118 talks before the power path
      // closes, a common 2.0.1 TxStartPoint): kept until the transaction ends.
      c.chargingNeeds = null;
    }
    this.touch(station);
  }

  /** Marks a station changed; events are coalesced so a meter burst sends one update. */
  private touch(station: StationState, immediate = false): void {
    this.dirty.add(station.id);
    if (immediate) {
      this.flush();
      return;
    }
    this.publishTimer ??= setTimeout(() => this.flush(), this.options.publishIntervalMs);
  }

  flush(): void {
    if (this.publishTimer) clearTimeout(this.publishTimer);
    this.publishTimer = null;
    const ids = [...this.dirty];
    this.dirty.clear();
    for (const id of ids) {
      const station = this.stations.get(id);
      if (station) this.bus.publish({ type: 'station', station: snapshot(station) });
    }
  }

  close(): void {
    this.flush();
  }
}

/**
 * The station's summary status: what the station says of itself (connector 0) when that is
 * Faulted or Unavailable, else what its connectors are doing. Connector faults stay on the
 * connectors: the station itself is not Faulted because one connector is (one fault, one alarm).
 */
function deriveStationStatus(own: ConnectorStatus, station: StationState): ConnectorStatus {
  if (own === 'Faulted' || own === 'Unavailable') return own;
  const states = station.connectors.map((c) => c.status);
  if (states.some((s) => s === 'Charging')) return 'Charging';
  if (states.length > 0 && states.every((s) => s === 'Unavailable')) return 'Unavailable';
  return states.length > 0 ? 'Available' : own;
}

/**
 * A copy of a station's state for subscribers (they must not see later changes). Spread
 * copies, not structuredClone: a park's worth of stations is published every 200 ms and
 * structuredClone cost about 30 times more (16 µs a station). The connectors and their phase currents are the only
 * nested values; a nested field added to StationState must be copied here too.
 */
function snapshot(station: StationState): StationState {
  return { ...station, connectors: station.connectors.map((c) => ({ ...c, currentA: [c.currentA[0], c.currentA[1], c.currentA[2]] })) };
}
