// Types shared by the RPC layer and the two version adapters.
import type { CommandResult, DomainEvent, OcppProtocol, StationCommand } from '../../src-shared/domain/index.ts';
import type { Archive } from '../archive/index.ts';
import type { BadgeList } from '../auth/index.ts';
import type { StationRegistry } from '../stations/index.ts';
import type { TransactionService } from '../transactions/index.ts';
import type { FrameTap } from './frame-tap.ts';

/** The domain services the OCPP layer feeds. */
export interface CentralSystemServices {
  registry: StationRegistry;
  transactions: TransactionService;
  badges: BadgeList;
  archive: Archive;
  /** Publishes a domain event (station notices for alarms and the UI). */
  publish: (event: DomainEvent) => void;
  /** Live frames for watching clients (station page log); absent in tests that do not need it. */
  frames?: FrameTap;
}

/** What a route handler can use besides its payload. */
export interface RouteContext {
  stationId: string;
  services: CentralSystemServices;
  /** Sends a CALL to this station (queued, one in flight). */
  call(action: string, payload: object, timeoutMs?: number): Promise<unknown>;
  /** Per-station scratch state of the adapter (kept across reconnections). */
  session: StationSession;
}

export interface StationSession {
  /** 2.0.1 NotifyReport collectors waiting for a GetBaseReport's parts, by requestId. */
  reports: Map<number, { parts: unknown[]; done: (parts: unknown[]) => void }>;
  nextRequestId: number;
}

/** One row of a version's routing table: an action a station sends us and its handler. */
export type RouteHandler = (ctx: RouteContext, payload: never) => Promise<object> | object;

export interface CommandPlan {
  /** Runs the command on the station and interprets the answer. */
  run(ctx: RouteContext): Promise<CommandResult>;
  /** The OCPP action used (for the command log). */
  action: string;
  payload: object;
}

/** Everything that differs between OCPP versions, behind one shape. */
export interface VersionAdapter {
  protocol: OcppProtocol;
  /** Routing table: action → handler, for every message a station may send. */
  routes: Readonly<Record<string, RouteHandler>>;
  /** Actions a station may send before the central system accepted it. */
  allowedBeforeAcceptance: ReadonlySet<string>;
  /** Actions the central system may send (for the raw command endpoint). */
  outboundActions: ReadonlySet<string>;
  /** Maps a neutral operator command to this version's CALL(s). */
  planCommand(command: StationCommand, ctx: RouteContext): CommandPlan;
}
