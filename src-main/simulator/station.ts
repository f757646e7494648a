// A simulated charging station: the WebSocket shell (connect, Basic auth, reconnect with
// backoff, call queue, offline replay), its connectors and the physics tick. Everything that
// differs between OCPP 1.6 and 2.0.1 is delegated to a VersionAdapter (v16.ts / v201.ts).
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import {
  CALL,
  CALLERROR,
  CALLRESULT,
  encodeCall,
  encodeError,
  encodeResult,
  isPlainObject,
  OcppCallError,
  OcppOfflineError,
  OcppTimeoutError,
  parseFrame,
} from './frames.ts';
import { AC_PHASE_VOLTAGE_V, chargingPowerW, limitToWatts, phaseCurrents, phasesInUse, step } from './physics.ts';
import { ChargingProfiles } from './profiles.ts';
import type {
  BootReason,
  CallOutcome,
  ConnectorInfo,
  OutMessage,
  RegistrationStatus,
  RemoteStartRequest,
  StationControl,
  VersionAdapter,
} from './protocol.ts';
import { validatorFor, type SchemaValidator } from './schemas.ts';
import type {
  ActiveLimit,
  ChargingState,
  ConnectorSpec,
  ConnectorStatus,
  MeterReading,
  OcppProtocol,
  ReadingContext,
  ReservationEnd,
  ReserveStatus,
  SimLogger,
  SimReservation,
  SimStopReason,
  SimTransaction,
  StationKind,
  StationSettings,
  Vehicle,
} from './types.ts';
import { V16Adapter } from './v16.ts';
import { V201Adapter } from './v201.ts';
import { defaultVehicle } from './vehicles.ts';

export interface SimulatedStationOptions {
  /** Base URL of the central system, e.g. ws://127.0.0.1:8180/ocpp (the station id is appended). */
  url: string;
  id: string;
  protocol: OcppProtocol;
  /** Security profile 1 password; no Authorization header without one. */
  password?: string;
  /** Number of connectors (2.0.1: EVSEs, each with connector 1). Default 2. */
  connectors?: number;
  kind?: StationKind;
  /** Maximum power per connector, W. Default 22 kW AC, 150 kW DC. */
  maxPowerW?: number;
  phases?: 1 | 3;
  vendor?: string;
  model?: string;
  serialNumber?: string;
  firmwareVersion?: string;
  /** Wait this long for an answer to a CALL. Default 30 s. */
  callTimeoutMs?: number;
  /** CALLs of the station awaiting an answer at once. Default 1 (the polite OCPP default). */
  maxInFlight?: number;
  /** Reconnect after an unexpected disconnection, with exponential backoff. Default true. */
  reconnect?: boolean;
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  /** Pause between the disconnection of a Reset and the reconnection. Default 2 s. */
  rebootDelayMs?: number;
  /** Send BootNotification again after every reconnection (real stations only do it after a reboot). Default false. */
  bootOnReconnect?: boolean;
  /** Added to the station's clock, to simulate a wrong clock (timestamps it sends). */
  clockOffsetMs?: number;
  /** Real ms between physics ticks. Default 1000. */
  tickMs?: number;
  /** Simulated ms per real ms in the physics (tests speed charging up; >1 makes energy outrun power x time). Default 1. */
  timeScale?: number;
  /** Periodic transaction meter values, real seconds (0 = none). Default 10. */
  meterIntervalS?: number;
  /** Heartbeat interval until the central system gives one. Default 60 s. */
  heartbeatIntervalS?: number;
  /** Initial value of every connector's energy register, Wh. */
  initialEnergyWh?: number;
  /** Validate every outgoing CALL and CALLRESULT against the official schemas. Default true. */
  validateOutgoing?: boolean;
  log?: SimLogger;
}

export interface StartChargingOptions {
  /** Started by the central system (RemoteStart / RequestStartTransaction). */
  remote?: boolean;
  /** 2.0.1 IdTokenEnum. Default ISO14443. */
  idTokenType?: string;
  remoteStartId?: number;
}

export interface StartChargingResult {
  accepted: boolean;
  /**
   * Authorization status (Accepted, Invalid, Blocked...) or why the start was refused (Busy,
   * Unavailable, Offline, Stopped, Reserved: the connector is reserved for another badge).
   */
  status: string;
  /** The transaction id as the central system knows it (1.6: null while StartTransaction is unanswered). */
  transactionId: string | null;
}

export interface ConnectorSnapshot {
  no: number;
  status: ConnectorStatus;
  errorCode: string | null;
  operative: boolean;
  vehicle: Vehicle | null;
  transactionId: string | null;
  idTag: string | null;
  /** The reservation holding this connector (not those for any connector). */
  reservationId: number | null;
  chargingState: ChargingState | null;
  energyWh: number;
  powerW: number;
  currentA: [number, number, number];
  soc: number | null;
  limit: ActiveLimit | null;
}

export interface StationCounters {
  callsSent: number;
  resultsReceived: number;
  errorsReceived: number;
  timeouts: number;
  callsReceived: number;
  connects: number;
  disconnects: number;
}

/** Events (EventEmitter): listen with station.on('status', (no, status) => ...). */
export type StationEvents = {
  connected: [];
  disconnected: [code: number, reason: string];
  registration: [status: RegistrationStatus];
  accepted: [];
  rebooting: [];
  status: [connectorNo: number, status: ConnectorStatus];
  transactionStarted: [connectorNo: number, tx: SimTransaction];
  transactionStopped: [connectorNo: number, tx: SimTransaction, reason: SimStopReason];
  meterValues: [connectorNo: number, reading: MeterReading];
  reserved: [reservation: SimReservation];
  reservationEnded: [reservation: SimReservation, how: ReservationEnd];
  vehicleFull: [connectorNo: number];
  vehicleLeft: [connectorNo: number];
  callReceived: [action: string, payload: Record<string, unknown>];
  frameSent: [text: string];
  frameReceived: [text: string];
  protocolError: [message: string];
};

interface ConnectorRuntime extends ConnectorInfo {
  status: ConnectorStatus;
  errorCode: string | null;
  operative: boolean;
  /** Becomes Inoperative once its transaction ends (ChangeAvailability answered Scheduled). */
  pendingInoperative: boolean;
  vehicle: Vehicle | null;
  tx: SimTransaction | null;
  starting: boolean;
  /** A vehicle is still plugged after its transaction: Finishing rather than Preparing. */
  afterTx: boolean;
  energyWh: number;
  powerW: number;
  currentA: [number, number, number];
  departTimer: NodeJS.Timeout | null;
}

interface ReservationRuntime {
  info: SimReservation;
  /** The expiry on the real clock (expiresAt less the station's clock offset), ms. */
  expiresAtMs: number;
  timer: NodeJS.Timeout | null;
}

/** What a start by a badge does to the reservations: uses one, or is refused because of one. */
type ReservationClaim =
  | { blocked: false; use: ReservationRuntime | null }
  /** groupMayHelp: the badge's group (from Authorize) might still match. */
  | { blocked: true; groupMayHelp: boolean };

/** setTimeout's longest delay (about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

const sameTag = (a: string, b: string | undefined): boolean => b !== undefined && a.toLowerCase() === b.toLowerCase();

/** OCPP: the reservation's badge, or a badge of its group, or a badge whose group is the reserved badge. */
function reservationAdmits(r: SimReservation, idTag: string, group: string | null): boolean {
  const incoming = group === null ? [idTag] : [idTag, group];
  return incoming.some((tag) => sameTag(tag, r.idTag) || sameTag(tag, r.parentIdTag));
}

interface Pending {
  seq: number;
  message: OutMessage;
  /** 'open': may go before the registration is accepted (BootNotification). */
  gate: 'open' | 'accepted';
  attempts: number;
  resolve: (result: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

interface InFlight extends Pending {
  id: string;
  action: string;
  timer: NodeJS.Timeout;
}

const DEFAULT_SETTINGS: Omit<StationSettings, 'heartbeatIntervalS' | 'meterIntervalS'> = {
  measurands: ['Energy.Active.Import.Register', 'Power.Active.Import', 'Current.Import', 'SoC'],
  authorizeRemoteStart: false,
  localAuthorizeOffline: true,
  localPreAuthorize: false,
  stopTxOnEVSideDisconnect: true,
  stopTxOnInvalidId: true,
  connectionTimeOutS: 60,
  clockAlignedIntervalS: 0,
  transactionMessageAttempts: 3,
  transactionMessageRetryIntervalS: 10,
  webSocketPingIntervalS: 0,
};

const noop = (): void => undefined;

export class SimulatedStation extends EventEmitter<StationEvents> {
  readonly id: string;
  readonly protocol: OcppProtocol;
  readonly spec: ConnectorSpec;
  readonly connectorCount: number;
  readonly settings: StationSettings;
  readonly profiles = new ChargingProfiles();
  readonly counters: StationCounters = {
    callsSent: 0,
    resultsReceived: 0,
    errorsReceived: 0,
    timeouts: 0,
    callsReceived: 0,
    connects: 0,
    disconnects: 0,
  };

  private readonly opts: Required<Omit<SimulatedStationOptions, 'password' | 'log'>> & { password: string | undefined };
  private readonly log: SimLogger;
  private readonly adapter: VersionAdapter;
  private readonly validator: SchemaValidator;
  private readonly conns: ConnectorRuntime[] = [];
  private readonly reservationsById = new Map<number, ReservationRuntime>();

  private running = false;
  private ws: WebSocket | null = null;
  /** Incremented per connection, so callbacks of an old socket are ignored. */
  private generation = 0;
  private registrationStatus: RegistrationStatus | null = null;
  private forcedOffline = false;
  private rebooting = false;
  private bootReason: BootReason = 'PowerUp';
  private bootLoopRunning = false;
  private stationOperativeFlag = true;
  private pendingStationInoperative = false;
  private resetWhenIdle = false;
  private reconnectAttempt = 0;

  private queue: Pending[] = [];
  private readonly inFlight = new Map<string, InFlight>();
  private seq = 0;

  private tickTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private lastTickMs = 0;
  private readonly sleepers = new Set<() => void>();

  private startPromise: Promise<void> | null = null;
  private startSettle: { resolve: () => void; reject: (e: Error) => void } | null = null;

  constructor(options: SimulatedStationOptions) {
    super();
    const kind = options.kind ?? 'AC';
    this.opts = {
      url: options.url,
      id: options.id,
      protocol: options.protocol,
      password: options.password === '' ? undefined : options.password,
      connectors: options.connectors ?? 2,
      kind,
      maxPowerW: options.maxPowerW ?? (kind === 'AC' ? 22_000 : 150_000),
      phases: options.phases ?? 3,
      vendor: options.vendor ?? 'EVS Sim',
      model: options.model ?? (kind === 'AC' ? 'SIM-AC' : 'SIM-DC'),
      serialNumber: options.serialNumber ?? `SN-${options.id}`,
      firmwareVersion: options.firmwareVersion ?? '1.0.0-sim',
      callTimeoutMs: options.callTimeoutMs ?? 30_000,
      maxInFlight: Math.max(1, options.maxInFlight ?? 1),
      reconnect: options.reconnect ?? true,
      reconnectBaseMs: options.reconnectBaseMs ?? 1000,
      reconnectMaxMs: options.reconnectMaxMs ?? 30_000,
      rebootDelayMs: options.rebootDelayMs ?? 2000,
      bootOnReconnect: options.bootOnReconnect ?? false,
      clockOffsetMs: options.clockOffsetMs ?? 0,
      tickMs: options.tickMs ?? 1000,
      timeScale: options.timeScale ?? 1,
      meterIntervalS: options.meterIntervalS ?? 10,
      heartbeatIntervalS: options.heartbeatIntervalS ?? 60,
      initialEnergyWh: options.initialEnergyWh ?? 0,
      validateOutgoing: options.validateOutgoing ?? true,
    };
    const userLog = options.log;
    this.log = userLog ? (level, message) => userLog(level, `[${this.id}] ${message}`) : noop;
    this.id = options.id;
    this.protocol = options.protocol;
    this.spec = { kind, maxPowerW: this.opts.maxPowerW, phases: this.opts.phases };
    this.connectorCount = this.opts.connectors;
    this.settings = { ...DEFAULT_SETTINGS, heartbeatIntervalS: this.opts.heartbeatIntervalS, meterIntervalS: this.opts.meterIntervalS };
    this.settings.measurands = [...DEFAULT_SETTINGS.measurands];
    for (let no = 1; no <= this.connectorCount; no++) {
      this.conns.push({
        no,
        status: 'Available',
        errorCode: null,
        operative: true,
        pendingInoperative: false,
        vehicle: null,
        tx: null,
        starting: false,
        afterTx: false,
        energyWh: this.opts.initialEnergyWh,
        powerW: 0,
        currentA: [0, 0, 0],
        departTimer: null,
      });
    }
    this.validator = validatorFor(this.protocol);
    const control = this.control();
    this.adapter = this.protocol === 'ocpp1.6' ? new V16Adapter(control) : new V201Adapter(control);
  }

  // ---------------------------------------------------------------- public state

  /** The WebSocket is open. */
  get connected(): boolean {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  /** Connected and registered (BootNotification Accepted): messages flow. */
  get online(): boolean {
    return this.connected && this.registrationStatus === 'Accepted' && !this.rebooting;
  }

  get registration(): RegistrationStatus | null {
    return this.registrationStatus;
  }

  /** Whole-station availability (1.6 connector 0). */
  get stationOperative(): boolean {
    return this.stationOperativeFlag;
  }

  /** Transaction messages waiting to be delivered (grows while offline). */
  get queuedTransactionMessages(): number {
    return this.queue.filter((p) => p.message.kind === 'tx').length;
  }

  connectorStatus(no: number): ConnectorStatus {
    return this.conn(no).status;
  }

  /** The transaction id as the central system knows it (1.6 integer as text; 2.0.1 the station's uuid). */
  transactionId(no: number): string | null {
    const tx = this.conn(no).tx;
    return tx ? this.adapter.transactionIdOf(tx) : null;
  }

  transaction(no: number): SimTransaction | null {
    return this.conn(no).tx;
  }

  /** Energy register, Wh. */
  energyWh(no: number): number {
    return this.conn(no).energyWh;
  }

  powerW(no: number): number {
    return this.conn(no).powerW;
  }

  soc(no: number): number | null {
    return this.conn(no).vehicle?.soc ?? null;
  }

  vehicle(no: number): Vehicle | null {
    return this.conn(no).vehicle;
  }

  /** The charging limit in force on a connector (SetChargingProfile), with its power equivalent. */
  activeLimit(no: number): ActiveLimit | null {
    const c = this.conn(no);
    const phases = phasesInUse(this.spec, c.vehicle);
    const active = this.conns.filter((x) => x.tx && x.vehicle && x.tx.chargingState !== 'SuspendedEV').length;
    return this.profiles.effective(no, c.tx?.localId ?? null, active, (limit) => limitToWatts(limit, this.spec, phases));
  }

  connector(no: number): ConnectorSnapshot {
    const c = this.conn(no);
    return {
      no,
      status: c.status,
      errorCode: c.errorCode,
      operative: c.operative,
      vehicle: c.vehicle ? { ...c.vehicle } : null,
      transactionId: this.transactionId(no),
      idTag: c.tx?.idTag ?? null,
      reservationId: this.reservationOn(c)?.info.id ?? null,
      chargingState: c.tx?.chargingState ?? null,
      energyWh: c.energyWh,
      powerW: c.powerW,
      currentA: [...c.currentA],
      soc: c.vehicle?.soc ?? null,
      limit: this.activeLimit(no),
    };
  }

  connectors(): ConnectorSnapshot[] {
    return this.conns.map((c) => this.connector(c.no));
  }

  /** Reservations in force (made by ReserveNow, not yet used, cancelled, expired or removed). */
  reservations(): SimReservation[] {
    return [...this.reservationsById.values()].map((r) => ({ ...r.info }));
  }

  /** The station's clock (with clockOffsetMs), ISO-8601. */
  now(): string {
    return new Date(Date.now() + this.opts.clockOffsetMs).toISOString();
  }

  // ---------------------------------------------------------------- lifecycle

  /** Connects and boots; resolves once the central system accepted the registration. */
  start(): Promise<void> {
    if (this.running && this.startPromise) return this.startPromise;
    this.running = true;
    this.forcedOffline = false;
    this.startPromise = new Promise<void>((resolve, reject) => {
      this.startSettle = { resolve, reject };
    });
    this.startPromise.catch(noop); // the caller may not await it
    this.lastTickMs = Date.now();
    this.tickTimer = setInterval(() => this.safely('tick', () => this.tick()), this.opts.tickMs);
    // Reservations survive a stop/start (stations keep them); their expiry timers do not.
    for (const r of this.reservationsById.values()) this.armExpiry(r);
    this.connect();
    return this.startPromise;
  }

  /** Closes the connection cleanly (close handshake) and stops everything; no reconnection. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.clearTimers();
    this.settleStart(new Error(`${this.id}: stopped before being accepted`));
    const ws = this.ws;
    if (ws) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          ws.terminate();
          resolve();
        }, 1000);
        ws.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        try {
          ws.close(1000, 'Station stopped');
        } catch {
          ws.terminate();
        }
      });
    }
    this.ws = null;
    this.failAll(new OcppOfflineError('*', 'station stopped'));
  }

  /** Drops the connection without a close handshake; no reconnection until goOnline(). */
  goOffline(): void {
    this.forcedOffline = true;
    this.clearReconnectTimer();
    this.ws?.terminate();
  }

  /** Reconnects now; queued transaction messages are replayed once the connection is back. */
  goOnline(): void {
    this.forcedOffline = false;
    if (this.running && !this.ws) {
      this.clearReconnectTimer();
      this.connect();
    }
  }

  // ---------------------------------------------------------------- driver actions

  /** A vehicle plugs in (1.6 Preparing, 2.0.1 Occupied). */
  plugIn(no: number, vehicle?: Vehicle): void {
    const c = this.conn(no);
    if (c.vehicle) throw new Error(`${this.id}: connector ${no} already has a vehicle`);
    c.vehicle = { ...(vehicle ?? defaultVehicle(this.spec.kind, this.spec.maxPowerW, this.spec.phases)) };
    c.afterTx = false;
    this.refreshStatus(c);
  }

  /** The vehicle leaves; a running transaction stops first (EVDisconnected). */
  async unplug(no: number): Promise<void> {
    const c = this.conn(no);
    this.clearDepart(c);
    // Unplugging always ends the transaction here (StopTxOnEVSideDisconnect is reported, not honoured).
    if (c.tx && !c.tx.ended) {
      await this.stopInternal(c, 'EVDisconnected', true);
      return;
    }
    if (!c.vehicle) return;
    c.vehicle = null;
    c.afterTx = false;
    this.refreshStatus(c);
    this.emit('vehicleLeft', no);
  }

  /** Sends Authorize; returns the status (Accepted, Invalid, Blocked...). */
  async authorize(idTag: string, idTokenType = 'ISO14443'): Promise<string> {
    return (await this.authorizeWithGroup(idTag, idTokenType)).status;
  }

  private async authorizeWithGroup(idTag: string, idTokenType: string): Promise<{ status: string; group: string | null }> {
    const result = await this.enqueue(this.adapter.authorize(idTag, idTokenType));
    return { status: this.adapter.authorizeStatus(result), group: this.adapter.authorizeGroup(result) };
  }

  /**
   * Starts a transaction: authorize (unless remote and AuthorizeRemoteTxRequests is off),
   * then StartTransaction (1.6) / TransactionEvent Started (2.0.1). Plugs a default vehicle
   * in if none is there. Offline, the start is local and its messages wait in the queue.
   */
  async startCharging(no: number, idTag: string, options: StartChargingOptions = {}): Promise<StartChargingResult> {
    const c = this.conn(no);
    if (c.tx || c.starting) return { accepted: false, status: 'Busy', transactionId: null };
    if (!this.isOperative(c)) return { accepted: false, status: 'Unavailable', transactionId: null };
    // A reserved connector refuses other badges at once, unless Authorize may reveal a matching group.
    const early = this.claimReservation(c, idTag, null);
    if (early.blocked && !early.groupMayHelp) return { accepted: false, status: 'Reserved', transactionId: null };
    c.starting = true;
    try {
      if (!c.vehicle) this.plugIn(no);
      let group: string | null = null;
      if (!options.remote || this.settings.authorizeRemoteStart) {
        const auth = await this.authorizeForStart(idTag, options.idTokenType ?? 'ISO14443');
        if (auth.status !== 'Accepted') return { accepted: false, status: auth.status, transactionId: null };
        group = auth.group;
      }
      if (!this.running) return { accepted: false, status: 'Stopped', transactionId: null };
      if (c.tx || !c.vehicle) return { accepted: false, status: 'Busy', transactionId: null };
      // Again now: reservations may have been made, cancelled or expired while authorizing.
      const claim = this.claimReservation(c, idTag, group);
      if (claim.blocked) return { accepted: false, status: 'Reserved', transactionId: null };
      // Starting the transaction ends the reservation it uses (its id goes with the start message).
      if (claim.use) this.endReservation(claim.use, 'Used');
      const nowMs = Date.now();
      const tx: SimTransaction = {
        localId: randomUUID(),
        serverId: null,
        startFailed: false,
        connectorNo: no,
        idTag,
        idTokenType: options.idTokenType ?? 'ISO14443',
        startedAt: this.now(),
        startedAtMs: nowMs,
        meterStartWh: c.energyWh,
        seqNo: 0,
        remoteStartId: options.remoteStartId,
        reservationId: claim.use?.info.id,
        remote: options.remote ?? false,
        chargingState: c.vehicle.soc >= c.vehicle.targetSoc ? 'SuspendedEV' : 'Charging',
        chargingMs: 0,
        lastMeterAtMs: nowMs,
        ended: false,
      };
      // A Tx profile sent with the remote start waits for this transaction.
      for (const p of this.profiles.all()) if (p.purpose === 'Tx' && p.connectorNo === no && p.transactionId === undefined) p.transactionId = tx.localId;
      c.tx = tx;
      c.afterTx = false;
      const acks = this.adapter.transactionStarted(c, tx, this.readingOf(c), !this.online).map((m) => this.enqueue(m));
      acks.forEach((a) => a.catch(noop));
      this.refreshStatus(c);
      this.emit('transactionStarted', no, tx);
      if (this.online && acks[0]) await acks[0].catch(noop);
      return { accepted: !tx.ended, status: 'Accepted', transactionId: this.adapter.transactionIdOf(tx) };
    } finally {
      c.starting = false;
    }
  }

  /** Stops the transaction (1.6 StopTransaction, 2.0.1 TransactionEvent Ended); the vehicle stays plugged. */
  async stopCharging(no: number, reason: SimStopReason = 'Local'): Promise<boolean> {
    const c = this.conn(no);
    if (!c.tx || c.tx.ended) return false;
    await this.stopInternal(c, reason, false);
    return true;
  }

  /** Puts a connector in Faulted (a running transaction stops with reason Other); null clears it. */
  setFault(no: number, errorCode: string | null = 'OtherError'): void {
    const c = this.conn(no);
    c.errorCode = errorCode;
    if (errorCode !== null && c.tx) void this.stopInternal(c, 'Other', false).catch(noop);
    this.refreshStatus(c);
    this.removeUnusableReservations();
  }

  // ---------------------------------------------------------------- raw protocol access

  /**
   * Sends a CALL and resolves with the CALLRESULT payload; rejects with OcppCallError (code in
   * .code) on CALLERROR, OcppTimeoutError, or OcppOfflineError. Waits for the registration to be
   * accepted (except BootNotification). With validateOutgoing, an invalid payload is refused here.
   */
  async call<T = Record<string, unknown>>(action: string, payload: object = {}): Promise<T> {
    const boot = action === 'BootNotification';
    const result = await this.enqueue({ action, payload, kind: 'normal' }, boot ? 'open' : 'accepted', boot);
    return result as T;
  }

  /** Sends a text frame as is (tests of the central system's robustness). */
  sendRaw(text: string): void {
    if (!this.connected) throw new OcppOfflineError('sendRaw');
    this.sendText(text);
  }

  // ---------------------------------------------------------------- connection

  private connect(): void {
    if (!this.running || this.forcedOffline || this.ws) return;
    const generation = ++this.generation;
    const url = `${this.opts.url.replace(/\/+$/, '')}/${encodeURIComponent(this.id)}`;
    const headers: Record<string, string> = {};
    if (this.opts.password !== undefined) {
      headers.Authorization = `Basic ${Buffer.from(`${this.id}:${this.opts.password}`, 'utf8').toString('base64')}`;
    }
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, [this.protocol], { headers, handshakeTimeout: this.opts.callTimeoutMs, perMessageDeflate: false });
    } catch (err) {
      this.log('error', `cannot connect to ${url}: ${(err as Error).message}`);
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.on('open', () => this.safely('open', () => generation === this.generation && this.onOpen()));
    ws.on('message', (data: WebSocket.RawData) =>
      this.safely('message', () => generation === this.generation && this.onFrame(rawToText(data))),
    );
    ws.on('close', (code: number, reason: Buffer) =>
      this.safely('close', () => generation === this.generation && this.onClose(code, reason.toString('utf8'))),
    );
    ws.on('error', (err: Error) => this.log('warn', `socket: ${err.message}`));
  }

  private onOpen(): void {
    this.counters.connects++;
    this.reconnectAttempt = 0;
    this.log('info', `connected (${this.ws?.protocol ?? '?'})`);
    this.emit('connected');
    if (this.registrationStatus === 'Accepted') this.onAccepted();
    else void this.bootLoop();
  }

  private onClose(code: number, reason: string): void {
    this.ws = null;
    this.counters.disconnects++;
    this.stopHeartbeat();
    this.wakeSleepers();
    this.requeueAfterDisconnect();
    this.log('info', `disconnected (${code}${reason ? ` ${reason}` : ''})`);
    this.emit('disconnected', code, reason);
    if (this.opts.bootOnReconnect) this.registrationStatus = null;
    if (!this.running || this.forcedOffline) return;
    if (this.rebooting) {
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null;
        this.rebooting = false;
        this.connect();
      }, this.opts.rebootDelayMs);
      return;
    }
    if (!this.opts.reconnect) {
      this.settleStart(new Error(`${this.id}: connection closed (${code}${reason ? ` ${reason}` : ''})`));
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.running || this.forcedOffline || this.reconnectTimer) return;
    if (!this.opts.reconnect) {
      this.settleStart(new Error(`${this.id}: cannot connect`));
      return;
    }
    const base = Math.min(this.opts.reconnectMaxMs, this.opts.reconnectBaseMs * 2 ** this.reconnectAttempt);
    const delay = Math.round(base * (0.75 + Math.random() * 0.5)); // jitter: stations must not reconnect in lockstep
    this.reconnectAttempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  /** BootNotification until Accepted; Pending/Rejected wait the interval the central system gave. */
  private async bootLoop(): Promise<void> {
    if (this.bootLoopRunning) return;
    this.bootLoopRunning = true;
    const generation = this.generation;
    try {
      while (this.running && this.connected && generation === this.generation && this.registrationStatus !== 'Accepted') {
        let waitS = 10;
        try {
          const result = await this.enqueue(
            { action: 'BootNotification', kind: 'normal', payload: this.adapter.bootNotification(this.bootReason) },
            'open',
            true,
          );
          this.handleBootResult(result);
          if (typeof result.interval === 'number' && result.interval > 0) waitS = result.interval;
        } catch (err) {
          this.log('warn', `BootNotification failed: ${(err as Error).message}`);
        }
        if (this.registration === 'Accepted') return; // the getter: TS narrowed the field above
        await this.sleep(waitS * 1000);
      }
    } finally {
      this.bootLoopRunning = false;
    }
  }

  private handleBootResult(result: Record<string, unknown>): void {
    const status = result.status as RegistrationStatus;
    const wasAccepted = this.registrationStatus === 'Accepted';
    this.registrationStatus = status;
    this.emit('registration', status);
    if (status === 'Accepted' && typeof result.interval === 'number' && result.interval > 0) this.settings.heartbeatIntervalS = result.interval;
    if (status === 'Accepted' && !wasAccepted) this.onAccepted();
    else if (status === 'Accepted') this.startHeartbeat();
    else if (wasAccepted) {
      this.stopHeartbeat();
      void this.bootLoop();
    }
  }

  /** Registered (boot accepted, or reconnected after an outage): statuses, heartbeats, replay. */
  private onAccepted(): void {
    this.bootReason = 'PowerUp';
    this.log('info', 'accepted');
    this.emit('accepted');
    this.settleStart(null);
    this.startHeartbeat();
    this.sendStatusNow(undefined);
    this.pump();
  }

  private reboot(reason: SimStopReason): void {
    void (async () => {
      this.resetWhenIdle = false;
      for (const c of this.conns) if (c.tx && !c.tx.ended) await this.stopInternal(c, reason, false, false);
      await this.drain(1000); // let the stop messages leave before the "reboot"
      if (!this.running) return;
      this.log('info', 'rebooting');
      this.rebooting = true;
      this.registrationStatus = null;
      this.bootReason = 'RemoteReset';
      this.stopHeartbeat();
      this.emit('rebooting');
      if (this.ws) this.ws.close(1012, 'Reboot');
      else {
        this.rebooting = false;
        this.connect();
      }
    })().catch((err: unknown) => this.log('error', `reboot: ${(err as Error).message}`));
  }

  // ---------------------------------------------------------------- outgoing calls

  private enqueue(message: OutMessage, gate: 'open' | 'accepted' = 'accepted', front = false): Promise<Record<string, unknown>> {
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const entry: Pending = { seq: ++this.seq, message, gate, attempts: 0, resolve, reject };
      if (!this.running) return this.fail(entry, new OcppOfflineError(message.action, 'station not started'));
      // Only transaction messages wait out an outage; the rest would be stale when delivered.
      if (message.kind === 'normal' && !this.connected) return this.fail(entry, new OcppOfflineError(message.action));
      if (front) this.queue.unshift(entry);
      else this.queue.push(entry);
      this.pump();
    });
  }

  /** Fire-and-forget send for the station's own messages. */
  private sendInternal(message: OutMessage): void {
    this.enqueue(message).catch((err: unknown) => this.log('debug', `${message.action} not delivered: ${(err as Error).message}`));
  }

  /** Sends queued calls in order, up to maxInFlight awaiting an answer. */
  private pump(): void {
    while (this.connected && this.inFlight.size < this.opts.maxInFlight && this.queue.length > 0) {
      const head = this.queue[0] as Pending;
      if (head.gate === 'accepted' && !this.online) return;
      const readiness = head.message.ready?.() ?? 'send';
      if (readiness === 'wait') return;
      this.queue.shift();
      if (readiness === 'drop') {
        this.fail(head, new Error(`${head.message.action}: dropped (its transaction never started)`));
        continue;
      }
      this.transmit(head);
    }
  }

  private transmit(entry: Pending): void {
    const { action } = entry.message;
    const payload = typeof entry.message.payload === 'function' ? entry.message.payload() : entry.message.payload;
    if (this.opts.validateOutgoing) {
      const check = this.validator.request(action, payload);
      if (check.ok === false) {
        this.log('error', `refusing to send invalid ${action}: ${check.message}`);
        this.fail(entry, new Error(`invalid ${action}: ${check.message}`));
        return;
      }
    }
    const id = randomUUID();
    const timer = setTimeout(() => this.safely('timeout', () => this.onCallTimeout(id)), this.opts.callTimeoutMs);
    this.inFlight.set(id, { ...entry, id, action, timer });
    this.counters.callsSent++;
    this.sendText(encodeCall(id, action, payload));
  }

  private onCallTimeout(id: string): void {
    const f = this.inFlight.get(id);
    if (!f) return;
    this.inFlight.delete(id);
    this.counters.timeouts++;
    this.log('warn', `${f.action}: no answer within ${this.opts.callTimeoutMs} ms`);
    if (f.message.kind === 'tx' && f.attempts + 1 < this.settings.transactionMessageAttempts) {
      f.attempts++;
      this.queue.unshift(f); // transaction messages are retried, still first in line
    } else {
      this.fail(f, new OcppTimeoutError(f.action, this.opts.callTimeoutMs));
    }
    this.pump();
  }

  /** After a disconnection: in-flight transaction messages go back to the head of the queue, other calls fail. */
  private requeueAfterDisconnect(): void {
    const inflight = [...this.inFlight.values()].sort((a, b) => a.seq - b.seq);
    this.inFlight.clear();
    const requeue: Pending[] = [];
    for (const f of inflight) {
      clearTimeout(f.timer);
      if (f.message.kind === 'tx') requeue.push(f);
      else this.fail(f, new OcppOfflineError(f.action, 'connection lost'));
    }
    const keep: Pending[] = [];
    for (const p of this.queue) {
      if (p.message.kind === 'tx') keep.push(p);
      else this.fail(p, new OcppOfflineError(p.message.action, 'connection lost'));
    }
    this.queue = [...requeue, ...keep];
  }

  private failAll(error: Error): void {
    for (const f of this.inFlight.values()) {
      clearTimeout(f.timer);
      this.fail(f, error);
    }
    this.inFlight.clear();
    const queued = this.queue;
    this.queue = [];
    for (const p of queued) this.fail(p, error);
  }

  private fail(entry: Pending, error: Error): void {
    try {
      entry.message.onFailure?.(error);
    } catch (err) {
      this.log('error', `onFailure: ${(err as Error).message}`);
    }
    entry.reject(error);
  }

  /** Waits until no transaction message is pending, at most `ms`. */
  private async drain(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until && this.connected && (this.inFlight.size > 0 || this.queue.some((p) => p.message.kind === 'tx'))) {
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  // ---------------------------------------------------------------- incoming frames

  private onFrame(text: string): void {
    this.emit('frameReceived', text);
    const parsed = parseFrame(text);
    if (!parsed.ok) {
      this.protocolError(`bad frame (${parsed.reason}): ${text.slice(0, 200)}`);
      if (parsed.replyTo !== null) this.sendText(encodeError(parsed.replyTo, this.adapter.errorCode(parsed.fault), parsed.reason));
      return;
    }
    const frame = parsed.frame;
    switch (frame.type) {
      case CALL:
        this.onCall(frame.id, frame.action, frame.payload as Record<string, unknown>);
        return;
      case CALLRESULT:
        this.onCallResult(frame.id, frame.payload);
        return;
      case CALLERROR:
        this.onCallError(frame.id, frame.code, frame.description, frame.details);
        return;
    }
  }

  private onCall(id: string, action: string, payload: Record<string, unknown>): void {
    this.counters.callsReceived++;
    this.emit('callReceived', action, payload);
    const check = this.validator.request(action, payload);
    if (check.ok === 'unknown') {
      this.sendText(encodeError(id, this.adapter.errorCode('notImplemented'), `unknown action ${action}`));
      return;
    }
    if (check.ok === false) {
      this.protocolError(`invalid ${action} received: ${check.message}`);
      this.sendText(encodeError(id, this.adapter.errorCode(check.fault), check.message));
      return;
    }
    let outcome: CallOutcome;
    try {
      outcome = this.adapter.handleCall(action, payload);
    } catch (err) {
      this.log('error', `handling ${action}: ${(err as Error).stack ?? String(err)}`);
      outcome = { error: this.adapter.errorCode('internal'), description: 'simulator error' };
    }
    if ('error' in outcome) {
      this.sendText(encodeError(id, outcome.error, outcome.description));
      return;
    }
    if (this.opts.validateOutgoing) {
      const answer = this.validator.response(action, outcome.result);
      if (answer.ok === false) {
        this.log('error', `simulator built an invalid ${action} answer: ${answer.message}`);
        this.sendText(encodeError(id, this.adapter.errorCode('internal'), 'invalid answer'));
        return;
      }
    }
    this.sendText(encodeResult(id, outcome.result));
    // Effects (a start, a reboot, a triggered message) follow the answer on the wire.
    if (outcome.after) this.safely(`${action} effect`, outcome.after);
  }

  private onCallResult(id: string, payload: unknown): void {
    const f = this.inFlight.get(id);
    if (!f) {
      this.protocolError(`CALLRESULT for unknown message ${id}`);
      return;
    }
    this.inFlight.delete(id);
    clearTimeout(f.timer);
    this.counters.resultsReceived++;
    const check = this.validator.response(f.action, payload);
    if (!isPlainObject(payload) || check.ok === false) {
      const why = check.ok === false ? check.message : 'payload is not an object';
      this.protocolError(`invalid ${f.action} answer: ${why}`);
      this.fail(f, new OcppCallError(f.action, this.adapter.errorCode(check.ok === false ? check.fault : 'format'), `invalid answer: ${why}`, {}));
    } else {
      try {
        f.message.onResult?.(payload);
      } catch (err) {
        this.log('error', `${f.action} result handling: ${(err as Error).message}`);
      }
      f.resolve(payload);
    }
    this.pump();
  }

  private onCallError(id: string, code: string, description: string, details: unknown): void {
    const f = this.inFlight.get(id);
    if (!f) {
      this.protocolError(`CALLERROR for unknown message ${id}: ${code}`);
      return;
    }
    this.inFlight.delete(id);
    clearTimeout(f.timer);
    this.counters.errorsReceived++;
    this.log('warn', `${f.action} answered ${code} ${description}`);
    this.fail(f, new OcppCallError(f.action, code, description, details));
    this.pump();
  }

  private sendText(text: string): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    this.emit('frameSent', text);
    ws.send(text, (err) => {
      if (err) this.log('warn', `send failed: ${err.message}`);
    });
  }

  private protocolError(message: string): void {
    this.log('warn', message);
    this.emit('protocolError', message);
  }

  // ---------------------------------------------------------------- transactions & statuses

  private async authorizeForStart(idTag: string, idTokenType: string): Promise<{ status: string; group: string | null }> {
    const offline = { status: this.settings.localAuthorizeOffline ? 'Accepted' : 'Offline', group: null };
    if (!this.online) return offline;
    try {
      return await this.authorizeWithGroup(idTag, idTokenType);
    } catch (err) {
      if (err instanceof OcppCallError) return { status: 'Error', group: null };
      return offline; // lost the connection meanwhile: behave as offline
    }
  }

  private async stopInternal(c: ConnectorRuntime, reason: SimStopReason, unplugging: boolean, waitForAnswer = true): Promise<void> {
    const tx = c.tx;
    if (!tx || tx.ended) return;
    tx.ended = true;
    this.clearDepart(c);
    c.powerW = 0;
    c.currentA = [0, 0, 0];
    const reading = this.readingOf(c);
    if (unplugging) c.vehicle = null;
    const acks = this.adapter.transactionEnded(c, tx, reason, reading, !unplugging, !this.online).map((m) => this.enqueue(m));
    acks.forEach((a) => a.catch(noop));
    c.tx = null;
    c.afterTx = c.vehicle !== null;
    this.profiles.endTransaction(c.no);
    if (c.pendingInoperative) {
      c.operative = false;
      c.pendingInoperative = false;
    }
    this.refreshStatus(c);
    this.emit('transactionStopped', c.no, tx, reason);
    if (unplugging) this.emit('vehicleLeft', c.no);
    this.afterTransactionEnded();
    const last = acks[acks.length - 1];
    if (waitForAnswer && this.online && last) await last.catch(noop);
  }

  private afterTransactionEnded(): void {
    const idle = this.conns.every((c) => !c.tx);
    if (this.pendingStationInoperative && idle) {
      this.pendingStationInoperative = false;
      this.stationOperativeFlag = false;
      this.sendStatusNow(0);
      this.removeUnusableReservations();
    }
    if (this.resetWhenIdle && idle) this.reboot('Reboot');
  }

  private computeStatus(c: ConnectorRuntime): ConnectorStatus {
    if (c.errorCode !== null) return 'Faulted';
    if (c.tx) {
      if (c.tx.chargingState === 'SuspendedEV') return 'SuspendedEV';
      if (c.tx.chargingState === 'SuspendedEVSE') return 'SuspendedEVSE';
      return 'Charging';
    }
    if (!this.isOperative(c)) return 'Unavailable';
    // A vehicle plugged into a reserved connector leaves it Reserved until the right badge (2.0.1 G03.FR.09).
    if (this.reservationOn(c)) return 'Reserved';
    if (c.vehicle) return c.afterTx ? 'Finishing' : 'Preparing';
    return 'Available';
  }

  private updateStatus(c: ConnectorRuntime): void {
    const status = this.computeStatus(c);
    if (status !== c.status) {
      c.status = status;
      this.emit('status', c.no, status);
    }
  }

  /** Recomputes the status and reports it if the version reports such a change. */
  private refreshStatus(c: ConnectorRuntime): void {
    this.updateStatus(c);
    for (const m of this.adapter.statusNotifications(c, false)) this.sendInternal(m);
  }

  /** Forced StatusNotifications: undefined = the station (1.6 connector 0) and every connector. */
  private sendStatusNow(no: number | undefined): void {
    if (no === undefined || no === 0) for (const m of this.adapter.statusNotifications(null, true)) this.sendInternal(m);
    if (no === 0) return;
    for (const c of this.conns) {
      if (no !== undefined && c.no !== no) continue;
      this.updateStatus(c);
      for (const m of this.adapter.statusNotifications(c, true)) this.sendInternal(m);
    }
  }

  private isOperative(c: ConnectorRuntime): boolean {
    return c.operative && this.stationOperativeFlag && c.errorCode === null;
  }

  private changeAvailability(no: number, operative: boolean): void {
    const targets = no === 0 ? this.conns : this.conns.filter((c) => c.no === no);
    for (const c of targets) {
      if (!operative && c.tx) {
        c.pendingInoperative = true; // Scheduled: applies when the transaction ends
        continue;
      }
      c.operative = operative;
      c.pendingInoperative = false;
    }
    if (no === 0) {
      if (operative || targets.every((c) => !c.tx)) {
        this.stationOperativeFlag = operative;
        this.pendingStationInoperative = false;
      } else {
        this.pendingStationInoperative = true;
      }
      this.sendStatusNow(0);
    }
    for (const c of targets) this.refreshStatus(c);
    this.removeUnusableReservations();
  }

  // ---------------------------------------------------------------- reservations

  /** The reservation of this very connector (ignoring reservation `ignore`, which is being replaced). */
  private reservationOn(c: ConnectorRuntime, ignore?: number): ReservationRuntime | undefined {
    for (const r of this.reservationsById.values()) if (r.info.connectorNo === c.no && r.info.id !== ignore) return r;
    return undefined;
  }

  /** Reservations for any connector, the soonest to expire first (a badge uses that one). */
  private anyConnectorReservations(ignore?: number): ReservationRuntime[] {
    return [...this.reservationsById.values()]
      .filter((r) => r.info.connectorNo === 0 && r.info.id !== ignore)
      .sort((a, b) => a.expiresAtMs - b.expiresAtMs);
  }

  /** Available for a newcomer: operative, empty, nothing starting, not reserved. */
  private isFree(c: ConnectorRuntime, ignore?: number): boolean {
    return this.isOperative(c) && !c.pendingInoperative && !c.tx && !c.starting && !c.vehicle && !this.reservationOn(c, ignore);
  }

  private freeConnectors(ignore?: number): ConnectorRuntime[] {
    return this.conns.filter((c) => this.isFree(c, ignore));
  }

  /**
   * The ReserveNow answer (OCPP 1.6 5.13, 2.0.1 H01). Reservations for any connector each keep
   * one free connector aside (1.6: "one connector remains available for the reserved idTag").
   */
  private reservationStatus(req: SimReservation): ReserveStatus {
    const ignore = req.id; // a reservation with this id is replaced, so it does not stand in the way
    const keptAside = this.anyConnectorReservations(ignore).length;
    const free = this.freeConnectors(ignore);
    if (req.connectorNo === 0) {
      if (!this.stationOperativeFlag || this.pendingStationInoperative) return 'Unavailable';
      if (free.length > keptAside) return 'Accepted';
      if (this.conns.every((c) => c.errorCode !== null)) return 'Faulted';
      if (this.conns.every((c) => !this.isOperative(c))) return 'Unavailable';
      return 'Occupied';
    }
    const c = this.conns[req.connectorNo - 1];
    if (!c) return 'Rejected';
    if (c.errorCode !== null) return 'Faulted';
    if (!this.isOperative(c) || c.pendingInoperative || this.pendingStationInoperative) return 'Unavailable';
    if (!this.isFree(c, ignore)) return 'Occupied'; // a vehicle, a transaction or another reservation
    if (free.length - 1 < keptAside) return 'Occupied'; // it would take the connector kept for a reservation of any connector
    return 'Accepted';
  }

  private reserve(req: SimReservation): void {
    const old = this.reservationsById.get(req.id);
    if (old) {
      // Same reservationId: the new reservation replaces the old one (1.6 5.13), silently.
      this.clearExpiry(old);
      this.reservationsById.delete(req.id);
    }
    const r: ReservationRuntime = { info: { ...req }, expiresAtMs: Date.parse(req.expiresAt) - this.opts.clockOffsetMs, timer: null };
    this.reservationsById.set(req.id, r);
    if (this.running) this.armExpiry(r);
    this.log('info', `reservation ${req.id} for ${req.idTag} on ${req.connectorNo === 0 ? 'any connector' : `connector ${req.connectorNo}`} until ${req.expiresAt}`);
    this.emit('reserved', { ...r.info });
    const moved = old && old.info.connectorNo !== req.connectorNo ? this.conns[old.info.connectorNo - 1] : undefined;
    if (moved) this.refreshStatus(moved);
    const c = this.conns[req.connectorNo - 1];
    if (c) this.refreshStatus(c);
  }

  /** Ends a reservation; its connector's status follows (Reserved to Available, or Preparing when the badge's vehicle waits: 1.6 G2). */
  private endReservation(r: ReservationRuntime, how: ReservationEnd): void {
    if (this.reservationsById.get(r.info.id) !== r) return;
    this.reservationsById.delete(r.info.id);
    this.clearExpiry(r);
    this.log('info', `reservation ${r.info.id} ${how.toLowerCase()}`);
    for (const m of this.adapter.reservationEnded(r.info, how)) this.sendInternal(m);
    this.emit('reservationEnded', { ...r.info }, how);
    const c = this.conns[r.info.connectorNo - 1];
    if (c) this.refreshStatus(c);
  }

  /** 1.6 5.13: a reservation ends when its connector (or, for any connector, the station) becomes Faulted or Unavailable. */
  private removeUnusableReservations(): void {
    for (const r of [...this.reservationsById.values()]) {
      const c = this.conns[r.info.connectorNo - 1];
      const usable = c ? this.isOperative(c) && !c.pendingInoperative : this.stationOperativeFlag && !this.pendingStationInoperative;
      if (!usable) this.endReservation(r, 'Removed');
    }
  }

  /**
   * What a start by `idTag` (of group `group`, if Authorize told it) on connector c does: the
   * connector's own reservation admits only its badge or group; reservations for any connector
   * admit theirs anywhere, and others only while enough free connectors remain for them.
   */
  private claimReservation(c: ConnectorRuntime, idTag: string, group: string | null): ReservationClaim {
    const own = this.reservationOn(c);
    if (own) {
      if (reservationAdmits(own.info, idTag, group)) return { blocked: false, use: own };
      return { blocked: true, groupMayHelp: group === null && own.info.parentIdTag !== undefined };
    }
    const any = this.anyConnectorReservations();
    const mine = any.find((r) => reservationAdmits(r.info, idTag, group));
    if (mine) return { blocked: false, use: mine };
    const freeElsewhere = this.conns.filter((x) => x !== c && this.isFree(x)).length;
    if (any.length > freeElsewhere) return { blocked: true, groupMayHelp: group === null && any.some((r) => r.info.parentIdTag !== undefined) };
    return { blocked: false, use: null };
  }

  private armExpiry(r: ReservationRuntime): void {
    this.clearExpiry(r);
    const left = r.expiresAtMs - Date.now();
    const delay = Number.isFinite(left) ? Math.min(Math.max(0, left), MAX_TIMER_MS) : 0;
    r.timer = setTimeout(() => {
      r.timer = null;
      // A far expiry takes several timer rounds; timers may also fire a little early. (NaN: expired.)
      this.safely('reservation expiry', () => (Date.now() < r.expiresAtMs ? this.armExpiry(r) : this.endReservation(r, 'Expired')));
    }, delay);
  }

  private clearExpiry(r: ReservationRuntime): void {
    if (r.timer) clearTimeout(r.timer);
    r.timer = null;
  }

  // ---------------------------------------------------------------- physics

  private tick(): void {
    const nowMs = Date.now();
    // Cap the step so a stalled event loop does not deliver a burst of energy.
    const dt = Math.min(nowMs - this.lastTickMs, this.opts.tickMs * 10) * this.opts.timeScale;
    this.lastTickMs = nowMs;
    for (const c of this.conns) {
      const tx = c.tx;
      const vehicle = c.vehicle;
      if (!tx || !vehicle) {
        c.powerW = 0;
        c.currentA = [0, 0, 0];
        continue;
      }
      const phases = phasesInUse(this.spec, vehicle);
      const limit = this.activeLimit(c.no);
      const minimumW = this.spec.kind === 'AC' ? 6 * AC_PHASE_VOLTAGE_V * phases : 1000; // IEC 61851: no AC charging below 6 A
      let state: ChargingState;
      let power = 0;
      if (vehicle.soc >= vehicle.targetSoc) state = 'SuspendedEV';
      else if (limit !== null && limit.powerW < minimumW) state = 'SuspendedEVSE';
      else {
        state = 'Charging';
        power = chargingPowerW(this.spec, vehicle, limit?.powerW ?? null);
      }
      let full = false;
      if (power > 0) {
        const r = step(vehicle, power, dt);
        c.energyWh += r.energyWh;
        vehicle.soc = r.soc;
        tx.chargingMs += dt;
        full = r.full;
      }
      c.powerW = state === 'Charging' ? power : 0;
      c.currentA = phaseCurrents(this.spec, phases, c.powerW);
      if (full) state = 'SuspendedEV';
      if (state !== tx.chargingState) {
        tx.chargingState = state;
        if (state === 'SuspendedEV') {
          c.powerW = 0;
          c.currentA = [0, 0, 0];
        }
        for (const m of this.adapter.chargingStateChanged(c, tx, this.readingOf(c), !this.online)) this.sendInternal(m);
        this.refreshStatus(c);
        if (state === 'SuspendedEV') this.onVehicleFull(c);
      }
      if (this.settings.meterIntervalS > 0 && nowMs - tx.lastMeterAtMs >= this.settings.meterIntervalS * 1000) {
        tx.lastMeterAtMs = nowMs;
        const reading = this.readingOf(c);
        for (const m of this.adapter.transactionMeter(c, tx, reading, 'Sample.Periodic', !this.online)) this.sendInternal(m);
        this.emit('meterValues', c.no, reading);
      }
    }
  }

  private onVehicleFull(c: ConnectorRuntime): void {
    this.emit('vehicleFull', c.no);
    const vehicle = c.vehicle;
    if (!vehicle || vehicle.departAfterFullMs === undefined || c.departTimer) return;
    c.departTimer = setTimeout(() => {
      c.departTimer = null;
      if (c.vehicle !== vehicle) return;
      // The driver comes back: badge to stop, then drives off.
      void (async () => {
        await this.stopCharging(c.no, 'Local');
        await this.unplug(c.no);
      })().catch((err: unknown) => this.log('warn', `departure: ${(err as Error).message}`));
    }, vehicle.departAfterFullMs);
  }

  private readingOf(c: ConnectorRuntime): MeterReading {
    return { timestamp: this.now(), energyWh: c.energyWh, powerW: c.powerW, currentA: [...c.currentA], soc: c.vehicle?.soc ?? null };
  }

  // ---------------------------------------------------------------- timers & helpers

  private startHeartbeat(): void {
    this.stopHeartbeat();
    const seconds = this.settings.heartbeatIntervalS;
    if (seconds <= 0) return;
    this.heartbeatTimer = setInterval(() => {
      if (this.online) this.sendInternal({ action: 'Heartbeat', kind: 'normal', payload: this.adapter.heartbeat() });
    }, seconds * 1000);
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private clearReconnectTimer(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private clearDepart(c: ConnectorRuntime): void {
    if (c.departTimer) clearTimeout(c.departTimer);
    c.departTimer = null;
  }

  private clearTimers(): void {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
    this.stopHeartbeat();
    this.clearReconnectTimer();
    for (const c of this.conns) this.clearDepart(c);
    for (const r of this.reservationsById.values()) this.clearExpiry(r);
    this.wakeSleepers();
  }

  /** A sleep that disconnection and stop() cut short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private wakeSleepers(): void {
    for (const wake of [...this.sleepers]) wake();
  }

  private settleStart(error: Error | null): void {
    const settle = this.startSettle;
    if (!settle) return;
    this.startSettle = null;
    if (error) settle.reject(error);
    else settle.resolve();
  }

  /** Runs a callback from a socket or timer: an exception is logged, never thrown into ws or the loop. */
  private safely(what: string, fn: () => unknown): void {
    try {
      fn();
    } catch (err) {
      this.log('error', `${what}: ${(err as Error).stack ?? String(err)}`);
    }
  }

  private conn(no: number): ConnectorRuntime {
    const c = this.conns[no - 1];
    if (!c) throw new RangeError(`${this.id}: no connector ${no} (1..${this.connectorCount})`);
    return c;
  }

  /** The station as the version modules see it. */
  private control(): StationControl {
    return {
      id: this.id,
      vendor: this.opts.vendor,
      model: this.opts.model,
      serialNumber: this.opts.serialNumber,
      firmwareVersion: this.opts.firmwareVersion,
      spec: this.spec,
      connectorCount: this.connectorCount,
      settings: this.settings,
      profiles: this.profiles,
      stationOperative: () => this.stationOperativeFlag,
      registration: () => this.registrationStatus,
      now: () => this.now(),
      connector: (no) => this.conns[no - 1],
      connectors: () => this.conns,
      reading: (no) => this.readingOf(this.conn(no)),
      activeLimit: (no) => this.activeLimit(no),
      stopIfCurrent: (tx, reason) => {
        const c = this.conns[tx.connectorNo - 1];
        if (c && c.tx === tx && !tx.ended) void this.stopInternal(c, reason, false).catch(noop);
      },
      canStart: (no, idTag) => {
        const c = this.conns[no - 1];
        // No Authorize before a remote start tells the group: only the badge itself can claim a reservation here.
        return c !== undefined && !c.tx && !c.starting && this.isOperative(c) && !this.claimReservation(c, idTag, null).blocked;
      },
      firstStartableConnector: (idTag) => {
        // Prefer the connector reserved for this badge, then one where a vehicle waits, then any free one.
        const startable = this.conns.filter((c) => !c.tx && !c.starting && this.isOperative(c) && !this.claimReservation(c, idTag, null).blocked);
        const reserved = startable.find((c) => this.reservationOn(c) !== undefined);
        return (reserved ?? startable.find((c) => c.vehicle) ?? startable[0])?.no ?? null;
      },
      reservationStatus: (reservation) => this.reservationStatus(reservation),
      hasReservation: (id) => this.reservationsById.has(id),
      reserve: (reservation) => this.reserve(reservation),
      cancelReservation: (id) => {
        const r = this.reservationsById.get(id);
        if (r) this.endReservation(r, 'Cancelled');
      },
      remoteStart: (no: number, request: RemoteStartRequest) => {
        this
          .startCharging(no, request.idTag, { remote: true, idTokenType: request.idTokenType, remoteStartId: request.remoteStartId })
          .catch((err: unknown) => this.log('warn', `remote start: ${(err as Error).message}`));
      },
      stopTransaction: (no, reason) => {
        this.stopCharging(no, reason).catch((err: unknown) => this.log('warn', `stop: ${(err as Error).message}`));
      },
      reboot: (reason) => this.reboot(reason),
      rebootWhenIdle: () => {
        this.resetWhenIdle = true;
      },
      changeAvailability: (no, operative) => this.changeAvailability(no, operative),
      setHeartbeatInterval: (seconds) => {
        this.settings.heartbeatIntervalS = seconds;
        if (this.online) this.startHeartbeat();
      },
      send: (message) => this.sendInternal(message),
      sendBoot: (reason) => {
        this
          .enqueue({ action: 'BootNotification', kind: 'normal', payload: this.adapter.bootNotification(reason) }, 'open', true)
          .then((result) => this.handleBootResult(result))
          .catch((err: unknown) => this.log('warn', `BootNotification: ${(err as Error).message}`));
      },
      sendHeartbeat: () => this.sendInternal({ action: 'Heartbeat', kind: 'normal', payload: this.adapter.heartbeat() }),
      sendStatus: (no) => this.sendStatusNow(no),
      sendMeterValues: (no: number | undefined, context: ReadingContext) => {
        for (const c of this.conns) {
          if (no !== undefined && c.no !== no) continue;
          const reading = this.readingOf(c);
          const messages = c.tx ? this.adapter.transactionMeter(c, c.tx, reading, context, !this.online) : this.adapter.idleMeter(c, reading, context);
          for (const m of messages) this.sendInternal(m);
        }
      },
    };
  }
}

function rawToText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
