// Project file format.
//
// Format 1 (`ProjectFile`, `PROJECT_FORMAT_VERSION`) is also the runtime view the running supervisor
// consumes: flat sites → groups + fully specified stations. It stays exactly as it was.
//
// Format 2 (`ProjectFileV2`, `PROJECT_FORMAT_LATEST`) is what engineers edit and save: sites → parks →
// electrical groups (a tree by `parent`) → station instances that name a template and keep only
// overrides; plus templates, ground-plan views, alarm rules, users and roles, archive settings,
// badges and badge categories. src-main/project migrates any older format to the latest one, resolves
// templates, and derives the format-1 runtime view from it.
import type { Badge, OcppProtocol } from '../domain/index.ts';
import type { PlanSymbol } from './symbols.ts';
// Ground-plan symbol library (issue 7): types and pure core in symbols.ts.
export * from './symbols.ts';

/** Format of the runtime view (`ProjectFile`). The latest file format is `PROJECT_FORMAT_LATEST`. */
export const PROJECT_FORMAT_VERSION = 1;
/** The format every project is migrated to on load and saved in. */
export const PROJECT_FORMAT_LATEST = 2;
/** Every format this version of the program opens. */
export const PROJECT_FORMAT_VERSIONS = [1, 2] as const;
export type ProjectFormatVersion = (typeof PROJECT_FORMAT_VERSIONS)[number];

/** One value per grid phase, [L1, L2, L3]. */
export type PhaseCurrents = [number, number, number];

export interface ElectricalGroup {
  id: string;
  name: string;
  /** Maximum active power of the group, W. */
  maxPowerW: number;
  /** Parent group id; absent for a group fed directly by the site connection. */
  parent?: string;
  /** Optional current limit per grid phase [L1, L2, L3], A (format 2). */
  maxCurrentA?: PhaseCurrents;
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
  /** Format 2 only: the template the station was made from. */
  template?: string;
  /** Format 2 only: the park the station belongs to. */
  park?: string;
  /** Format 2 only: OCPP security profile (0 none, 1 Basic auth, 2 TLS + Basic auth, 3 TLS client certificate). */
  securityProfile?: SecurityProfile;
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
  /**
   * The sites' time zone (IANA, e.g. Europe/Paris): badge categories' usual departure times of day
   * are read on its clock. Without it, the server's own zone (TZ).
   */
  timeZone?: string;
}

/** Format 1 project file, and the runtime view every format resolves to. */
export interface ProjectFile {
  formatVersion: typeof PROJECT_FORMAT_VERSION;
  name: string;
  settings?: ProjectSettings;
  sites: Site[];
  /** Badges the project lists, with their category (format 2). */
  badges?: ProjectBadge[];
  /** Badge categories with their smart-charging defaults (format 2). */
  badgeCategories?: BadgeCategory[];
}

// ---------------------------------------------------------------------------------------------
// Format 2
// ---------------------------------------------------------------------------------------------

/** OCPP security profile: 0 none, 1 HTTP Basic auth, 2 TLS + Basic auth, 3 TLS with client certificate. */
export type SecurityProfile = 0 | 1 | 2 | 3;

export const CONNECTOR_TYPES = [
  'Type1',
  'Type2',
  'CCS1',
  'CCS2',
  'CHAdeMO',
  'GBT-AC',
  'GBT-DC',
  'NACS',
  'Pantograph',
  'MCS',
  'Domestic',
  'Other',
] as const;
export type ConnectorType = (typeof CONNECTOR_TYPES)[number];

export interface ConnectorSpec {
  /** Plug or contact system; absent when unknown (e.g. migrated from format 1). */
  type?: ConnectorType;
  /** Maximum power of this connector, W; absent means the station's per-connector maxPowerW. */
  maxPowerW?: number;
  /** Label shown to people (e.g. "left", "CCS"). */
  label?: string;
}

export const ALARM_SEVERITY_NAMES = ['critical', 'major', 'minor', 'warning', 'info'] as const;

/**
 * An alarm rule as plain data, in the shape src-main/alarms consumes (`AlarmRule`): id, name, kind,
 * severity, optional delays and scope, and the kind's own parameters at the top level. The project
 * format checks the common fields; the alarms service checks the kind-specific ones.
 */
export interface ProjectAlarmRule {
  id: string;
  name: string;
  kind: string;
  severity: (typeof ALARM_SEVERITY_NAMES)[number];
  enabled?: boolean;
  [parameter: string]: unknown;
}

/** Values a station gets from its template; an instance may override any of them. */
export interface StationTemplateValues {
  vendor?: string;
  model?: string;
  kind: 'AC' | 'DC';
  /** Maximum power per connector, W. */
  maxPowerW: number;
  /** Power shared by all connectors (supply cable, power modules), W; absent = no shared limit. */
  supplyMaxPowerW?: number;
  /** AC: phases wired to the station. */
  phases?: 1 | 3;
  /** AC: highest current per connector and phase, A. */
  maxCurrentA?: number;
  /** DC: output power ÷ grid input power, in (0, 1]. */
  efficiency?: number;
  connectors: ConnectorSpec[];
  /** OCPP version the station speaks (an instance may set its own `protocol`). */
  protocol: OcppProtocol;
  securityProfile?: SecurityProfile;
  /** Configuration set at commissioning: OCPP 1.6 key, or "Component.Variable" for 2.0.1 → value (OCPP string). */
  configuration?: Record<string, string>;
  /** Id of the ground-plan symbol that draws this station. */
  symbol?: string;
  /** Alarm rules applied to every station of this template, scoped to the station. */
  alarmRules?: ProjectAlarmRule[];
}

export interface StationTemplate extends StationTemplateValues {
  id: string;
  name: string;
  description?: string;
}

/**
 * What an instance may override. `configuration` merges key by key with the template's,
 * `alarmRules` rule by rule (by id), every other field replaces the template's value.
 */
export type StationOverrides = Partial<Omit<StationTemplateValues, 'protocol'>>;

export interface StationInstance {
  id: string;
  /** Template id. */
  template: string;
  /** Electrical group of the station's park. */
  group: string;
  name?: string;
  /** OCPP version; absent means the template's. */
  protocol?: OcppProtocol;
  /** Security profile 1/2 password (HTTP Basic); absent means no password is checked. */
  password?: string;
  /** Place on its park's ground plan (0..100 % of the plan). */
  position?: { x: number; y: number };
  overrides?: StationOverrides;
}

export interface Park {
  id: string;
  name: string;
  /** Electrical tree of the park: groups linked by `parent` (roots are fed by the site connection). */
  groups: ElectricalGroup[];
  stations: StationInstance[];
}

export interface SiteV2 {
  id: string;
  name: string;
  address?: string;
  parks: Park[];
}

export interface ViewPlacement {
  station: string;
  x: number;
  y: number;
}

/**
 * A ground-plan layout. A view of a park shows that park's stations at their own `position`;
 * `placements` moves stations (of any park) for this view only.
 */
export interface GroundPlanView {
  id: string;
  name: string;
  /** The park this plan shows; absent for a free layout made only of placements. */
  park?: string;
  /** Background image (asset path or data URL). */
  background?: string;
  placements?: ViewPlacement[];
  /** Other views this one links to (e.g. the home view to each park plan). */
  links?: string[];
  /** The view opened first. At most one. */
  home?: boolean;
}

/** Placeholder for operator roles; the auth service gives permissions their meaning. */
export interface ProjectRole {
  id: string;
  name: string;
  permissions: string[];
}

/** Placeholder for operator accounts. Passwords are never stored in clear. */
export interface ProjectUser {
  login: string;
  name?: string;
  role: string;
  email?: string;
  /** Password hash in the auth service's format (e.g. "scrypt$..."); absent: set at first login. */
  passwordHash?: string;
  mustChangePassword?: boolean;
}

export type ArchiveSettings =
  | {
      kind: 'sqlite';
      /** Database file, relative to the data directory; absent = archive.sqlite. */
      file?: string;
    }
  | {
      kind: 'sqlserver';
      server: string;
      port?: number;
      instanceName?: string;
      database: string;
      authentication?: 'sql' | 'windows';
      user?: string;
      /** Name of the environment variable holding the password (never the password itself). */
      passwordEnv?: string;
      encrypt?: boolean;
      trustServerCertificate?: boolean;
    };

export interface BadgeCategory {
  id: string;
  name: string;
  description?: string;
  color?: string;
  /** What smart charging assumes of the sessions of this category's badges (issue 4, R-3.1). */
  charging?: BadgeCategoryCharging;
}

/**
 * Smart-charging defaults of a badge category. A vehicle's own word (ISO 15118) and an operator's
 * entry win over them; the usual departure and energy are expectations (urgency only, never a cap),
 * the target state of charge is a target (charging pauses there).
 */
export interface BadgeCategoryCharging {
  /** Share weight among sessions of equal urgency (1 = normal, 2 = twice the share). */
  priority?: number;
  /** Usual departure, local time of day "HH:MM": a session is expected to leave at the next one after its start. */
  departureTime?: string;
  /** Energy a session usually needs, Wh. */
  energyWh?: number;
  /** Charge up to this state of charge (used when the vehicle reports its SoC), % of batteryWh. */
  targetSocPercent?: number;
  /** Usable battery capacity of the category's vehicles, Wh (with targetSocPercent). */
  batteryWh?: number;
  /** The vehicles' maximum charging power, W, until their draws show their own. */
  vehicleMaxW?: number;
  /**
   * Cabin pre-conditioning (heating, cooling) before a known departure (operator's or vehicle's):
   * the vehicle gets this power from `minutes` before it, even with a full battery.
   */
  preconditioning?: { minutes: number; powerW: number };
}

export interface ProjectBadge extends Omit<Badge, 'category'> {
  category?: string;
}

export interface ProjectFileV2 {
  formatVersion: typeof PROJECT_FORMAT_LATEST;
  name: string;
  description?: string;
  settings?: ProjectSettings;
  sites: SiteV2[];
  templates: StationTemplate[];
  views?: GroundPlanView[];
  /** Project-wide alarm rules (templates add per-station ones). */
  alarmRules?: ProjectAlarmRule[];
  roles?: ProjectRole[];
  users?: ProjectUser[];
  archive?: ArchiveSettings;
  badgeCategories?: BadgeCategory[];
  badges?: ProjectBadge[];
  /** Ground-plan symbols of the project: its own, and edited copies of built-in ones (same id). */
  symbols?: PlanSymbol[];
}

// ---------------------------------------------------------------------------------------------
// Quick-start wizard answers (the generator turns them into a ProjectFileV2)
// ---------------------------------------------------------------------------------------------

/** A run of stations of one template, named by a pattern such as "P1-CP{01..50}". */
export interface WizardStationBatch {
  /** Template id: one of `WizardAnswers.templates` or of the library given to the generator. */
  template: string;
  /**
   * Station ids: literal text with ranges `{first..last}`; a first bound with a leading zero pads
   * every number to the widest bound ("{01..50}" → 01, 02 ... 50). Several ranges multiply
   * ("P{1..2}-CP{1..3}"). An open range "{01..}" takes its length from `count`.
   */
  pattern: string;
  /** Number of stations; must match the pattern's size when the pattern's ranges are closed. */
  count?: number;
  /** Electrical group of the park. */
  group: string;
  protocol?: OcppProtocol;
  securityProfile?: SecurityProfile;
  overrides?: StationOverrides;
}

export interface WizardPark {
  id: string;
  name: string;
  groups: ElectricalGroup[];
  stations: WizardStationBatch[];
}

export interface WizardSite {
  id: string;
  name: string;
  address?: string;
  parks: WizardPark[];
}

export interface WizardAnswers {
  name: string;
  description?: string;
  sites: WizardSite[];
  /** Templates to include besides the library ones the batches use (copied into the project). */
  templates?: StationTemplate[];
  security?: {
    /** Protocol of every station unless its batch says otherwise (default: the template's). */
    protocol?: OcppProtocol;
    /** Security profile of every station unless its batch says otherwise (default: the template's). */
    securityProfile?: SecurityProfile;
    /**
     * Secret the station passwords (profiles 1 and 2) are derived from (HMAC-SHA256 of the station id),
     * so that the generator stays a pure function; the caller draws it at random.
     */
    passwordSeed?: string;
  };
  archive?: ArchiveSettings;
  /** Roles; default engineer, operator, viewer. */
  roles?: ProjectRole[];
  operators?: ProjectUser[];
  /** Ground-plan grid: columns (default: about the square root of the park's station count) and margin, %. */
  layout?: { columns?: number; margin?: number };
  settings?: ProjectSettings;
}

// ---------------------------------------------------------------------------------------------
// Resolved project: every station's effective values (template + overrides)
// ---------------------------------------------------------------------------------------------

export interface ResolvedConnector {
  /** 1-based connector (EVSE) number. */
  id: number;
  type?: ConnectorType;
  maxPowerW: number;
  label?: string;
}

export interface ResolvedStation {
  id: string;
  name?: string;
  site: string;
  park: string;
  group: string;
  template: string;
  protocol: OcppProtocol;
  password?: string;
  position?: { x: number; y: number };
  vendor?: string;
  model?: string;
  kind: 'AC' | 'DC';
  maxPowerW: number;
  supplyMaxPowerW?: number;
  phases?: 1 | 3;
  maxCurrentA?: number;
  efficiency?: number;
  connectors: ResolvedConnector[];
  securityProfile?: SecurityProfile;
  configuration: Record<string, string>;
  symbol?: string;
  alarmRules: ProjectAlarmRule[];
  /** Template fields this instance overrides (protocol included when the instance sets its own). */
  overridden: string[];
}

export interface ResolvedView extends GroundPlanView {
  /** Where every station of the view is drawn: park stations at their position, then placements. */
  effectivePlacements: ViewPlacement[];
}

export interface ResolvedProject {
  /** The project in the latest format. */
  project: ProjectFileV2;
  /** Format the project was read in (before migration). */
  sourceFormatVersion: number;
  stations: ResolvedStation[];
  views: ResolvedView[];
}

// ---------------------------------------------------------------------------------------------
// Version history
// ---------------------------------------------------------------------------------------------

export interface ProjectVersionInfo {
  /** 1, 2, 3... (the file versions/NNNN.json). */
  id: number;
  author: string;
  /** ISO 8601. */
  time: string;
  message: string;
  /** Version this one restored, when it is a restore. */
  restoredFrom?: number;
  stations: number;
}

export interface ProjectVersionRecord extends ProjectVersionInfo {
  project: ProjectFileV2;
}

export interface FieldChange {
  /** Field path inside the compared object, '/'-separated (e.g. "maxPowerW", "connectors/1/type"). */
  field: string;
  before?: unknown;
  after?: unknown;
}

export interface EntityChange {
  id: string;
  /** Where it sits ("site/park" for stations and groups). */
  where?: string;
  changes: FieldChange[];
}

export interface EntityRef {
  id: string;
  where?: string;
}

export interface CollectionDiff {
  added: EntityRef[];
  removed: EntityRef[];
  changed: EntityChange[];
}

export interface ProjectDiff {
  stations: CollectionDiff;
  /** Electrical groups and their limits. */
  groups: CollectionDiff;
  views: CollectionDiff;
  templates: CollectionDiff;
  sites: CollectionDiff;
  parks: CollectionDiff;
  /** Everything else (name, settings, archive, users, roles, badges, alarm rules). */
  other: FieldChange[];
  /** True when nothing differs. */
  same: boolean;
}

// ---------------------------------------------------------------------------------------------
// Live apply: what applying a version to the running supervisor changes
// ---------------------------------------------------------------------------------------------

/**
 * The difference between the project the supervisor runs and a version, as the running services
 * see it: declared stations (effective values, templates resolved), electrical groups and their
 * limits, ground-plan views, and everything else.
 */
export interface ProjectApplyPlan {
  /** Version the supervisor runs now; null when it runs a project that is not in the history. */
  from: number | null;
  to: number;
  stations: CollectionDiff;
  /** Groups; `changed` lists limit (maxPowerW, maxCurrentA), name and parent changes. */
  groups: CollectionDiff;
  views: CollectionDiff;
  /** Project name, settings, users, roles, archive, badges... */
  other: FieldChange[];
  same: boolean;
}
