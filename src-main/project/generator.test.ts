// The wizard generator: a pure, deterministic function from answers to a valid project.
import { describe, expect, it } from 'vitest';
import type { WizardAnswers } from '../../src-shared/project/index.ts';
import {
  ProjectError,
  checkProject,
  derivePassword,
  expandPattern,
  generateProject,
  gridPositions,
  loadTemplateLibrary,
  toRuntimeProject,
} from './index.ts';
import { answers50, template } from './test-support.ts';

const library = loadTemplateLibrary();

function refused(answers: WizardAnswers): ProjectError {
  try {
    generateProject(answers, library);
  } catch (error) {
    expect(error).toBeInstanceOf(ProjectError);
    return error as ProjectError;
  }
  throw new Error('answers were accepted');
}

describe('expandPattern', () => {
  it('pads to the widest bound when a bound has a leading zero', () => {
    const result = expandPattern('P1-CP{01..50}');
    expect(result.ok && result.ids.length).toBe(50);
    expect(result.ok && [result.ids[0], result.ids[9], result.ids[49]]).toEqual(['P1-CP01', 'P1-CP10', 'P1-CP50']);
    expect(expandPattern('X{001..3}')).toEqual({ ok: true, ids: ['X001', 'X002', 'X003'] });
  });

  it('does not pad without a leading zero', () => {
    expect(expandPattern('CP{9..11}')).toEqual({ ok: true, ids: ['CP9', 'CP10', 'CP11'] });
  });

  it('multiplies several ranges, the leftmost varying slowest', () => {
    expect(expandPattern('P{1..2}-CP{1..3}')).toEqual({ ok: true, ids: ['P1-CP1', 'P1-CP2', 'P1-CP3', 'P2-CP1', 'P2-CP2', 'P2-CP3'] });
  });

  it('takes the length of an open range from the count, and checks a closed one against it', () => {
    expect(expandPattern('DC{01..}', 3)).toEqual({ ok: true, ids: ['DC01', 'DC02', 'DC03'] });
    expect(expandPattern('DC{1..10}', 10).ok).toBe(true);
    expect(expandPattern('DC{1..10}', 8)).toEqual({ ok: false, problem: 'makes 10 station ids but the count is 8' });
    expect(expandPattern('DC{01..}')).toEqual({ ok: false, problem: 'has an open range {n..}: give the number of stations (count)' });
  });

  it('gives a literal id without range, and refuses a count above 1 for it', () => {
    expect(expandPattern('ONLY-ONE')).toEqual({ ok: true, ids: ['ONLY-ONE'] });
    expect(expandPattern('ONLY-ONE', 2).ok).toBe(false);
  });

  it('explains malformed patterns', () => {
    expect(expandPattern('CP{a..b}')).toEqual({ ok: false, problem: 'has "{a..b}", which is not a range such as {01..50} or {1..}' });
    expect(expandPattern('CP{5..1}').ok).toBe(false);
    expect(expandPattern('CP{1..3').ok).toBe(false);
    expect(expandPattern('CP}1')).toEqual({ ok: false, problem: 'has a "}" without its "{"' });
    expect(expandPattern('CP {1..2}')).toEqual({ ok: false, problem: 'makes "CP 1", which is not a valid station id (1 to 48 visible ASCII characters, without spaces)' });
    expect(expandPattern('CP{1..99999}').ok).toBe(false);
  });
});

describe('gridPositions', () => {
  it('spreads stations row by row inside the plan, all distinct', () => {
    const positions = gridPositions(50);
    expect(positions).toHaveLength(50);
    expect(new Set(positions.map((p) => `${p.x},${p.y}`)).size).toBe(50);
    for (const p of positions) {
      expect(p.x).toBeGreaterThan(0);
      expect(p.x).toBeLessThan(100);
      expect(p.y).toBeGreaterThan(0);
      expect(p.y).toBeLessThan(100);
    }
    expect(gridPositions(4, { columns: 4, margin: 0 })).toEqual([
      { x: 12.5, y: 50 },
      { x: 37.5, y: 50 },
      { x: 62.5, y: 50 },
      { x: 87.5, y: 50 },
    ]);
  });
});

describe('generateProject', () => {
  it('makes a valid 54-station project from the answers: parks, groups with limits, templates, views, users, archive', () => {
    const project = generateProject(answers50(), library);
    const resolved = checkProject(project);
    expect(resolved.stations).toHaveLength(54);
    const park1 = project.sites[0]?.parks[0];
    expect(park1?.stations.map((s) => s.id).slice(0, 3)).toEqual(['P1-CP01', 'P1-CP02', 'P1-CP03']);
    expect(park1?.stations[49]?.id).toBe('P1-CP50');
    expect(park1?.stations[30]?.group).toBe('P1-f2');
    expect(park1?.groups[0]).toEqual({ id: 'P1-main', name: 'Main board', maxPowerW: 500_000, maxCurrentA: [720, 720, 720] });
    expect(project.sites[0]?.parks[1]?.stations.map((s) => s.id)).toEqual(['P2-DC1', 'P2-DC2', 'P2-DC3', 'P2-DC4']);
    // Only the library templates used are copied into the project.
    expect(project.templates.map((t) => t.id)).toEqual(['ac-22kw-wallbox', 'dc-150kw']);
    expect(project.views?.map((v) => [v.id, v.park ?? null, v.home ?? false])).toEqual([
      ['home', null, true],
      ['P1-plan', 'P1', false],
      ['P2-plan', 'P2', false],
    ]);
    expect(project.views?.[0]?.links).toEqual(['P1-plan', 'P2-plan']);
    expect(project.users).toEqual([
      { login: 'alice', name: 'Alice', role: 'engineer', mustChangePassword: true },
      { login: 'bob', name: 'Bob', role: 'operator', mustChangePassword: true },
    ]);
    expect(project.roles?.map((r) => r.id)).toEqual(['engineer', 'operator', 'viewer']);
    expect(project.archive).toMatchObject({ kind: 'sqlserver', server: 'db.example.local', passwordEnv: 'EVS_DB_PASSWORD' });
  });

  it('keeps only what differs from the template on each station (protocol, security profile, password)', () => {
    const project = generateProject(answers50(), library);
    const ac = project.sites[0]?.parks[0]?.stations[0];
    // ac-22kw-wallbox speaks 2.0.1 with profile 2; the answers ask profile 1 for all.
    expect(ac).toEqual({
      id: 'P1-CP01',
      template: 'ac-22kw-wallbox',
      group: 'P1-f1',
      password: derivePassword('a-test-seed-of-sixteen-chars', 'P1-CP01'),
      overrides: { securityProfile: 1 },
      position: ac?.position,
    });
    const dc = checkProject(project).stations.find((s) => s.id === 'P2-DC1');
    expect(dc).toMatchObject({ protocol: 'ocpp1.6', securityProfile: 1, kind: 'DC', maxPowerW: 150_000 });
    const passwords = checkProject(project).stations.map((s) => s.password);
    expect(new Set(passwords).size).toBe(54);
    expect(passwords.every((p) => typeof p === 'string' && p.length === 24)).toBe(true);
  });

  it('is deterministic: the same answers give the same project, byte for byte', () => {
    expect(JSON.stringify(generateProject(answers50(), library))).toBe(JSON.stringify(generateProject(answers50(), library)));
  });

  it('does not change the answers or the library', () => {
    const answers = answers50();
    const copy = structuredClone(answers);
    const libraryCopy = structuredClone(library);
    const project = generateProject(answers, library);
    project.templates[0]!.maxPowerW = 1;
    expect(answers).toEqual(copy);
    expect(library).toEqual(libraryCopy);
  });

  it('lays each park out as a grid on its plan', () => {
    const resolved = checkProject(generateProject(answers50(), library));
    const p1 = resolved.stations.filter((s) => s.park === 'P1').map((s) => s.position);
    expect(p1).toEqual(gridPositions(50));
    expect(resolved.views.find((v) => v.id === 'P1-plan')?.effectivePlacements).toHaveLength(50);
  });

  it('gives the runtime view the supervisor runs', () => {
    const runtime = toRuntimeProject(checkProject(generateProject(answers50(), library)));
    expect(runtime.sites[0]?.stations).toHaveLength(54);
    expect(runtime.sites[0]?.groups.map((g) => g.id)).toEqual(['P1-main', 'P1-f1', 'P1-f2', 'P2-main']);
    expect(runtime.sites[0]?.stations[0]).toMatchObject({ id: 'P1-CP01', kind: 'AC', maxPowerW: 22_000, connectors: 1, protocol: 'ocpp2.0.1', park: 'P1' });
  });

  it('rejects station ids made twice, naming both batches and the ids', () => {
    const answers = answers50();
    const park1 = answers.sites[0]?.parks[0];
    if (!park1?.stations[1]) throw new Error('fixture changed');
    park1.stations[1].pattern = 'P1-CP{20..44}';
    const error = refused(answers);
    expect(error.problems).toEqual([
      {
        pointer: '/sites/0/parks/0/stations/1/pattern',
        message:
          '"P1-CP{20..44}" makes station ids "P1-CP20", "P1-CP21", "P1-CP22", "P1-CP23", "P1-CP24" and 1 more already made by /sites/0/parks/0/stations/0: station ids must be unique',
      },
    ]);
  });

  it('rejects duplicates across parks and inside one pattern', () => {
    const answers = answers50();
    const park2 = answers.sites[0]?.parks[1];
    if (!park2?.stations[0]) throw new Error('fixture changed');
    park2.stations[0] = { template: 'dc-150kw', pattern: 'P1-CP01', group: 'P2-main' };
    // (1, 11) and (11, 1) both make X111.
    park2.stations.push({ template: 'dc-150kw', pattern: 'X{1..11}{1..11}', group: 'P2-main' });
    const messages = refused(answers).message;
    expect(messages).toContain('/sites/0/parks/1/stations/0/pattern "P1-CP01" makes station id "P1-CP01" already made by /sites/0/parks/0/stations/0');
    expect(messages).toContain('/sites/0/parks/1/stations/1/pattern "X{1..11}{1..11}" makes station id "X111" already made by this same pattern');
  });

  it('reports every problem at its place in the answers: unknown template, group, bad pattern, missing seed', () => {
    const answers = answers50();
    const park1 = answers.sites[0]?.parks[0];
    if (!park1?.stations[0] || !park1.stations[1]) throw new Error('fixture changed');
    park1.stations[0].template = 'ac-99kw';
    park1.stations[1].group = 'nowhere';
    answers.sites[0]?.parks[1]?.stations.push({ template: 'dc-50kw', pattern: 'Q{1..', group: 'P2-main' });
    delete answers.security?.passwordSeed;
    const error = refused(answers);
    expect(error.message).toMatch(/^wizard answers cannot make a project:/);
    expect(error.problems.map((p) => p.pointer)).toEqual([
      '/sites/0/parks/0/stations/0/template',
      '/sites/0/parks/0/stations/1/group',
      '/sites/0/parks/1/stations/1/pattern',
      '/security/passwordSeed',
    ]);
    expect(error.problems[0]?.message).toMatch(/^"ac-99kw" is not a known template \(known: ac-11kw-wallbox/);
    expect(error.problems[3]?.message).toBe('is required: 29 stations use security profile 1 or 2, which needs a password per station');
  });

  it('checks the answers against their schema first', () => {
    const answers = answers50() as unknown as { sites: { parks: { groups: Record<string, unknown>[] }[] }[]; colour?: string };
    answers.colour = 'blue';
    const group = answers.sites[0]?.parks[0]?.groups[0];
    if (!group) throw new Error('fixture changed');
    group.maxPowerW = -1;
    const error = refused(answers as unknown as WizardAnswers);
    expect(error.problems).toEqual([
      { pointer: '/colour', message: expect.stringMatching(/^is not a known field \(known fields: name, description, sites/) as unknown as string },
      { pointer: '/sites/0/parks/0/groups/0/maxPowerW', message: 'must be at least 0' },
    ]);
  });

  it('reports group tree and operator role problems with pointers into the answers', () => {
    const answers = answers50();
    const groups = answers.sites[0]?.parks[0]?.groups;
    if (!groups?.[1]) throw new Error('fixture changed');
    groups[1].parent = 'missing';
    answers.operators?.push({ login: 'carol', role: 'admin' });
    expect(refused(answers).problems.map((p) => p.pointer)).toEqual(['/sites/0/parks/0/groups/1/parent', '/operators/2/role']);
  });

  it('uses the answers\' own templates before the library, and makes one home view for one park', () => {
    const project = generateProject(
      {
        name: 'One',
        templates: [template({ id: 'ac-22kw-wallbox', name: 'Custom', securityProfile: 0 })],
        sites: [{ id: 's', name: 'S', parks: [{ id: 'p', name: 'P', groups: [{ id: 'g', name: 'G', maxPowerW: 1 }], stations: [{ template: 'ac-22kw-wallbox', pattern: 'A{1..3}', group: 'g' }] }] }],
      },
      library,
    );
    expect(project.templates.map((t) => t.name)).toEqual(['Custom']);
    expect(project.sites[0]?.parks[0]?.stations.every((s) => s.password === undefined)).toBe(true);
    expect(project.views).toEqual([{ id: 'p-plan', name: 'P', park: 'p', home: true }]);
    expect(project.archive).toEqual({ kind: 'sqlite' });
  });
});
