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

export interface AddChargingReport {
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
  previewAddCharging: { request: Record<string, never>; response: AddChargingReport };
  /** Merges the EV-charging library into the project (a new version, applied live). */
  addCharging: { request: Record<string, never>; response: AddChargingResult };
}

type Schema = Record<string, unknown>;
const empty: Schema = { type: 'object', additionalProperties: false, properties: {} };
const templateId: Schema = { type: 'string', minLength: 1, maxLength: 48 };
const baseVersion: Schema = { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] };

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
  previewAddCharging: empty,
  addCharging: empty,
};
