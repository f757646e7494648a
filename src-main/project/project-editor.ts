// The I/O shell of the template library, the project bundle and "add EV charging": reads the
// latest project version, runs the pure cores (template-edit.ts, charging.ts, versions.ts'
// parseBundle) and saves what they return as a new version. One change at a time; the caller
// applies the new version to the running supervisor.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectFileV2, ProjectVersionInfo, StationTemplate } from '../../src-shared/project/index.ts';
import type { AddChargingReport, AddChargingRequest, BundleImportResult, TemplateCheck, TemplateInstanceChange, TemplateLibraryInfo } from '../../src-shared/api/templates.ts';
import { type ChargingLibrary, mergeLibrary } from './charging.ts';
import { ProjectError } from './errors.ts';
import { PROJECT_FILE_NAME, checkProject } from './load.ts';
import { TemplateEditError, checkTemplateDraft, putTemplate, removeTemplate, templateUsage } from './template-edit.ts';
import { loadTemplateLibrary } from './templates.ts';
import { exportBundle, importBundle, parseBundle } from './versions.ts';
import type { ProjectWorkspace } from './workspace.ts';

const MASK = '********';
const SECRET_KEYS = new Set(['password', 'passwordHash']);

/** JSON pointers of secrets that hold the mask: a project read through GET /project, not a bundle. */
function maskedSecrets(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => maskedSecrets(v, `${at}/${i}`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => (SECRET_KEYS.has(k) && v === MASK ? [`${at}/${k}`] : maskedSecrets(v, `${at}/${k}`)));
}

function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'project';
}

export class ProjectEditor {
  private readonly workspace: ProjectWorkspace;
  private readonly library: () => StationTemplate[];

  constructor(workspace: ProjectWorkspace, library: () => StationTemplate[] = () => loadTemplateLibrary()) {
    this.workspace = workspace;
    this.library = library;
  }

  /** Edits go through the workspace's one queue (shared with the ground plans and the symbols). */
  private run<T>(work: () => Promise<T>): Promise<T> {
    return this.workspace.exclusive(work);
  }

  /** The latest version; refused when there is none or when it is not `baseVersion`. */
  private base(baseVersion?: number | null): Promise<{ project: ProjectFileV2; version: ProjectVersionInfo }> {
    return this.workspace.editable(baseVersion);
  }

  async templates(): Promise<TemplateLibraryInfo> {
    const { project, version } = await this.workspace.current();
    const usage = project ? templateUsage(project) : new Map<string, string[]>();
    return {
      version: version?.id ?? null,
      templates: (project?.templates ?? []).map((template) => ({ template, instances: usage.get(template.id) ?? [] })),
      library: this.library(),
    };
  }

  async checkTemplate(data: unknown, create: boolean): Promise<TemplateCheck> {
    const { project } = await this.base();
    return checkTemplateDraft(project, data, create);
  }

  saveTemplate(data: StationTemplate, create: boolean, author: string, baseVersion?: number | null): Promise<{ version: ProjectVersionInfo; changes: TemplateInstanceChange[] }> {
    return this.run(async () => {
      const { project } = await this.base(baseVersion);
      const { project: next, changes } = putTemplate(project, data, create);
      const verb = create ? 'added' : 'edited';
      const version = await this.workspace.save(next, author, `Template ${data.id} ${verb}${create ? '' : `: ${changes.length} station(s) changed`}`);
      return { version, changes };
    });
  }

  deleteTemplate(templateId: string, author: string, baseVersion?: number | null): Promise<{ version: ProjectVersionInfo }> {
    return this.run(async () => {
      const { project } = await this.base(baseVersion);
      const version = await this.workspace.save(removeTemplate(project, templateId), author, `Template ${templateId} deleted`);
      return { version };
    });
  }

  /** Every version and the current project as one file (secrets included: it moves a project between workstations). */
  async exportBundle(now = new Date()): Promise<{ fileName: string; content: string; versions: number }> {
    const versions = await this.workspace.versions();
    if (versions.length === 0) throw new TemplateEditError('BadRequest', 'There is no project version to export: generate or import a project first');
    const content = await exportBundle(this.workspace.dir, { now });
    const { project } = await this.workspace.current();
    const stamp = now.toISOString().slice(0, 19).replaceAll(':', '-');
    return { fileName: `${safeFileName(project?.name ?? 'project')}-${stamp}.evproject.json`, content, versions: versions.length };
  }

  /**
   * A bundle, checked whole before anything is written. Into an empty history its versions come
   * as they were (numbers, authors, times); otherwise its current project becomes one new version.
   */
  importBundle(text: string, author: string, fileName = 'bundle'): Promise<BundleImportResult> {
    return this.run(async () => {
      const parsed = parseBundle(text, fileName);
      const masked = [...parsed.versions.flatMap((v) => maskedSecrets(v.project, `/versions/${v.id}/project`)), ...maskedSecrets(parsed.current, '/current')];
      if (masked.length > 0) {
        throw new ProjectError(
          fileName,
          masked.slice(0, 10).map((pointer) => ({ pointer, message: 'is a masked secret (********): this is a project read for display, not a bundle; export the bundle with GET /api/v1/project/bundle' })),
          'cannot be imported',
        );
      }
      const existing = await this.workspace.versions();
      // The history comes along only into a folder that has none (and when the bundle has one).
      if (existing.length === 0 && parsed.versions.length > 0 && !existsSync(join(this.workspace.dir, PROJECT_FILE_NAME))) {
        const versions = await importBundle(this.workspace.dir, text, fileName);
        return { mode: 'history', name: parsed.name, versions, bundleVersions: parsed.versions.length };
      }
      const last = parsed.versions.at(-1);
      const from = last ? `version ${last.id} of ${parsed.versions.length}, ${last.author}, ${last.time}` : 'no history';
      const version = await this.workspace.save(parsed.current, author, `Imported from bundle ${fileName} ("${parsed.name}", ${from})`);
      return { mode: 'current', name: parsed.name, versions: [version], bundleVersions: parsed.versions.length };
    });
  }

  async previewAddCharging(library: ChargingLibrary, sizing: AddChargingRequest = {}): Promise<AddChargingReport> {
    const { project } = await this.base();
    const merged = mergeLibrary(project, library, sizing);
    checkProject(merged.project, 'the project with the EV-charging library');
    return merged.report;
  }

  /** Merges the library; a new version only when something changes. */
  addCharging(library: ChargingLibrary, author: string, sizing: AddChargingRequest = {}): Promise<{ report: AddChargingReport; version: ProjectVersionInfo | null }> {
    return this.run(async () => {
      const { project } = await this.base();
      const { project: next, report } = mergeLibrary(project, library, sizing);
      if (!report.changed) return { report, version: null };
      checkProject(next, 'the project with the EV-charging library');
      const count = (o: { added: string[] }) => o.added.length;
      const message = `EV charging added: ${report.stations ? `${report.stations.length} charger(s), ` : ''}${count(report.templates)} template(s), ${count(report.views)} view(s), ${count(report.alarmRules)} alarm rule(s)${report.symbols ? `, ${count(report.symbols)} symbol(s)` : ''} added; ${
        report.templates.kept.length + report.views.kept.length + report.alarmRules.kept.length + (report.symbols?.kept.length ?? 0)
      } customised item(s) kept`;
      const version = await this.workspace.save(next, author, message);
      return { report, version };
    });
  }

}
