// Template edits, pure: which stations a template change reaches (instances keep the fields
// they override), validation of a draft, create/replace/remove with the stations in the way named.
import { describe, expect, it } from 'vitest';
import { TemplateEditError, checkTemplateDraft, putTemplate, removeTemplate, resolveProject, templateInstanceChanges, templateUsage } from './index.ts';
import { smallProject, template } from './test-support.ts';

function refusal(work: () => unknown): TemplateEditError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateEditError);
    return error as TemplateEditError;
  }
  throw new Error('accepted');
}

describe('templateUsage', () => {
  it('lists the stations made from each template, unused ones with none', () => {
    const project = smallProject();
    project.templates.push(template({ id: 'spare', name: 'Spare' }));
    const usage = templateUsage(project);
    expect(usage.get('t-ac22')).toEqual(['CP1', 'CP2', 'CP3']);
    expect(usage.get('spare')).toEqual([]);
  });
});

describe('templateInstanceChanges', () => {
  it('a new power reaches the stations without an override; CP2 (own maxPowerW) keeps its own and is unchanged', () => {
    const project = smallProject();
    const next = template({ maxPowerW: 30_000 });
    const { changes, unchanged } = templateInstanceChanges(project, next);
    expect(changes.map((c) => c.stationId)).toEqual(['CP1', 'CP3']);
    expect(unchanged).toEqual(['CP2']);
    const cp1 = changes.find((c) => c.stationId === 'CP1');
    expect(cp1).toMatchObject({ site: 's1', park: 'p1', kept: [] });
    expect(cp1?.changes).toContainEqual({ field: 'maxPowerW', before: 22_000, after: 30_000 });
    expect(cp1?.changes).toContainEqual({ field: 'connectors/1/maxPowerW', before: 22_000, after: 30_000 });
  });

  it('reports the fields a station keeps while other fields still change', () => {
    const project = smallProject();
    const next = template({ maxPowerW: 30_000, vendor: 'NewVendor' });
    const { changes } = templateInstanceChanges(project, next);
    const cp2 = changes.find((c) => c.stationId === 'CP2');
    expect(cp2?.kept).toEqual(['maxPowerW']);
    expect(cp2?.changes).toEqual([{ field: 'vendor', before: 'ACME', after: 'NewVendor' }]);
    // The instance's protocol is its own: a template protocol change is kept by CP2 only.
    const protocol = templateInstanceChanges(project, template({ protocol: 'ocpp2.0.1' }));
    expect(protocol.unchanged).toEqual(['CP2']);
    expect(protocol.changes.map((c) => c.stationId)).toEqual(['CP1', 'CP3']);
  });

  it('agrees with resolving the saved project: the stations listed are exactly the ones whose values moved', () => {
    const project = smallProject();
    const { project: saved, changes } = putTemplate(project, template({ maxPowerW: 11_000 }), false);
    const before = new Map(resolveProject(project).stations.map((s) => [s.id, s.maxPowerW]));
    const after = new Map(resolveProject(saved).stations.map((s) => [s.id, s.maxPowerW]));
    const moved = [...after.keys()].filter((id) => after.get(id) !== before.get(id));
    expect(changes.map((c) => c.stationId)).toEqual(moved);
    expect(after.get('CP1')).toBe(11_000);
    expect(after.get('CP2')).toBe(11_000);
  });

  it('a template not yet in the project reaches no station', () => {
    expect(templateInstanceChanges(smallProject(), template({ id: 'new' }))).toEqual({ changes: [], unchanged: [] });
  });
});

describe('putTemplate / checkTemplateDraft', () => {
  it('adds a duplicated template under a new id, leaving the stations alone', () => {
    const project = smallProject();
    const { project: next, changes } = putTemplate(project, { ...template(), id: 't-ac22-copy', name: 'Copy' }, true);
    expect(next.templates.map((t) => t.id)).toEqual(['t-ac22', 't-ac22-copy']);
    expect(changes).toEqual([]);
    expect(project.templates).toHaveLength(1);
  });

  it('names each faulty field of a draft and changes nothing', () => {
    const project = smallProject();
    const draft = { ...template(), maxPowerW: -5, connectors: [], phases: 2 };
    const check = checkTemplateDraft(project, draft, false);
    const pointers = check.problems.map((p) => p.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/maxPowerW', '/connectors', '/phases']));
    expect(check.changes).toEqual([]);
    const error = refusal(() => putTemplate(project, draft, false));
    expect(error.code).toBe('BadRequest');
    expect(error.message).toContain('/maxPowerW');
    expect(project.templates[0]?.maxPowerW).toBe(22_000);
  });

  it('refuses to create over an existing id and to edit a missing one', () => {
    expect(refusal(() => putTemplate(smallProject(), template(), true)).code).toBe('Conflict');
    expect(refusal(() => putTemplate(smallProject(), template({ id: 'nope' }), false)).code).toBe('NotFound');
    expect(checkTemplateDraft(smallProject(), template(), true).problems[0]?.pointer).toBe('/id');
  });

  it('refuses duplicate alarm rule ids in a template', () => {
    const rule = { id: 'r', name: 'R', kind: 'communicationLost', severity: 'major' as const };
    const check = checkTemplateDraft(smallProject(), template({ alarmRules: [rule, rule] }), false);
    expect(check.problems).toContainEqual({ pointer: '/alarmRules/1/id', message: '"r" is declared twice' });
  });
});

describe('removeTemplate', () => {
  it('refuses while stations use it and names them; removes an unused one', () => {
    const project = smallProject();
    const error = refusal(() => removeTemplate(project, 't-ac22'));
    expect(error.code).toBe('Conflict');
    expect(error.message).toContain('CP1, CP2, CP3');
    project.templates.push(template({ id: 'spare', name: 'Spare' }));
    expect(removeTemplate(project, 'spare').templates.map((t) => t.id)).toEqual(['t-ac22']);
    expect(refusal(() => removeTemplate(project, 'nope')).code).toBe('NotFound');
  });
});
