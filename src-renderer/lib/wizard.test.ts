import { describe, expect, it } from 'vitest';
import { autoPattern, defaultWizardForm, renamePark, fieldOfPointer, serverProblems, stationCount, stationPassword, stepOfField, validateWizard, withAutoPatterns, wizardAnswers, type WizardForm } from './wizard.ts';

const TEMPLATES = new Map<string, number | undefined>([
  ['ac-22kw-wallbox', 2],
  ['dc-150kw', undefined],
]);
const SEED = 'a-seed-of-at-least-16-chars';

function fifty(): WizardForm {
  const form = defaultWizardForm(SEED);
  form.name = 'Depot';
  const batch = form.sites[0]?.parks[0]?.batches[0];
  if (!batch) throw new Error('no default batch');
  batch.count = '50';
  return withAutoPatterns(form);
}

describe('wizard form', () => {
  it('makes a valid 50-station project from the defaults once the name and the count are given', () => {
    const form = fifty();
    expect(validateWizard(form, TEMPLATES)).toEqual([]);
    expect(stationCount(form)).toBe(50);
    const answers = wizardAnswers(form);
    expect(answers.sites[0]?.parks[0]?.stations).toEqual([{ template: 'ac-22kw-wallbox', pattern: 'P1-CP{01..50}', count: 50, group: 'P1-main' }]);
    expect(answers.sites[0]?.parks[0]?.groups).toEqual([{ id: 'P1-main', name: 'Main board', maxPowerW: 250_000 }]);
    expect(answers.security).toEqual({ passwordSeed: SEED });
    expect(answers.archive).toEqual({ kind: 'sqlite' });
  });

  it('gives the project the sites’ time zone, this workstation’s by default; none leaves it to the server', () => {
    const form = fifty();
    expect(form.timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    form.timeZone = 'Europe/Paris';
    expect(wizardAnswers(form).settings).toEqual({ timeZone: 'Europe/Paris' });
    form.timeZone = '';
    expect(wizardAnswers(form).settings).toBeUndefined();
    // A zone the supervisor refuses comes back at the field.
    expect(fieldOfPointer('/settings/timeZone')).toBe('timeZone');
    expect(stepOfField('timeZone')).toBe('name');
  });

  it('numbers a second batch after the first one and pads to the widest number', () => {
    expect(autoPattern('P1', 1, 50)).toBe('P1-CP{01..50}');
    expect(autoPattern('P2', 95, 10)).toBe('P2-CP{095..104}');
    const form = fifty();
    form.sites[0]?.parks[0]?.batches.push({ template: 'dc-150kw', count: '4', pattern: '', patternEdited: false, group: 'P1-main', protocol: '' });
    expect(withAutoPatterns(form).sites[0]?.parks[0]?.batches[1]?.pattern).toBe('P1-CP{51..54}');
  });

  it('keeps a pattern the engineer typed', () => {
    const form = fifty();
    const batch = form.sites[0]?.parks[0]?.batches[0];
    if (!batch) throw new Error('no batch');
    batch.pattern = 'GATE-{1..50}';
    batch.patternEdited = true;
    expect(withAutoPatterns(form).sites[0]?.parks[0]?.batches[0]?.pattern).toBe('GATE-{1..50}');
  });

  it('puts each problem at its field: empty name, bad limit, count that does not fit the pattern, clashing ids, short seed', () => {
    const form = fifty();
    form.name = ' ';
    const park = form.sites[0]?.parks[0];
    if (!park?.groups[0] || !park.batches[0]) throw new Error('no park');
    park.groups[0].maxKw = '-3';
    park.batches[0].pattern = 'P1-CP{01..40}';
    park.batches[0].patternEdited = true;
    park.batches.push({ template: 'nope', count: '2', pattern: 'P1-CP{01..02}', patternEdited: true, group: 'missing', protocol: '' });
    form.passwordSeed = 'short';
    const errors = validateWizard(form, TEMPLATES);
    expect(errors.map((e) => [e.field, e.key])).toEqual([
      ['name', 'required'],
      ['sites.0.parks.0.groups.0.maxKw', 'positive'],
      ['sites.0.parks.0.batches.0.pattern', 'pattern'],
      ['sites.0.parks.0.batches.1.template', 'template'],
      ['sites.0.parks.0.batches.1.group', 'groupRequired'],
      ['passwordSeed', 'seed'],
    ]);
    expect(stepOfField('sites.0.parks.0.batches.1.group')).toBe('stations');
    expect(stepOfField('sites.0.parks.0.groups.0.maxKw')).toBe('groups');
    expect(stepOfField('passwordSeed')).toBe('security');
  });

  it('finds station ids two batches would both make', () => {
    const form = fifty();
    form.sites[0]?.parks[0]?.batches.push({ template: 'dc-150kw', count: '2', pattern: 'P1-CP{49..50}', patternEdited: true, group: 'P1-main', protocol: '' });
    expect(validateWizard(form, TEMPLATES)).toEqual([{ field: 'sites.0.parks.0.batches.1.pattern', key: 'duplicateStation', params: { id: 'P1-CP49' } }]);
  });

  it('asks for SQL Server fields only when SQL Server is chosen, and never a password', () => {
    const form = fifty();
    form.archive = { ...form.archive, kind: 'sqlserver', server: '', database: 'evs', port: '99999', passwordEnv: '1bad' };
    expect(validateWizard(form, TEMPLATES).map((e) => e.field)).toEqual(['archive.server', 'archive.port', 'archive.passwordEnv']);
    form.archive = { ...form.archive, server: 'sql01', port: '1433', passwordEnv: 'EVS_SQL', user: 'evs' };
    expect(wizardAnswers(form).archive).toEqual({ kind: 'sqlserver', server: 'sql01', database: 'evs', port: 1433, encrypt: true, authentication: 'sql', user: 'evs', passwordEnv: 'EVS_SQL' });
  });

  it('maps the generator problems back to form fields', () => {
    const problems = serverProblems('wizard answers cannot make a project:\n  /sites/0/parks/0/stations/1/pattern "x" makes...\n  /security/passwordSeed is required');
    expect(problems.map((p) => fieldOfPointer(p.pointer))).toEqual(['sites.0.parks.0.batches.1.pattern', 'passwordSeed']);
    expect(fieldOfPointer('/sites/0/parks/1/groups/2/maxPowerW')).toBe('sites.0.parks.1.groups.2.maxKw');
    expect(fieldOfPointer('/operators/0/login')).toBe('operators.0.login');
  });
});

describe('wizard form before the template library is loaded', () => {
  it('still checks every other field and leaves template checks to the generator', () => {
    const form = fifty();
    const batch = form.sites[0]?.parks[0]?.batches[0];
    if (!batch) throw new Error('no batch');
    batch.count = '0';
    batch.template = 'anything';
    expect(validateWizard(form, null).map((e) => [e.field, e.key])).toEqual([['sites.0.parks.0.batches.0.count', 'count']]);
  });
});

describe('stationPassword', () => {
  it('derives the same password as the generator (HMAC-SHA256 of the id keyed by the seed)', async () => {
    // Value of derivePassword('a-seed-of-at-least-16-chars', 'P1-CP07') in src-main/project/generator.ts.
    expect(await stationPassword(SEED, 'P1-CP07')).toBe('opT7lvhyMQ9joxyoiOnEV9af');
  });
});

describe('renamePark', () => {
  it('carries the derived group ids, their parents and the batch groups over to the new park id', () => {
    const form = fifty();
    const park = form.sites[0]?.parks[0];
    if (!park) throw new Error('no park');
    park.groups.push({ id: 'P1-F1', name: 'Feeder 1', maxKw: '100', maxA: '', parent: 'P1-main' }, { id: 'custom', name: 'Mine', maxKw: '50', maxA: '', parent: 'P1-F1' });
    renamePark(form, 0, 0, 'NORTH');
    const renamed = withAutoPatterns(form).sites[0]?.parks[0];
    expect(renamed?.groups.map((g) => [g.id, g.parent])).toEqual([
      ['NORTH-main', ''],
      ['NORTH-F1', 'NORTH-main'],
      ['custom', 'NORTH-F1'],
    ]);
    expect(renamed?.batches[0]).toMatchObject({ group: 'NORTH-main', pattern: 'NORTH-CP{01..50}' });
    expect(validateWizard(form, TEMPLATES)).toEqual([]);
  });
});
