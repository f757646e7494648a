// The running supervisor's project folder (data/project): the version history of the project
// it runs. A project given on the command line becomes a new version when it differs from the
// latest one; the wizard, station imports and restores add versions too. Changes are applied
// live by src-main/app/live-project.ts (applyProject), the wizard's at once.
import { existsSync } from 'node:fs';
import type { ProjectDiff, ProjectFileV2, ProjectVersionInfo, ProjectVersionRecord, ResolvedProject, WizardAnswers } from '../../src-shared/project/index.ts';
import { checkProject } from './load.ts';
import { generateProject } from './generator.ts';
import { importStations, formatImportErrors, type ImportRowError } from './import.ts';
import { loadTemplateLibrary } from './templates.ts';
import { diffVersions, listVersions, readVersion, restoreVersion, saveVersion } from './versions.ts';
import { ProjectError } from './errors.ts';
import { wizardAnswersSchema } from './schema.ts';
import { createAjv } from '../schemas/index.ts';
import { ApiError } from '../../src-shared/api/index.ts';

const validateAnswers = createAjv({ allErrors: true }).compile(wizardAnswersSchema);

const SECRET_KEYS = new Set(['password', 'passwordHash', 'passwordSeed']);

/** A copy of a project with every secret replaced, for people and integrators to read. */
export function maskSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.has(k) && typeof v === 'string' ? '********' : maskSecrets(v)])) as T;
}

export class ProjectWorkspace {
  readonly dir: string;
  /** Read-modify-save edits of the project, one at a time whoever makes them (editors, plans, symbols, wizard). */
  private edits: Promise<unknown> = Promise.resolve();

  private constructor(dir: string) {
    this.dir = dir;
  }

  /**
   * Runs an edit (read the latest version, check, save the next) after the edits before it, so
   * that two screens saving at the same moment never base their versions on the same one.
   * `work` must not call exclusive() itself.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.edits.then(work);
    this.edits = run.catch(() => undefined);
    return run;
  }

  /** Opens the folder; `source` (the project started with) becomes a version when it is new. */
  static async open(dir: string, source: { resolved: ResolvedProject; path: string } | null, author = 'system'): Promise<ProjectWorkspace> {
    const workspace = new ProjectWorkspace(dir);
    if (!source) return workspace;
    const versions = existsSync(dir) ? await listVersions(dir) : [];
    const latest = versions.at(-1);
    const current = latest ? (await readVersion(dir, latest.id)).project : null;
    if (JSON.stringify(current) !== JSON.stringify(source.resolved.project)) {
      await saveVersion(dir, source.resolved.project, { author, message: `Loaded from ${source.path}` });
    }
    return workspace;
  }

  /**
   * The latest version kept in a project folder, resolved, or null when it has none: what a
   * restart runs when no project is named (so a generated or applied project survives restarts).
   */
  static async latest(dir: string): Promise<{ id: number; resolved: ResolvedProject } | null> {
    const versions = existsSync(dir) ? await listVersions(dir) : [];
    const latest = versions.at(-1);
    if (!latest) return null;
    const record = await readVersion(dir, latest.id);
    return { id: latest.id, resolved: checkProject(record.project, `${dir} version ${latest.id}`) };
  }

  async current(): Promise<{ version: ProjectVersionInfo | null; project: ProjectFileV2 | null }> {
    const versions = existsSync(this.dir) ? await listVersions(this.dir) : [];
    const latest = versions.at(-1) ?? null;
    return { version: latest, project: latest ? (await readVersion(this.dir, latest.id)).project : null };
  }

  /**
   * The latest version, for an edit based on `baseVersion` (the one the editor showed): refused
   * (BadRequest) when there is none, (Conflict) when another edit came in between. Call it inside
   * exclusive(), with the save, so that nothing comes in between the check and the save.
   */
  async editable(baseVersion?: number | null): Promise<{ project: ProjectFileV2; version: ProjectVersionInfo }> {
    const { project, version } = await this.current();
    if (!project || !version) throw new ApiError('BadRequest', 'There is no project version to change: generate or import a project first');
    if (baseVersion !== undefined && baseVersion !== null && baseVersion !== version.id) {
      throw new ApiError('Conflict', `The project changed meanwhile (version ${baseVersion} → ${version.id}, ${version.author}: ${version.message}); nothing was saved: reload and edit again`);
    }
    return { project, version };
  }

  versions(): Promise<ProjectVersionInfo[]> {
    return existsSync(this.dir) ? listVersions(this.dir) : Promise.resolve([]);
  }

  diff(a: number, b: number): Promise<ProjectDiff> {
    return diffVersions(this.dir, a, b);
  }

  restore(id: number, author: string): Promise<ProjectVersionInfo> {
    return this.exclusive(async () => this.announce(await restoreVersion(this.dir, id, { author })));
  }

  /** An edited project (a ground plan moved...) saved as the next version (validated first). */
  async save(project: ProjectFileV2, author: string, message: string): Promise<ProjectVersionInfo> {
    return this.announce(await saveVersion(this.dir, project, { author, message }));
  }

  /**
   * Told of every version saved here (edits, wizard, import, restore), applied or not, so that
   * every client's version list follows (the supervisor publishes it on the bus).
   */
  onSaved: ((version: ProjectVersionInfo) => void) | null = null;

  private announce(version: ProjectVersionInfo): ProjectVersionInfo {
    this.onSaved?.(version);
    return version;
  }

  /** The wizard: answers in, a complete project out (validated); saved as a version when asked. */
  async generate(answers: WizardAnswers, author: string, save: boolean): Promise<{ project: ProjectFileV2; version: ProjectVersionInfo | null }> {
    if (!validateAnswers(answers)) {
      throw new ProjectError('wizard answers', (validateAnswers.errors ?? []).slice(0, 10).map((e) => ({ pointer: e.instancePath, message: e.message ?? 'is invalid' })));
    }
    const project = generateProject(answers, loadTemplateLibrary());
    checkProject(project, 'generated project');
    const version = save ? await this.exclusive(async () => this.announce(await saveVersion(this.dir, project, { author, message: `Generated by the wizard: ${answers.name}` }))) : null;
    return { project, version };
  }

  /** One version, secrets included (for the running supervisor, never for people). */
  read(id: number): Promise<ProjectVersionRecord> {
    return readVersion(this.dir, id);
  }

  /** A dry run of importStations: what the list would add and update, or every bad row. Saves nothing. */
  async checkImport(
    content: string | Uint8Array,
  ): Promise<{ ok: boolean; rows: number; errors: ImportRowError[]; added: string[]; updated: string[] }> {
    const { project } = await this.current();
    if (!project) return { ok: false, rows: 0, errors: [{ row: null, column: null, message: 'there is no project to import into' }], added: [], updated: [] };
    const result = await importStations(project, content, { library: loadTemplateLibrary() });
    return result.ok
      ? { ok: true, rows: result.rows, errors: [], added: result.added, updated: result.updated }
      : { ok: false, rows: result.rows, errors: result.errors, added: [], updated: [] };
  }

  /**
   * Imports a CSV or XLSX station list into the current project as one new version. Nothing changes
   * when any row is bad, unless `skipBadRows`: then the good rows are imported and the bad ones listed.
   */
  importStations(
    content: string | Uint8Array,
    author: string,
    options: { skipBadRows?: boolean } = {},
  ): Promise<{ version: ProjectVersionInfo; added: string[]; updated: string[]; skipped: ImportRowError[] }> {
    return this.exclusive(() => this.importNow(content, author, options));
  }

  private async importNow(
    content: string | Uint8Array,
    author: string,
    options: { skipBadRows?: boolean },
  ): Promise<{ version: ProjectVersionInfo; added: string[]; updated: string[]; skipped: ImportRowError[] }> {
    const { project } = await this.current();
    if (!project) throw new ProjectError(this.dir, [{ pointer: '', message: 'there is no project to import into' }], 'is empty');
    const result = await importStations(project, content, { library: loadTemplateLibrary(), skipBadRows: options.skipBadRows ?? false });
    if (!result.ok) throw new ProjectError('station list', result.errors.map((e) => ({ pointer: `row ${e.row}`, message: formatImportErrors([e]) })), `has ${result.errors.length} bad row(s); nothing was imported`);
    const skipped = result.skipped ?? [];
    const rows = result.rows - new Set(skipped.map((e) => e.row)).size;
    const message = `Imported ${rows} station row(s): ${result.added.length} added, ${result.updated.length} updated${skipped.length > 0 ? `; ${new Set(skipped.map((e) => e.row)).size} bad row(s) left out` : ''}`;
    const version = this.announce(await saveVersion(this.dir, result.project, { author, message }));
    return { version, added: result.added, updated: result.updated, skipped };
  }
}
