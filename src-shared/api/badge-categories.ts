// Contract of the badge-category screen (issue 4, R-3.1: a session's priority, usual departure and
// needs come from its badge's category): types and request schemas, spread into ApiCommands /
// requestSchemas by src-shared/api.
import type { BadgeCategory, ProjectApplyPlan, ProjectVersionInfo } from '../project/index.ts';
import type { BadgeCategoryProblem } from '../project/badge-categories.ts';

export type { BadgeCategoryProblem, BadgeCategoryProblemCode } from '../project/badge-categories.ts';

/** One category of the running project with the badges that use it. */
export interface BadgeCategoryInfo {
  category: BadgeCategory;
  /** idTags of the project's badges in this category. */
  projectBadges: string[];
  /** idTags of the other operator-managed badges (archive) in this category (project badges listed above only). */
  archiveBadges: string[];
}

export interface BadgeCategoryList {
  /** The latest project version (null: no project in the history yet). */
  version: number | null;
  categories: BadgeCategoryInfo[];
}

export interface BadgeCategorySaved {
  version: ProjectVersionInfo;
  applied: ProjectApplyPlan;
}

/** Request → response of the commands (merged into ApiCommands). */
export interface BadgeCategoryCommands {
  /** The project's badge categories and the badges using each. */
  listBadgeCategories: { request: Record<string, never>; response: BadgeCategoryList };
  /** Every problem of a category draft, field by field (empty: it can be saved). Changes nothing. */
  checkBadgeCategory: { request: { category: Record<string, unknown>; create?: boolean }; response: { problems: BadgeCategoryProblem[] } };
  /** Adds (create: refused when the id exists) or replaces a category: a new project version, applied live. */
  putBadgeCategory: { request: { category: BadgeCategory; create?: boolean; baseVersion?: number | null }; response: BadgeCategorySaved };
  /** Removes a category no badge uses (refused naming the badges): a new version, applied live. */
  deleteBadgeCategory: { request: { categoryId: string; baseVersion?: number | null }; response: BadgeCategorySaved };
}

type Schema = Record<string, unknown>;
const baseVersion: Schema = { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] };

/** Envelope checks only: the category is checked field by field by badgeCategoryProblems (coded problems). */
export const badgeCategoryRequestSchemas: Record<keyof BadgeCategoryCommands, Schema> = {
  listBadgeCategories: { type: 'object', additionalProperties: false, properties: {} },
  checkBadgeCategory: { type: 'object', additionalProperties: false, required: ['category'], properties: { category: { type: 'object' }, create: { type: 'boolean' } } },
  putBadgeCategory: { type: 'object', additionalProperties: false, required: ['category'], properties: { category: { type: 'object' }, create: { type: 'boolean' }, baseVersion } },
  deleteBadgeCategory: { type: 'object', additionalProperties: false, required: ['categoryId'], properties: { categoryId: { type: 'string', minLength: 1, maxLength: 48 }, baseVersion } },
};
