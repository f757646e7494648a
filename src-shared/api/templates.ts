// Contract of the template library screen, the project bundle and "add EV charging" (issue 7):
// types and request schemas, spread into ApiCommands / requestSchemas by src-shared/api.
import type { FieldChange, ProjectApplyPlan, ProjectVersionInfo, StationTemplate } from '../project/index.ts';

/** One template of the project with the stations made from it. */
export interface ProjectTemplateInfo {
  template: StationTemplate;
  /** Ids of the stations (instances) that use it. */
  instances: string[];
}

export interface TemplateLibraryInfo {
  /** The latest project version (null: no project in the history yet). */
  version: number | null;
  templates: ProjectTemplateInfo[];
  /** The shipped library (assets/templates), to duplicate from. */
  library: StationTemplate[];
}

/** A problem of a template draft, at a JSON pointer into the template ('' = the whole template). */
export interface TemplateProblem {
  pointer: string;
  message: string;
}

/** What a template change does to one station made from it. */
export interface TemplateInstanceChange {
  stationId: string;
  site: string;
  park: string;
  /** Effective values that change (field path, before, after). */
  changes: FieldChange[];
  /** Fields the station overrides, so it keeps its own value of them. */
  kept: string[];
}

export interface TemplateCheck {
  problems: TemplateProblem[];
  /** Stations whose effective values change (empty when the draft has problems). */
  changes: TemplateInstanceChange[];
  /** Stations made from the template that do not change (every changed field overridden). */
  unchanged: string[];
}

export interface TemplateSaved {
  version: ProjectVersionInfo;
  applied: ProjectApplyPlan;
  changes: TemplateInstanceChange[];
}

export interface BundleImportResult {
  /** history: the bundle's versions became this folder's history (it was empty); current: its current project became one new version. */
  mode: 'history' | 'current';
  name: string;
  /** Versions made, oldest first. */
  versions: ProjectVersionInfo[];
  /** Versions the bundle holds. */
  bundleVersions: number;
}

/** Per kind of library item: ids added to the project, ids the project already had with other content (kept), ids already identical. */
export interface MergeOutcome {
  added: string[];
  kept: string[];
  unchanged: string[];
}

/** Chargers to instantiate while adding EV charging (R-2.3: the engineer sizes the installation). */
export interface ChargerBatch {
  /** Park of the project the chargers go into. */
  parkId: string;
  /** Template id: one of the project's or of the library. */
  template: string;
  /** Station ids, as in the wizard: `P1-CP{01..20}`; an open range `{01..}` takes `count`. */
  pattern: string;
  count?: number;
  /** Electrical group of that park. */
  group: string;
}

/** What the add-charging commands take: optional chargers, and the seed their passwords derive from. */
export interface AddChargingRequest {
  chargers?: ChargerBatch[];
  /** Needed when a charger's security profile (1 or 2) calls for a password. */
  passwordSeed?: string;
}

export interface AddChargingReport {
  /** Stations made from the chargers asked for (in order); absent when none were asked. */
  stations?: string[];
  templates: MergeOutcome;
  /** Present when the library carries symbols. */
  symbols?: MergeOutcome;
  views: MergeOutcome;
  alarmRules: MergeOutcome;
  /** Views the home view links to now and did not before. */
  homeLinks: string[];
  /** False when merging changes nothing. */
  changed: boolean;
}

export interface AddChargingResult {
  report: AddChargingReport;
  /** The version made (null for a dry run or when nothing changed). */
  version: ProjectVersionInfo | null;
  applied: ProjectApplyPlan | null;
}

/** Request → response of the commands (merged into ApiCommands). */
export interface TemplateCommands {
  /** The project's templates with their instances, and the shipped library. */
  listProjectTemplates: { request: Record<string, never>; response: TemplateLibraryInfo };
  /** Problems of a template draft, and which stations saving it would change. Changes nothing. */
  checkTemplate: { request: { template: Record<string, unknown>; create?: boolean }; response: TemplateCheck };
  /** Adds (create) or replaces a template of the project: a new version, applied live. */
  saveTemplate: { request: { template: StationTemplate; create?: boolean; baseVersion?: number | null }; response: TemplateSaved };
  /** Removes a template no station uses: a new version, applied live. */
  deleteTemplate: { request: { templateId: string; baseVersion?: number | null }; response: { version: ProjectVersionInfo; applied: ProjectApplyPlan } };
  /** The whole project history as one file, station passwords included (engineer, audited). */
  exportProjectBundle: { request: Record<string, never>; response: { fileName: string; content: string; versions: number } };
  /** A bundle file: checked whole first; into an empty history its versions, else its current project as one new version. */
  importProjectBundle: { request: { content: string; fileName?: string }; response: BundleImportResult };
  /** What adding the EV-charging library to the project would add and keep; changes nothing. */
  previewAddCharging: { request: AddChargingRequest; response: AddChargingReport };
  /** Merges the EV-charging library into the project (a new version, applied live). */
  addCharging: { request: AddChargingRequest; response: AddChargingResult };
}

type Schema = Record<string, unknown>;
const empty: Schema = { type: 'object', additionalProperties: false, properties: {} };
const templateId: Schema = { type: 'string', minLength: 1, maxLength: 48 };
const baseVersion: Schema = { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] };

const chargerBatch: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['parkId', 'template', 'pattern', 'group'],
  properties: {
    parkId: { type: 'string', minLength: 1, maxLength: 48 },
    template: templateId,
    pattern: { type: 'string', minLength: 1, maxLength: 80 },
    count: { type: 'integer', minimum: 1, maximum: 5000 },
    group: { type: 'string', minLength: 1, maxLength: 48 },
  },
};
const addChargingRequest: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: { chargers: { type: 'array', maxItems: 50, items: chargerBatch }, passwordSeed: { type: 'string', minLength: 16, maxLength: 200 } },
};

/** Envelope checks only: the template itself is checked field by field by the project module (named problems). */
export const templateRequestSchemas: Record<keyof TemplateCommands, Schema> = {
  listProjectTemplates: empty,
  checkTemplate: { type: 'object', additionalProperties: false, required: ['template'], properties: { template: { type: 'object' }, create: { type: 'boolean' } } },
  saveTemplate: {
    type: 'object',
    additionalProperties: false,
    required: ['template'],
    properties: { template: { type: 'object' }, create: { type: 'boolean' }, baseVersion },
  },
  deleteTemplate: { type: 'object', additionalProperties: false, required: ['templateId'], properties: { templateId, baseVersion } },
  exportProjectBundle: empty,
  importProjectBundle: {
    type: 'object',
    additionalProperties: false,
    required: ['content'],
    properties: { content: { type: 'string', minLength: 1, maxLength: 50_000_000 }, fileName: { type: 'string', maxLength: 255 } },
  },
  previewAddCharging: addChargingRequest,
  addCharging: addChargingRequest,
};
