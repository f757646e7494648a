import { describe, expect, it } from 'vitest';
import type { WizardAnswers } from '../../src-shared/project/index.ts';
import { declarationChanges, planProjectApply } from './apply.ts';
import { generateProject } from './generator.ts';
import { toRuntimeProject } from './runtime.ts';
import { loadTemplateLibrary, resolveProject } from './templates.ts';

const library = loadTemplateLibrary();

function answers(stations: string, limitW: number): WizardAnswers {
  return {
    name: 'Park',
    sites: [{ id: 'S1', name: 'Site', parks: [{ id: 'P1', name: 'Park 1', groups: [{ id: 'G1', name: 'Feeder', maxPowerW: limitW }], stations: [{ template: 'ac-22kw-wallbox', pattern: stations, group: 'G1' }] }] }],
    security: { securityProfile: 0 },
  };
}

const resolved = (a: WizardAnswers) => resolveProject(generateProject(a, library));

describe('planProjectApply', () => {
  it('lists the stations added and removed and the group limits changed', () => {
    const before = resolved(answers('CP{1..3}', 100_000));
    const after = resolved(answers('CP{2..5}', 60_000));
    const plan = planProjectApply(before, after, 1, 2);
    expect(plan.from).toBe(1);
    expect(plan.to).toBe(2);
    expect(plan.stations.added.map((s) => s.id)).toEqual(['CP4', 'CP5']);
    expect(plan.stations.removed.map((s) => s.id)).toEqual(['CP1']);
    expect(plan.groups.changed).toHaveLength(1);
    expect(plan.groups.changed[0]?.changes).toContainEqual({ field: 'maxPowerW', before: 100_000, after: 60_000 });
    expect(plan.same).toBe(false);
  });

  it('says "same" when the version is what runs', () => {
    const project = resolved(answers('CP{1..3}', 100_000));
    expect(planProjectApply(project, project, 1, 1).same).toBe(true);
  });

  it('treats a supervisor without a project as running an empty one', () => {
    const plan = planProjectApply(null, resolved(answers('CP{1..2}', 50_000)), null, 1);
    expect(plan.stations.added.map((s) => s.id)).toEqual(['CP1', 'CP2']);
    expect(plan.groups.added.map((g) => g.id)).toEqual(['G1']);
  });
});

describe('declarationChanges', () => {
  it('declares new and changed stations and drops the removed ones', () => {
    const before = toRuntimeProject(resolved(answers('CP{1..3}', 100_000)));
    const after = toRuntimeProject(resolved(answers('CP{2..4}', 100_000)));
    const changes = declarationChanges(before, after);
    // CP2 and CP3 moved on the auto grid: their declaration (position) changed too.
    expect(changes.declare.map((d) => d.id)).toContain('CP4');
    expect(changes.undeclare).toEqual(['CP1']);
  });

  it('declares nothing when nothing changed', () => {
    const project = toRuntimeProject(resolved(answers('CP{1..3}', 100_000)));
    expect(declarationChanges(project, project)).toEqual({ declare: [], undeclare: [] });
  });
});
