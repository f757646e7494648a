// Editing a project's station templates, pure: which stations use each template, what a template
// change does to them (instances keep the fields they override), and the project with a template
// added, replaced or removed. Nothing here reads or writes files: project-editor.ts does.
import type { FieldChange, ProjectFileV2, ResolvedStation, StationInstance, StationTemplate } from '../../src-shared/project/index.ts';
import type { TemplateCheck, TemplateInstanceChange, TemplateProblem } from '../../src-shared/api/templates.ts';
import { jsonDiff } from './diff.ts';
import { ProjectError } from './errors.ts';
import { checkProject } from './load.ts';
import { OVERRIDABLE_FIELDS, resolveStation, templateProblems } from './templates.ts';
import { ApiError, type RefusalCode } from '../../src-shared/api/index.ts';

/** A refused template edit: the code says whose fault (BadRequest, NotFound, Conflict), the message what to do. */
export class TemplateEditError extends ApiError {
  declare readonly code: RefusalCode;
  readonly problems: readonly TemplateProblem[];
  constructor(code: RefusalCode, message: string, problems: readonly TemplateProblem[] = []) {
    super(code, message);
    this.name = 'TemplateEditError';
    this.problems = problems;
  }
}

interface PlacedInstance {
  site: string;
  park: string;
  instance: StationInstance;
}

function instancesOf(project: ProjectFileV2): PlacedInstance[] {
  return project.sites.flatMap((site) => site.parks.flatMap((park) => park.stations.map((instance) => ({ site: site.id, park: park.id, instance }))));
}

/** Template id → ids of the stations made from it (every template of the project listed, used or not). */
export function templateUsage(project: ProjectFileV2): Map<string, string[]> {
  const usage = new Map<string, string[]>(project.templates.map((t) => [t.id, []]));
  for (const { instance } of instancesOf(project)) {
    const list = usage.get(instance.template);
    if (list) list.push(instance.id);
    else usage.set(instance.template, [instance.id]);
  }
  return usage;
}

/** The values people see on a station, without identity and placement (those never come from a template). */
function effective(station: ResolvedStation): Record<string, unknown> {
  const { id: _id, name: _name, site: _site, park: _park, group: _group, template: _template, password: _password, position: _position, overridden: _overridden, ...values } = station;
  return values;
}

/** Top-level template fields that differ between two versions of a template. */
function changedFields(before: StationTemplate, after: StationTemplate): string[] {
  const fields: string[] = ['protocol', ...OVERRIDABLE_FIELDS];
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  return fields.filter((f) => JSON.stringify(b[f]) !== JSON.stringify(a[f]));
}

/**
 * What replacing the project's template `next.id` by `next` does to each station made from it: the
 * effective values that change, and the changed fields the station keeps because it overrides them.
 * A template the project does not have yet reaches no station.
 */
export function templateInstanceChanges(project: ProjectFileV2, next: StationTemplate): { changes: TemplateInstanceChange[]; unchanged: string[] } {
  const before = project.templates.find((t) => t.id === next.id);
  if (!before) return { changes: [], unchanged: [] };
  const touched = changedFields(before, next);
  const changes: TemplateInstanceChange[] = [];
  const unchanged: string[] = [];
  for (const { site, park, instance } of instancesOf(project)) {
    if (instance.template !== next.id) continue;
    const place = { site, park };
    const fieldChanges: FieldChange[] = jsonDiff(effective(resolveStation(instance, before, place)), effective(resolveStation(instance, next, place)));
    const overrides = (instance.overrides ?? {}) as Record<string, unknown>;
    const kept = touched.filter((f) => (f === 'protocol' ? instance.protocol !== undefined : overrides[f] !== undefined));
    if (fieldChanges.length === 0) unchanged.push(instance.id);
    else changes.push({ stationId: instance.id, site, park, changes: fieldChanges, kept });
  }
  return { changes, unchanged };
}

/** The project with `template` added (create) or replacing the template of the same id. Throws TemplateEditError. */
function withTemplate(project: ProjectFileV2, data: unknown, create: boolean): ProjectFileV2 {
  const problems = templateProblems(data);
  if (problems.length > 0) throw new TemplateEditError('BadRequest', `The template is not valid: ${problems.map((p) => `${p.pointer || '(template)'} ${p.message}`).join('; ')}`, problems);
  const template = data as StationTemplate;
  const index = project.templates.findIndex((t) => t.id === template.id);
  if (create && index >= 0) throw new TemplateEditError('Conflict', `The project already has a template "${template.id}": choose another id, or edit that one`, [{ pointer: '/id', message: `"${template.id}" is already a template of the project` }]);
  if (!create && index < 0) throw new TemplateEditError('NotFound', `The project has no template "${template.id}" to change (create it instead)`, [{ pointer: '/id', message: `"${template.id}" is not a template of the project` }]);
  const next = structuredClone(project);
  if (index >= 0) next.templates[index] = structuredClone(template);
  else next.templates.push(structuredClone(template));
  // The whole project must stay valid with the new values (an instance override may no longer fit, for instance).
  try {
    checkProject(next, 'the project with this template');
  } catch (error) {
    if (error instanceof ProjectError) throw new TemplateEditError('BadRequest', error.message, error.problems);
    throw error;
  }
  return next;
}

/** Problems of a draft and which stations saving it would change. Changes nothing. */
export function checkTemplateDraft(project: ProjectFileV2, data: unknown, create: boolean): TemplateCheck {
  try {
    withTemplate(project, data, create);
  } catch (error) {
    if (error instanceof TemplateEditError) return { problems: error.problems.length > 0 ? [...error.problems] : [{ pointer: '', message: error.message }], changes: [], unchanged: [] };
    throw error;
  }
  return { problems: [], ...templateInstanceChanges(project, data as StationTemplate) };
}

/** The project with the template saved, and the stations it changes. Throws TemplateEditError. */
export function putTemplate(project: ProjectFileV2, data: unknown, create: boolean): { project: ProjectFileV2; changes: TemplateInstanceChange[]; unchanged: string[] } {
  const next = withTemplate(project, data, create);
  return { project: next, ...templateInstanceChanges(project, data as StationTemplate) };
}

/** The project without the template; refused (Conflict, naming them) while stations use it. */
export function removeTemplate(project: ProjectFileV2, templateId: string): ProjectFileV2 {
  if (!project.templates.some((t) => t.id === templateId)) throw new TemplateEditError('NotFound', `The project has no template "${templateId}"`);
  const users = templateUsage(project).get(templateId) ?? [];
  if (users.length > 0) {
    const shown = users.slice(0, 20).join(', ');
    throw new TemplateEditError(
      'Conflict',
      `Template "${templateId}" is used by ${users.length} station(s): ${shown}${users.length > 20 ? `, and ${users.length - 20} more` : ''}. Move them to another template (or remove them) first; nothing was deleted`,
    );
  }
  return { ...structuredClone(project), templates: project.templates.filter((t) => t.id !== templateId).map((t) => structuredClone(t)) };
}
