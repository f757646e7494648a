// Contract of the project settings screen (Project → Settings): the registration settings, the
// stale-transaction limit and the sites' time zone, edited as a new project version applied at
// once. Types and request schemas, spread into ApiCommands / requestSchemas by src-shared/api.
import type { ProjectApplyPlan, ProjectSettings, ProjectVersionInfo } from '../project/index.ts';

export interface ProjectSettingsView {
  /** The latest project version (null: no project in the history yet, nothing can be saved). */
  version: number | null;
  settings: ProjectSettings;
  /** The supervisor's own time zone: what runs when the project names none. */
  serverTimeZone: string;
  /** Time zones the supervisor knows (IANA names), for the choice. */
  timeZones: string[];
}

export interface ProjectSettingsSaved {
  version: ProjectVersionInfo;
  applied: ProjectApplyPlan;
}

/** Request → response of the commands (merged into ApiCommands). */
export interface ProjectSettingsCommands {
  getProjectSettings: { request: Record<string, never>; response: ProjectSettingsView };
  /** Replaces the settings (a field left out takes its default): a new project version, applied live. */
  putProjectSettings: { request: { settings: ProjectSettings; baseVersion?: number | null }; response: ProjectSettingsSaved };
}

type Schema = Record<string, unknown>;

/** Envelope checks; the settings are checked against the project schema (field by field, in words). */
export const projectSettingsRequestSchemas: Record<keyof ProjectSettingsCommands, Schema> = {
  getProjectSettings: { type: 'object', additionalProperties: false, properties: {} },
  putProjectSettings: {
    type: 'object',
    additionalProperties: false,
    required: ['settings'],
    properties: { settings: { type: 'object' }, baseVersion: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] } },
  },
};
