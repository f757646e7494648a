// Project settings (Project → Settings): registration (auto-accept, heartbeat interval), the
// stale-transaction limit and the sites' time zone. A pure core (the project with its settings
// replaced, or every problem in words) and the shell that saves the next version through the
// workspace's one edit queue; the caller applies it to the running supervisor.
import type { ProjectFileV2, ProjectSettings, ProjectVersionInfo } from '../../src-shared/project/index.ts';
import type { ProjectSettingsView } from '../../src-shared/api/project-settings.ts';
import { ApiError } from '../../src-shared/api/index.ts';
import { ProjectError } from './errors.ts';
import { checkProject } from './load.ts';
import type { ProjectWorkspace } from './workspace.ts';

const FIELDS = ['autoAccept', 'heartbeatIntervalS', 'staleTransactionHours', 'timeZone'] as const;

/** The project with `settings` in place of its own (fields left out take their defaults). Refused naming each bad field; nothing changes. */
export function withProjectSettings(project: ProjectFileV2, settings: ProjectSettings): ProjectFileV2 {
  // Every given field, even one the project does not know, goes to the project's own checks:
  // one source of truth for what a setting may be. Null or absent: the default.
  const given = Object.entries(settings as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null);
  const next: ProjectFileV2 = structuredClone(project);
  delete next.settings;
  if (given.length > 0) next.settings = Object.fromEntries(given) as ProjectSettings;
  try {
    checkProject(next, 'the project with these settings');
  } catch (error) {
    if (!(error instanceof ProjectError)) throw error;
    const problems = error.problems.map((p) => (p.pointer.startsWith('/settings') ? `${p.pointer.slice('/settings/'.length) || 'settings'} ${p.message}` : `${p.pointer || 'project'} ${p.message}`));
    throw new ApiError('BadRequest', `The settings are not valid: ${problems.join('; ')}; nothing was saved`);
  }
  return next;
}

/** IANA time zones this runtime knows, UTC first. */
export function knownTimeZones(): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...zones.filter((z) => z !== 'UTC')];
}

export class ProjectSettingsEditor {
  private readonly workspace: ProjectWorkspace;
  private readonly running: () => { settings?: ProjectSettings } | null;

  /** `running`: the project run, shown when the history has none. */
  constructor(workspace: ProjectWorkspace, running: () => { settings?: ProjectSettings } | null = () => null) {
    this.workspace = workspace;
    this.running = running;
  }

  async get(): Promise<ProjectSettingsView> {
    const { project, version } = await this.workspace.current();
    const settings = (project ?? this.running())?.settings ?? {};
    return { version: version?.id ?? null, settings: structuredClone(settings), serverTimeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, timeZones: knownTimeZones() };
  }

  put(settings: ProjectSettings, author: string, baseVersion?: number | null): Promise<ProjectVersionInfo> {
    return this.workspace.exclusive(async () => {
      const { project } = await this.workspace.editable(baseVersion);
      const next = withProjectSettings(project, settings);
      const changed = FIELDS.filter((f) => JSON.stringify(project.settings?.[f]) !== JSON.stringify(next.settings?.[f]));
      return this.workspace.save(next, author, changed.length > 0 ? `Settings changed: ${changed.join(', ')}` : 'Settings saved unchanged');
    });
  }
}
