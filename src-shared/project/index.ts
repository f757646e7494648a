// Project file format (first version). The engineering issue extends it with templates,
// views and migrations; keep every change here backward compatible through `formatVersion`.
import type { Badge, OcppProtocol } from '../domain/index.ts';

export const PROJECT_FORMAT_VERSION = 1;

export interface ElectricalGroup {
  id: string;
  name: string;
  /** Maximum active power of the group, W. */
  maxPowerW: number;
  /** Parent group id; absent for a group fed directly by the site connection. */
  parent?: string;
}

export interface StationDeclaration {
  id: string;
  group: string;
  protocol: OcppProtocol;
  /** Security profile 1 password (HTTP Basic); absent means no password is checked. */
  password?: string;
  vendor?: string;
  model?: string;
  kind: 'AC' | 'DC';
  /** Maximum power per connector, W. */
  maxPowerW: number;
  connectors: number;
  phases?: 1 | 3;
  /** Ground-plan position (0..100 % of the plan). */
  position?: { x: number; y: number };
}

export interface Site {
  id: string;
  name: string;
  groups: ElectricalGroup[];
  stations: StationDeclaration[];
}

export interface ProjectSettings {
  /** Accept unknown stations at boot instead of putting them in the pending list. */
  autoAccept?: boolean;
  /** Heartbeat interval given to stations at boot, seconds. */
  heartbeatIntervalS?: number;
  /** Close a transaction whose station sent nothing for this long, hours (see README). */
  staleTransactionHours?: number;
}

export interface ProjectFile {
  formatVersion: typeof PROJECT_FORMAT_VERSION;
  name: string;
  settings?: ProjectSettings;
  sites: Site[];
  badges?: Badge[];
}
