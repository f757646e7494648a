// Badge categories of the project (issue 4): a pure core (the project with a category put or
// removed, refused with field-by-field problems or naming the badges in the way) and the I/O shell
// that reads the latest version and saves the next one through the workspace's one edit queue. The
// caller applies the new version to the running supervisor, as for templates.
import type { BadgeCategory, ProjectFileV2, ProjectVersionInfo } from '../../src-shared/project/index.ts';
import { type BadgeCategoryProblem, badgeCategoryProblems, badgeCategoryUsage, normalizeBadgeCategory } from '../../src-shared/project/badge-categories.ts';
import type { BadgeCategoryList } from '../../src-shared/api/badge-categories.ts';
import { ProjectError } from './errors.ts';
import { checkProject } from './load.ts';
import type { ProjectWorkspace } from './workspace.ts';
import { ApiError, type RefusalCode } from '../../src-shared/api/index.ts';

/** A refused category edit: the code says whose fault, the problems which field. */
export class BadgeCategoryError extends ApiError {
  declare readonly code: RefusalCode;
  readonly problems: readonly BadgeCategoryProblem[];
  constructor(code: RefusalCode, message: string, problems: readonly BadgeCategoryProblem[] = []) {
    super(code, message);
    this.name = 'BadgeCategoryError';
    this.problems = problems;
  }
}

/** An archive badge as far as categories go. */
export interface CategorizedBadge {
  idTag: string;
  category?: string | null;
}

/**
 * Category id → project badges and operator badges in it. A project badge is seeded into the
 * archive with its category: it is listed once, as a project badge.
 */
function usage(categoryIds: readonly string[], project: Pick<ProjectFileV2, 'badges'> | null, archiveBadges: readonly CategorizedBadge[]): Map<string, { project: string[]; archive: string[] }> {
  const inProject = badgeCategoryUsage(categoryIds, project?.badges ?? []);
  const inArchive = badgeCategoryUsage(categoryIds, archiveBadges);
  return new Map(
    categoryIds.map((id) => {
      const own = inProject.get(id) ?? [];
      return [id, { project: own, archive: (inArchive.get(id) ?? []).filter((tag) => !own.includes(tag)) }];
    }),
  );
}

function listed(ids: readonly string[], max = 20): string {
  return `${ids.slice(0, max).join(', ')}${ids.length > max ? `, and ${ids.length - max} more` : ''}`;
}

/** Problems of the draft against the project: its own fields, then the whole project with it. */
function draftProblems(project: ProjectFileV2, data: unknown, create: boolean | undefined): { problems: BadgeCategoryProblem[]; next: ProjectFileV2 | null } {
  const existing = new Set((project.badgeCategories ?? []).map((c) => c.id));
  const problems = badgeCategoryProblems(data, { create, existing });
  if (problems.length > 0) return { problems, next: null };
  const category = normalizeBadgeCategory(data as BadgeCategory);
  const categories = (project.badgeCategories ?? []).map((c) => structuredClone(c));
  const index = categories.findIndex((c) => c.id === category.id);
  if (index >= 0) categories[index] = category;
  else categories.push(category);
  const next: ProjectFileV2 = { ...structuredClone(project), badgeCategories: categories };
  try {
    checkProject(next, 'the project with this badge category');
  } catch (error) {
    if (!(error instanceof ProjectError)) throw error;
    const at = `/badgeCategories/${index >= 0 ? index : categories.length - 1}`;
    const own = error.problems.map((p): BadgeCategoryProblem => ({ pointer: p.pointer.startsWith(at) ? p.pointer.slice(at.length) : '', code: 'invalid', message: p.pointer.startsWith(at) ? p.message : `${p.pointer} ${p.message}` }));
    return { problems: own, next: null };
  }
  return { problems: [], next };
}

function problemsText(problems: readonly BadgeCategoryProblem[]): string {
  return problems.map((p) => `${p.pointer || '(category)'}: ${p.message}`).join('; ');
}

/** The project with the category added or replaced (create: true refuses an id it has, false one it has not). */
export function putBadgeCategory(project: ProjectFileV2, data: unknown, create?: boolean): ProjectFileV2 {
  const { problems, next } = draftProblems(project, data, create);
  if (!next) {
    const code = problems.some((p) => p.code === 'taken') ? 'Conflict' : problems.some((p) => p.code === 'notFound') ? 'NotFound' : 'BadRequest';
    throw new BadgeCategoryError(code, `The badge category is not valid: ${problemsText(problems)}; nothing was saved`, problems);
  }
  return next;
}

/** The project without the category; refused (Conflict, naming them) while project or archive badges use it. */
export function removeBadgeCategory(project: ProjectFileV2, categoryId: string, archiveBadges: readonly CategorizedBadge[] = []): ProjectFileV2 {
  if (!(project.badgeCategories ?? []).some((c) => c.id === categoryId)) throw new BadgeCategoryError('NotFound', `The project has no badge category "${categoryId}"`);
  const { project: inProject, archive: inArchive } = usage([categoryId], project, archiveBadges).get(categoryId) ?? { project: [], archive: [] };
  if (inProject.length + inArchive.length > 0) {
    const parts = [
      inProject.length > 0 ? `${inProject.length} project badge(s): ${listed(inProject)}` : '',
      inArchive.length > 0 ? `${inArchive.length} operator badge(s): ${listed(inArchive)}` : '',
    ].filter(Boolean);
    throw new BadgeCategoryError('Conflict', `Badge category "${categoryId}" is used by ${parts.join('; ')}. Move those badges to another category first; nothing was deleted`);
  }
  const next = structuredClone(project);
  next.badgeCategories = (project.badgeCategories ?? []).filter((c) => c.id !== categoryId).map((c) => structuredClone(c));
  return next;
}

/** The categories and badges of the project the supervisor runs. */
export type RunningCategories = () => Pick<ProjectFileV2, 'badgeCategories' | 'badges'> | null;

export class BadgeCategoryEditor {
  private readonly workspace: ProjectWorkspace;
  private readonly archiveBadges: () => readonly CategorizedBadge[];
  private readonly running: RunningCategories;

  /**
   * `archiveBadges`: the operator-managed badges, so that a category they use is not deleted.
   * `running`: the project run, listed when the history has none (a project run without history).
   */
  constructor(workspace: ProjectWorkspace, archiveBadges: () => readonly CategorizedBadge[] = () => [], running: RunningCategories = () => null) {
    this.workspace = workspace;
    this.archiveBadges = archiveBadges;
    this.running = running;
  }

  /** The latest version; refused when there is none or when it is not `baseVersion`. */
  private async base(baseVersion?: number | null): Promise<ProjectFileV2> {
    return (await this.workspace.editable(baseVersion)).project;
  }

  async list(): Promise<BadgeCategoryList> {
    const current = await this.workspace.current();
    const version = current.version;
    const project = current.project ?? this.running();
    const categories = project?.badgeCategories ?? [];
    const ids = categories.map((c) => c.id);
    const used = usage(ids, project, this.archiveBadges());
    return {
      version: version?.id ?? null,
      categories: categories.map((category) => ({ category, projectBadges: used.get(category.id)?.project ?? [], archiveBadges: used.get(category.id)?.archive ?? [] })),
    };
  }

  /** Ids of the categories of the project the supervisor runs (the choices of an operator badge). */
  runningIds(): string[] {
    return (this.running()?.badgeCategories ?? []).map((c) => c.id);
  }

  async check(data: unknown, create?: boolean): Promise<BadgeCategoryProblem[]> {
    return draftProblems(await this.base(), data, create).problems;
  }

  put(data: BadgeCategory, author: string, options: { create?: boolean; baseVersion?: number | null } = {}): Promise<ProjectVersionInfo> {
    return this.workspace.exclusive(async () => {
      const project = await this.base(options.baseVersion);
      const existed = (project.badgeCategories ?? []).some((c) => c.id === data.id);
      const next = putBadgeCategory(project, data, options.create);
      return this.workspace.save(next, author, `Badge category ${data.id} ${existed ? 'edited' : 'added'}`);
    });
  }

  remove(categoryId: string, author: string, baseVersion?: number | null): Promise<ProjectVersionInfo> {
    return this.workspace.exclusive(async () => {
      const project = await this.base(baseVersion);
      return this.workspace.save(removeBadgeCategory(project, categoryId, this.archiveBadges()), author, `Badge category ${categoryId} deleted`);
    });
  }
}
